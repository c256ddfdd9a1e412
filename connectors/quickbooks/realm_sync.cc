#include "connectors/quickbooks/realm_sync.h"

#include <algorithm>
#include <chrono>
#include <map>

#include <spdlog/spdlog.h>

#include "connectors/quickbooks/qbo_time.h"
#include "gateway/common/time_format.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::quickbooks {
namespace {

constexpr const char* kCursorName = "sync";
constexpr size_t kCdcCap = 1000;  // objects in one CDC answer, over all entities
constexpr int64_t kCdcWindowSeconds = 30 * 24 * 3600;
// Between answers QuickBooks' clock is estimated: only a mark clearly too old is judged so
// without asking.
constexpr int64_t kEstimateMargin = 3600;
constexpr size_t kVerifyChunk = 50;  // ids per `Id IN (…)` check of the sweep

int64_t UnixSeconds(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

// Customers made inactive are still customers (with history and maybe a balance); queries
// leave them out unless asked.
std::string ActiveFilter(const std::string& entity) { return entity == "Customer" ? "Active IN (true, false)" : ""; }

std::string Where(const std::vector<std::string>& conditions) {
  std::string where;
  for (const std::string& condition : conditions) {
    if (condition.empty()) continue;
    where += (where.empty() ? " WHERE " : " AND ") + condition;
  }
  return where;
}

std::string Quote(const std::string& text) {
  // Ids and times QuickBooks wrote never contain a quote; escape anyway.
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

bool SameInstant(const std::string& a, const std::string& b) {
  auto left = ParseQboTime(a);
  auto right = ParseQboTime(b);
  return left && right ? *left == *right : a == b;
}

// Records the allocation keys a mapping run emitted, for the stale-allocation check.
class TrackingSink final : public model::RecordSink {
 public:
  explicit TrackingSink(store::ApiBatch& batch) : batch_(batch) {}
  Status OnRecord(model::CanonicalRecord&& record) override {
    if (record.entity == "allocation") allocations.insert(record.key);
    ++records;
    return batch_.OnRecord(std::move(record));
  }
  Status OnReject(model::Reject&& reject) override {
    ++rejects;
    return batch_.OnReject(std::move(reject));
  }
  std::set<std::string> allocations;
  int64_t records = 0;
  int64_t rejects = 0;

 private:
  store::ApiBatch& batch_;
};

}  // namespace

std::string CanonicalEntityOf(std::string_view entity) {
  if (entity == "Customer") return "customer";
  if (entity == "Payment") return "payment";
  return "receivable";  // Invoice, CreditMemo
}

std::string KeyOf(const std::string& connector, std::string_view entity, const std::string& id) {
  return model::MakeKey(connector, CanonicalEntityOf(entity), id);
}

std::string AllocationPrefix(const std::string& connector, const std::string& payment_id) {
  return model::MakeKey(connector, "allocation", payment_id + "-");
}

RealmSync::RealmSync(const QuickBooksConfig& settings, SyncContext context, store::Store& store, QboApi& api,
                     ObjectMapper& mapper)
    : settings_(settings), context_(std::move(context)), store_(store), api_(api), mapper_(mapper) {}

int64_t RealmSync::Now() const {
  return context_.clock->UnixSeconds();
}

void RealmSync::NoteServerTime(const std::string& time) {
  if (auto server = ParseQboTime(time)) server_offset_ = UnixSeconds(*server) - Now();
}

Result<SyncCursor> RealmSync::ReadCursor() {
  auto text = store_.api().GetCursor(context_.connector, kCursorName);
  if (!text) return std::unexpected(text.error());
  if (!*text) return SyncCursor::InitialLoad(settings_.entities);
  auto cursor = SyncCursor::FromJson(**text);
  if (!cursor) return cursor;
  std::string added;
  for (const std::string& entity : settings_.entities) {
    if (std::find(cursor->entities.begin(), cursor->entities.end(), entity) == cursor->entities.end()) {
      added += (added.empty() ? "" : ", ") + entity;
    }
  }
  if (!added.empty()) {
    spdlog::info("[{}] {} added to the synced entities: loading everything again", context_.connector, added);
    return SyncCursor::InitialLoad(settings_.entities);
  }
  cursor->entities = settings_.entities;  // an entity no longer configured is no longer synced
  return cursor;
}

Status RealmSync::Pass(std::stop_token stop) {
  auto cursor = ReadCursor();
  if (!cursor) return std::unexpected(cursor.error());
  while (!stop.stop_requested()) {
    switch (cursor->phase) {
      case SyncCursor::Phase::kLoad: {
        auto next = LoadPage(*cursor, stop);
        if (!next) return std::unexpected(next.error());
        cursor = std::move(next);
        break;
      }
      case SyncCursor::Phase::kSweep: {
        auto next = Sweep(*cursor, stop);
        if (!next) return std::unexpected(next.error());
        cursor = std::move(next);
        break;
      }
      case SyncCursor::Phase::kCdc: {
        auto step = CdcStep(*cursor, stop);
        if (!step) return std::unexpected(step.error());
        const bool more = step->second;
        cursor = std::move(step->first);
        if (!more && cursor->phase == SyncCursor::Phase::kCdc) return Ok();
        break;
      }
    }
  }
  return Ok();
}

Result<SyncCursor> RealmSync::LoadPage(const SyncCursor& cursor, std::stop_token stop) {
  std::vector<std::string> conditions = {ActiveFilter(cursor.entity)};
  if (!cursor.after.empty()) {
    conditions.push_back("Metadata.LastUpdatedTime >= " + Quote(cursor.after));
  } else if (!cursor.since.empty()) {
    conditions.push_back("Metadata.LastUpdatedTime >= " + Quote(cursor.since));
  }
  const std::string sql = "SELECT * FROM " + cursor.entity + Where(conditions) +
                          " ORDERBY Metadata.LastUpdatedTime STARTPOSITION " + std::to_string(cursor.skip + 1) +
                          " MAXRESULTS " + std::to_string(settings_.page_size);
  auto body = api_.Get("query", {{"query", sql}}, stop);
  if (!body) return std::unexpected(body.error());
  auto response = ParseQboResponse(*body);
  if (!response) return std::unexpected(Error{response.error().code, "query " + cursor.entity + ": " + response.error().message});
  std::erase_if(response->objects, [&](const QboObject& object) { return object.entity != cursor.entity; });

  NoteServerTime(response->time);
  SyncCursor next = cursor;
  if (next.started.empty()) next.started = response->time;
  const auto& objects = response->objects;
  if (!objects.empty()) {
    const std::string& last = objects.back().last_updated;
    const int64_t at_last = std::count_if(objects.begin(), objects.end(),
                                          [&](const QboObject& object) { return SameInstant(object.last_updated, last); });
    if (!cursor.after.empty() && SameInstant(last, cursor.after)) {
      next.skip = cursor.skip + static_cast<int64_t>(objects.size());
    } else {
      next.after = last;
      next.skip = at_last;
    }
  }
  if (objects.size() < static_cast<size_t>(settings_.page_size)) {
    // This entity is done: the next one, or what follows the load.
    auto current = std::find(settings_.entities.begin(), settings_.entities.end(), cursor.entity);
    if (current != settings_.entities.end() && current + 1 != settings_.entities.end()) {
      next.entity = *(current + 1);
      next.after.clear();
      next.skip = 0;
    } else if (cursor.sweep) {
      next = SyncCursor{.phase = SyncCursor::Phase::kSweep, .since = cursor.since, .started = next.started,
                        .entities = cursor.entities};
    } else {
      next = SyncCursor{.phase = SyncCursor::Phase::kCdc, .since = next.started, .entities = cursor.entities};
    }
  }
  const std::string call = "query " + cursor.entity + (cursor.after.empty() ? "" : " from " + cursor.after) +
                           " position " + std::to_string(cursor.skip + 1);
  if (auto applied = Apply(objects, {}, next, call, *body, response->time, stop); !applied) {
    return std::unexpected(applied.error());
  }
  if (next.phase == SyncCursor::Phase::kCdc) {
    spdlog::info("[{}] initial load done; change data capture from {}", context_.connector, next.since);
  }
  return next;
}

Result<std::set<std::string>> RealmSync::ListIds(const std::string& entity, std::stop_token stop) {
  std::set<std::string> ids;
  for (int64_t position = 1;; position += settings_.page_size) {
    const std::string sql = "SELECT Id FROM " + entity + Where({ActiveFilter(entity)}) + " ORDERBY Id STARTPOSITION " +
                            std::to_string(position) + " MAXRESULTS " + std::to_string(settings_.page_size);
    auto body = api_.Get("query", {{"query", sql}}, stop);
    if (!body) return std::unexpected(body.error());
    auto response = ParseQboResponse(*body);
    if (!response) return std::unexpected(response.error());
    for (const QboObject& object : response->objects) ids.insert(object.id);
    if (response->objects.size() < static_cast<size_t>(settings_.page_size)) return ids;
  }
}

Result<std::set<std::string>> RealmSync::ExistingIds(const std::string& entity, const std::vector<std::string>& ids,
                                                     std::stop_token stop) {
  std::set<std::string> found;
  for (size_t start = 0; start < ids.size(); start += kVerifyChunk) {
    std::string list;
    for (size_t i = start; i < std::min(ids.size(), start + kVerifyChunk); ++i) {
      list += (list.empty() ? "" : ", ") + Quote(ids[i]);
    }
    const std::string sql = "SELECT Id FROM " + entity + Where({ActiveFilter(entity), "Id IN (" + list + ")"}) +
                            " MAXRESULTS 1000";
    auto body = api_.Get("query", {{"query", sql}}, stop);
    if (!body) return std::unexpected(body.error());
    auto response = ParseQboResponse(*body);
    if (!response) return std::unexpected(response.error());
    for (const QboObject& object : response->objects) found.insert(object.id);
  }
  return found;
}

Result<SyncCursor> RealmSync::Sweep(const SyncCursor& cursor, std::stop_token stop) {
  spdlog::info("[{}] sweep: listing every id to find what was deleted since {}", context_.connector, cursor.since);
  std::map<std::string, std::set<std::string>> ids;  // by QuickBooks entity
  for (const std::string& entity : settings_.entities) {
    auto listed = ListIds(entity, stop);
    if (!listed) return std::unexpected(listed.error());
    ids[entity] = std::move(*listed);
  }
  // Per canonical entity, what the store has and QuickBooks did not list.
  std::vector<std::string> deletes;
  for (const char* canonical : {"customer", "receivable", "payment"}) {
    std::vector<std::string> sources;
    for (const std::string& entity : settings_.entities) {
      if (CanonicalEntityOf(entity) == canonical) sources.push_back(entity);
    }
    if (sources.empty()) continue;
    const std::string prefix = model::MakeKey(context_.connector, canonical, "");
    auto live = store_.api().LiveKeysWithPrefix(prefix);
    if (!live) return std::unexpected(live.error());
    std::vector<std::string> missing;
    for (const std::string& key : *live) {
      const std::string id = key.substr(prefix.size());
      if (std::none_of(sources.begin(), sources.end(), [&](const std::string& entity) { return ids[entity].contains(id); })) {
        missing.push_back(id);
      }
    }
    // An id can be missed by a listing that shifted under a concurrent delete: only what
    // QuickBooks confirms is gone is deleted.
    for (const std::string& entity : sources) {
      if (missing.empty()) break;
      auto existing = ExistingIds(entity, missing, stop);
      if (!existing) return std::unexpected(existing.error());
      std::erase_if(missing, [&](const std::string& id) { return existing->contains(id); });
    }
    for (const std::string& id : missing) {
      deletes.push_back(model::MakeKey(context_.connector, canonical, id));
      if (std::string_view(canonical) == "payment") {
        auto allocations = store_.api().LiveKeysWithPrefix(AllocationPrefix(context_.connector, id));
        if (!allocations) return std::unexpected(allocations.error());
        deletes.insert(deletes.end(), allocations->begin(), allocations->end());
      }
    }
  }
  SyncCursor next{.phase = SyncCursor::Phase::kCdc, .since = cursor.started, .entities = cursor.entities};
  spdlog::info("[{}] sweep found {} deleted record(s); change data capture resumes from {}", context_.connector,
               deletes.size(), next.since);
  if (context_.metrics != nullptr) context_.metrics->Add("tributary_quickbooks_sweeps_total", {{"connector", context_.connector}});
  const std::string call = "sweep since " + cursor.since;
  if (auto applied = Apply({}, deletes, next, call, call, cursor.started, stop); !applied) {
    return std::unexpected(applied.error());
  }
  return next;
}

Result<std::pair<SyncCursor, bool>> RealmSync::CdcStep(const SyncCursor& cursor, std::stop_token stop) {
  auto catch_up = [&](const std::string& why) -> Result<std::pair<SyncCursor, bool>> {
    spdlog::warn("[{}] {}; catching up by query and an id sweep before change data capture resumes",
                 context_.connector, why);
    SyncCursor next = SyncCursor::CatchUp(cursor.since, settings_.entities);
    if (auto saved = store_.api().SetCursor(context_.connector, kCursorName, next.ToJson()); !saved) {
      return std::unexpected(saved.error());
    }
    return std::pair{next, true};
  };
  auto since = ParseQboTime(cursor.since);
  if (!since) return Fail(ErrorCode::kParse, "the CDC high-water mark is not a time: " + cursor.since);
  if (ServerNow() - UnixSeconds(*since) > kCdcWindowSeconds - kEstimateMargin) {
    return catch_up("the last sync (" + cursor.since + ") is older than the 30-day CDC window");
  }
  std::string entities;
  for (const std::string& entity : settings_.entities) entities += (entities.empty() ? "" : ",") + entity;
  auto body = api_.Get("cdc", {{"entities", entities}, {"changedSince", cursor.since}}, stop);
  if (!body) {
    // QuickBooks judges the window by its own clock: its refusal carries its time.
    const auto& fault = api_.last_fault();
    if (body.error().code == ErrorCode::kRejected && fault) {
      NoteServerTime(fault->time);
      auto server_now = ParseQboTime(fault->time);
      const bool too_old = (server_now && UnixSeconds(*server_now) - UnixSeconds(*since) > kCdcWindowSeconds) ||
                           fault->detail.find("30 days") != std::string::npos;
      if (too_old) return catch_up("QuickBooks refused changedSince " + cursor.since + " (" + fault->detail + ")");
    }
    return std::unexpected(body.error());
  }
  auto response = ParseQboResponse(*body);
  if (!response) return std::unexpected(Error{response.error().code, "cdc: " + response.error().message});
  if (response->time.empty()) return Fail(ErrorCode::kParse, "cdc answer without `time`");
  NoteServerTime(response->time);
  SyncCursor next{.phase = SyncCursor::Phase::kCdc, .since = response->time, .entities = cursor.entities};
  bool more = false;
  if (response->objects.size() >= kCdcCap) {
    // The answer was cut at the cap: narrow the window by moving the mark only up to the
    // newest change received (inclusive, so nothing at that instant is lost).
    std::string newest = cursor.since;
    for (const QboObject& object : response->objects) {
      auto time = ParseQboTime(object.last_updated);
      auto best = ParseQboTime(newest);
      if (time && best && *time > *best) newest = object.last_updated;
    }
    if (SameInstant(newest, cursor.since)) {
      return catch_up("more than " + std::to_string(kCdcCap) + " changes at " + cursor.since +
                      " exceed what one CDC answer can hold");
    }
    next.since = newest;
    more = true;
  }
  const std::string call = "cdc changedSince=" + cursor.since;
  if (auto applied = Apply(response->objects, {}, next, call, *body, response->time, stop); !applied) {
    return std::unexpected(applied.error());
  }
  if (context_.metrics != nullptr) {
    if (auto mark = ParseQboTime(next.since)) {
      context_.metrics->Set("tributary_quickbooks_cdc_mark_timestamp_seconds", {{"connector", context_.connector}},
                            UnixSeconds(*mark));
    }
  }
  return std::pair{next, more};
}

Status RealmSync::Apply(const std::vector<QboObject>& objects, const std::vector<std::string>& deletes,
                        const SyncCursor& next, const std::string& call, const std::string& body,
                        const std::string& response_time, std::stop_token stop) {
  if (objects.empty() && deletes.empty()) {
    return store_.api().SetCursor(context_.connector, kCursorName, next.ToJson());
  }
  const std::string sha256 = model::Sha256Hex(body);
  auto batch = store_.api().BeginBatch({.connector = context_.connector,
                                        .call = call,
                                        .sha256 = sha256,
                                        .size = static_cast<int64_t>(body.size()),
                                        .legal_entity = context_.legal_entity});
  if (!batch) return std::unexpected(batch.error());
  auto updated_at = ParseQboTime(response_time);
  mapping::MappingContext mapping_context{
      .tenant = context_.tenant,
      .source = context_.connector,
      .legal_entity = context_.legal_entity,
      .file_name = call,
      .file_sha256 = sha256,
      .source_updated_at = updated_at ? FormatRfc3339(*updated_at) : ""};
  TrackingSink sink(**batch);
  int64_t rows = 0;
  std::vector<std::string> upserted_payments;
  for (std::string_view entity : kKnownEntities) {
    std::string lines;
    for (const QboObject& object : objects) {
      if (object.entity != entity || object.deleted) continue;
      lines += object.json;
      lines += '\n';
      ++rows;
      if (entity == "Payment") upserted_payments.push_back(object.id);
    }
    if (lines.empty()) continue;
    auto stats = mapper_.Map(std::string(entity), lines, mapping_context, sink, stop);
    if (!stats) {
      return std::unexpected(Error{stats.error().code, "mapping QuickBooks " + std::string(entity) + " (" + call +
                                                           "): " + stats.error().message});
    }
  }
  // A payment that lost a line no longer allocates what that line did.
  for (const std::string& id : upserted_payments) {
    auto live = (*batch)->LiveKeysWithPrefix(AllocationPrefix(context_.connector, id));
    if (!live) return std::unexpected(live.error());
    for (const std::string& key : *live) {
      if (sink.allocations.contains(key)) continue;
      if (auto deleted = (*batch)->Delete(key); !deleted) return std::unexpected(deleted.error());
    }
  }
  // Deletes last, payments first: nothing is left pointing at a deleted record.
  for (auto entity = std::rbegin(kKnownEntities); entity != std::rend(kKnownEntities); ++entity) {
    for (const QboObject& object : objects) {
      if (object.entity != *entity || !object.deleted) continue;
      if (*entity == "Payment") {
        auto allocations = (*batch)->LiveKeysWithPrefix(AllocationPrefix(context_.connector, object.id));
        if (!allocations) return std::unexpected(allocations.error());
        for (const std::string& key : *allocations) {
          if (auto deleted = (*batch)->Delete(key); !deleted) return std::unexpected(deleted.error());
        }
      }
      if (auto deleted = (*batch)->Delete(KeyOf(context_.connector, *entity, object.id)); !deleted) {
        return std::unexpected(deleted.error());
      }
    }
  }
  for (const std::string& key : deletes) {
    if (auto deleted = (*batch)->Delete(key); !deleted) return std::unexpected(deleted.error());
  }
  if (auto saved = (*batch)->SetCursor(kCursorName, next.ToJson()); !saved) return saved;
  auto outcome = (*batch)->Commit();
  if (!outcome) return std::unexpected(outcome.error());
  const int64_t changes = outcome->last_seq == 0 ? 0 : outcome->last_seq - outcome->first_seq + 1;
  spdlog::info("[{}] {}: {} objects, {} created, {} updated, {} unchanged, {} deleted, {} rejects", context_.connector,
               call, objects.size(), outcome->created, outcome->updated, outcome->unchanged, outcome->deleted,
               outcome->rejects);
  if (context_.metrics != nullptr) {
    Labels labels{{"connector", context_.connector}};
    context_.metrics->Add("tributary_rows_total", labels, rows);
    context_.metrics->Add("tributary_rejects_total", labels, outcome->rejects);
    context_.metrics->Add("tributary_changes_total", labels, changes);
  }
  if (changes > 0 && context_.notify_changes) context_.notify_changes();
  return Ok();
}

}  // namespace tributary::connectors::quickbooks
