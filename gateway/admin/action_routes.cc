#include "gateway/admin/action_routes.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "gateway/admin/action_requests.h"
#include "gateway/admin/error_response.h"
#include "gateway/admin/json_fields.h"
#include "gateway/admin/query_string.h"
#include "gateway/common/time_format.h"
#include "gateway/http/json_response.h"
#include "gateway/sync/uuid.h"

namespace tributary::admin {

namespace {

using nlohmann::ordered_json;

constexpr size_t kMaxIdempotencyKey = 255;
constexpr int64_t kMaxPage = 1000;

std::string IsoOfUnixMs(int64_t ms) {
  return FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)), true);
}

ordered_json JobJson(const store::Job& job) {
  ordered_json waiting;
  const bool waits = job.status == store::JobStatus::kWaitingProvider ||
                     (job.status == store::JobStatus::kQueued && !job.waiting_for.empty());
  if (waits) waiting = {{"for", OrNull(job.waiting_for)}, {"next_attempt_at", IsoOfUnixMs(job.next_run_at_ms)}};
  std::string entity;
  if (auto first = job.result_key.find(':'); first != std::string::npos) {
    auto second = job.result_key.find(':', first + 1);
    if (second != std::string::npos) entity = job.result_key.substr(first + 1, second - first - 1);
  }
  ordered_json request = ordered_json::parse(job.request, nullptr, false);
  return {{"id", job.id},
          {"number", job.number},
          {"kind", job.kind},
          {"connector", job.connector},
          {"status", store::JobStatusName(job.status)},
          {"attempts", job.attempts},
          {"waiting", std::move(waiting)},
          {"error", OrNull(job.error)},
          {"result_key", OrNull(job.result_key)},
          {"result_entity", OrNull(entity)},
          {"from_cache", job.from_cache},
          {"provider_ref", OrNull(job.provider_ref)},
          {"idempotency_key", job.idempotency_key},
          {"request", std::move(request)},
          {"created_at", job.created_at},
          {"updated_at", job.updated_at},
          {"finished_at", OrNull(job.finished_at)}};
}

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) || std::isupper(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

http::Response ActionRoutes::Get(const std::string& id, store::Store& store) const {
  auto job = store.actions().Get(id);
  if (!job) return FromError(job.error());
  return http::JsonResponse(200, JobJson(*job));
}

http::Response ActionRoutes::Cancel(const std::string& id, store::Store& store) const {
  auto job = store.actions().Cancel(id);
  if (!job) return FromError(job.error());
  return http::JsonResponse(200, JobJson(*job));
}

http::Response ActionRoutes::Create(const http::Request& request, const std::string& kind, store::Store& store) const {
  if (!IsActionKind(kind)) return ErrorResponse(404, "not_found", "no such action kind: " + kind);
  const std::string key = http::FindHeader(request.headers, "Idempotency-Key");
  if (key.empty()) {
    return ErrorResponse(400, "idempotency_key_required",
                         "POST /v1/actions/" + kind + " needs an Idempotency-Key header (the core's id of the request)");
  }
  if (key.size() > kMaxIdempotencyKey) {
    return ErrorResponse(400, "invalid_idempotency_key",
                         "the Idempotency-Key is longer than " + std::to_string(kMaxIdempotencyKey) + " characters");
  }
  const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return ErrorResponse(400, "invalid_json", "the body is not valid JSON");
  auto problems = CheckActionRequest(kind, body);
  if (!problems.empty()) {
    ordered_json fields = ordered_json::array();
    std::string message = "invalid " + kind + " request:";
    for (const FieldProblem& problem : problems) {
      fields.push_back({{"field", problem.field}, {"message", problem.message}});
      message += " " + (problem.field.empty() ? std::string("body") : problem.field) + ": " + problem.message + ";";
    }
    message.pop_back();
    return ErrorResponse(400, "invalid_request", message, std::move(fields));
  }
  const std::string connector = body["connector"].get<std::string>();
  std::vector<std::string> able;
  for (const auto& [name, kinds] : deps_.connectors) {
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) able.push_back(name);
  }
  if (std::find(able.begin(), able.end(), connector) == able.end()) {
    std::string message = deps_.connectors.contains(connector)
                              ? "connector \"" + connector + "\" does not do " + kind + " actions"
                              : "no connector \"" + connector + "\" is configured";
    std::string list;
    for (const std::string& name : able) list += (list.empty() ? "" : ", ") + name;
    message += list.empty() ? "; no configured connector does " + kind + " actions"
                            : "; connectors that do " + kind + " actions: " + list;
    ordered_json details = ordered_json::array();
    details.push_back({{"field", "connector"}, {"message", message}});
    return ErrorResponse(422, "unknown_connector", message, std::move(details));
  }

  const auto now = deps_.clock->Now();
  auto id = sync::NewUuidV7(now);
  if (!id) return FromError(id.error());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  // nlohmann::json keeps members sorted: dump() is the request's canonical text, so the
  // same request written with its members in another order is the same request.
  auto created = store.actions().Create(
      {.id = *id, .kind = kind, .connector = connector, .idempotency_key = key, .request = body.dump()}, now_ms);
  if (!created) return FromError(created.error());
  const auto& [outcome, job] = *created;
  switch (outcome) {
    case store::CreateOutcome::kCreated: {
      if (deps_.wake) deps_.wake(connector);
      auto response = http::JsonResponse(202, JobJson(job));
      response.headers.emplace_back("Location", "/v1/actions/" + job.id);
      return response;
    }
    case store::CreateOutcome::kSameRequest:
      return http::JsonResponse(200, JobJson(job));
    case store::CreateOutcome::kOtherRequest:
      break;
  }
  return ErrorResponse(409, "idempotency_key_reused",
                       "the Idempotency-Key \"" + key + "\" was used for another request (job " + job.id + ", " +
                           job.kind + " by " + job.connector + ")");
}

