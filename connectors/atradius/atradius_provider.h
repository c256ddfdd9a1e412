// The Atradius Atrium API as a kit::InsurerProvider: the token call through the kit's grant
// keeper (app key + Basic client credentials, a bearer token of about an hour), the buyer
// lookup by ISO alpha-3 country and legal identifier, cover requests (POST new; PUT
// supersede, reduce, cancel), the covers of a buyer or of the whole policy, and the
// decision feed (fromDate). Every wire detail is in atradius_wire.h.
//
// Errors: a token refused (wrong app key or client credentials) is stored by the grant
// keeper and never retried by itself (kRejected); an expired token is renewed once (401);
// 429 is throttling, 408 and 5xx are retried with backoff; a refusal of a request (400,
// 422, 404 on a cover) is kRejected whose message is exactly Atradius's own `detail` text.
// The send of a cover request is tried ONCE: a failure or a lost answer is kUnavailable,
// and the kit asks FindSubmission before it sends again, so a request is never sent twice.
//
// Everything that holds a connection is made at the first call, on the thread that uses
// the provider. Not thread-safe: one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/atradius/atradius_config.h"
#include "connectors/kit/api_caller.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/insurer_provider.h"
#include "connectors/kit/oauth_grants.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::atradius {

// A feed read stops after this many pages; the next read goes on from the same fromDate.
inline constexpr int kMaxFeedPages = 50;
// The feed's first read starts this long before now; later reads overlap the previous
// one by kFeedOverlap (the kit stores no duplicate).
inline constexpr std::chrono::hours kFeedFirstLookBack{24};
inline constexpr std::chrono::minutes kFeedOverlap{5};

// The store's identity of the connector's token: provider "atradius", the client id, the
// customer id.
store::GrantId GrantIdOf(const AtradiusConfig& settings);

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

class AtradiusProvider final : public kit::InsurerProvider {
 public:
  AtradiusProvider(const AtradiusConfig& settings, ProviderContext context);
  ~AtradiusProvider() override;

  std::string provider() const override { return "atradius"; }
  const kit::InsurerRules& rules() const override { return settings_.rules; }
  // GET buyers?…&country=<alpha-3>&uid&uidType. Empty when Atradius has no match (404 or
  // no data). kInvalidArgument for a country that is not ISO 3166-1 or a query by name only.
  Result<std::vector<kit::CompanyMatch>> FindBuyer(const kit::CompanyQuery& query, std::stop_token stop) override;
  // POST a new cover, or PUT supersede/reduce/cancel the one in force; sent once.
  Result<kit::Submission> Submit(const kit::CoverRequest& request, std::stop_token stop) override;
  // The buyer's cover carrying `request.reference` as its customerRefNumber (GET only).
  Result<std::optional<kit::Submission>> FindSubmission(const kit::CoverRequest& request,
                                                        std::stop_token stop) override;
  // The buyer's cover `tracking` (its coverId), or the one carrying the reference when the
  // referral gave no id. kNotFound when Atradius lists neither.
  Result<kit::Cover> Follow(const kit::CoverRequest& request, const std::string& tracking,
                            std::stop_token stop) override;
  // The policy's covers in force, page by page (cursor: the next page's number).
  Result<kit::CoverPage> Covers(const std::string& policy, const std::string& cursor, std::stop_token stop) override;
  bool HasDecisionFeed() const override { return true; }
  // The covers changed since the cursor (a fromDate; "" = the last 24 hours), every page;
  // the next cursor is the time of this read less kFeedOverlap.
  Result<kit::CoverPage> DecisionsSince(const std::string& policy, const std::string& cursor,
                                        std::stop_token stop) override;

 private:
  Status Start();
  kit::TokenOutcome ObtainToken(http::HttpClient& client);
  Result<http::Response> Get(const std::string& target, const std::string& what, std::stop_token stop);
  Result<std::vector<kit::Cover>> BuyerCovers(const kit::CoverRequest& request, std::stop_token stop);
  Error Refused(const std::string& what) const;
  const std::string& Currency() const { return settings_.rules.currencies.front(); }

  const AtradiusConfig settings_;
  ProviderContext context_;
  // Made by Start(), destroyed in reverse order.
  std::unique_ptr<kit::GrantLocks> own_locks_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<http::HttpClient> client_;
  std::unique_ptr<kit::TokenExchangeGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> keeper_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
  std::unique_ptr<kit::ApiCaller> submit_caller_;  // max_attempts 1: a send is never repeated
};

}  // namespace tributary::connectors::atradius
