#include "connectors/salesforce/salesforce_connector.h"

#include <cmath>
#include <map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "connectors/kit/api_caller.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/grant_probe.h"
#include "connectors/salesforce/factory.h"
#include "connectors/salesforce/org_sync.h"
#include "connectors/salesforce/sf_api.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::salesforce {
namespace {

constexpr const char* kUsageCursor = "api_use";
constexpr int64_t kHoursKept = 24;

// The connector's own requests per hour (unix hour number) over the last day, and the
// daily quota last derived from the org's allocation: persisted so that a restart neither
// forgets what was spent nor needs a request to know the quota.
struct UsageLog {
  std::map<int64_t, int64_t> hours;
  int64_t quota = 0;

  void Count(int64_t hour) {
    ++hours[hour];
    while (!hours.empty() && hours.begin()->first <= hour - kHoursKept) hours.erase(hours.begin());
  }
  [[nodiscard]] int64_t Since(int64_t hour) const {
    int64_t total = 0;
    for (const auto& [at, count] : hours) {
      if (at > hour - kHoursKept) total += count;
    }
    return total;
  }
  [[nodiscard]] std::string ToJson() const {
    nlohmann::json json = {{"quota", quota}, {"hours", nlohmann::json::object()}};
    for (const auto& [hour, count] : hours) json["hours"][std::to_string(hour)] = count;
    return json.dump();
  }
  static UsageLog FromJson(const std::string& text) {
    UsageLog log;
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object()) return log;
    log.quota = json.value("quota", int64_t{0});
    if (json.contains("hours") && json["hours"].is_object()) {
      for (const auto& [hour, count] : json["hours"].items()) {
        if (count.is_number_integer()) log.hours[std::stoll(hour)] = count.get<int64_t>();
      }
    }
    return log;
  }
};

class SalesforceConnector final : public Connector {
 public:
  SalesforceConnector(config::ConnectorConfig config, const SalesforceConfig& settings, ConnectorContext context,
                      ConnectorHooks hooks)
      : config_(std::move(config)), settings_(settings), context_(std::move(context)), hooks_(hooks) {}

  const std::string& name() const override { return config_.name; }

  Status Poll(std::stop_token stop) override {
    if (!sync_) {
      if (auto started = StartUp(); !started) return started;
    }
    Status passed = PassWithinShare(stop);
    SaveUsage();
    if (!passed) {
      if (passed.error().code == ErrorCode::kCancelled) return Ok();
      return passed;
    }
    if (context_.metrics != nullptr) {
      context_.metrics->Set("tributary_last_file_applied_timestamp_seconds", {{"connector", config_.name}},
                            context_.clock().UnixSeconds());
    }
    return Ok();
  }

 private:
  int64_t Hour() const { return context_.clock().UnixSeconds() / 3600; }

