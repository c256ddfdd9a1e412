// The admin API: health, readiness, Prometheus metrics, connector status and controls, the
// file ledger, rejects, dead letters, quarantined snapshots, the effective config, the
// actions contract and the pull change feed, as one request handler that the daemon
// mounts on an http::HttpServer. Its routes are one RouteTable (routes()), each with the
// token scopes that may call it.
//
// Thread-safe: Handle() runs concurrently on the server's handler threads; each
// request borrows a Store connection from a small pool.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/access.h"
#include "gateway/admin/action_routes.h"
#include "gateway/admin/connector_status.h"
#include "gateway/admin/public_routes.h"
#include "gateway/admin/route_table.h"
#include "gateway/common/change_signal.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_types.h"
#include "gateway/store/store.h"

namespace tributary::admin {

struct AdminApiOptions {
  std::string state_path;
  // When any is set, every endpoint but /healthz, /readyz and /openapi.json needs one whose
  // scopes the route accepts; when none is, everything is open (loopback only).
  std::vector<AccessToken> tokens;
  std::string tenant;
  bool push_enabled = false;
  std::string config_text;  // the effective config, secrets redacted (GET /v1/config)
  std::string config_file;
  std::string version;  // of the daemon, shown on the status page
};

enum class ConnectorControl { kPause, kResume, kPoll };

// Collaborators owned by the daemon; they outlive the AdminApi.
struct AdminApiDeps {
  Metrics* metrics = nullptr;
  ConnectorStatusBoard* connectors = nullptr;
  ChangeSignal* changes = nullptr;
  std::function<bool()> ready;            // /readyz
  std::function<void()> wake_connectors;  // after a quarantine release or discard
  std::function<void()> wake_pusher;      // after a dead-letter replay
  // Pauses, resumes or polls a connector now; kNotFound for an unknown connector, kConflict
  // to poll a paused one. `by` names the token. Thread-safe.
  std::function<Status(const std::string& connector, ConnectorControl control, const std::string& by)> control;
  std::function<void(Metrics&)> publish_metrics;  // lets other parts refresh gauges at scrape
  std::vector<PublicRoute> public_routes;         // webhooks, OAuth redirects: no admin token
  ActionRoutesDeps actions;                       // the action connectors, /v1/actions
};

class AdminApi {
 public:
  AdminApi(AdminApiOptions options, AdminApiDeps deps);
  ~AdminApi();

  http::Response Handle(const http::Request& request);

  // Wakes long polls so the server can stop promptly. Idempotent.
  void Shutdown();

  // Every route the API serves (for the OpenAPI document's check and the status page).
  [[nodiscard]] const RouteTable& routes() const { return routes_; }

 private:
  class StoreLease;
  Result<StoreLease> BorrowStore();
  void ReturnStore(std::unique_ptr<store::Store> store);

  void AddRoutes();
  void AddLedgerRoutes();
  void AddConnectorRoutes();
  void AddActionRoutes();
  void AddStatusRoute();
  http::Response StatusPage(const RouteArgs& args);
  http::Response Dispatch(const http::Request& request, const std::string& path, const std::string& query);
  http::Response Changes(const std::string& query);
  http::Response MetricsText();
  http::Response Connectors();
  http::Response Connector(const std::string& name);
  http::Response Control(const std::string& name, ConnectorControl control, const RouteArgs& args);
  http::Response Files(const std::string& query);
  http::Response ConfigText();
  http::Response Rejects(const std::string& query);
  http::Response DeadLetters(const std::string& query);
  http::Response ReplayDeadLetter(const std::string& id);
  http::Response QuarantineList(const std::string& query);
  http::Response QuarantineGet(const std::string& id);
  http::Response QuarantineAction(const std::string& id, const std::string& action);

  AdminApiOptions options_;
  AdminApiDeps deps_;
  ActionRoutes actions_;
  RouteTable routes_;
  std::atomic<bool> shutting_down_{false};
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<store::Store>> pool_;  // guarded by pool_mutex_
};

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

}  // namespace tributary::admin
