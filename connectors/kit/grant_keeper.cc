#include "connectors/kit/grant_keeper.h"

#include <spdlog/spdlog.h>

namespace tributary::connectors::kit {
namespace {

constexpr int64_t kRenewMargin = 60;  // seconds before expiry when a token counts as expired

}  // namespace

namespace {

std::string GrantName(const store::GrantId& id) { return id.provider + "\n" + id.client_id + "\n" + id.account; }

}  // namespace

std::mutex& GrantLocks::For(const store::GrantId& id) {
  std::lock_guard lock(mutex_);
  auto& slot = locks_[GrantName(id)];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

bool GrantLocks::TriedRefused(const store::GrantId& id) {
  std::lock_guard lock(mutex_);
  return tried_refused_.contains(GrantName(id));
}

void GrantLocks::SetTriedRefused(const store::GrantId& id, bool tried) {
  std::lock_guard lock(mutex_);
  if (tried) tried_refused_.insert(GrantName(id));
  else tried_refused_.erase(GrantName(id));
}

store::OAuthGrant GrantFromAnswer(const TokenAnswer& answer, int64_t now, const store::OAuthGrant* previous) {
  store::OAuthGrant grant;
  if (previous != nullptr) grant = *previous;
  grant.state = store::GrantState::kActive;
  grant.problem.clear();
  grant.access_token = answer.access_token;
  if (!answer.refresh_token.empty()) grant.refresh_token = answer.refresh_token;
  grant.access_expires_at = answer.expires_in > 0 ? now + answer.expires_in : 0;
  if (answer.refresh_expires_in > 0) grant.refresh_expires_at = now + answer.refresh_expires_in;
  if (answer.refresh_hard_expires_in > 0) grant.refresh_hard_expires_at = now + answer.refresh_hard_expires_in;
  if (!answer.endpoint.empty()) grant.endpoint = answer.endpoint;
  return grant;
}

void DescribeGrantMetrics(Metrics& metrics) {
  metrics.Describe("tributary_oauth_access_token_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth access token expires, by connector (0: unknown, used until refused).");
  metrics.Describe("tributary_oauth_refresh_token_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth refresh token expires unless used (rolling), by connector.");
  metrics.Describe("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds", "gauge",
                   "Unix time the OAuth grant ends whatever happens: a person must consent again before.");
  metrics.Describe("tributary_oauth_consent_needed", "gauge",
                   "1 when the connector's grant is refused: it waits for `tributary auth` or a fix of the provider side.");
  metrics.Describe("tributary_oauth_refreshes_total", "counter",
                   "OAuth token renewals, by connector and outcome (refreshed, invalid_grant, failed).");
}

void PublishGrantMetrics(Metrics& metrics, const std::string& connector, const store::OAuthGrant& grant) {
  Labels labels{{"connector", connector}};
  metrics.Set("tributary_oauth_access_token_expiry_timestamp_seconds", labels, grant.access_expires_at);
  metrics.Set("tributary_oauth_refresh_token_expiry_timestamp_seconds", labels, grant.refresh_expires_at);
  metrics.Set("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds", labels, grant.refresh_hard_expires_at);
  metrics.Set("tributary_oauth_consent_needed", labels, grant.state == store::GrantState::kActive ? 0 : 1);
}

GrantKeeper::GrantKeeper(GrantKind& kind, std::string connector, std::string consent_command, store::Store& store,
                         http::HttpClient& client, GrantLocks& locks, const Clock& clock, Metrics* metrics)
    : kind_(kind),
      connector_(std::move(connector)),
      consent_command_(std::move(consent_command)),
      store_(store),
      client_(client),
      locks_(locks),
      clock_(clock),
      metrics_(metrics) {}

Error GrantKeeper::Refused(const std::string& why) const {
  if (kind_.NeedsConsent()) {
    return Error{ErrorCode::kRejected, "consent needed: " + why + "; run `" + consent_command_ + "`"};
  }
  return Error{ErrorCode::kRejected, why + "; fix it on the " + kind_.provider_name() +
                                         " side or in the config, then reload the daemon or run `" +
                                         consent_command_ + "` to try again"};
}

std::optional<Error> GrantKeeper::Unusable(const store::OAuthGrant& grant) const {
  switch (grant.state) {
    case store::GrantState::kActive:
      return std::nullopt;
    case store::GrantState::kConsentNeeded:
      if (!kind_.NeedsConsent() && !locks_.TriedRefused(kind_.id())) return std::nullopt;
      return Refused(kind_.provider_name() + " refused the grant (" + grant.problem + ")");
    case store::GrantState::kUndecryptable:
      if (!kind_.NeedsConsent()) return std::nullopt;  // a new token needs no person
      return Error{ErrorCode::kRejected, "cannot decrypt the stored " + kind_.provider_name() + " grant with " +
                                             store_.api().KeyFile() + " (" + grant.problem +
                                             "): the key file changed? run `" + consent_command_ +
                                             "` to consent again"};
  }
  return std::nullopt;
}

bool GrantKeeper::Fresh(const store::OAuthGrant& grant) const {
  if (grant.state != store::GrantState::kActive || grant.access_token.empty()) return false;
  return grant.access_expires_at == 0 || grant.access_expires_at - clock_.UnixSeconds() > kRenewMargin;
}

Result<GrantKeeper::Access> GrantKeeper::Current() {
  auto grant = store_.api().GetGrant(kind_.id());
  if (!grant) return std::unexpected(grant.error());
  if (!*grant) {
    if (kind_.NeedsConsent()) {
      if (metrics_ != nullptr) metrics_->Set("tributary_oauth_consent_needed", {{"connector", connector_}}, 1);
      return std::unexpected(Refused("no " + kind_.provider_name() + " grant for account " + kind_.id().account + " yet"));
    }
    return Renew(0, true);
  }
  if (metrics_ != nullptr) PublishGrantMetrics(*metrics_, connector_, **grant);
  if (auto unusable = Unusable(**grant)) return std::unexpected(*unusable);
  if (Fresh(**grant)) return Access{(*grant)->access_token, (*grant)->endpoint, (*grant)->generation};
  return Renew((*grant)->generation, false);
}

Result<GrantKeeper::Access> GrantKeeper::RenewAfterRejection(const Access& rejected) {
  return Renew(rejected.generation, true);
}

Result<GrantKeeper::Access> GrantKeeper::Renew(int64_t seen_generation, bool force) {
  std::lock_guard process_lock(locks_.For(kind_.id()));
  auto update = store_.api().LockGrant(kind_.id());
  if (!update) return std::unexpected(update.error());
  const std::optional<store::OAuthGrant>& current = (*update)->current();
  if (!current && kind_.NeedsConsent()) {
    return std::unexpected(Refused("no " + kind_.provider_name() + " grant for account " + kind_.id().account + " yet"));
  }
  if (current) {
    if (auto unusable = Unusable(*current)) return std::unexpected(*unusable);
    // Someone renewed since we read the grant: their token is the one to use.
    if (current->generation != seen_generation && Fresh(*current)) {
      return Access{current->access_token, current->endpoint, current->generation};
    }
    if (!force && Fresh(*current)) return Access{current->access_token, current->endpoint, current->generation};
  }
  const int64_t now = clock_.UnixSeconds();
  const bool usable_current = current && current->state != store::GrantState::kUndecryptable;
  if (current && current->state == store::GrantState::kConsentNeeded) locks_.SetTriedRefused(kind_.id(), true);
  auto answer = kind_.Obtain(client_, usable_current ? &*current : nullptr);
  if (!answer) {
    // A consent grant is refused for good only by invalid_grant (a wrong client secret in
    // the config does not make the person's consent void); a self-obtained grant by any
    // refusal of the token endpoint.
    const bool refused = answer.error().oauth_error == "invalid_grant" ||
                         (!kind_.NeedsConsent() && answer.error().error.code == ErrorCode::kRejected);
    if (refused) {
      // Stored, so that neither this keeper nor another process asks again in a loop.
      locks_.SetTriedRefused(kind_.id(), true);
      store::OAuthGrant refusal = current.value_or(store::OAuthGrant{});
      refusal.state = store::GrantState::kConsentNeeded;
      refusal.problem = answer.error().error.message;
      if (!usable_current) {
        refusal.refresh_token.clear();
        refusal.access_token.clear();
      }
      auto saved = (*update)->Save(refusal);
      if (metrics_ != nullptr) {
        metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "invalid_grant"}});
        if (saved) PublishGrantMetrics(*metrics_, connector_, *saved);
      }
      spdlog::error("[{}] {} refused the grant: {}", connector_, kind_.provider_name(), answer.error().error.message);
      if (!saved) return std::unexpected(saved.error());
      return std::unexpected(Refused(kind_.provider_name() + " refused the grant (" + refusal.problem + ")"));
    }
    if (metrics_ != nullptr) {
      metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "failed"}});
    }
    return std::unexpected(answer.error().error);
  }
  // Committed before anyone uses the new access token: a crash from here on keeps a
  // rotated refresh token.
  auto saved = (*update)->Save(GrantFromAnswer(*answer, now, usable_current ? &*current : nullptr));
  if (!saved) {
    spdlog::error("[{}] a new {} token could not be stored: {}", connector_, kind_.provider_name(), saved.error().message);
    return std::unexpected(saved.error());
  }
  locks_.SetTriedRefused(kind_.id(), false);
  if (metrics_ != nullptr) {
    metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "refreshed"}});
    PublishGrantMetrics(*metrics_, connector_, *saved);
  }
  spdlog::info("[{}] {} access token renewed (grant generation {})", connector_, kind_.provider_name(), saved->generation);
  return Access{saved->access_token, saved->endpoint, saved->generation};
}

}  // namespace tributary::connectors::kit
