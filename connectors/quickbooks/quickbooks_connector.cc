#include "connectors/quickbooks/quickbooks_connector.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "connectors/quickbooks/object_mapper.h"
#include "connectors/quickbooks/oauth_client.h"
#include "connectors/quickbooks/qbo_api.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/realm_sync.h"
#include "connectors/quickbooks/request_budget.h"
#include "connectors/quickbooks/token_keeper.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {
namespace {

class QuickBooksConnector final : public Connector {
 public:
  QuickBooksConnector(config::ConnectorConfig config, const QuickBooksConfig& settings, ConnectorContext context,
                      std::unique_ptr<ObjectMapper> mapper)
      : config_(std::move(config)), settings_(settings), context_(std::move(context)), mapper_(std::move(mapper)) {}

  const std::string& name() const override { return config_.name; }

  Status Poll(std::stop_token stop) override {
    if (!sync_) {
      // Everything that holds a connection is made on the connector's own thread.
      auto opened = store::Store::Open(context_.state_path);
      if (!opened) return std::unexpected(opened.error());
      store_ = std::move(*opened);
      client_ = http::MakeCurlClient({.ca_file = settings_.ca_file, .total_timeout = settings_.timeout});
      oauth_ = std::make_unique<OAuthClient>(settings_, *client_);
      tokens_ = std::make_unique<TokenKeeper>(settings_, config_.name, *store_, *oauth_, context_.metrics);
      budget_ = BudgetFor(settings_.realm_id, settings_.max_requests_per_minute, settings_.max_in_flight);
      api_ = std::make_unique<QboApi>(settings_, config_.name, *tokens_, *budget_, *client_, context_.metrics);
      sync_ = std::make_unique<RealmSync>(settings_,
                                          SyncContext{.connector = config_.name,
                                                      .tenant = context_.tenant,
                                                      .legal_entity = config_.legal_entity,
                                                      .metrics = context_.metrics,
                                                      .notify_changes = context_.notify_changes},
                                          *store_, *api_, *mapper_);
    }
    if (auto passed = sync_->Pass(stop); !passed) {
      if (passed.error().code == ErrorCode::kCancelled) return Ok();
      return passed;
    }
    if (context_.metrics != nullptr) {
      // Data age counts from the last pass that brought QuickBooks up to date.
      context_.metrics->Set("tributary_last_file_applied_timestamp_seconds", {{"connector", config_.name}},
                            std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch()).count());
    }
    return Ok();
  }

 private:
  config::ConnectorConfig config_;
  QuickBooksConfig settings_;
  ConnectorContext context_;
  std::unique_ptr<ObjectMapper> mapper_;
  // Made at the first Poll, on the connector's thread; destroyed in reverse order.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<OAuthClient> oauth_;
  std::unique_ptr<TokenKeeper> tokens_;
  std::shared_ptr<RequestBudget> budget_;
  std::unique_ptr<QboApi> api_;
  std::unique_ptr<RealmSync> sync_;
};

void DescribeMetrics(Metrics& metrics) {
  metrics.Describe("tributary_oauth_access_token_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth access token expires, by connector.");
  metrics.Describe("tributary_oauth_refresh_token_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth refresh token expires unless used (rolling), by connector.");
  metrics.Describe("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth grant ends whatever happens: a person must consent again before.");
  metrics.Describe("tributary_oauth_consent_needed", "gauge", "1 when the connector waits for `tributary auth`.");
  metrics.Describe("tributary_oauth_refreshes_total", "counter", "OAuth token refreshes, by connector and outcome.");
  metrics.Describe("tributary_quickbooks_requests_total", "counter",
                   "QuickBooks API requests, by connector and outcome (ok, throttled, server_error, unauthorized, refused, transport).");
  metrics.Describe("tributary_quickbooks_request_budget_remaining", "gauge",
                   "Requests left in the realm's per-minute budget, by connector.");
  metrics.Describe("tributary_quickbooks_cdc_mark_timestamp_seconds", "gauge",
                   "Unix time of the change data capture high-water mark, by connector.");
  metrics.Describe("tributary_quickbooks_sweeps_total", "counter",
                   "Id sweeps run after a gap longer than the 30-day CDC window, by connector.");
  metrics.Describe("tributary_quickbooks_webhooks_total", "counter",
                   "QuickBooks webhook posts, by outcome (accepted, bad_signature, malformed).");
}

}  // namespace

Result<std::unique_ptr<Connector>> MakeQuickBooksConnector(const config::ConnectorConfig& config,
                                                           const ConnectorContext& context) {
  const auto* settings = dynamic_cast<const QuickBooksConfig*>(config.settings.get());
  if (settings == nullptr) return Fail(ErrorCode::kInternal, "quickbooks connector without quickbooks settings");
  if (context.metrics != nullptr) DescribeMetrics(*context.metrics);
  auto mapper = LoadObjectMappings(*settings);
  if (!mapper) return std::unexpected(mapper.error());
  return std::make_unique<QuickBooksConnector>(config, *settings, context, std::move(*mapper));
}

}  // namespace tributary::connectors::quickbooks
