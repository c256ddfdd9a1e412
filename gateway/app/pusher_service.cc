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

  void PublishMetrics(Metrics& metrics) override {
    const sync::PushStats& stats = pusher_.stats();
    metrics.Set("tributary_push_batches_total", {}, static_cast<int64_t>(stats.batches_sent.load()));
    metrics.Set("tributary_push_changes_total", {{"status", "applied"}}, static_cast<int64_t>(stats.changes_applied.load()));
    metrics.Set("tributary_push_changes_total", {{"status", "duplicate"}}, static_cast<int64_t>(stats.duplicates.load()));
    metrics.Set("tributary_push_changes_total", {{"status", "rejected"}}, static_cast<int64_t>(stats.rejected.load()));
    metrics.Set("tributary_push_batches_parked_total", {}, static_cast<int64_t>(stats.batches_parked.load()));
    metrics.Set("tributary_push_retries_total", {}, static_cast<int64_t>(stats.retries.load()));
    metrics.Set("tributary_push_latency_milliseconds", {}, static_cast<int64_t>(stats.last_latency_ms.load()));
    metrics.Set("tributary_push_consecutive_failures", {}, static_cast<int64_t>(stats.consecutive_failures.load()));
    metrics.Set("tributary_push_last_success_timestamp_seconds", {},
                static_cast<int64_t>(stats.last_success_unix_ms.load() / 1000));
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
  metrics->Describe("tributary_push_latency_milliseconds", "gauge", "Latency of the last push request.");
  metrics->Describe("tributary_push_consecutive_failures", "gauge", "Failed push attempts since the last success.");
  metrics->Describe("tributary_push_last_success_timestamp_seconds", "gauge", "Unix time of the last acknowledged batch.");
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
  return std::make_unique<ThreadedPusher>(std::move(*store), std::move(client), std::move(options));
}

}  // namespace tributary::app
