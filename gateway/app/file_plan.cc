#include "gateway/app/file_plan.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "gateway/model/canonical.h"
#include "gateway/model/money.h"
#include "gateway/store/change_decision.h"
#include "gateway/store/snapshot_guard.h"

namespace tributary::app {
namespace {

constexpr std::string_view kReceivable = "receivable";

// A receivable's contribution to the open balance.
struct OpenContribution {
  std::string currency;
  int64_t signed_minor = 0;
};

std::optional<OpenContribution> StoredContribution(const store::StoredState& stored) {
  if (stored.entity != kReceivable || stored.lifecycle != model::kLifecycleActive || !stored.open_amount_minor ||
      stored.currency.empty()) {
    return std::nullopt;
  }
  return OpenContribution{stored.currency, store::SignedOpenAmount(stored.kind, *stored.open_amount_minor)};
}

std::optional<OpenContribution> RecordContribution(const model::CanonicalRecord& record, const std::string& lifecycle) {
  if (record.entity != kReceivable || lifecycle != model::kLifecycleActive || !record.open_amount_minor ||
      record.currency.empty()) {
    return std::nullopt;
  }
  std::string kind;
  if (auto it = record.data.find("kind"); it != record.data.end() && it->is_string()) kind = it->get<std::string>();
  return OpenContribution{record.currency, store::SignedOpenAmount(kind, *record.open_amount_minor)};
}

int64_t SignedIn(const std::optional<OpenContribution>& contribution, const std::string& currency) {
  return contribution && contribution->currency == currency ? contribution->signed_minor : 0;
}

// |a| in a's currency against |b| in b's, as amounts (minor units scaled by the
// currency's exponent), currencies ignored: the plan ranks sizes, it does not convert.
bool LargerChange(const ItemChange& a, const ItemChange& b) {
  const auto magnitude = [](const ItemChange& change) {
    const int64_t delta = change.after_minor - change.before_minor;
    return static_cast<__int128>(delta < 0 ? -static_cast<__int128>(delta) : delta);
  };
  const int exponent_a = model::CurrencyExponent(a.currency).value_or(2);
  const int exponent_b = model::CurrencyExponent(b.currency).value_or(2);
  __int128 scaled_a = magnitude(a);
  __int128 scaled_b = magnitude(b);
  for (int i = exponent_a; i < exponent_b; ++i) scaled_a *= 10;
  for (int i = exponent_b; i < exponent_a; ++i) scaled_b *= 10;
  if (scaled_a != scaled_b) return scaled_a > scaled_b;
  return a.key < b.key;
}

// Keeps the kMaxBiggestChanges largest changes, largest first.
void Offer(std::vector<ItemChange>& biggest, ItemChange change) {
  if (change.after_minor == change.before_minor) return;
  auto at = std::ranges::upper_bound(biggest, change, LargerChange);
  if (static_cast<size_t>(at - biggest.begin()) >= kMaxBiggestChanges) return;
  biggest.insert(at, std::move(change));
  if (biggest.size() > kMaxBiggestChanges) biggest.pop_back();
}

enum class KeyOutcome { kCreated, kUpdated, kUnchanged };

// What the plan remembers of a key met in the file.
struct KeyState {
  size_t entity_index = 0;
  std::string hash;
  std::string lifecycle;
  int64_t first_line = 0;
  int64_t last_line = 0;
  KeyOutcome outcome = KeyOutcome::kUnchanged;
  std::optional<OpenContribution> before;  // in the store
  std::optional<OpenContribution> after;   // once the file is applied
};

// Receives the mapping's output and decides each record as FileApplication would.
class PlanSink final : public model::RecordSink {
 public:
  PlanSink(const PlanTarget& target, store::StoreSnapshot* snapshot, FilePlan& plan)
      : target_(target), snapshot_(snapshot), plan_(plan) {
    for (const mapping::EntityInfo& info : target.mapping->entities()) plan_.entities.push_back({info.entity});
  }

