// Process-wide metrics, rendered in the Prometheus text format by the admin API.
// Thread-safe: every method may be called from any thread. Updates are per file, per batch
// or per progress report, never per row, so a mutex is cheap enough. The object lives as
// long as the process: what is rebuilt on a reload (SIGHUP) adds to its counters, it never
// re-publishes them from its own count.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tributary {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  // Declares a metric family once (help text and type shown by Render()).
  void Describe(const std::string& name, const std::string& type, const std::string& help);
  // Adds `delta` to a counter.
  void Add(const std::string& name, const Labels& labels, int64_t delta = 1);
  // Sets a gauge to an integer value.
  void Set(const std::string& name, const Labels& labels, int64_t value);
  // Sets a gauge to a value already written as decimal text (exact money, e.g. "1234.56").
  void SetText(const std::string& name, const Labels& labels, std::string value);
  // Declares a histogram family: `bounds` are the upper bounds of its buckets, ascending
  // (seconds for durations); "+Inf" is implied. Rendered as NAME_bucket{le="…"} (cumulative),
  // NAME_sum and NAME_count.
  void DescribeHistogram(const std::string& name, const std::string& help, std::vector<double> bounds);
  // Records one observation in a histogram declared by DescribeHistogram (ignored otherwise).
  void Observe(const std::string& name, const Labels& labels, double value);
  // Observations recorded in one series of a histogram (0 when none).
  [[nodiscard]] int64_t ObservationCount(const std::string& name, const Labels& labels) const;
  // Drops every series of `name` (used before re-publishing a gauge family).
  void Clear(const std::string& name);
  [[nodiscard]] int64_t Get(const std::string& name, const Labels& labels) const;

  // Prometheus text exposition format, version 0.0.4.
  [[nodiscard]] std::string Render() const;

 private:
  struct Family {
    std::string type = "gauge";
    std::string help;
    std::map<std::string, std::string> series;  // rendered labels -> value text
    std::map<std::string, int64_t> integers;     // rendered labels -> value (counters, gauges)
    std::vector<double> bounds;                  // histograms only
    struct Histogram {
      std::vector<int64_t> buckets;  // per bound, not cumulative; one more for +Inf
      double sum = 0;
      int64_t count = 0;
    };
    std::map<std::string, Histogram> histograms;  // rendered labels -> observations
  };
  static std::string RenderLabels(const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;  // guarded by mutex_
};

}  // namespace tributary
