// The admin API: health, readiness, Prometheus metrics, connector status, rejects, dead
// letters, quarantined snapshots and the pull change feed, as one request handler that
// the daemon mounts on an http::HttpServer.
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

#include "gateway/admin/action_routes.h"
#include "gateway/admin/connector_status.h"
#include "gateway/admin/public_routes.h"
#include "gateway/common/change_signal.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_types.h"
#include "gateway/store/store.h"

namespace tributary::admin {

struct AdminApiOptions {
  std::string state_path;
  std::optional<std::string> token;  // when set, every endpoint but /healthz and /readyz needs it
  std::string tenant;
  bool push_enabled = false;
};

// Collaborators owned by the daemon; they outlive the AdminApi.
struct AdminApiDeps {
  Metrics* metrics = nullptr;
  ConnectorStatusBoard* connectors = nullptr;
  ChangeSignal* changes = nullptr;
  std::function<bool()> ready;            // /readyz
  std::function<void()> wake_connectors;  // after a quarantine release or discard
  std::function<void()> wake_pusher;      // after a dead-letter replay
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

 private:
  class StoreLease;
  Result<StoreLease> BorrowStore();
  void ReturnStore(std::unique_ptr<store::Store> store);

  http::Response Route(const http::Request& request, const std::string& path, const std::string& query);
  http::Response Changes(const std::string& query);
  http::Response MetricsText();
  http::Response Connectors();
  http::Response Rejects(const std::string& query);
  http::Response DeadLetters(const std::string& query);
  http::Response ReplayDeadLetter(int64_t id);
  http::Response QuarantineList(const std::string& query);
  http::Response QuarantineGet(int64_t id);
  http::Response QuarantineAction(int64_t id, const std::string& action);

  AdminApiOptions options_;
  AdminApiDeps deps_;
  ActionRoutes actions_;
  std::atomic<bool> shutting_down_{false};
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<store::Store>> pool_;  // guarded by pool_mutex_
};

}  // namespace tributary::admin