  Status OnRecord(model::CanonicalRecord&& record) override {
    ++plan_.records;
    const std::string lifecycle(store::RecordLifecycle(record));
    const bool repeatable = std::ranges::find(target_.options.repeatable_entities, record.entity) !=
                            target_.options.repeatable_entities.end();
    auto it = keys_.find(record.key);
    if (it == keys_.end()) return FirstRecord(record, lifecycle, repeatable);

    KeyState& state = it->second;
    const store::KnownContent known{state.hash, state.lifecycle, true};
    switch (store::DecideRecord(known, record.hash, lifecycle, repeatable)) {
      case store::RecordDecision::kDuplicate:
        return OnReject(model::Reject{.file = record.provenance.file,
                                      .line = record.provenance.line,
                                      .field = "key",
                                      .reason = store::DuplicateKeyReason(record.key, state.first_line)});
      case store::RecordDecision::kUpdate:
        if (state.outcome == KeyOutcome::kUnchanged) state.outcome = KeyOutcome::kUpdated;
        state.hash = record.hash;
        state.lifecycle = lifecycle;
        state.after = RecordContribution(record, lifecycle);
        state.last_line = record.provenance.line;
        return Ok();
      case store::RecordDecision::kCreate:
      case store::RecordDecision::kUnchanged:
        return Ok();
    }
    return Ok();
  }

  Status OnReject(model::Reject&& reject) override {
    ++plan_.rejects;
    if (ClosesByAbsence()) rejected_.Add(reject, target_.options.closing_entities);
    if (plan_.reject_samples.size() < kMaxRejectSamples) plan_.reject_samples.push_back(std::move(reject));
    return Ok();
  }

  // After the run: closes by absence, the guard, the balances and the biggest changes.
  Status Finish() {
    std::map<std::string, BalancePlan> balances;
    if (snapshot_ != nullptr) {
      auto before = snapshot_->OpenBalances();
      if (!before) return std::unexpected(before.error());
      // Per currency, whatever the legal entity.
      for (const store::Store::OpenBalance& balance : *before) {
        BalancePlan& plan = balances[balance.currency];
        plan.currency = balance.currency;
        plan.before_minor += balance.open_minor;
        plan.after_minor += balance.open_minor;
      }
    }
    for (const auto& [key, state] : keys_) {
      EntityPlan& entity = plan_.entities[state.entity_index];
      ++(state.outcome == KeyOutcome::kCreated   ? entity.created
         : state.outcome == KeyOutcome::kUpdated ? entity.updated
                                                 : entity.unchanged);
      if (state.before) Balance(balances, state.before->currency).after_minor -= state.before->signed_minor;
      if (state.after) Balance(balances, state.after->currency).after_minor += state.after->signed_minor;
      const std::string change = state.outcome == KeyOutcome::kCreated ? "created" : "updated";
      if (state.after) {
        const std::string& currency = state.after->currency;
        Offer(plan_.biggest, {change, std::string(kReceivable), key, currency, SignedIn(state.before, currency),
                              state.after->signed_minor, state.last_line});
      }
      if (state.before && (!state.after || state.after->currency != state.before->currency)) {
        Offer(plan_.biggest, {change, std::string(kReceivable), key, state.before->currency,
                              state.before->signed_minor, 0, state.last_line});
      }
    }
    if (auto status = PlanCloses(balances); !status) return status;
    for (auto& [currency, balance] : balances) plan_.balances.push_back(balance);
    return Ok();
  }

 private:
  Status FirstRecord(const model::CanonicalRecord& record, const std::string& lifecycle, bool repeatable) {
    std::optional<store::StoredState> stored;
    if (snapshot_ != nullptr) {
      auto found = snapshot_->FindEntity(record.key);
      if (!found) return std::unexpected(found.error());
      stored = std::move(*found);
    }
    std::optional<store::KnownContent> known;
    if (stored) known = store::KnownContent{stored->hash, stored->lifecycle, false};
    KeyState state;
    state.entity_index = EntityIndex(record.entity);
    state.hash = record.hash;
    state.lifecycle = lifecycle;
    state.first_line = state.last_line = record.provenance.line;
    switch (store::DecideRecord(known, record.hash, lifecycle, repeatable)) {
      case store::RecordDecision::kCreate: state.outcome = KeyOutcome::kCreated; break;
      case store::RecordDecision::kUpdate: state.outcome = KeyOutcome::kUpdated; break;
      case store::RecordDecision::kUnchanged:
      case store::RecordDecision::kDuplicate: state.outcome = KeyOutcome::kUnchanged; break;
    }
    if (stored) state.before = StoredContribution(*stored);
    state.after = RecordContribution(record, lifecycle);
    keys_.emplace(record.key, std::move(state));
    return Ok();
  }

