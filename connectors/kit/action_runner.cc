#include "connectors/kit/action_runner.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "gateway/common/time_format.h"

namespace tributary::connectors::kit {

namespace {

int64_t UnixMs(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

// The store as the job being run sees it.
class ClaimedJobView final : public JobStoreView {
 public:
  ClaimedJobView(store::Store& store, const store::Job& job, const Clock& clock)
      : store_(store), job_(job), clock_(clock) {}

  Result<std::optional<std::string>> RecentLookup(const std::string& subject, std::chrono::seconds max_age) override {
    const int64_t since = UnixMs(clock_.Now()) - std::chrono::duration_cast<std::chrono::milliseconds>(max_age).count();
    return store_.actions().RecentLookup(job_.connector, subject, since);
  }

  Result<std::optional<store::EntityVersion>> Entity(const std::string& key) override {
    auto entity = store_.GetEntity(key);
    if (!entity) {
      if (entity.error().code == ErrorCode::kNotFound) return std::optional<store::EntityVersion>{};
      return std::unexpected(entity.error());
    }
    return std::optional<store::EntityVersion>{std::move(*entity)};
  }

  Status CommitIntent(const std::string& provider_ref) override {
    return store_.actions().CommitIntent(job_, provider_ref);
  }

 private:
  store::Store& store_;
  const store::Job& job_;
  const Clock& clock_;
};

const char* OutcomeLabel(ActionOutcome::Kind kind) {
  switch (kind) {
    case ActionOutcome::Kind::kSucceeded: return "succeeded";
    case ActionOutcome::Kind::kFailed: return "failed";
    case ActionOutcome::Kind::kRetryLater: return "retry_later";
    case ActionOutcome::Kind::kWaitingProvider: return "waiting_provider";
  }
  return "failed";
}

// Stores a success (or a waiting job's intermediate versions) in one transaction. A
// waiting job's records are stored with its reschedule right after: a crash between
// them leaves the job running, requeued at the next start, and the versions unchanged.
Status StoreRecords(store::Store& store, const store::Job& job, ActionOutcome& outcome, int64_t now_ms,
                    const ActionRunnerOptions& options, bool final_success) {
  auto completion = store.actions().BeginCompletion(job, now_ms);
  if (!completion) return std::unexpected(completion.error());
  for (ProofDocument& proof : outcome.proofs) {
    const std::string sha256 = proof.Sha256();
    if (auto saved = (*completion)
                         ->SaveProof({.sha256 = sha256,
                                      .media_type = std::move(proof.media_type),
                                      .filename = std::move(proof.filename),
                                      .content = std::move(proof.content)});
        !saved) {
      return saved;
    }
  }
  for (model::CanonicalRecord& record : outcome.records) {
    if (auto stored = (*completion)->OnRecord(std::move(record)); !stored) return stored;
  }
  if (final_success) {
    for (const std::string& subject : outcome.lookup_subjects) {
      if (auto remembered = (*completion)->RememberLookup(subject, outcome.result_key); !remembered) return remembered;
    }
  }
  if (auto committed = (*completion)->Commit(outcome.result_key, outcome.from_cache, final_success); !committed) {
    return committed;
  }
  if (!outcome.records.empty() && options.notify_changes) options.notify_changes();
  return Ok();
}

}  // namespace

Result<bool> RunNextDueJob(ActionConnector& connector, store::Store& store, const ActionRunnerOptions& options,
                           http::Backoff& backoff, std::stop_token stop) {
  const Clock& clock = *options.clock;
  auto claimed = store.actions().ClaimDue(connector.name(), UnixMs(clock.Now()));
  if (!claimed) return std::unexpected(claimed.error());
  if (!*claimed) return false;
  const store::Job& job = **claimed;

  ActionJob action{.id = job.id,
                   .kind = ParseActionKind(job.kind).value_or(ActionKind::kScore),
                   .request = nlohmann::json::parse(job.request, nullptr, false),
                   .attempt = job.attempts,
                   .provider_ref = job.provider_ref,
                   .waiting_provider = !job.provider_ref.empty()};
  ClaimedJobView view(store, job, clock);
  ActionOutcome outcome = connector.Run(action, view, stop);
  if (options.metrics != nullptr) {
    options.metrics->Add("tributary_action_runs_total",
                         {{"connector", connector.name()}, {"kind", job.kind}, {"outcome", OutcomeLabel(outcome.kind)}});
  }
  const auto now = clock.Now();
  Status stored = Ok();
  switch (outcome.kind) {
    case ActionOutcome::Kind::kSucceeded:
      stored = StoreRecords(store, job, outcome, UnixMs(now), options, true);
      if (stored) {
        spdlog::info("{}: {} job {} succeeded: {}{}", connector.name(), job.kind, job.id, outcome.result_key,
                     outcome.from_cache ? " (from a recent lookup, nothing billed)" : "");
      }
      break;
    case ActionOutcome::Kind::kFailed:
      stored = store.actions().FailJob(job, outcome.reason);
      if (stored) spdlog::warn("{}: {} job {} failed: {}", connector.name(), job.kind, job.id, outcome.reason);
      break;
    case ActionOutcome::Kind::kRetryLater: {
      auto wait = backoff.Next(std::max<int64_t>(job.attempts, 1));
      if (outcome.next_run && *outcome.next_run > now) {
        wait = std::max(wait, std::chrono::duration_cast<std::chrono::milliseconds>(*outcome.next_run - now));
      }
      const auto next = now + wait;
      stored = store.actions().Reschedule(job, store::JobStatus::kQueued, UnixMs(next), outcome.reason, "");
      if (stored) {
        spdlog::warn("{}: {} job {} waits: {}; next attempt at {}", connector.name(), job.kind, job.id, outcome.reason,
                     FormatRfc3339(next));
      }
      break;
    }
    case ActionOutcome::Kind::kWaitingProvider: {
      const auto next = outcome.next_run.value_or(now + options.provider_poll);
      if (!outcome.records.empty()) stored = StoreRecords(store, job, outcome, UnixMs(now), options, false);
      if (stored) {
        stored = store.actions().Reschedule(job, store::JobStatus::kWaitingProvider, UnixMs(next), outcome.reason,
                                            outcome.provider_ref);
      }
      break;
    }
  }
  if (!stored) {
    if (stored.error().code == ErrorCode::kConflict) {
      // Cancelled (or re-claimed) while it ran: its result is dropped, as the contract says.
      spdlog::info("{}: {} job {}: {}", connector.name(), job.kind, job.id, stored.error().message);
      return true;
    }
    return std::unexpected(stored.error());
  }
  return true;
}

ActionRunner::ActionRunner(std::vector<std::unique_ptr<ActionConnector>> workers, ActionRunnerOptions options)
    : workers_(std::move(workers)),
      name_(workers_.front()->name()),
      options_(std::move(options)),
      paused_(options_.paused) {
  for (auto& worker : workers_) {
    threads_.emplace_back([this, connector = worker.get()](std::stop_token stop) { Loop(*connector, stop); });
  }
}

ActionRunner::~ActionRunner() {
  RequestStop();
  threads_.clear();  // joins
}

void ActionRunner::RequestStop() {
  for (auto& thread : threads_) thread.request_stop();
  wake_.notify_all();
}

void ActionRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  wake_.notify_all();
}

void ActionRunner::SetPaused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    paused_ = paused;
    ++wakes_;
  }
  wake_.notify_all();
}

