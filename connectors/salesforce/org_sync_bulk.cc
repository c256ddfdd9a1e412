// The Bulk API 2.0 initial load: one query job, polled until complete, its results read
// page by page (Sforce-Locator), each page committed with the locator of the next.
#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connectors/salesforce/bulk_csv.h"
#include "connectors/salesforce/org_sync.h"

namespace tributary::connectors::salesforce {
namespace {

constexpr int64_t kBulkPageRecords = 50000;  // maxRecords of a results page
constexpr std::chrono::milliseconds kFirstPoll{500};
constexpr std::chrono::milliseconds kLongestPoll{10000};

bool Gone(const SalesforceApi& api) { return api.last_refusal().starts_with("HTTP 404"); }

}  // namespace

Result<ObjectCursor> OrgSync::Bulk(SyncedObject& object, ObjectCursor cursor, std::stop_token stop) {
  const std::string jobs = settings_.DataPath() + "/jobs/query";
  auto restart = [&](const std::string& why) -> Result<ObjectCursor> {
    spdlog::warn("[{}] {}: {}; the initial load starts again", context_.connector, object.config->object, why);
    ObjectCursor fresh;
    if (auto saved = SaveCursor(object, fresh); !saved) return std::unexpected(saved.error());
    return fresh;
  };
  if (cursor.job.empty()) {
    std::string soql = Select(object);
    if (!object.config->where.empty()) soql += " WHERE " + object.config->where;
    const nlohmann::json request = {{"operation", "query"}, {"query", soql}};
    std::vector<SalesforceError> refusal;
    auto created = api_.Send({.method = "POST",
                              .target = jobs,
                              .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                              .body = request.dump()},
                             "a Bulk API query job for " + object.config->object, stop, &refusal);
    if (!created) return std::unexpected(QueryFailed(object, created.error(), refusal));
    auto job = nlohmann::json::parse(created->body, nullptr, false);
    if (!job.is_object() || !job.contains("id") || !job["id"].is_string()) {
      return Fail(ErrorCode::kParse, object.config->object + ": a Bulk API job answer without id");
    }
    cursor.job = job["id"];
    cursor.locator.clear();
    // Changes after the load are read from the job's creation by Salesforce's clock (less
    // the overlap): what the job's snapshot may have missed is read again, not lost.
    if (job.contains("createdDate") && job["createdDate"].is_string()) {
      if (auto created_ms = ParseSalesforceTime(job["createdDate"].get<std::string>())) {
        cursor.load_start = FormatSalesforceTime(std::min(*created_ms, NowMs()) - settings_.overlap.count());
      }
    }
    // Saved at once: after a crash the load goes on with this job instead of a new one.
    if (auto saved = SaveCursor(object, cursor); !saved) return std::unexpected(saved.error());
  }
  if (cursor.locator.empty()) {
    auto delay = kFirstPoll;
    while (true) {
      auto info = api_.Get(jobs + "/" + cursor.job, "Bulk API job " + cursor.job, stop);
      if (!info) {
        if (Gone(api_)) return restart("Bulk API job " + cursor.job + " is gone");
        return std::unexpected(info.error());
      }
      auto job = nlohmann::json::parse(info->body, nullptr, false);
      const std::string state = job.is_object() ? job.value("state", "") : "";
      if (state == "JobComplete") break;
      if (state == "Failed" || state == "Aborted") {
        return restart("Bulk API job " + cursor.job + " ended " + state +
                       (job.contains("errorMessage") && job["errorMessage"].is_string()
                            ? " (" + job["errorMessage"].get<std::string>() + ")"
                            : std::string()));
      }
      if (!context_.clock->SleepFor(delay, stop)) return Fail(ErrorCode::kCancelled, "stopped");
      delay = std::min(delay * 2, kLongestPoll);
    }
  }
  const std::vector<std::string> required = Required(object);
  int pages = 0;
  while (true) {
    if (stop.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped");
    std::string target = jobs + "/" + cursor.job + "/results?maxRecords=" + std::to_string(kBulkPageRecords);
    if (!cursor.locator.empty()) target += "&locator=" + kit::UrlEncode(cursor.locator);
    auto results = api_.Get(target, "Bulk API results of job " + cursor.job, stop, nullptr, {{"Accept", "text/csv"}});
    if (!results) {
      if (Gone(api_)) return restart("the results of Bulk API job " + cursor.job + " are gone");
      return std::unexpected(results.error());
    }
    auto page = CsvToJsonLines(results->body, required);
    if (!page) return std::unexpected(Error{page.error().code, object.config->object + ": " + page.error().message});
    const std::string locator = http::FindHeader(results->headers, "Sforce-Locator");
    ObjectCursor next = cursor;
    if (locator.empty() || locator == "null") {
      next.phase = ObjectCursor::Phase::kChanges;
      next.stamp = cursor.load_start;
      next.id.clear();
      next.caught_up = false;
      next.job.clear();
      next.locator.clear();
    } else {
      next.locator = locator;
    }
    const std::string call = object.config->object + " Bulk API job " + cursor.job + " page " + std::to_string(++pages);
    if (auto applied = Apply(object, page->json_lines, page->records, {}, next, call, stop); !applied) {
      return std::unexpected(applied.error());
    }
    const std::string job_id = cursor.job;
    cursor = std::move(next);
    if (cursor.phase == ObjectCursor::Phase::kChanges) {
      spdlog::info("[{}] {}: Bulk API load done; changes from {}", context_.connector, object.config->object,
                   cursor.stamp);
      // The results would stay 7 days in the org's storage: they are no longer needed. A
      // failure here costs nothing but the storage.
      if (auto deleted = api_.Send({.method = "DELETE", .target = jobs + "/" + job_id}, "deleting Bulk API job " + job_id,
                                   stop);
          !deleted) {
        spdlog::warn("[{}] {}", context_.connector, deleted.error().message);
      }
      return cursor;
    }
  }
}

}  // namespace tributary::connectors::salesforce
