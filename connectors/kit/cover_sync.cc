// CoverSync: the covers in force as a source (cover_action.h).
#include <charconv>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "connectors/kit/cover_action.h"
#include "gateway/common/time_format.h"

namespace tributary::connectors::kit {

namespace {

constexpr const char* kDecisionCursor = "decisions";
constexpr const char* kFullSyncCursor = "full_sync_at";  // unix seconds of the last complete list
constexpr const char* kChangesMetric = "tributary_credit_limit_changes_total";

int64_t UnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// Decisions that mean the buyer had cover and has less of it now: the signals counted.
bool IsCut(const std::string& decision) { return decision == "reduced" || decision == "withdrawn"; }

std::optional<nlohmann::json> ParsedData(const std::string& data) {
  nlohmann::json json = nlohmann::json::parse(data, nullptr, false);
  if (!json.is_object()) return std::nullopt;
  return json;
}

// Writes covers into the store, one batch per call, keeping what each key's stored
// version says (party, names, requested) and counting cuts.
class CoverWriter {
 public:
  CoverWriter(const CoverSettings& settings, const InsurerProvider& provider, const ConnectorContext& context,
              store::Store& store)
      : settings_(settings), provider_(provider), context_(context), store_(store) {}

  // The records of `covers` (the last of a key wins), then `extra` (withdrawals) and the
  // cursor, in one batch.
  Status Write(const std::string& call, const std::vector<Cover>& covers, const std::string& cursor_name,
               const std::string& cursor) {
    std::map<std::string, model::CanonicalRecord> records;
    for (const Cover& cover : covers) {
      auto record = RecordOf(cover);
      if (!record) return std::unexpected(record.error());
      if (*record) records.insert_or_assign((*record)->key, std::move(**record));
    }
    std::vector<model::CanonicalRecord> list;
    for (auto& [key, record] : records) list.push_back(std::move(record));
    return Commit(call, std::move(list), cursor_name, cursor);
  }

  // The version of every live cover of the policy, read before its list is.
  Result<std::map<std::string, int64_t>> LiveVersions(const std::string& policy) {
    auto keys = store_.api().LiveKeysWithPrefix(PolicyPrefix(policy));
    if (!keys) return std::unexpected(keys.error());
    std::map<std::string, int64_t> versions;
    for (const std::string& key : *keys) {
      auto existing = store_.GetEntity(key);
      if (!existing) return std::unexpected(existing.error());
      versions[key] = existing->version;
    }
    return versions;
  }

  // A withdrawn version of every live cover of the policy the list did not name. Only a
  // cover stored as it was before the list began (`before`): one a job wrote while the
  // list was read may be missing from a list taken before the insurer granted it.
  Status WithdrawMissing(const std::string& policy, const std::map<std::string, int64_t>& before,
                         const std::set<std::string>& seen, const std::string& cursor) {
    const std::string prefix = PolicyPrefix(policy);
    std::vector<model::CanonicalRecord> records;
    for (const auto& [key, version] : before) {
      if (seen.contains(key)) continue;
      auto existing = store_.GetEntity(key);
      if (!existing && existing.error().code == ErrorCode::kNotFound) continue;
      if (!existing) return std::unexpected(existing.error());
      if (existing->version != version) continue;
      std::optional<nlohmann::json> stored = ParsedData(existing->data);
      if (!stored) continue;
      // A pending request may not be listed yet; refused and ended covers have nothing left.
      if (!GrantedInForce(stored)) continue;
      previous_decision_[key] = stored->value("decision", "");
      Cover cover;
      cover.policy = policy;
      cover.buyer.id = key.substr(prefix.size());
      cover.state = CoverState::kWithdrawn;
      cover.currency = stored->value("currency", "");
      cover.decided_at = FormatRfc3339(context_.clock().Now());
      cover.reason = "no longer in " + provider_.provider() + "'s list of covers in force";
      auto record = CreditLimitRecord(settings_, provider_.provider(), cover, "", stored, context_.clock().Now());
      if (!record) {
        spdlog::warn("{}: cover {} left as it was: {}", settings_.connector, key, record.error().message);
        continue;
      }
      records.push_back(std::move(*record));
    }
    return Commit("covers of policy " + policy + ": withdrawals", std::move(records), kFullSyncCursor, cursor);
  }

 private:
  std::string PolicyPrefix(const std::string& policy) const {
    return model::MakeKey(settings_.connector, "credit_limit", policy + "/");
  }

  // The record of `cover`, or nullopt when it cannot be stored (logged, skipped).
  Result<std::optional<model::CanonicalRecord>> RecordOf(Cover cover) {
    if (cover.policy.empty()) cover.policy = provider_.rules().policy;
    std::optional<nlohmann::json> stored;
    const std::string key = CreditLimitKey(settings_, cover);
    if (auto pending = written_.find(key); pending != written_.end()) {
      stored = pending->second;
    } else if (auto existing = store_.GetEntity(key)) {
      stored = ParsedData(existing->data);
    } else if (existing.error().code != ErrorCode::kNotFound) {
      return std::unexpected(existing.error());
    }
    previous_decision_[key] = stored ? stored->value("decision", "") : "";
    std::string party;
    if (!cover.reference.empty() && (!stored || !stored->value("party", nlohmann::json()).is_string())) {
      // A cover asked for by a job: its customer, so that the job's and the list's
      // versions are the same.
      if (auto job = store_.actions().Get(cover.reference)) {
        party = nlohmann::json::parse(job->request, nullptr, false).value("customer", "");
      }
    }
    if (!cover.reference.empty()) references_[key] = cover.reference;
    auto record = CreditLimitRecord(settings_, provider_.provider(), cover, party, stored, context_.clock().Now());
    if (!record) {
      spdlog::warn("{}: cover of buyer {} skipped: {}", settings_.connector, cover.buyer.id, record.error().message);
      return std::optional<model::CanonicalRecord>{};
    }
    return std::optional<model::CanonicalRecord>{std::move(*record)};
  }

