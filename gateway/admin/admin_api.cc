#include "gateway/admin/admin_api.h"

#include <openssl/crypto.h>

#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "gateway/admin/error_response.h"
#include "gateway/admin/query_string.h"
#include "gateway/http/json_response.h"
#include "gateway/model/money.h"

namespace tributary::admin {
namespace {

using nlohmann::ordered_json;

constexpr int kMaxLongPollSeconds = 60;

http::Response Json(int status, const ordered_json& body) { return http::JsonResponse(status, body); }

bool TokenMatches(const std::string& header, const std::string& token) {
  static constexpr std::string_view kBearer = "Bearer ";
  if (header.size() != kBearer.size() + token.size() || header.compare(0, kBearer.size(), kBearer) != 0) {
    return false;
  }
  return CRYPTO_memcmp(header.data() + kBearer.size(), token.data(), token.size()) == 0;
}

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

}  // namespace

// A Store borrowed from the pool for the duration of one request.
class AdminApi::StoreLease {
 public:
  StoreLease(AdminApi* api, std::unique_ptr<store::Store> store) : api_(api), store_(std::move(store)) {}
  StoreLease(StoreLease&& other) noexcept = default;
  ~StoreLease() {
    if (store_) api_->ReturnStore(std::move(store_));
  }
  store::Store* operator->() { return store_.get(); }
  store::Store& operator*() { return *store_; }

 private:
  AdminApi* api_;
  std::unique_ptr<store::Store> store_;
};

AdminApi::AdminApi(AdminApiOptions options, AdminApiDeps deps)
    : options_(std::move(options)), deps_(std::move(deps)), actions_(deps_.actions) {}

AdminApi::~AdminApi() = default;

void AdminApi::Shutdown() {
  shutting_down_ = true;
  deps_.changes->Notify();
}

Result<AdminApi::StoreLease> AdminApi::BorrowStore() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      auto store = std::move(pool_.back());
      pool_.pop_back();
      return StoreLease(this, std::move(store));
    }
  }
  auto store = store::Store::Open(options_.state_path);
  if (!store) return std::unexpected(store.error());
  return StoreLease(this, std::move(*store));
}

void AdminApi::ReturnStore(std::unique_ptr<store::Store> store) {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 8) pool_.push_back(std::move(store));
}

