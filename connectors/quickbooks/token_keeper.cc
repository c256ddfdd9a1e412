#include "connectors/quickbooks/token_keeper.h"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include <spdlog/spdlog.h>

namespace tributary::connectors::quickbooks {
namespace {

constexpr int64_t kRefreshMargin = 60;  // seconds before expiry when a token counts as expired

// One mutex per grant for the whole process: refreshes of a grant never run side by side,
// even from two connectors on the same realm. The registry only grows by the grants this
// process uses.
std::mutex& GrantMutex(const store::GrantId& id) {
  static std::mutex registry_mutex;
  static std::map<std::string, std::unique_ptr<std::mutex>> registry;  // guarded by registry_mutex
  std::lock_guard lock(registry_mutex);
  auto& slot = registry[id.provider + "\n" + id.client_id + "\n" + id.account];
  if (!slot) slot = std::make_unique<std::mutex>();
  return *slot;
}

int64_t SystemNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

store::GrantId GrantIdOf(const QuickBooksConfig& settings) {
  return {.provider = "quickbooks", .client_id = settings.client_id, .account = settings.realm_id};
}

store::OAuthGrant GrantFromAnswer(const TokenAnswer& answer, int64_t now, const store::OAuthGrant* previous) {
  store::OAuthGrant grant;
  if (previous != nullptr) grant = *previous;
  grant.state = store::GrantState::kActive;
  grant.problem.clear();
  grant.access_token = answer.access_token;
  grant.refresh_token = answer.refresh_token;
  grant.access_expires_at = answer.expires_in > 0 ? now + answer.expires_in : now + 3600;
  if (answer.refresh_expires_in > 0) grant.refresh_expires_at = now + answer.refresh_expires_in;
  if (answer.refresh_hard_expires_in > 0) grant.refresh_hard_expires_at = now + answer.refresh_hard_expires_in;
  return grant;
}

void PublishGrantMetrics(Metrics& metrics, const std::string& connector, const store::OAuthGrant& grant) {
  Labels labels{{"connector", connector}};
  metrics.Set("tributary_oauth_access_token_expiry_timestamp_seconds", labels, grant.access_expires_at);
  metrics.Set("tributary_oauth_refresh_token_expiry_timestamp_seconds", labels, grant.refresh_expires_at);
  metrics.Set("tributary_oauth_refresh_token_hard_expiry_timestamp_seconds", labels, grant.refresh_hard_expires_at);
  metrics.Set("tributary_oauth_consent_needed", labels, grant.state == store::GrantState::kActive ? 0 : 1);
}

TokenKeeper::TokenKeeper(const QuickBooksConfig& settings, std::string connector, store::Store& store,
                         OAuthClient& oauth, Metrics* metrics, Clock clock)
    : settings_(settings),
      connector_(std::move(connector)),
      store_(store),
      oauth_(oauth),
      metrics_(metrics),
      clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

Error TokenKeeper::ConsentNeeded(const std::string& why) const {
  return Error{ErrorCode::kRejected, "consent needed: " + why + "; run `tributary auth quickbooks --config FILE --connector " +
                                         connector_ + "`"};
}

std::optional<Error> TokenKeeper::Unusable(const store::OAuthGrant& grant) const {
  switch (grant.state) {
    case store::GrantState::kActive:
      return std::nullopt;
    case store::GrantState::kConsentNeeded:
      return ConsentNeeded("QuickBooks refused the grant (" + grant.problem + ")");
    case store::GrantState::kUndecryptable:
      return Error{ErrorCode::kRejected, "cannot decrypt the stored QuickBooks grant with " + store_.api().KeyFile() +
                                             " (" + grant.problem +
                                             "): the key file changed? run `tributary auth quickbooks --config FILE "
                                             "--connector " + connector_ + "` to consent again"};
  }
  return std::nullopt;
}

Result<TokenKeeper::Access> TokenKeeper::Current() {
  auto grant = store_.api().GetGrant(GrantIdOf(settings_));
  if (!grant) return std::unexpected(grant.error());
  if (!*grant) {
    if (metrics_ != nullptr) metrics_->Set("tributary_oauth_consent_needed", {{"connector", connector_}}, 1);
    return std::unexpected(ConsentNeeded("no QuickBooks grant for realm " + settings_.realm_id + " yet"));
  }
  if (metrics_ != nullptr) PublishGrantMetrics(*metrics_, connector_, **grant);
  if (auto unusable = Unusable(**grant)) return std::unexpected(*unusable);
  if ((*grant)->access_expires_at - clock_() > kRefreshMargin) {
    return Access{(*grant)->access_token, (*grant)->generation};
  }
  return Refresh((*grant)->generation, false);
}

Result<TokenKeeper::Access> TokenKeeper::RefreshAfterRejection(const Access& rejected) {
  return Refresh(rejected.generation, true);
}

Result<TokenKeeper::Access> TokenKeeper::Refresh(int64_t seen_generation, bool force) {
  std::lock_guard process_lock(GrantMutex(GrantIdOf(settings_)));
  auto update = store_.api().LockGrant(GrantIdOf(settings_));
  if (!update) return std::unexpected(update.error());
  const std::optional<store::OAuthGrant>& current = (*update)->current();
  if (!current) return std::unexpected(ConsentNeeded("no QuickBooks grant for realm " + settings_.realm_id + " yet"));
  if (auto unusable = Unusable(*current)) return std::unexpected(*unusable);
  const int64_t now = clock_();
  // Someone refreshed since we read the grant: their token is the one to use.
  if (current->generation != seen_generation && current->access_expires_at - now > kRefreshMargin) {
    return Access{current->access_token, current->generation};
  }
  if (!force && current->access_expires_at - now > kRefreshMargin) {
    return Access{current->access_token, current->generation};
  }
  Labels labels{{"connector", connector_}};
  auto answer = oauth_.Refresh(current->refresh_token);
  if (!answer) {
    if (answer.error().oauth_error == "invalid_grant") {
      store::OAuthGrant refused = *current;
      refused.state = store::GrantState::kConsentNeeded;
      refused.problem = answer.error().error.message;
      auto saved = (*update)->Save(refused);
      if (metrics_ != nullptr) {
        metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "invalid_grant"}});
        if (saved) PublishGrantMetrics(*metrics_, connector_, *saved);
      }
      spdlog::error("[{}] QuickBooks refused the refresh token: {}", connector_, answer.error().error.message);
      if (!saved) return std::unexpected(saved.error());
      return std::unexpected(ConsentNeeded("QuickBooks refused the grant (" + refused.problem + ")"));
    }
    if (metrics_ != nullptr) {
      metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "failed"}});
    }
    return std::unexpected(answer.error().error);
  }
  // Committed before anyone uses the new access token: a crash from here on keeps the
  // rotated refresh token.
  auto saved = (*update)->Save(GrantFromAnswer(*answer, now, &*current));
  if (!saved) {
    spdlog::error("[{}] a refreshed QuickBooks token could not be stored: {}", connector_, saved.error().message);
    return std::unexpected(saved.error());
  }
  if (metrics_ != nullptr) {
    metrics_->Add("tributary_oauth_refreshes_total", {{"connector", connector_}, {"outcome", "refreshed"}});
    PublishGrantMetrics(*metrics_, connector_, *saved);
  }
  spdlog::info("[{}] QuickBooks access token refreshed (grant generation {})", connector_, saved->generation);
  return Access{saved->access_token, saved->generation};
}

}  // namespace tributary::connectors::quickbooks