  Status Commit(const std::string& call, std::vector<model::CanonicalRecord> records, const std::string& cursor_name,
                const std::string& cursor) {
    auto batch = store_.api().BeginBatch({.connector = settings_.connector,
                                          .call = call,
                                          .sha256 = model::Sha256Hex(call + "\n" + cursor),
                                          .size = static_cast<int64_t>(records.size()),
                                          .repeatable_entities = {"credit_limit"}});
    if (!batch) return std::unexpected(batch.error());
    std::map<std::string, std::string> cuts;
    std::vector<std::string> decided_references;
    for (model::CanonicalRecord& record : records) {
      const std::string decision = record.data.value("decision", "");
      if (auto reference = references_.find(record.key); reference != references_.end() && decision != "pending") {
        decided_references.push_back(reference->second);
      }
      if (IsCut(decision) && previous_decision_[record.key] != decision) cuts[record.key] = decision;
      written_[record.key] = nlohmann::json::parse(record.json);
      if (auto stored = (*batch)->OnRecord(std::move(record)); !stored) return stored;
    }
    if (!cursor_name.empty()) {
      if (auto moved = (*batch)->SetCursor(cursor_name, cursor); !moved) return moved;
    }
    auto committed = (*batch)->Commit();
    if (!committed) return std::unexpected(committed.error());
    // Counted before anyone is told of the change: a reader that sees it sees it counted.
    for (const auto& [key, decision] : cuts) {
      spdlog::warn("{}: cover {} {} by {}", settings_.connector, key, decision, provider_.provider());
      if (context_.metrics != nullptr) {
        context_.metrics->Add(kChangesMetric, {{"connector", settings_.connector}, {"decision", decision}});
      }
    }
    if (committed->last_seq > 0 && context_.notify_changes) context_.notify_changes();
    // A referred request the insurer decided: its job asks now rather than at its poll.
    for (const std::string& reference : decided_references) {
      if (auto woken = store_.actions().WakeWaiting(reference); !woken) {
        spdlog::warn("{}: could not wake the job of {}: {}", settings_.connector, reference, woken.error().message);
      }
    }
    if (committed->created + committed->updated > 0) {
      spdlog::info("{}: {} cover(s) changed ({})", settings_.connector, committed->created + committed->updated, call);
    }
    return Ok();
  }

  const CoverSettings& settings_;
  const InsurerProvider& provider_;
  const ConnectorContext& context_;
  store::Store& store_;
  std::map<std::string, nlohmann::json> written_;     // key -> data, this pass
  std::map<std::string, std::string> previous_decision_;  // key -> its decision before this pass wrote it
  std::map<std::string, std::string> references_;  // key -> the reference of its latest cover, this pass
};

}  // namespace

void DescribeCoverMetrics(Metrics& metrics) {
  metrics.Describe(kChangesMetric, "counter",
                   "Covers an insurer reduced or withdrew on its own, by connector and decision.");
}

CoverSync::CoverSync(CoverSettings settings, std::unique_ptr<InsurerProvider> provider, ConnectorContext context)
    : settings_(std::move(settings)), provider_(std::move(provider)), context_(std::move(context)) {}

Status CoverSync::Poll(std::stop_token stop) {
  auto store = store::Store::Open(context_.state_path);
  if (!store) return std::unexpected(store.error());
  CoverWriter writer(settings_, *provider_, context_, **store);
  const std::string& policy = provider_->rules().policy;

  if (provider_->HasDecisionFeed()) {
    auto cursor = (*store)->api().GetCursor(settings_.connector, kDecisionCursor);
    if (!cursor) return std::unexpected(cursor.error());
    std::string position = cursor->value_or("");
    while (!stop.stop_requested()) {
      auto page = provider_->DecisionsSince(policy, position, stop);
      if (!page) return std::unexpected(page.error());
      const std::string call = "decisions since " + (position.empty() ? std::string("start") : position);
      if (auto written = writer.Write(call, page->covers, kDecisionCursor, page->next_cursor); !written) return written;
      position = page->next_cursor;
      if (!page->more) break;
    }
  }

  auto last = (*store)->api().GetCursor(settings_.connector, kFullSyncCursor);
  if (!last) return std::unexpected(last.error());
  const int64_t now = UnixSeconds(context_.clock().Now());
  int64_t listed_at = 0;
  if (*last) std::from_chars((*last)->data(), (*last)->data() + (*last)->size(), listed_at);
  if (listed_at > 0 && now - listed_at < settings_.full_sync_every.count()) return Ok();

  // The whole list, a batch per page; the withdrawals and the date of the list last, so
  // that a pass cut short lists everything again.
  auto before = writer.LiveVersions(policy);
  if (!before) return std::unexpected(before.error());
  std::set<std::string> seen;
  std::string position;
  int page_number = 0;
  while (true) {
    if (stop.stop_requested()) return Ok();
    auto page = provider_->Covers(policy, position, stop);
    if (!page) return std::unexpected(page.error());
    for (Cover cover : page->covers) {
      if (cover.policy.empty()) cover.policy = policy;
      seen.insert(CreditLimitKey(settings_, cover));
    }
    const std::string call = "covers of policy " + policy + ", page " + std::to_string(++page_number);
    if (auto written = writer.Write(call, page->covers, "", ""); !written) return written;
    position = page->next_cursor;
    if (!page->more) break;
  }
  return writer.WithdrawMissing(policy, *before, seen, std::to_string(now));
}

}  // namespace tributary::connectors::kit
