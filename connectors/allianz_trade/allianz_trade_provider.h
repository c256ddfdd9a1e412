// Allianz Trade as a kit::InsurerProvider: the API-key login through the kit's grant
// keeper, the buyer search, cover requests (asynchronous jobs), and the policy's covers.
// Every wire detail is in allianz_trade_wire.h.
//
// Authentication: POST /v1/idp/oauth2/authorize {"apiKey"} answers a bearer token. A
// refused login (400, 401, 403) is stored by the grant keeper and never retried by itself
// (kRejected; a reload tries once more): repeated bad logins could lock the account. A
// token the API refuses (401) is renewed once, then the call is sent again.
//
// Requests: a new cover, an increase or a reduction is POST /riskinfo/v2/covers (naming
// the cover in force when there is one); a cancellation is DELETE of that cover. Allianz
// Trade answers 202 with a job; the job is asked about once at once, and the cover it
// wrote read from the buyer's covers: decided at once, or referred to an underwriter
// (then Follow asks again). A refusal of the request (400, 409, 422, or a failed job) is
// kRejected with the insurer's own text. Allianz Trade has no decision feed: referred
// requests are followed one by one, and the covers list is read in full.
//
// Everything that holds a connection (the store, the HTTP client) is made at the first
// call, on the thread that uses the provider. Not thread-safe: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/allianz_trade/allianz_trade_config.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/connector.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/insurer_provider.h"
#include "connectors/kit/oauth_grants.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::allianz_trade {

// The store's identity of the connector's login: provider "allianz_trade", account = a
// digest of the login (never written in clear into the store).
store::GrantId GrantIdOf(const AllianzTradeConfig& settings);

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

class AllianzTradeProvider final : public kit::InsurerProvider {
 public:
  AllianzTradeProvider(const AllianzTradeConfig& settings, ProviderContext context);
  ~AllianzTradeProvider() override;

  std::string provider() const override { return "allianz_trade"; }
  const kit::InsurerRules& rules() const override { return settings_.policy.rules; }
  // POST advancedSearch in the query's country (ISO alpha-2, as Allianz Trade takes it).
  // Empty when Allianz Trade knows no such company (an empty list, or 404).
  Result<std::vector<kit::CompanyMatch>> FindBuyer(const kit::CompanyQuery& query, std::stop_token stop) override;
  Result<kit::Submission> Submit(const kit::CoverRequest& request, std::stop_token stop) override;
  // The buyer's covers (GET, nothing sent): the one carrying `request.reference`, or for a
  // cancellation the cover in force once cancelled.
  Result<std::optional<kit::Submission>> FindSubmission(const kit::CoverRequest& request, std::stop_token stop) override;
  // `tracking` is the job's id: its status, then the cover it wrote. Without a job (a
  // submission found again by FindSubmission), the cover by its reference.
  Result<kit::Cover> Follow(const kit::CoverRequest& request, const std::string& tracking, std::stop_token stop) override;
  // The policy's covers, 100 a page from page 1 (cursor = the next page's number).
  Result<kit::CoverPage> Covers(const std::string& policy, const std::string& cursor, std::stop_token stop) override;

 private:
  Status Start();
  kit::TokenOutcome Login(http::HttpClient& client);
  Result<http::Response> Call(const std::string& method, const std::string& target, std::string body,
                              const std::string& what, std::stop_token stop);
  // The job's outcome as a cover: referred while the job runs, the written cover once done.
  Result<kit::Cover> Resolve(const kit::CoverRequest& request, const std::string& job_id, std::stop_token stop);
  // The cover of `request` among its buyer's covers (by the job's cover id, else by the
  // reference; for a cancellation the cover in force), nullopt when not listed.
  Result<std::optional<kit::Cover>> FindCover(const kit::CoverRequest& request, const std::string& cover_id,
                                              std::stop_token stop);
  // What a request stands at before the insurer says more: referred, as asked.
  kit::Cover Pending(const kit::CoverRequest& request) const;

  const AllianzTradeConfig settings_;
  ProviderContext context_;
  // Made by Start(), destroyed in reverse order.
  std::unique_ptr<kit::GrantLocks> own_locks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<kit::TokenExchangeGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
};

}  // namespace tributary::connectors::allianz_trade
