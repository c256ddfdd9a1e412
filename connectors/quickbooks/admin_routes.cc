#include "connectors/quickbooks/admin_routes.h"

#include <map>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connectors/quickbooks/consent.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/webhook.h"
#include "gateway/http/http_client.h"
#include "gateway/http/json_response.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {
namespace {

http::Response JsonAnswer(int status, const std::string& outcome, const std::string& message) {
  nlohmann::json body = {{"status", outcome}, {"message", message}};
  return http::JsonResponse(status, body);
}

std::string EscapeHtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

http::Response Page(int status, const std::string& title, const std::string& text) {
  return http::Response{status,
                        {{"Content-Type", "text/html; charset=utf-8"}, {"Cache-Control", "no-store"}},
                        "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + EscapeHtml(title) +
                            "</title></head><body><h1>" + EscapeHtml(title) + "</h1><p>" + EscapeHtml(text) +
                            "</p></body></html>\n"};
}

class QuickBooksRoutes {
 public:
  QuickBooksRoutes(const std::vector<ConfiguredConnector<QuickBooksConfig>>& connectors, RouteDeps deps)
      : deps_(std::move(deps)) {
    for (const auto& connector : connectors) {
      settings_[connector.config->name] = connector.settings;
      if (connector.settings->webhook_verifier_token) {
        targets_.push_back({connector.config->name, connector.settings->realm_id,
                            connector.settings->webhook_verifier_token->value});
      }
    }
  }

  [[nodiscard]] bool empty() const { return settings_.empty(); }

  std::optional<http::Response> operator()(const http::Request& request, const std::string& path) const {
    try {
      if (path == "/webhooks/quickbooks" && request.method == "POST") return Webhook(request);
      if (path == "/oauth/callback" && request.method == "GET") return Callback(request);
    } catch (const std::exception& e) {
      return JsonAnswer(500, "error", e.what());
    }
    return std::nullopt;
  }

 private:
  http::Response Webhook(const http::Request& request) const {
    WebhookOutcome outcome = ReceiveWebhook(targets_, http::FindHeader(request.headers, "intuit-signature"), request.body);
    const char* label = outcome.status == 200 ? "accepted" : outcome.status == 401 ? "bad_signature" : "malformed";
    if (deps_.metrics != nullptr) deps_.metrics->Add("tributary_quickbooks_webhooks_total", {{"outcome", label}});
    if (outcome.status != 200) {
      spdlog::warn("QuickBooks webhook from {} refused: {}", request.peer_address, outcome.message);
      return JsonAnswer(outcome.status, "refused", outcome.message);
    }
    for (const std::string& connector : outcome.connectors) {
      spdlog::info("[{}] QuickBooks webhook: change data capture now", connector);
      if (deps_.wake_connector) deps_.wake_connector(connector);
    }
    return JsonAnswer(200, "accepted", std::to_string(outcome.connectors.size()) + " connector(s) to sync");
  }

  http::Response Callback(const http::Request& request) const {
    std::map<std::string, const QuickBooksConfig*> connectors;
    for (const auto& [name, settings] : settings_) connectors[name] = settings;
    auto store = store::Store::Open(deps_.state_path);
    if (!store) return Page(503, "QuickBooks consent not completed", store.error().message);
    // The client is made for the connector the state names, with its TLS settings.
    auto completed = CompleteAnyConsent(connectors, **store, nullptr, RedirectParameters(request.target));
    if (!completed) {
      spdlog::warn("QuickBooks consent callback refused: {}", completed.error().message);
      return Page(completed.error().code == ErrorCode::kUnavailable ? 503 : 400, "QuickBooks consent not completed",
                  completed.error().message);
    }
    spdlog::info("[{}] QuickBooks consent completed for realm {}", completed->first, completed->second.id.account);
    if (deps_.wake_connector) deps_.wake_connector(completed->first);
    return Page(200, "QuickBooks connected",
                "Connector " + completed->first + " may now read company " + completed->second.id.account +
                    ". You can close this window.");
  }

  RouteDeps deps_;
  std::map<std::string, const QuickBooksConfig*> settings_;  // owned by the daemon's config
  std::vector<WebhookTarget> targets_;
};

}  // namespace

PublicRoute MakeQuickBooksRoutes(const std::vector<ConfiguredConnector<QuickBooksConfig>>& connectors,
                                 const RouteDeps& deps) {
  auto routes = std::make_shared<QuickBooksRoutes>(connectors, deps);
  if (routes->empty()) return {};
  return [routes](const http::Request& request, const std::string& path) { return (*routes)(request, path); };
}

}  // namespace tributary::connectors::quickbooks