http::Response AdminApi::Handle(const http::Request& request) {
  std::string path = request.target;
  std::string query;
  if (auto mark = path.find('?'); mark != std::string::npos) {
    query = path.substr(mark + 1);
    path.resize(mark);
  }
  if (path == "/healthz") return Json(200, {{"status", "ok"}});
  if (path == "/readyz") {
    bool ready = deps_.ready && deps_.ready();
    return Json(ready ? 200 : 503, {{"status", ready ? "ready" : "starting"}});
  }
  if (auto answered = RoutePublic(deps_.public_routes, request, path)) return *answered;
  if (options_.token && !TokenMatches(http::FindHeader(request.headers, "Authorization"), *options_.token)) {
    auto response = ErrorResponse(401, "unauthorized", "a valid bearer token is required");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  try {
    return Route(request, path, query);
  } catch (const std::exception& e) {
    return ErrorResponse(500, "internal", e.what());
  }
}

http::Response AdminApi::Route(const http::Request& request, const std::string& path, const std::string& query) {
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (path == "/metrics" && get) return MetricsText();
  if (path == "/v1/changes" && get) return Changes(query);
  if (path == "/v1/connectors" && get) return Connectors();
  if (path == "/v1/rejects" && get) return Rejects(query);
  if (path == "/v1/dead-letters" && get) return DeadLetters(query);
  if (path == "/v1/quarantine" && get) return QuarantineList(query);

  if (path.starts_with("/v1/actions") || path.starts_with("/v1/proofs/")) {
    auto store = BorrowStore();
    if (!store) return FromError(store.error());
    if (auto answered = actions_.Handle(request, path, query, **store)) return *answered;
  }

  // /v1/dead-letters/{id}/replay, /v1/quarantine/{id}[/release|/discard]
  auto segments = SplitPath(path);
  if (segments.size() >= 3 && segments[0] == "v1") {
    auto id = ParseInt(segments[2]);
    if (!id) return ErrorResponse(404, "not_found", "no such resource: " + path);
    if (segments[1] == "dead-letters" && segments.size() == 4 && segments[3] == "replay" && post) {
      return ReplayDeadLetter(*id);
    }
    if (segments[1] == "quarantine" && segments.size() == 3 && get) return QuarantineGet(*id);
    if (segments[1] == "quarantine" && segments.size() == 4 && post &&
        (segments[3] == "release" || segments[3] == "discard")) {
      return QuarantineAction(*id, segments[3]);
    }
  }
  return ErrorResponse(404, "not_found", "no such endpoint: " + request.method + " " + path);
}

http::Response AdminApi::Changes(const std::string& query) {
  QueryParams params(query);
  auto after = params.Int("after", 0);
  auto limit = params.Int("limit", 100);
  auto wait = params.Int("wait", 0);
  if (!after || !limit || !wait || *after < 0 || *limit < 1 || *limit > 1000 || *wait < 0) {
    return ErrorResponse(400, "invalid_argument",
                         "expected after>=0, 1<=limit<=1000 and wait>=0 (seconds) as integers");
  }
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::min<int64_t>(*wait, kMaxLongPollSeconds));
  while (true) {
    uint64_t generation = deps_.changes->generation();
    auto changes = (*store)->ChangesAfter(*after, static_cast<int>(*limit));
    if (!changes) return FromError(changes.error());
    auto now = std::chrono::steady_clock::now();
    if (!changes->empty() || now >= deadline || shutting_down_) {
      std::string body = "{\"changes\":[";
      int64_t next_after = *after;
      for (size_t i = 0; i < changes->size(); ++i) {
        if (i > 0) body += ',';
        body += store::ChangeToJson((*changes)[i]);
        next_after = (*changes)[i].seq;
      }
      body += "],\"next_after\":" + std::to_string(next_after) + "}\n";
      return http::Response{200, {{"Content-Type", "application/json"}}, std::move(body)};
    }
    // Wake on a commit, and re-check at least every second: another process may write.
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    deps_.changes->WaitFor(generation, std::min(remaining, std::chrono::milliseconds(1000)));
  }
}