void ActionRunner::Loop(ActionConnector& connector, std::stop_token stop) {
  http::Backoff backoff(options_.backoff);
  http::Backoff store_backoff(http::BackoffPolicy{.initial = std::chrono::seconds(1), .max = std::chrono::seconds(30)});
  std::unique_ptr<store::Store> store;
  int64_t store_failures = 0;
  uint64_t seen_wakes = 0;
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      if (paused_) {
        wake_.wait(lock, stop, [this] { return !paused_; });
        continue;
      }
      seen_wakes = wakes_;
    }
    std::chrono::milliseconds wait = options_.idle_check;
    if (!store) {
      auto opened = store::Store::Open(options_.state_path);
      if (opened) store = std::move(*opened);
      else spdlog::error("{}: cannot open the store: {}", connector.name(), opened.error().message);
    }
    if (store) {
      auto ran = RunNextDueJob(connector, *store, options_, backoff, stop);
      if (!ran) {
        spdlog::error("{}: action jobs: {}", connector.name(), ran.error().message);
        wait = store_backoff.Next(++store_failures);
      } else {
        store_failures = 0;
        if (*ran) continue;  // another job may be due already
        auto next = store->actions().NextDue(connector.name());
        if (next && *next) {
          const int64_t now = UnixMs(options_.clock->Now());
          wait = std::clamp(std::chrono::milliseconds(**next - now), std::chrono::milliseconds(0), options_.idle_check);
        }
      }
    } else {
      wait = store_backoff.Next(++store_failures);
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, wait, [&] { return wakes_ != seen_wakes; });
  }
}

}  // namespace tributary::connectors::kit
