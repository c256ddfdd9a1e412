// The D&B Direct+ ScoreProvider: a company found by its DUNS, else by cleanseMatch; its
// report read from the data blocks of its DUNS; monitoring through a registration made
// with D&B beforehand (subjects added one by one, notifications pulled).
//
// Everything that holds a connection (the store, the HTTP client, the grant keeper) is
// made at the first call, on the thread that runs the provider. Not thread-safe: one
// instance per runner (the action runner and the monitoring source each have their own;
// they share the grant through the store and the request budget by consumer key).
#pragma once

#include <memory>
#include <string>

#include "connectors/dnb/dnb_config.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/connector.h"
#include "connectors/kit/score_provider.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::dnb {

// Pulled notifications per page.
inline constexpr int kNotificationPage = 100;

class DnbProvider final : public kit::ScoreProvider {
 public:
  DnbProvider(DnbConfig settings, std::string connector, ConnectorContext context);
  ~DnbProvider() override;

  [[nodiscard]] std::string provider() const override { return "dnb"; }
  // A DUNS in the query is taken as is (no match call, nothing billed); otherwise
  // cleanseMatch by country, registration number (else VAT number) and name.
  Result<std::vector<kit::CompanyMatch>> FindCompany(const kit::CompanyQuery& query, std::stop_token stop) override;
  Result<kit::ScoreReport> FetchReport(const kit::CompanyMatch& company, std::stop_token stop) override;

  [[nodiscard]] bool Monitors() const override { return settings_.monitoring.has_value(); }
  // POST /v1/monitoring/registrations/{reference}/subjects/{duns}; already there is fine.
  Status Watch(const kit::CompanyMatch& company, std::stop_token stop) override;
  // GET /v1/monitoring/registrations/{reference}/notifications: D&B hands each
  // notification out once, so `cursor` only records when the last page was pulled.
  Result<kit::MonitoringPage> ChangesSince(const std::string& cursor, std::stop_token stop) override;

 private:
  Status StartUp();
  // The answer to `request` (2xx, or D&B's refusal for the caller to read).
  Result<http::Response> Send(http::Request request, const std::string& what, std::stop_token stop);
  // The error of a refused answer to `what`: kRejected for credentials and other refusals,
  // kNotFound for 404 ("D&B found no <missing>").
  Error Refusal(const http::Response& response, const std::string& what, const std::string& missing) const;
  [[nodiscard]] std::string RegistrationPath() const;

  const DnbConfig settings_;
  const std::string connector_;
  const ConnectorContext context_;
  // Made at the first call; destroyed in reverse order.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<kit::GrantKind> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
};

}  // namespace tributary::connectors::dnb