  static BalancePlan& Balance(std::map<std::string, BalancePlan>& balances, const std::string& currency) {
    return balances.try_emplace(currency, BalancePlan{currency}).first->second;
  }

  size_t EntityIndex(const std::string& entity) {
    for (size_t i = 0; i < plan_.entities.size(); ++i) {
      if (plan_.entities[i].entity == entity) return i;
    }
    plan_.entities.push_back({entity});
    return plan_.entities.size() - 1;
  }

  bool ClosesByAbsence() const {
    return target_.options.mode == store::SyncMode::kSnapshot && !target_.options.closing_entities.empty();
  }

  Status PlanCloses(std::map<std::string, BalancePlan>& balances) {
    if (!ClosesByAbsence() || snapshot_ == nullptr) return Ok();
    // As BeginFileApplication: a closing entity listed twice counts once.
    std::vector<std::string> closing = target_.options.closing_entities;
    std::ranges::sort(closing);
    closing.erase(std::ranges::unique(closing).begin(), closing.end());
    int64_t active = 0;
    int64_t would_close = 0;
    const bool released = plan_.known && plan_.known->state == store::FileState::kReleased;
    for (const std::string& entity : closing) {
      const size_t index = EntityIndex(entity);
      int64_t withheld_closes = 0;
      int64_t entity_closes = 0;
      auto status = snapshot_->ForEachActive(
          target_.options.feed, entity, [&](const std::string& key, const store::StoredState& stored) -> Status {
            ++active;
            if (keys_.contains(key)) return Ok();
            if (rejected_.kept().contains(key)) {
              ++plan_.kept;
              return Ok();
            }
            // As FileApplication: a rejected record without a key that names the
            // customer of this record withholds its close.
            if (rejected_.WithholdsClose(entity, stored.customer)) {
              ++withheld_closes;
              return Ok();
            }
            ++would_close;
            ++entity_closes;
            ++plan_.entities[index].closed;
            if (auto before = StoredContribution(stored)) {
              Balance(balances, before->currency).after_minor -= before->signed_minor;
              Offer(plan_.biggest, {"closed", entity, key, before->currency, before->signed_minor, 0, 0});
            }
            return Ok();
          });
      if (!status) return status;
      if (withheld_closes > 0) plan_.withheld.push_back(store::MakeWithheld(rejected_, entity, withheld_closes));
      // As FileApplication: rejected records with neither key nor customer quarantine the
      // file when it would close something of their entity (a released file closes).
      if (entity_closes > 0 && !released && rejected_.HasUnreadable(entity)) {
        plan_.unreadable.push_back(store::MakeUnreadable(rejected_, entity, entity_closes));
      }
    }
    plan_.withheld_reason = store::WithheldReason(plan_.withheld);
    plan_.unreadable_reason = store::UnreadableRejectsReason(plan_.unreadable);
    if (target_.options.max_close_ratio && !released) {
      auto ppm = store::CloseRatioToPpm(*target_.options.max_close_ratio);
      if (!ppm) return std::unexpected(ppm.error());
      GuardPlan guard{would_close, active, *ppm, store::CloseGuardTrips(would_close, active, *ppm), ""};
      if (guard.trips) guard.reason = store::QuarantineReason(would_close, active, *ppm);
      plan_.guard = guard;
    }
    return Ok();
  }

  const PlanTarget& target_;
  store::StoreSnapshot* snapshot_;
  FilePlan& plan_;
  std::unordered_map<std::string, KeyState> keys_;
  store::RejectedKeys rejected_;  // snapshot feeds: what the rejects keep, withhold and hold back
};

}  // namespace

Result<FilePlan> PlanFile(std::istream& input, const PlanTarget& target, store::StoreSnapshot* snapshot) {
  FilePlan plan;
  plan.store_exists = snapshot != nullptr;
  if (snapshot != nullptr) {
    auto known = snapshot->FindFile(target.connector, target.context.file_sha256);
    if (!known) return std::unexpected(known.error());
    plan.known = std::move(*known);
  }
  PlanSink sink(target, snapshot, plan);
  auto stats = target.mapping->Run(input, target.context, sink);
  if (!stats) return std::unexpected(stats.error());
  plan.stats = *stats;
  if (auto status = sink.Finish(); !status) return std::unexpected(status.error());
  return plan;
}

}  // namespace tributary::app
