// The admin API's ledgers: the files, rejects, dead letters (with replay) and quarantined
// snapshots (with release and discard).
#include <cctype>
#include <optional>

#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.h"
#include "gateway/admin/error_response.h"
#include "gateway/admin/json_fields.h"
#include "gateway/admin/query_string.h"
#include "gateway/common/time_format.h"
#include "gateway/http/json_response.h"

namespace tributary::admin {
namespace {

using nlohmann::ordered_json;

http::Response Json(int status, const ordered_json& body) { return http::JsonResponse(status, body); }

ordered_json RejectJson(const store::Reject& row) {
  return {{"id", row.id},           {"connector", row.connector},    {"file", row.reject.file},
          {"file_sha256", row.file_sha256}, {"line", row.reject.line}, {"column", row.reject.column},
          {"field", row.reject.field}, {"reason", row.reject.reason}, {"raw", row.reject.raw},
          {"created_at", row.created_at}};
}

ordered_json DeadLetterJson(const store::DeadLetter& row) {
  ordered_json change = ordered_json::parse(row.change_json, nullptr, false);
  return {{"id", row.id},         {"batch_id", row.batch_id}, {"seq", row.seq},
          {"entity", row.entity}, {"key", row.key},           {"code", row.code},
          {"message", row.message}, {"change", change},       {"created_at", row.created_at},
          {"replayed_at", row.replayed_at ? ordered_json(*row.replayed_at) : ordered_json(nullptr)}};
}

ordered_json QuarantineJson(const store::Quarantine& row) {
  ordered_json diff = ordered_json::parse(row.diff_json, nullptr, false);
  return {{"id", row.id},
          {"connector", row.connector},
          {"feed", row.feed},
          {"file", {{"name", row.file.name}, {"sha256", row.file.sha256}, {"size", row.file.size}}},
          {"reason", row.reason},
          {"state", row.state},
          {"diff", diff},
          {"created_at", row.created_at}};
}


ordered_json FileJson(const store::FileEntry& row) {
  return {{"id", row.id},
          {"connector", row.identity.connector},
          {"name", row.identity.name},
          {"sha256", row.identity.sha256},
          {"size", row.identity.size},
          {"status", std::string(store::FileStateName(row.state))},
          {"rows", row.rows},
          {"rejects", row.rejects},
          {"changes", row.changes},
          {"last_seq", row.last_seq},
          {"closes_withheld", row.closes_withheld},
          {"closes_withheld_reason", OrNull(row.note)},
          {"error", OrNull(row.error)},
          {"moved_to", OrNull(row.moved_to)},
          {"created_at", row.created_at},
          {"updated_at", row.updated_at}};
}

// `2026-12-01` or `2026-12-01T08:00:00[.123]Z` as the ledger writes times (so they compare
// as text), or nullopt.
std::optional<std::string> UtcTimeBound(const std::string& text) {
  auto digits = [&](size_t from, size_t count) {
    for (size_t i = from; i < from + count; ++i) {
      if (i >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
  };
  const bool date = text.size() >= 10 && digits(0, 4) && text[4] == '-' && digits(5, 2) && text[7] == '-' &&
                    digits(8, 2);
  if (!date) return std::nullopt;
  if (text.size() == 10) return text + "T00:00:00Z";
  const bool time = text.size() >= 20 && text[10] == 'T' && digits(11, 2) && text[13] == ':' && digits(14, 2) &&
                    text[16] == ':' && digits(17, 2) && text.back() == 'Z';
  if (!time) return std::nullopt;
  if (text.size() == 20) return text;
  if (text[19] != '.' || !digits(20, text.size() - 21) || text.size() < 22) return std::nullopt;
  return text;
}

}  // namespace

void AdminApi::AddLedgerRoutes() {
  const Scopes read{Scope::kRead};
  const Scopes operate{Scope::kOperate};
  routes_.Add({"GET", "/v1/files", read, [this](const http::Request&, const RouteArgs& args) { return Files(args.query); }});
  routes_.Add({"GET", "/v1/rejects", read,
               [this](const http::Request&, const RouteArgs& args) { return Rejects(args.query); }});
  routes_.Add({"GET", "/v1/dead-letters", read,
               [this](const http::Request&, const RouteArgs& args) { return DeadLetters(args.query); }});
  routes_.Add({"POST", "/v1/dead-letters/{id}/replay", operate,
               [this](const http::Request&, const RouteArgs& args) { return ReplayDeadLetter(args.Param("id")); }});
  routes_.Add({"GET", "/v1/quarantine", read,
               [this](const http::Request&, const RouteArgs& args) { return QuarantineList(args.query); }});
  routes_.Add({"GET", "/v1/quarantine/{id}", read,
               [this](const http::Request&, const RouteArgs& args) { return QuarantineGet(args.Param("id")); }});
  for (const char* action : {"release", "discard"}) {
    routes_.Add({"POST", std::string("/v1/quarantine/{id}/") + action, operate,
                 [this, action](const http::Request&, const RouteArgs& args) {
                   return QuarantineAction(args.Param("id"), action);
                 }});
  }
}

http::Response AdminApi::Rejects(const std::string& query) {
  QueryParams params(query);
  auto after = params.Int("after", 0);
  auto limit = params.Int("limit", 100);
  if (!after || !limit || *limit < 1 || *limit > 1000) {
    return ErrorResponse(400, "invalid_argument", "expected integer after and 1<=limit<=1000");
  }
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto rows = (*store)->ListRejects(params.String("connector"), *after, static_cast<int>(*limit));
  if (!rows) return FromError(rows.error());
  ordered_json list = ordered_json::array();
  for (const store::Reject& row : *rows) list.push_back(RejectJson(row));
  return Json(200, {{"rejects", list}, {"next_after", rows->empty() ? *after : rows->back().id}});
}

http::Response AdminApi::DeadLetters(const std::string& query) {
  QueryParams params(query);
  auto after = params.Int("after", 0);
  auto limit = params.Int("limit", 100);
  if (!after || !limit || *limit < 1 || *limit > 1000) {
    return ErrorResponse(400, "invalid_argument", "expected integer after and 1<=limit<=1000");
  }
  bool pending_only = params.String("all") != "true";
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto rows = (*store)->ListDeadLetters(pending_only, *after, static_cast<int>(*limit));
  if (!rows) return FromError(rows.error());
  ordered_json list = ordered_json::array();
  for (const store::DeadLetter& row : *rows) list.push_back(DeadLetterJson(row));
  return Json(200, {{"dead_letters", list}, {"next_after", rows->empty() ? *after : rows->back().id}});
}

http::Response AdminApi::ReplayDeadLetter(const std::string& id_text) {
  auto id = ParseInt(id_text);
  if (!id) return ErrorResponse(404, "not_found", "no dead letter " + id_text);
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto seq = (*store)->ReplayDeadLetter(*id);
  if (!seq) return FromError(seq.error());
  deps_.changes->Notify();
  if (deps_.wake_pusher) deps_.wake_pusher();
  return Json(200, {{"id", *id}, {"replayed_as_seq", *seq}});
}

http::Response AdminApi::QuarantineList(const std::string& query) {
  QueryParams params(query);
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto rows = (*store)->ListQuarantine(params.String("all") != "true");
  if (!rows) return FromError(rows.error());
  ordered_json list = ordered_json::array();
  for (const store::Quarantine& row : *rows) list.push_back(QuarantineJson(row));
  return Json(200, {{"quarantine", list}});
}

http::Response AdminApi::QuarantineGet(const std::string& id_text) {
  auto id = ParseInt(id_text);
  if (!id) return ErrorResponse(404, "not_found", "no quarantined snapshot " + id_text);
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto row = (*store)->GetQuarantine(*id);
  if (!row) return FromError(row.error());
  return Json(200, QuarantineJson(*row));
}

http::Response AdminApi::QuarantineAction(const std::string& id_text, const std::string& action) {
  auto id = ParseInt(id_text);
  if (!id) return ErrorResponse(404, "not_found", "no quarantined snapshot " + id_text);
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  Status done = action == "release" ? (*store)->ReleaseQuarantine(*id) : (*store)->DiscardQuarantine(*id);
  if (!done) return FromError(done.error());
  if (deps_.wake_connectors) deps_.wake_connectors();
  auto row = (*store)->GetQuarantine(*id);
  if (!row) return FromError(row.error());
  return Json(200, QuarantineJson(*row));
}

http::Response AdminApi::Files(const std::string& query) {
  QueryParams params(query);
  auto before = params.Int("before", 0);
  auto limit = params.Int("limit", 100);
  if (!before || !limit || *before < 0 || *limit < 1 || *limit > 1000) {
    return ErrorResponse(400, "invalid_argument", "expected before>=0 and 1<=limit<=1000 as integers");
  }
  store::FileQuery filter{.connector = params.String("connector"),
                          .after = params.String("after"),
                          .before_id = *before,
                          .limit = static_cast<int>(*limit)};
  if (std::string status = params.String("status"); !status.empty()) {
    filter.state = store::ParseFileState(status);
    if (!filter.state) {
      return ErrorResponse(400, "invalid_argument",
                           "unknown status \"" + status + "\" (applied, archived, quarantined, released, discarded, failed)");
    }
  }
  if (!filter.after.empty()) {
    auto after = UtcTimeBound(filter.after);
    if (!after) {
      return ErrorResponse(400, "invalid_argument",
                           "after must be a UTC date or time: 2026-12-01 or 2026-12-01T08:00:00Z");
    }
    filter.after = *after;
  }
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto rows = (*store)->ListFiles(filter);
  if (!rows) return FromError(rows.error());
  ordered_json list = ordered_json::array();
  for (const store::FileEntry& row : *rows) list.push_back(FileJson(row));
  ordered_json next = rows->size() == static_cast<size_t>(*limit) ? ordered_json(rows->back().id) : ordered_json();
  return Json(200, {{"files", list}, {"next_before", next}});
}

}  // namespace tributary::admin