  // Everything that holds a connection is made on the connector's own thread.
  Status StartUp() {
    auto objects = LoadObjects(settings_);
    if (!objects) return std::unexpected(objects.error());
    auto grant_settings = GrantSettingsOf(settings_);
    if (!grant_settings) return std::unexpected(grant_settings.error());
    auto opened = store::Store::Open(context_.state_path);
    if (!opened) return std::unexpected(opened.error());
    store_ = std::move(*opened);
    client_ = http::MakeCurlClient(settings_.http.ClientOptions());
    grant_ = std::make_unique<kit::JwtBearerGrant>(std::move(*grant_settings), context_.clock());
    keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, config_.name, ConsentCommand(config_.name), *store_, *client_,
                                                 *context_.services.grant_locks, context_.clock(), context_.metrics);
    // The share is this connector's own: its budget is not shared with other connectors.
    budget_ = context_.services.budgets->For("salesforce:" + config_.name, settings_.http.budget);
    auto stored = store_->api().GetCursor(config_.name, kUsageCursor);
    if (!stored) return std::unexpected(stored.error());
    if (*stored) usage_ = UsageLog::FromJson(**stored);
    budget_->CountPastUse(usage_.Since(Hour()));
    if (usage_.quota > 0) budget_->SetDailyQuota(usage_.quota);
    caller_ = std::make_unique<kit::ApiCaller>(
        CallerOptions(settings_, config_.name, [this](const http::Response& response) { OnAnswer(response); }),
        *client_, *budget_, keeper_.get(), context_.clock(), context_.metrics);
    api_ = std::make_unique<SalesforceApi>(settings_, *caller_);
    sync_ = std::make_unique<OrgSync>(settings_,
                                      SyncContext{.connector = config_.name,
                                                  .tenant = context_.tenant,
                                                  .legal_entity = config_.legal_entity,
                                                  .metrics = context_.metrics,
                                                  .notify_changes = context_.notify_changes,
                                                  .clock = context_.services.clock,
                                                  .usage_cursor = [this] { return usage_.ToJson(); }},
                                      *store_, *api_, std::move(*objects));
    if (hooks_.stop_after_commits >= 0) sync_->StopAfterCommits(hooks_.stop_after_commits);
    return Ok();
  }

  void OnAnswer(const http::Response& response) {
    usage_.Count(Hour());
    if (auto usage = LimitInfoOf(response); usage && context_.metrics != nullptr) {
      context_.metrics->Set("tributary_salesforce_org_api_remaining", {{"connector", config_.name}},
                            usage->max - usage->used);
    }
  }

  void PublishShare() {
    if (context_.metrics == nullptr) return;
    const int64_t left = budget_->LeftToday();
    if (left >= 0) context_.metrics->Set("tributary_salesforce_api_share_remaining", {{"connector", config_.name}}, left);
  }

  Status ShareUsed() {
    // No request leaves: the budget says when the share frees up.
    auto ticket = budget_->Acquire({});
    if (ticket) return Ok();  // freed meanwhile; the ticket is counted like any request
    PublishShare();
    return Fail(ErrorCode::kUnavailable,
                "the connector's share of Salesforce's daily API requests (max_api_share " +
                    std::to_string(settings_.max_api_share) + ", " + std::to_string(budget_->UsedToday()) +
                    " requests used in 24 h) is spent: " + ticket.error().message +
                    "; the sync resumes where it stopped");
  }

  Status PassWithinShare(std::stop_token stop) {
    if (budget_->LeftToday() == 0) {
      if (auto used = ShareUsed(); !used) return used;
    }
    auto limits = api_->Limits(stop);
    if (!limits) return Explain(limits.error());
    const int64_t quota = std::max<int64_t>(1, static_cast<int64_t>(std::floor(settings_.max_api_share * limits->max)));
    usage_.quota = quota;
    budget_->SetDailyQuota(quota);
    if (context_.metrics != nullptr) {
      context_.metrics->Set("tributary_salesforce_org_api_remaining", {{"connector", config_.name}},
                            limits->max - limits->used);
    }
    PublishShare();
    Status passed = sync_->Pass(stop);
    PublishShare();
    if (!passed) return Explain(passed.error());
    return Ok();
  }

  // A pass stopped by the daily share says so.
  Status Explain(const Error& error) {
    if (error.code == ErrorCode::kUnavailable && budget_->LeftToday() == 0) return ShareUsed();
    return std::unexpected(error);
  }

  void SaveUsage() {
    if (!store_) return;
    if (auto saved = store_->api().SetCursor(config_.name, kUsageCursor, usage_.ToJson()); !saved) {
      spdlog::warn("[{}] cannot save the API request count: {}", config_.name, saved.error().message);
    }
  }

  config::ConnectorConfig config_;
  SalesforceConfig settings_;
  ConnectorContext context_;
  ConnectorHooks hooks_;
  UsageLog usage_;
  // Made at the first Poll, on the connector's thread; destroyed in reverse order.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<kit::JwtBearerGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
  std::unique_ptr<SalesforceApi> api_;
  std::unique_ptr<OrgSync> sync_;
};

void DescribeMetrics(Metrics& metrics) {
  kit::DescribeGrantMetrics(metrics);
  kit::DescribeApiMetrics(metrics);
  metrics.Describe("tributary_salesforce_api_share_remaining", "gauge",
                   "Requests left in the connector's share (max_api_share) of the org's daily API requests.");
  metrics.Describe("tributary_salesforce_org_api_remaining", "gauge",
                   "The org's daily API requests left, as Salesforce last reported them.");
  metrics.Describe("tributary_salesforce_sweeps_total", "counter",
                   "Id sweeps run after a gap longer than the 15-day deletes window, by connector.");
}

}  // namespace

Result<std::unique_ptr<Connector>> MakeSalesforceConnector(const config::ConnectorConfig& config,
                                                           const SalesforceConfig& settings,
                                                           const ConnectorContext& context, ConnectorHooks hooks) {
  if (context.metrics != nullptr) DescribeMetrics(*context.metrics);
  // The mappings are checked now, so that a broken one stops the start, not a pass.
  if (auto objects = LoadObjects(settings); !objects) return std::unexpected(objects.error());
  return std::make_unique<SalesforceConnector>(config, settings, context, hooks);
}

ConnectorFactory Factory() {
  return Erase(FactoryOf<SalesforceConfig>{
      .type = "salesforce",
      .parse = ParseSalesforceConfig,
      .file_rules = false,
      .make = [](const config::ConnectorConfig& config, const SalesforceConfig& settings,
                 const ConnectorContext& context) { return MakeSalesforceConnector(config, settings, context); },
      .routes = nullptr,
      .consent = RunSalesforceConsent,
      .tools = {},
      // One JWT bearer sign-in: the certificate, the app and the user's pre-authorisation.
      .probe = [](const config::ConnectorConfig&, const SalesforceConfig& settings,
                  const ConnectorContext& context) -> Result<std::string> {
        auto grant_settings = GrantSettingsOf(settings);
        if (!grant_settings) return std::unexpected(grant_settings.error());
        const std::string token_url = grant_settings->identity.token_url;
        kit::JwtBearerGrant grant(std::move(*grant_settings), context.clock());
        return kit::ProbeGrant(grant, token_url, settings.http);
      }});
}

}  // namespace tributary::connectors::salesforce
