#include "gateway/sync/pusher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "gateway/common/log_event.h"
#include "gateway/http/http_types.h"
#include "gateway/sync/batch_codec.h"
#include "gateway/sync/uuid.h"

namespace tributary::sync {
namespace {

using std::chrono::milliseconds;

// A Retry-After beyond this is not taken at its word: a misbehaving core must not stall
// delivery for days.
constexpr milliseconds kMaxRetryAfter = std::chrono::hours(1);

PushOptions Normalised(PushOptions options) {
  options.batch_size = std::max(options.batch_size, 1);
  options.initial_backoff = std::max(options.initial_backoff, milliseconds(1));
  options.max_backoff = std::max(options.max_backoff, options.initial_backoff);
  options.idle_wait = std::max(options.idle_wait, milliseconds(1));
  return options;
}

std::string BatchesUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/batches";
}


}  // namespace

Pusher::Pusher(store::Store& store, http::HttpClient& client, PushOptions options)
    : store_(store),
      client_(client),
      options_(Normalised(std::move(options))),
      batches_url_(BatchesUrl(options_.url)),
      backoff_({.initial = options_.initial_backoff, .max = options_.max_backoff, .max_retry_after = kMaxRetryAfter}) {}

Result<StepOutcome> Pusher::Step() {
  auto outcome = Attempt();
  if (!outcome || outcome->kind == StepKind::kRetry) {
    stats_.consecutive_failures.fetch_add(1);
    stats_.retries.fetch_add(1);
    Count("tributary_push_retries_total", {}, 1);
  } else if (outcome->kind != StepKind::kIdle) {
    stats_.consecutive_failures.store(0);
    stats_.last_success_unix_ms.store(
        std::chrono::duration_cast<milliseconds>(options_.clock->Now().time_since_epoch()).count());
  }
  return outcome;
}

void Pusher::Count(const std::string& metric, const Labels& labels, int64_t delta) {
  if (options_.metrics != nullptr) options_.metrics->Add(metric, labels, delta);
}

Result<std::vector<store::Change>> Pusher::LoadPendingChanges(const store::PushBatch& batch) {
  if (batch.last_seq < batch.first_seq) {
    return Fail(ErrorCode::kInternal, "pending batch " + batch.batch_id + " has seq range " +
                                          std::to_string(batch.first_seq) + ".." +
                                          std::to_string(batch.last_seq));
  }
  const int64_t span = batch.last_seq - batch.first_seq + 1;
  const int limit = static_cast<int>(std::min<int64_t>(span, std::numeric_limits<int>::max()));
  auto changes = store_.ChangesAfter(batch.first_seq - 1, limit);
  if (!changes) return std::unexpected(changes.error());
  std::erase_if(*changes, [&](const store::Change& change) { return change.seq > batch.last_seq; });
  return changes;
}

StepOutcome Pusher::Retry(const store::PushBatch& batch, int64_t changes, std::string reason,
                          std::optional<milliseconds> retry_after) {
  StepOutcome outcome;
  outcome.kind = StepKind::kRetry;
  outcome.batch_id = batch.batch_id;
  outcome.changes = changes;
  outcome.retry_after = retry_after;
  outcome.reason = std::move(reason);
  return outcome;
}

