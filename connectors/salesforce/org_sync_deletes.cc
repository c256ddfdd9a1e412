// Deletes: getDeleted from the deletes mark, and the id sweep when the mark is older than
// the 15-day window (or older than what the org's delete log still holds).
#include <algorithm>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connectors/salesforce/org_sync.h"
#include "connectors/salesforce/query_page.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::salesforce {
namespace {

constexpr int64_t kDeleteWindowMs = int64_t{15} * 24 * 3600 * 1000;
// Our clock estimates Salesforce's: only a mark clearly inside the window is asked for.
constexpr int64_t kWindowMarginMs = int64_t{3600} * 1000;
// The end asked of getDeleted is past our clock by this much: Salesforce covers up to its
// own present (latestDateCovered, the next start), so a clock behind Salesforce's delays
// nothing.
constexpr int64_t kClockSkewMs = int64_t{3600} * 1000;

}  // namespace

Result<ObjectCursor> OrgSync::Deletes(SyncedObject& object, ObjectCursor cursor, std::stop_token stop) {
  if (cursor.phase != ObjectCursor::Phase::kChanges) return cursor;
  const int64_t now = NowMs();
  auto since = ParseSalesforceTime(cursor.deleted_since);
  if (!since) {
    spdlog::warn("[{}] {}: no usable deletes mark ({}); sweeping ids", context_.connector, object.config->object,
                 cursor.deleted_since);
    return Sweep(object, std::move(cursor), stop);
  }
  if (now - *since > kDeleteWindowMs - kWindowMarginMs) {
    spdlog::warn("[{}] {}: the last deletes check ({}) is older than Salesforce's 15-day window; sweeping ids",
                 context_.connector, object.config->object, cursor.deleted_since);
    return Sweep(object, std::move(cursor), stop);
  }
  const std::string target = settings_.DataPath() + "/sobjects/" + object.config->object + "/deleted/?start=" +
                             kit::UrlEncode(FormatSalesforceTime(*since)) +
                             "&end=" + kit::UrlEncode(FormatSalesforceTime(std::max(now, *since) + kClockSkewMs));
  std::vector<SalesforceError> refusal;
  auto response = api_.Get(target, object.config->object + " deletes since " + cursor.deleted_since, stop, &refusal);
  if (!response) {
    const bool too_old = std::any_of(refusal.begin(), refusal.end(), [](const SalesforceError& entry) {
      return entry.code == "INVALID_REPLICATION_DATE" || entry.code == "EXCEEDED_ID_LIMIT";
    });
    if (too_old) {
      spdlog::warn("[{}] {}: Salesforce refused deletes since {} ({}); sweeping ids", context_.connector,
                   object.config->object, cursor.deleted_since, api_.last_refusal());
      return Sweep(object, std::move(cursor), stop);
    }
    return std::unexpected(response.error());
  }
  auto answer = nlohmann::json::parse(response->body, nullptr, false);
  if (!answer.is_object() || !answer.contains("latestDateCovered")) {
    return Fail(ErrorCode::kParse, object.config->object + ": unreadable getDeleted answer");
  }
  const std::string earliest = answer.value("earliestDateAvailable", "");
  if (auto earliest_ms = ParseSalesforceTime(earliest); earliest_ms && *earliest_ms > *since) {
    spdlog::warn("[{}] {}: the org's delete log starts at {}, after the last check ({}); sweeping ids",
                 context_.connector, object.config->object, earliest, cursor.deleted_since);
    return Sweep(object, std::move(cursor), stop);
  }
  std::vector<std::string> deletes;
  if (answer.contains("deletedRecords") && answer["deletedRecords"].is_array()) {
    for (const auto& record : answer["deletedRecords"]) {
      const std::string id = record.value("id", "");
      if (id.empty()) continue;
      for (const std::string& entity : object.entities) deletes.push_back(model::MakeKey(context_.connector, entity, id));
    }
  }
  ObjectCursor next = cursor;
  next.deleted_since = answer.value("latestDateCovered", cursor.deleted_since);
  if (deletes.empty()) {
    if (auto saved = SaveCursor(object, next); !saved) return std::unexpected(saved.error());
    return next;
  }
  if (auto applied = Apply(object, "", 0, deletes, next, object.config->object + " deletes since " + cursor.deleted_since, stop);
      !applied) {
    return std::unexpected(applied.error());
  }
  return next;
}

Result<std::set<std::string>> OrgSync::ListIds(const SyncedObject& object, std::stop_token stop) {
  std::string soql = "SELECT Id FROM " + object.config->object;
  if (!object.config->where.empty()) soql += " WHERE " + object.config->where;
  std::vector<SalesforceError> refusal;
  auto body = api_.Query(soql, stop, &refusal);
  if (!body) return std::unexpected(QueryFailed(object, body.error(), refusal));
  std::set<std::string> ids;
  while (true) {
    auto page = ParseQueryPage(*body, {"Id"});
    if (!page) return std::unexpected(page.error());
    ids.insert(page->ids.begin(), page->ids.end());
    if (page->done) return ids;
    body = api_.More(page->next_records_url, stop);
    if (!body) return std::unexpected(body.error());
  }
}

Result<ObjectCursor> OrgSync::Sweep(SyncedObject& object, ObjectCursor cursor, std::stop_token stop) {
  // getDeleted takes over from the moment the listing starts.
  const std::string started = FormatSalesforceTime(NowMs());
  std::vector<std::string> deletes;
  for (const std::string& entity : object.entities) {
    // Every object whose mapping produces this entity vouches for its keys.
    std::set<std::string> ids;
    for (const SyncedObject& other : objects_) {
      if (std::find(other.entities.begin(), other.entities.end(), entity) == other.entities.end()) continue;
      auto listed = ListIds(other, stop);
      if (!listed) return std::unexpected(listed.error());
      ids.merge(*listed);
    }
    const std::string prefix = model::MakeKey(context_.connector, entity, "");
    auto live = store_.api().LiveKeysWithPrefix(prefix);
    if (!live) return std::unexpected(live.error());
    for (const std::string& key : *live) {
      if (!ids.contains(key.substr(prefix.size()))) deletes.push_back(key);
    }
  }
  ObjectCursor next = cursor;
  next.deleted_since = started;
  spdlog::info("[{}] {}: id sweep found {} deleted record(s); deletes are read from {}", context_.connector,
               object.config->object, deletes.size(), started);
  if (context_.metrics != nullptr) {
    context_.metrics->Add("tributary_salesforce_sweeps_total", {{"connector", context_.connector}});
  }
  if (auto applied = Apply(object, "", 0, deletes, next, object.config->object + " id sweep", stop); !applied) {
    return std::unexpected(applied.error());
  }
  return next;
}

}  // namespace tributary::connectors::salesforce
