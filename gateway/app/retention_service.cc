#include "gateway/app/retention_service.h"

#include <stop_token>
#include <thread>

#include <spdlog/spdlog.h>

#include "gateway/store/store.h"

namespace tributary::app {
namespace {

// A batch waits this long for a file being applied to release the write lock; the writer
// is never made to wait for more than one batch.
constexpr std::chrono::seconds kLockWait{60};

std::optional<std::chrono::seconds> Seconds(const std::optional<std::chrono::milliseconds>& duration) {
  if (!duration) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(*duration);
}

class ThreadedRetention final : public RetentionService {
 public:
  ThreadedRetention(std::unique_ptr<store::Store> store, store::RetentionPolicy policy,
                    std::chrono::milliseconds schedule, const Clock& clock, Metrics* metrics)
      : store_(std::move(store)), policy_(policy), schedule_(schedule), clock_(clock), metrics_(metrics) {
    thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
  }
  ~ThreadedRetention() override {
    thread_.request_stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop(std::stop_token stop) {
    do {
      auto report = store_->ApplyRetention(policy_, clock_.Now(), stop);
      if (!report) {
        spdlog::warn("retention: {} (tried again in {} s)", report.error().message,
                     std::chrono::duration_cast<std::chrono::seconds>(schedule_).count());
        continue;
      }
      metrics_->Add("tributary_retention_removed_total", {{"kind", "changes"}}, report->changes_removed);
      metrics_->Add("tributary_retention_removed_total", {{"kind", "rejects"}}, report->rejects_removed);
      metrics_->Add("tributary_retention_removed_total", {{"kind", "files"}}, report->files_removed);
      if (report->complete) metrics_->Set("tributary_retention_last_run_timestamp_seconds", {}, clock_.UnixSeconds());
      if (report->changes_removed + report->rejects_removed + report->files_removed > 0) {
        spdlog::info("retention: {}", store::DescribeRetention(*report));
      }
    } while (clock_.SleepFor(schedule_, stop));
  }

  std::unique_ptr<store::Store> store_;
  store::RetentionPolicy policy_;
  std::chrono::milliseconds schedule_;
  const Clock& clock_;
  Metrics* metrics_;
  std::jthread thread_;  // last: runs only while everything above exists
};

}  // namespace

store::RetentionPolicy RetentionPolicyOf(const config::Config& config) {
  return store::RetentionPolicy{.changes_max_age = Seconds(config.retention.changes),
                                .changes_kept = config.retention.changes_kept,
                                .require_delivered = config.push.has_value(),
                                .rejects_max_age = Seconds(config.retention.rejects),
                                .files_max_age = Seconds(config.retention.files)};
}

Result<std::unique_ptr<RetentionService>> StartRetentionService(const config::Config& config, const Clock& clock,
                                                               Metrics* metrics) {
  metrics->Describe("tributary_retention_removed_total", "counter",
                    "Rows the retention removed from the state database, by kind (changes, rejects, files).");
  metrics->Describe("tributary_retention_last_run_timestamp_seconds", "gauge",
                    "Unix time of the last complete retention pass.");
  for (const char* kind : {"changes", "rejects", "files"}) {
    metrics->Add("tributary_retention_removed_total", {{"kind", kind}}, 0);
  }
  auto store = store::Store::Open(config.state_path, store::StoreOptions{.busy_timeout = kLockWait});
  if (!store) return std::unexpected(store.error());
  return std::make_unique<ThreadedRetention>(std::move(*store), RetentionPolicyOf(config), config.retention.schedule,
                                             clock, metrics);
}

}  // namespace tributary::app
