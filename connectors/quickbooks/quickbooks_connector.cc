#include "connectors/quickbooks/quickbooks_connector.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "connectors/kit/api_caller.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/quickbooks/admin_routes.h"
#include "connectors/quickbooks/consent_command.h"
#include "connectors/quickbooks/factory.h"
#include "connectors/quickbooks/object_mapper.h"
#include "connectors/quickbooks/qbo_api.h"
#include "connectors/quickbooks/quickbooks_grant.h"
#include "connectors/quickbooks/realm_sync.h"
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
      client_ = http::MakeCurlClient(settings_.http.ClientOptions());
      grant_ = std::make_unique<kit::RefreshTokenGrant>(GrantSettingsOf(settings_));
      keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, config_.name, ConsentCommand(config_.name), *store_,
                                                   *client_, *context_.services.grant_locks, context_.clock(),
                                                   context_.metrics);
      // Intuit's limits are per realm and app: every connector on the realm shares one budget.
      budget_ = context_.services.budgets->For("quickbooks:" + settings_.client_id + ":" + settings_.realm_id,
                                               settings_.http.budget);
      caller_ = std::make_unique<kit::ApiCaller>(QboCallerOptions(settings_, config_.name), *client_, *budget_,
                                                 keeper_.get(), context_.clock(), context_.metrics);
      api_ = std::make_unique<QboApi>(settings_, *caller_);
      sync_ = std::make_unique<RealmSync>(settings_,
                                          SyncContext{.connector = config_.name,
                                                      .tenant = context_.tenant,
                                                      .legal_entity = config_.legal_entity,
                                                      .metrics = context_.metrics,
                                                      .notify_changes = context_.notify_changes,
                                                      .clock = context_.services.clock},
                                          *store_, *api_, *mapper_);
    }
    if (auto passed = sync_->Pass(stop); !passed) {
      if (passed.error().code == ErrorCode::kCancelled) return Ok();
      return passed;
    }
    if (context_.metrics != nullptr) {
      // Data age counts from the last pass that brought QuickBooks up to date.
      context_.metrics->Set("tributary_last_file_applied_timestamp_seconds", {{"connector", config_.name}},
                            context_.clock().UnixSeconds());
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
  std::unique_ptr<kit::RefreshTokenGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
  std::unique_ptr<QboApi> api_;
  std::unique_ptr<RealmSync> sync_;
};

void DescribeMetrics(Metrics& metrics) {
  kit::DescribeGrantMetrics(metrics);
  kit::DescribeApiMetrics(metrics);
  metrics.Describe("tributary_quickbooks_cdc_mark_timestamp_seconds", "gauge",
                   "Unix time of the change data capture high-water mark, by connector.");
  metrics.Describe("tributary_quickbooks_sweeps_total", "counter",
                   "Id sweeps run after a gap longer than the 30-day CDC window, by connector.");
  metrics.Describe("tributary_quickbooks_webhooks_total", "counter",
                   "QuickBooks webhook posts, by outcome (accepted, bad_signature, malformed).");
}

}  // namespace

Result<std::unique_ptr<Connector>> MakeQuickBooksConnector(const config::ConnectorConfig& config,
                                                           const QuickBooksConfig& settings,
                                                           const ConnectorContext& context) {
  if (context.metrics != nullptr) DescribeMetrics(*context.metrics);
  auto mapper = LoadObjectMappings(settings);
  if (!mapper) return std::unexpected(mapper.error());
  return std::make_unique<QuickBooksConnector>(config, settings, context, std::move(*mapper));
}

ConnectorFactory Factory() {
  return Erase(FactoryOf<QuickBooksConfig>{.type = "quickbooks",
                                           .parse = ParseQuickBooksConfig,
                                           .file_rules = false,
                                           .make = MakeQuickBooksConnector,
                                           .routes = MakeQuickBooksRoutes,
                                           .consent = RunQuickBooksConsent});
}

}  // namespace tributary::connectors::quickbooks
