// The Creditsafe Connect API as a kit::ScoreProvider: login through the kit's grant keeper
// (POST /authenticate answers a JWT valid one hour, no refresh token), company search,
// credit reports and the Global Monitoring portfolio.
//
// Authentication: a 401 from /authenticate means wrong credentials. Creditsafe locks the
// account after repeated failures, so the refusal is stored by the grant keeper and never
// retried by itself (kRejected; a reload tries once more). A 429 from /authenticate means
// the login endpoint is locked for 5 minutes: no login is sent before that time has passed
// (kUnavailable, the job runs again later).
//
// Everything that holds a connection (the store, the HTTP client) is made at the first
// call, on the thread that uses the provider. Not thread-safe: one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/creditsafe/creditsafe_config.h"
#include "connectors/creditsafe/creditsafe_wire.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/connector.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/oauth_grants.h"
#include "connectors/kit/score_provider.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::creditsafe {

// How long /authenticate refuses logins after answering 429.
inline constexpr std::chrono::minutes kLoginLockout{5};
// The lifetime of a Creditsafe token.
inline constexpr int64_t kTokenSeconds = 3600;
// A search reads at most this many pages of kSearchPageSize companies.
inline constexpr int kSearchPageSize = 20;
inline constexpr int kMaxSearchPages = 5;

// The store's identity of the connector's login: provider "creditsafe", account = the user.
store::GrantId GrantIdOf(const CreditsafeConfig& settings);

// The login request: POST /authenticate with the username and password (JSON). The
// provider's grant and `check --connect` send the same.
http::Request AuthenticateRequest(const CreditsafeConfig& settings);

// What the daemon offers the provider. `budgets` and `grant_locks` may be null (tests):
// the provider then keeps its own.
struct ProviderContext {
  std::string connector;
  std::string state_path;
  const Clock* clock = &MachineClock();
  kit::BudgetRegistry* budgets = nullptr;
  kit::GrantLocks* grant_locks = nullptr;
  Metrics* metrics = nullptr;
};

class CreditsafeProvider final : public kit::ScoreProvider {
 public:
  CreditsafeProvider(const CreditsafeConfig& settings, ProviderContext context);
  ~CreditsafeProvider() override;

  std::string provider() const override { return "creditsafe"; }
  // GET /companies?countries=XX&regNo=…|vatNo=…|name=…, page by page. A search by a
  // registration number that finds several offices of one company (a SIREN finds every
  // SIRET) keeps the head office when exactly one is. kInvalidArgument for a query with
  // only a DUNS number (Creditsafe does not search by it).
  Result<std::vector<kit::CompanyMatch>> FindCompany(const kit::CompanyQuery& query, std::stop_token stop) override;
  // GET /companies/{id}?language=xx (billed). kNotFound with Creditsafe's message when it
  // has no report on the company.
  Result<kit::ScoreReport> FetchReport(const kit::CompanyMatch& company, std::stop_token stop) override;

  bool Monitors() const override { return settings_.monitoring.has_value(); }
  // POST /monitoring/portfolios/{id}/companies {"id": connectId}; a company already in the
  // portfolio (409) counts as watched.
  Status Watch(const kit::CompanyMatch& company, std::stop_token stop) override;
  // Notification events of the portfolio newer than the cursor (the last eventId seen),
  // read newest first (sortBy=eventId, sortDir=desc) until the cursor is reached; the
  // companies they name, once each. The first call ("" cursor) only finds the newest
  // eventId: monitoring starts from now.
  Result<kit::MonitoringPage> ChangesSince(const std::string& cursor, std::stop_token stop) override;

 private:
  Status Start();
  kit::TokenOutcome Login(http::HttpClient& client);
  Result<http::Response> Get(const std::string& target, const std::string& what, std::stop_token stop);

  const CreditsafeConfig settings_;
  ProviderContext context_;
  std::optional<std::chrono::system_clock::time_point> login_locked_until_;
  // Made by Start(), destroyed in reverse order.
  std::unique_ptr<kit::GrantLocks> own_locks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<kit::TokenExchangeGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
};

}  // namespace tributary::connectors::creditsafe
