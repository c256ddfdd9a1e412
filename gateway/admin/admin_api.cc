#include "gateway/admin/admin_api.h"

#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "gateway/admin/action_requests.h"
#include "gateway/admin/error_response.h"
#include "gateway/admin/openapi_document.h"
#include "gateway/admin/query_string.h"
#include "gateway/http/json_response.h"
#include "gateway/model/money.h"

namespace tributary::admin {
namespace {

using nlohmann::ordered_json;

constexpr int kMaxLongPollSeconds = 60;

http::Response Json(int status, const ordered_json& body) { return http::JsonResponse(status, body); }

}  // namespace

AdminApi::AdminApi(AdminApiOptions options, AdminApiDeps deps)
    : options_(std::move(options)), deps_(std::move(deps)), actions_(deps_.actions) {
  AddRoutes();
}

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
  if (auto answered = RoutePublic(deps_.public_routes, request, path)) return *answered;
  try {
    return Dispatch(request, path, query);
  } catch (const std::exception& e) {
    return ErrorResponse(500, "internal", e.what());
  }
}

http::Response AdminApi::Dispatch(const http::Request& request, const std::string& path, const std::string& query) {
  // HEAD is GET without the body (the server drops it).
  const std::string method = request.method == "HEAD" ? "GET" : request.method;
  auto match = routes_.Find(method, path);
  if (!match) {
    std::vector<std::string> methods = routes_.MethodsFor(path);
    if (methods.empty()) return ErrorResponse(404, "not_found", "no such endpoint: " + request.method + " " + path);
    std::string allow;
    for (const std::string& known : methods) allow += (allow.empty() ? "" : ", ") + known;
    auto response = ErrorResponse(405, "method_not_allowed", request.method + " " + path + " is not served; use " + allow);
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  RouteArgs args{.params = std::move(match->params), .query = query, .scopes = Scopes::All()};
  const Route& route = *match->route;
  if (!options_.tokens.empty() && !route.scopes.Empty()) {
    std::optional<Caller> caller = Authenticate(request, options_.tokens);
    if (!caller) {
      auto response = ErrorResponse(401, "unauthorized", "a valid bearer token is required");
      // A browser asking for a page is offered Basic, which it knows how to prompt for.
      const bool page = http::FindHeader(request.headers, "Accept").find("text/html") != std::string::npos;
      response.headers.emplace_back("WWW-Authenticate", page ? "Basic realm=\"tributary\", charset=\"UTF-8\""
                                                             : "Bearer");
      return response;
    }
    if (!caller->scopes.Meets(route.scopes)) {
      return ErrorResponse(403, "forbidden",
                           "token \"" + caller->token_name + "\" may " + caller->scopes.Names() + "; " + route.method +
                               " " + route.pattern + " needs " + route.scopes.Names());
    }
    // A browser sends Basic credentials on its own, even for a form another site made it
    // post: a change made with them must come from a script of the status page itself.
    if (caller->presented == Presented::kBasic && route.method != "GET" &&
        http::FindHeader(request.headers, "X-Tributary-Page").empty()) {
      return ErrorResponse(403, "forbidden",
                           "a change through browser credentials needs the X-Tributary-Page header the status page sends");
    }
    args.scopes = caller->scopes;
    args.caller = caller->token_name;
  }
  return route.handler(request, args);
}

void AdminApi::AddRoutes() {
  const Scopes none;
  const Scopes read{Scope::kRead};
  routes_.Add({"GET", "/healthz", none, [](const http::Request&, const RouteArgs&) {
                 return Json(200, {{"status", "ok"}});
               }});
  routes_.Add({"GET", "/readyz", none, [this](const http::Request&, const RouteArgs&) {
                 const bool ready = deps_.ready && deps_.ready();
                 return Json(ready ? 200 : 503, {{"status", ready ? "ready" : "starting"}});
               }});
  routes_.Add({"GET", "/openapi.json", none,
               [](const http::Request&, const RouteArgs&) { return OpenApiDocumentResponse(); }});
  routes_.Add({"GET", "/metrics", read, [this](const http::Request&, const RouteArgs&) { return MetricsText(); }});
  routes_.Add({"GET", "/v1/changes", read,
               [this](const http::Request&, const RouteArgs& args) { return Changes(args.query); }});
  AddStatusRoute();
  AddConnectorRoutes();
  AddLedgerRoutes();
  AddActionRoutes();
}

void AdminApi::AddActionRoutes() {
  const Scopes actions{Scope::kActions};
  // The status page lists jobs with a read token; creating, cancelling and proofs are the core's.
  const Scopes actions_or_read{Scope::kActions, Scope::kRead};
  auto with_store = [this](auto call) {
    return [this, call](const http::Request& request, const RouteArgs& args) {
      auto store = BorrowStore();
      if (!store) return FromError(store.error());
      return call(request, args, **store);
    };
  };
  for (std::string_view kind : kActionKinds) {
    routes_.Add({"POST", "/v1/actions/" + std::string(kind), actions,
                 with_store([this, kind = std::string(kind)](const http::Request& request, const RouteArgs&,
                                                             store::Store& store) {
                   return actions_.Create(request, kind, store);
                 })});
  }
  routes_.Add({"GET", "/v1/actions", actions_or_read,
               with_store([this](const http::Request&, const RouteArgs& args, store::Store& store) {
                 return actions_.List(args.query, store);
               })});
  routes_.Add({"GET", "/v1/actions/{id}", actions_or_read,
               with_store([this](const http::Request&, const RouteArgs& args, store::Store& store) {
                 return actions_.Get(args.Param("id"), store);
               })});
  routes_.Add({"POST", "/v1/actions/{id}/cancel", actions,
               with_store([this](const http::Request&, const RouteArgs& args, store::Store& store) {
                 return actions_.Cancel(args.Param("id"), store);
               })});
  routes_.Add({"GET", "/v1/proofs/{sha256}", actions,
               with_store([this](const http::Request&, const RouteArgs& args, store::Store& store) {
                 return actions_.Proof(args.Param("sha256"), store);
               })});
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

}  // namespace tributary::admin