http::Response AdminApi::MetricsText() {
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  tributary::Metrics& metrics = *deps_.metrics;
  if (deps_.publish_metrics) deps_.publish_metrics(metrics);
  auto last_seq = (*store)->LastSeq();
  if (last_seq) metrics.Set("tributary_outbox_last_seq", {}, *last_seq);
  if (options_.push_enabled) {
    auto delivered = (*store)->DeliveredThrough();
    if (last_seq && delivered) metrics.Set("tributary_outbox_depth", {}, *last_seq - *delivered);
  }
  if (auto dead = (*store)->DeadLetterCount()) metrics.Set("tributary_dead_letters", {}, *dead);
  if (auto quarantined = (*store)->ListQuarantine(true)) {
    metrics.Set("tributary_quarantined_snapshots", {}, static_cast<int64_t>(quarantined->size()));
  }
  if (auto balances = (*store)->OpenBalances()) {
    metrics.Clear("tributary_open_amount");
    metrics.Clear("tributary_open_items");
    for (const auto& balance : *balances) {
      auto exponent = model::CurrencyExponent(balance.currency).value_or(2);
      Labels labels{{"currency", balance.currency}, {"legal_entity", balance.legal_entity}};
      metrics.SetText("tributary_open_amount", labels, model::FormatMinorUnits(balance.open_minor, exponent));
      metrics.Set("tributary_open_items", labels, balance.open_items);
    }
  }
  if (auto jobs = (*store)->actions().CountByStatus()) {
    for (store::JobStatus status : {store::JobStatus::kQueued, store::JobStatus::kRunning,
                                    store::JobStatus::kWaitingProvider, store::JobStatus::kSucceeded,
                                    store::JobStatus::kFailed, store::JobStatus::kCancelled}) {
      int64_t count = 0;
      for (const auto& [counted, n] : *jobs) {
        if (counted == status) count = n;
      }
      metrics.Set("tributary_action_jobs", {{"status", std::string(store::JobStatusName(status))}}, count);
    }
  }
  const auto scraped_at = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
  if (auto waiting = (*store)->actions().WaitingByConnector()) {
    metrics.Clear("tributary_action_waiting_provider");
    metrics.Clear("tributary_action_oldest_waiting_seconds");
    for (const auto& group : *waiting) {
      Labels labels{{"connector", group.connector}, {"kind", group.kind}};
      metrics.Set("tributary_action_waiting_provider", labels, group.jobs);
      metrics.Set("tributary_action_oldest_waiting_seconds", labels, std::max<int64_t>(0, scraped_at - group.oldest_created_unix));
    }
  }
  if (auto covers = (*store)->actions().CoversInForce()) {
    metrics.Clear("tributary_credit_cover_granted");
    metrics.Clear("tributary_credit_covers");
    for (const auto& total : *covers) {
      Labels labels{{"connector", total.connector}, {"currency", total.currency}};
      auto exponent = model::CurrencyExponent(total.currency).value_or(2);
      metrics.SetText("tributary_credit_cover_granted", labels, model::FormatMinorUnits(total.granted_minor, exponent));
      metrics.Set("tributary_credit_covers", labels, total.covers);
    }
  }
  auto now = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch()).count();
  for (const ConnectorStatus& status : deps_.connectors->All()) {
    Labels labels{{"connector", status.name}};
    int64_t last = metrics.Get("tributary_last_file_applied_timestamp_seconds", labels);
    if (last > 0) metrics.Set("tributary_data_age_seconds", labels, now - last);
    metrics.Set("tributary_connector_up", labels, status.state == "failing" ? 0 : 1);
  }
  return http::Response{200, {{"Content-Type", "text/plain; version=0.0.4"}}, metrics.Render()};
}

http::Response AdminApi::Connectors() {
  ordered_json list = ordered_json::array();
  for (const ConnectorStatus& status : deps_.connectors->All()) {
    list.push_back({{"name", status.name},
                    {"type", status.type},
                    {"state", status.state},
                    {"last_run_at", status.last_run_at},
                    {"last_success_at", status.last_success_at},
                    {"last_error", status.last_error},
                    {"polls", status.polls},
                    {"failures", status.failures}});
  }
  return Json(200, {{"connectors", list}});
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

http::Response AdminApi::ReplayDeadLetter(int64_t id) {
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto seq = (*store)->ReplayDeadLetter(id);
  if (!seq) return FromError(seq.error());
  deps_.changes->Notify();
  if (deps_.wake_pusher) deps_.wake_pusher();
  return Json(200, {{"id", id}, {"replayed_as_seq", *seq}});
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

http::Response AdminApi::QuarantineGet(int64_t id) {
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  auto row = (*store)->GetQuarantine(id);
  if (!row) return FromError(row.error());
  return Json(200, QuarantineJson(*row));
}

http::Response AdminApi::QuarantineAction(int64_t id, const std::string& action) {
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  Status done = action == "release" ? (*store)->ReleaseQuarantine(id) : (*store)->DiscardQuarantine(id);
  if (!done) return FromError(done.error());
  if (deps_.wake_connectors) deps_.wake_connectors();
  auto row = (*store)->GetQuarantine(id);
  if (!row) return FromError(row.error());
  return Json(200, QuarantineJson(*row));
}

}  // namespace tributary::admin
