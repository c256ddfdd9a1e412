// The access token of one QuickBooks grant (app + realm): read from the store, refreshed
// when it is about to expire or when the API refuses it, never losing a rotated refresh
// token.
//
// A refresh runs under a per-grant mutex of this process and the store's write lock (which
// also excludes other processes): it re-reads the grant under the lock, and when another
// refresher already rotated it, uses that result instead of sending the superseded refresh
// token. The new refresh token is committed in the same transaction that retires the old
// one, before the new access token is used. `invalid_grant` marks the grant
// "consent needed": from then on no call reaches the token endpoint until a person runs
// `tributary auth quickbooks` again. A grant whose tokens do not decrypt with the store's
// key file (store::GrantState::kUndecryptable) stops the connector the same way, with a
// message naming the key file.
//
// Not thread-safe (it uses its connector's Store); several keepers of one grant in one or
// several processes are safe together.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "connectors/quickbooks/oauth_client.h"
#include "gateway/common/metrics.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {

// The store's identity of the grant a connector uses.
store::GrantId GrantIdOf(const QuickBooksConfig& settings);

// A grant from a token answer received at `now` (unix seconds), keeping what the answer
// does not say from `previous`.
store::OAuthGrant GrantFromAnswer(const TokenAnswer& answer, int64_t now, const store::OAuthGrant* previous);

// Gauges of a grant's expiries (unix seconds) and whether consent is needed, by connector.
void PublishGrantMetrics(Metrics& metrics, const std::string& connector, const store::OAuthGrant& grant);

class TokenKeeper {
 public:
  struct Access {
    std::string token;
    int64_t generation = 0;  // of the grant row it came from
  };
  using Clock = std::function<int64_t()>;  // unix seconds

  TokenKeeper(const QuickBooksConfig& settings, std::string connector, store::Store& store, OAuthClient& oauth,
              Metrics* metrics, Clock clock = nullptr);

  // A usable access token: the stored one while it has more than a minute left, else a
  // fresh one. kRejected "consent needed: …" when there is no grant or it was refused.
  Result<Access> Current();
  // The API answered 401 to `rejected`: a refresh, unless another refresher already
  // replaced that token (then its result).
  Result<Access> RefreshAfterRejection(const Access& rejected);

 private:
  Result<Access> Refresh(int64_t seen_generation, bool force);
  Error ConsentNeeded(const std::string& why) const;
  // Why `grant` cannot be used (refused, or its tokens do not decrypt); nullopt when active.
  std::optional<Error> Unusable(const store::OAuthGrant& grant) const;

  const QuickBooksConfig& settings_;
  const std::string connector_;
  store::Store& store_;
  OAuthClient& oauth_;
  Metrics* metrics_;
  Clock clock_;
};

}  // namespace tributary::connectors::quickbooks