Result<StepOutcome> Pusher::Attempt() {
  auto pending = store_.PendingBatch();
  if (!pending) return std::unexpected(pending.error());

  store::PushBatch batch;
  std::vector<store::Change> changes;
  std::vector<std::string> rendered;
  if (pending->has_value()) {
    // A batch saved by an earlier attempt (maybe by an earlier process): exactly the
    // same changes go again under the same id, whatever batch_size is now.
    batch = **pending;
    auto loaded = LoadPendingChanges(batch);
    if (!loaded) return std::unexpected(loaded.error());
    changes = std::move(*loaded);
    for (const auto& change : changes) rendered.push_back(store::ChangeToJson(change));
    if (changes.empty()) {
      spdlog::warn("push: pending batch {} (seq {}..{}) has no change left in the outbox; "
                   "closing it as delivered",
                   batch.batch_id, batch.first_seq, batch.last_seq);
      if (auto acknowledged = store_.AcknowledgeBatch(batch, {}); !acknowledged) {
        return std::unexpected(acknowledged.error());
      }
      return StepOutcome{StepKind::kDelivered, batch.batch_id, 0, std::nullopt, ""};
    }
  } else {
    auto delivered = store_.DeliveredThrough();
    if (!delivered) return std::unexpected(delivered.error());
    auto loaded = store_.ChangesAfter(*delivered, options_.batch_size);
    if (!loaded) return std::unexpected(loaded.error());
    if (loaded->empty()) return StepOutcome{};
    auto id = NewUuidV7();
    if (!id) return std::unexpected(id.error());
    size_t body_bytes = BuildBatchBody(*id, options_.tenant, {}).size();
    for (auto& change : *loaded) {
      std::string json = store::ChangeToJson(change);
      const size_t cost = json.size() + (rendered.empty() ? 0 : 1);
      if (!rendered.empty() && body_bytes + cost > options_.max_batch_bytes) break;
      body_bytes += cost;
      rendered.push_back(std::move(json));
      changes.push_back(std::move(change));
    }
    batch = store::PushBatch{*id, changes.front().seq, changes.back().seq};
    // Saved before the first attempt: from here on, a crash or a failure re-sends this
    // very batch, so the core's idempotency memory can recognise it.
    if (auto saved = store_.SavePendingBatch(batch); !saved) return std::unexpected(saved.error());
  }

  const auto count = static_cast<int64_t>(changes.size());
  http::Request request;
  request.method = "POST";
  request.target = batches_url_;
  request.headers = {{"Authorization", "Bearer " + options_.token},
                     {"Idempotency-Key", batch.batch_id},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = BuildBatchBody(batch.batch_id, options_.tenant, rendered);
  const auto started = std::chrono::steady_clock::now();
  auto response = client_.Send(request);
  const auto took = std::chrono::steady_clock::now() - started;
  stats_.last_latency_ms.store(std::chrono::duration_cast<milliseconds>(took).count());
  if (options_.metrics != nullptr) {
    options_.metrics->Observe("tributary_push_batch_duration_seconds", {},
                              std::chrono::duration<double>(took).count());
  }
  if (!response) return Retry(batch, count, response.error().ToString());
  // A core that echoes the request (its Authorization header among it) in an error body
  // must not get the token into the logs or the dead letters: everything read from the
  // body below comes from the redacted text.
  if (options_.redactor != nullptr) response->body = options_.redactor->Redact(response->body);

  const int status = response->status;
  if (status >= 200 && status < 300) {
    auto results = ParseBatchResults(response->body, changes);
    if (!results) {
      return Retry(batch, count,
                   "core answered " + std::to_string(status) + " with unusable results (" +
                       results.error().message + ")");
    }
    if (auto acknowledged = store_.AcknowledgeBatch(batch, *results); !acknowledged) {
      return std::unexpected(acknowledged.error());
    }
    int64_t applied = 0, duplicates = 0, rejected = 0;
    for (const auto& result : *results) {
      if (result.status == "applied") ++applied;
      if (result.status == "duplicate") ++duplicates;
      if (result.status == "rejected") ++rejected;
    }
    stats_.batches_sent.fetch_add(1);
    stats_.changes_applied.fetch_add(applied);
    stats_.duplicates.fetch_add(duplicates);
    stats_.rejected.fetch_add(rejected);
    Count("tributary_push_batches_total", {}, 1);
    Count("tributary_push_changes_total", {{"status", "applied"}}, applied);
    Count("tributary_push_changes_total", {{"status", "duplicate"}}, duplicates);
    Count("tributary_push_changes_total", {{"status", "rejected"}}, rejected);
    const int64_t took_ms = stats_.last_latency_ms.load();
    LogEvent(spdlog::level::info,
             fmt::format("push: batch {} delivered: {} changes (seq {}..{}), {} applied, {} duplicate, "
                         "{} rejected, {} ms",
                         batch.batch_id, count, batch.first_seq, batch.last_seq, applied, duplicates, rejected,
                         took_ms),
             {{"event", "batch_delivered"},
              {"batch", batch.batch_id},
              {"changes", count},
              {"first_seq", batch.first_seq},
              {"last_seq", batch.last_seq},
              {"applied", applied},
              {"duplicates", duplicates},
              {"rejected", rejected},
              {"duration_ms", took_ms}});
    return StepOutcome{StepKind::kDelivered, batch.batch_id, count, std::nullopt, ""};
  }

  // 408, 429 and 5xx are the core's "later"; 1xx/3xx are not answers of the contract
  // (redirects are not followed) and retrying keeps the changes safe until someone
  // fixes the URL.
  if (http::IsRetryableStatus(status) || status < 400) {
    std::optional<milliseconds> retry_after = http::RetryAfterOf(*response, options_.clock->Now());
    std::string reason = "core answered " + std::to_string(status);
    if (status >= 400 && !response->body.empty()) {
      reason += ": " + BoundedUtf8(CoreErrorMessage(response->body), 200);
    }
    return Retry(batch, count, std::move(reason), retry_after);
  }

  // 401, 403 and 404 say the gateway is misconfigured (token, URL), not that these
  // changes are wrong: parking would turn the whole outbox into dead letters. Keep the
  // batch and retry until an admin fixes the config.
  if (status == 401 || status == 403 || status == 404) {
    spdlog::error("push: the core answered {} to batch {}: check core.push.url and core.push.token; "
                  "retrying, nothing is parked",
                  status, batch.batch_id);
    return Retry(batch, count, "core answered " + std::to_string(status) + " (configuration problem)",
                 std::nullopt);
  }

  const std::string code = "http_" + std::to_string(status);
  const std::string message = CoreErrorMessage(response->body);
  if (auto parked = store_.ParkBatch(batch, code, message); !parked) {
    return std::unexpected(parked.error());
  }
  stats_.batches_parked.fetch_add(1);
  Count("tributary_push_batches_parked_total", {}, 1);
  LogEvent(spdlog::level::warn,
           fmt::format("push: batch {} ({} changes, seq {}..{}) refused by the core with {}: {}; "
                       "parked as dead letters",
                       batch.batch_id, count, batch.first_seq, batch.last_seq, status, message),
           {{"event", "batch_parked"},
            {"batch", batch.batch_id},
            {"changes", count},
            {"first_seq", batch.first_seq},
            {"last_seq", batch.last_seq},
            {"status", int64_t{status}},
            {"error", message}});
  return StepOutcome{StepKind::kParked, batch.batch_id, count, std::nullopt, code + ": " + message};
}

milliseconds Pusher::Backoff(int64_t failures, std::optional<milliseconds> retry_after) {
  return backoff_.Next(failures, retry_after);
}

void Pusher::Notify() {
  {
    std::lock_guard lock(mutex_);
    ++generation_;
  }
  cv_.notify_all();
}

void Pusher::Sleep(milliseconds delay, std::stop_token stop) {
  // The clock's wait, not Notify()'s: new changes do not make the core healthier.
  options_.clock->SleepFor(delay, stop);
}

void Pusher::Run(std::stop_token stop) {
  spdlog::info("push: delivering the outbox to {} (tenant {}, batches of up to {})",
               http::RedactUrl(batches_url_), options_.tenant, options_.batch_size);
  while (!stop.stop_requested()) {
    uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = generation_;
    }
    auto outcome = Step();
    if (stop.stop_requested()) break;
    if (!outcome) {
      const auto delay = Backoff(stats_.consecutive_failures.load(), std::nullopt);
      spdlog::error("push: {}; trying again in {} ms", outcome.error().ToString(), delay.count());
      Sleep(delay, stop);
      continue;
    }
    switch (outcome->kind) {
      case StepKind::kIdle: {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, stop, options_.idle_wait, [&] { return generation_ != seen; });
        break;
      }
      case StepKind::kDelivered:
      case StepKind::kParked:
        break;
      case StepKind::kRetry: {
        const auto failures = stats_.consecutive_failures.load();
        const auto delay = Backoff(failures, outcome->retry_after);
        spdlog::warn("push: batch {} ({} changes) not delivered: {}; attempt {} failed, "
                     "retrying in {} ms",
                     outcome->batch_id, outcome->changes, outcome->reason, failures, delay.count());
        Sleep(delay, stop);
        break;
      }
    }
  }
  spdlog::info("push: stopped");
}

}  // namespace tributary::sync
