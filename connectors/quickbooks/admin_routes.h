// The admin API routes of QuickBooks connectors, reached without the admin token
// (gateway/admin/public_routes.h):
//   POST /webhooks/quickbooks  Intuit's webhook: verified with each connector's
//                              webhook_verifier_token; the connectors of the realms it
//                              names run change data capture now. Its content is never data.
//   GET  /oauth/callback       the consent redirect: completes `tributary auth quickbooks`
//                              when redirect_uri points at this gateway.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "gateway/common/metrics.h"
#include "gateway/config/config.h"
#include "gateway/http/http_types.h"

namespace tributary::connectors::quickbooks {

using PublicRoute = std::function<std::optional<http::Response>(const http::Request& request, const std::string& path)>;

struct RouteDeps {
  std::string state_path;
  std::function<void(const std::string& connector)> wake_connector;  // thread-safe
  Metrics* metrics = nullptr;
};

// The routes for the quickbooks connectors of `config`; an empty function when there is none.
PublicRoute MakeQuickBooksRoutes(const config::Config& config, RouteDeps deps);

}  // namespace tributary::connectors::quickbooks
