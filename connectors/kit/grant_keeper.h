// The access token of one OAuth grant: read from the store, renewed when it is about to
// expire or when the API refuses it, never losing a rotated refresh token.
//
// A renewal runs under the grant's lock of this daemon (GrantLocks) and the store's write
// lock (which also excludes other processes): it re-reads the grant under the lock, and
// when another keeper already renewed it, uses that result instead of sending a superseded
// refresh token. The new grant is committed before its access token is used.
//
// A refusal of the grant (`invalid_grant`, `invalid_client`, a bad assertion) is stored:
// - a consent grant (authorization code) then waits for a person to run the consent
//   command again; no call reaches the token endpoint meanwhile;
// - a grant the daemon obtains by itself (JWT bearer, client credentials, password) is
//   tried once more per daemon start or reload (GrantLocks remembers it for every keeper
//   of the grant: an action connector's workers each have one): a wrong certificate or
//   password gives one clear error, never a loop of token requests nor a burst of bad
//   logins that would lock the account.
// Tokens that do not decrypt with the store's key file stop a consent grant with a message
// naming the key file; a self-obtained grant just obtains a new token.
//
// Not thread-safe (it uses its connector's Store and HttpClient); several keepers of one
// grant, in one or several processes, are safe together.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "connectors/kit/oauth_grants.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/store/store.h"

namespace tributary::connectors::kit {

// One mutex per grant for the whole daemon: renewals of a grant never run side by side,
// even from two connectors on the same account. Owned by the daemon's runtime and reached
// through ConnectorContext::services. Thread-safe.
class GrantLocks {
 public:
  std::mutex& For(const store::GrantId& id);
  // Whether a refused self-obtained grant was tried again since these locks were made
  // (the daemon's start or reload), by any keeper of the grant.
  bool TriedRefused(const store::GrantId& id);
  void SetTriedRefused(const store::GrantId& id, bool tried);

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_;  // guarded by mutex_
  std::set<std::string> tried_refused_;                       // guarded by mutex_
};

// A grant from a token answer received at `now` (unix seconds), keeping what the answer
// does not say (a refresh token, an endpoint) from `previous`.
store::OAuthGrant GrantFromAnswer(const TokenAnswer& answer, int64_t now, const store::OAuthGrant* previous);

// Gauges of a grant's expiries (unix seconds) and whether it is refused, by connector.
void PublishGrantMetrics(Metrics& metrics, const std::string& connector, const store::OAuthGrant& grant);
void DescribeGrantMetrics(Metrics& metrics);

class GrantKeeper {
 public:
  struct Access {
    std::string token;
    std::string endpoint;    // where API calls go, when the token answer said
    int64_t generation = 0;  // of the grant row it came from
  };

  // `consent_command`: what a person runs to consent or to test the grant again, quoted in
  // messages ("tributary auth quickbooks --config FILE --connector qbo").
  GrantKeeper(GrantKind& kind, std::string connector, std::string consent_command, store::Store& store,
              http::HttpClient& client, GrantLocks& locks, const Clock& clock, Metrics* metrics);

  // A usable access token: the stored one while it has more than a minute left (or no
  // known expiry), else a new one. kRejected when the grant is refused or consent is needed.
  Result<Access> Current();
  // The API answered 401 to `rejected`: a renewal, unless another keeper already replaced
  // that token (then its result).
  Result<Access> RenewAfterRejection(const Access& rejected);

 private:
  Result<Access> Renew(int64_t seen_generation, bool force);
  bool Fresh(const store::OAuthGrant& grant) const;
  Error Refused(const std::string& why) const;
  // Why `grant` cannot be used; nullopt when it can, or when this keeper may try again.
  std::optional<Error> Unusable(const store::OAuthGrant& grant) const;

  GrantKind& kind_;
  const std::string connector_;
  const std::string consent_command_;
  store::Store& store_;
  http::HttpClient& client_;
  GrantLocks& locks_;
  const Clock& clock_;
  Metrics* metrics_;
};

}  // namespace tributary::connectors::kit