http::Response ActionRoutes::List(const std::string& query, store::Store& store) const {
  QueryParams params(query);
  auto after = params.Int("after", 0);
  auto limit = params.Int("limit", 100);
  if (!after || !limit || *after < 0 || *limit < 1 || *limit > kMaxPage) {
    return ErrorResponse(400, "invalid_argument", "expected after>=0 and 1<=limit<=1000 as integers");
  }
  std::optional<store::JobStatus> status;
  if (std::string name = params.String("status"); !name.empty()) {
    status = store::ParseJobStatus(name);
    if (!status) {
      return ErrorResponse(400, "invalid_argument",
                           "unknown status \"" + name +
                               "\" (queued, running, waiting_provider, succeeded, failed, cancelled)");
    }
  }
  auto jobs = store.actions().List(status, *after, static_cast<int>(*limit));
  if (!jobs) return FromError(jobs.error());
  ordered_json items = ordered_json::array();
  int64_t next_after = *after;
  for (const store::Job& job : *jobs) {
    items.push_back(JobJson(job));
    next_after = job.number;
  }
  return http::JsonResponse(200, ordered_json{{"actions", std::move(items)}, {"next_after", next_after}});
}

http::Response ActionRoutes::Proof(const std::string& sha256, store::Store& store) const {
  if (!IsSha256Hex(sha256)) {
    return ErrorResponse(400, "invalid_argument", "a proof is named by the lowercase hex SHA-256 of its content");
  }
  auto proof = store.actions().GetProof(sha256);
  if (!proof) return FromError(proof.error());
  if (!*proof) return ErrorResponse(404, "not_found", "no proof " + sha256);
  http::Response response{200, {{"Content-Type", (*proof)->media_type}, {"ETag", "\"" + sha256 + "\""}},
                          std::move((*proof)->content)};
  if (!(*proof)->filename.empty()) {
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + (*proof)->filename + "\"");
  }
  return response;
}

}  // namespace tributary::admin
