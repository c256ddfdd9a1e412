// Metrics in the Prometheus text format: histograms (buckets, sum, count).
#include "gateway/common/metrics.h"

#include <gtest/gtest.h>

namespace tributary {
namespace {

TEST(Metrics, HistogramRendersCumulativeBucketsSumAndCount) {
  Metrics metrics;
  metrics.DescribeHistogram("tributary_push_batch_duration_seconds", "Duration.", {0.1, 1, 0.5});
  metrics.Observe("tributary_push_batch_duration_seconds", {}, 0.0625);
  metrics.Observe("tributary_push_batch_duration_seconds", {}, 0.5);  // on a bound: counted in it
  metrics.Observe("tributary_push_batch_duration_seconds", {}, 0.75);
  metrics.Observe("tributary_push_batch_duration_seconds", {}, 3);
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("# TYPE tributary_push_batch_duration_seconds histogram\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tributary_push_batch_duration_seconds_bucket{le=\"0.1\"} 1\n"
                      "tributary_push_batch_duration_seconds_bucket{le=\"0.5\"} 2\n"
                      "tributary_push_batch_duration_seconds_bucket{le=\"1\"} 3\n"
                      "tributary_push_batch_duration_seconds_bucket{le=\"+Inf\"} 4\n"
                      "tributary_push_batch_duration_seconds_sum 4.3125\n"
                      "tributary_push_batch_duration_seconds_count 4\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(metrics.ObservationCount("tributary_push_batch_duration_seconds", {}), 4);
}

TEST(Metrics, HistogramLabelsComeBeforeTheBound) {
  Metrics metrics;
  metrics.DescribeHistogram("d_seconds", "", {1});
  metrics.Observe("d_seconds", {{"connector", "erp"}}, 2);
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("d_seconds_bucket{connector=\"erp\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_bucket{connector=\"erp\",le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_seconds_count{connector=\"erp\"} 1\n"), std::string::npos) << text;
}

TEST(Metrics, ObservingAnUndeclaredHistogramDoesNothing) {
  Metrics metrics;
  metrics.Observe("nothing_seconds", {}, 1);
  EXPECT_EQ(metrics.Render(), "");
  EXPECT_EQ(metrics.ObservationCount("nothing_seconds", {}), 0);
}

}  // namespace
}  // namespace tributary
