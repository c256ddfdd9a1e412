#include "gateway/app/pusher_service.h"

#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "gateway/http/http_client.h"
#include "gateway/store/store.h"
#include "gateway/sync/pusher.h"

namespace tributary::app {
namespace {

class ThreadedPusher final : public PusherService {
 public:
  ThreadedPusher(std::unique_ptr<store::Store> store, std::unique_ptr<http::HttpClient> client,
                 sync::PushOptions options)
      : store_(std::move(store)), client_(std::move(client)), pusher_(*store_, *client_, std::move(options)) {
    thread_ = std::jthread([this](std::stop_token stop) { pusher_.Run(stop); });
  }
  ~ThreadedPusher() override {
    thread_.request_stop();
    pusher_.Notify();
    if (thread_.joinable()) thread_.join();
  }

  void Notify() override { pusher_.Notify(); }

  // The counters and the duration histogram are added to as the pusher goes
  // (PushOptions::metrics); only the gauges of this pusher's life are published here.
  void PublishMetrics(Metrics& metrics) override {
    const sync::PushStats& stats = pusher_.stats();
    metrics.Set("tributary_push_consecutive_failures", {}, static_cast<int64_t>(stats.consecutive_failures.load()));
    const int64_t last_success_ms = stats.last_success_unix_ms.load();
    // A pusher rebuilt by a reload has not delivered yet: the previous one's time stands.
    if (last_success_ms > 0) metrics.Set("tributary_push_last_success_timestamp_seconds", {}, last_success_ms / 1000);
  }

 private:
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  sync::Pusher pusher_;
  std::jthread thread_;  // last: runs only while everything above exists
};

}  // namespace

Result<std::unique_ptr<PusherService>> StartPusherService(const config::Config& config, const Clock& clock,
                                                         Metrics* metrics) {
  const config::PushConfig& push = *config.push;
  metrics->Describe("tributary_push_batches_total", "counter", "Batches the core acknowledged.");
  metrics->Describe("tributary_push_changes_total", "counter", "Changes the core answered, by status.");
  metrics->Describe("tributary_push_batches_parked_total", "counter", "Batches the core refused for good (parked as dead letters).");
  metrics->Describe("tributary_push_retries_total", "counter", "Retried batch attempts.");
  metrics->DescribeHistogram("tributary_push_batch_duration_seconds",
                             "Duration of each HTTP exchange with the core (one batch attempt), in seconds.",
                             {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  metrics->Describe("tributary_push_consecutive_failures", "gauge", "Failed push attempts since the last success.");
  metrics->Describe("tributary_push_last_success_timestamp_seconds", "gauge", "Unix time of the last acknowledged batch.");
  // Shown from the start; a reload adds 0 to what they count.
  metrics->Add("tributary_push_batches_total", {}, 0);
  metrics->Add("tributary_push_batches_parked_total", {}, 0);
  metrics->Add("tributary_push_retries_total", {}, 0);
  for (const char* status : {"applied", "duplicate", "rejected"}) {
    metrics->Add("tributary_push_changes_total", {{"status", status}}, 0);
  }
  auto store = store::Store::Open(config.state_path);
  if (!store) return std::unexpected(store.error());
  auto client = http::MakeCurlClient({.ca_file = push.ca_file,
                                      .client_cert_file = push.client_cert_file,
                                      .client_key_file = push.client_key_file,
                                      .total_timeout = push.timeout});
  sync::PushOptions options;
  options.url = push.url;
  options.token = push.token ? push.token->value : "";
  options.redactor = std::make_shared<const SecretRedactor>(config.secrets);
  options.tenant = config.tenant;
  options.batch_size = push.batch_size;
  options.max_backoff = push.max_backoff;
  options.clock = &clock;
  options.metrics = metrics;
  return std::make_unique<ThreadedPusher>(std::move(*store), std::move(client), std::move(options));
}

}  // namespace tributary::app
