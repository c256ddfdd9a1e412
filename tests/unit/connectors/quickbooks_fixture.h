// A QuickBooks connector's parts wired to the QuickBooks double and a real store in a temp
// dir, with the shipped mappings: what the connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "connectors/kit/api_caller.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/request_budget.h"
#include "connectors/quickbooks/object_mapper.h"
#include "connectors/quickbooks/qbo_api.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/quickbooks_grant.h"
#include "connectors/quickbooks/realm_sync.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"
#include "tests/testing/quickbooks_double.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::quickbooks::test {

inline constexpr const char* kRealm = "9130357785543026";

inline int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class QuickBooksFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = testing::QuickBooksDouble::Start(DoubleOptions());
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    double_->AddRealm(kRealm);
    settings_.realm_id = kRealm;
    settings_.client_id = double_->options().client_id;
    settings_.client_secret = {.value = double_->options().client_secret};
    settings_.redirect_uri = "http://127.0.0.1:8470/oauth/callback";
    settings_.base_url = double_->base_url();
    settings_.token_url = double_->token_url();
    settings_.authorize_url = double_->authorize_url();
    settings_.entities = {"Customer", "Invoice", "CreditMemo", "Payment"};
    settings_.mappings_dir = TRIBUTARY_SOURCE_DIR "/mappings/quickbooks";
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(20);
    settings_.http.timeout = std::chrono::milliseconds(10000);
    ASSERT_FALSE(dir_.path().empty());
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }

  virtual testing::QuickBooksDoubleOptions DoubleOptions() { return {}; }

  std::unique_ptr<store::Store> OpenStore() {
    auto store = store::Store::Open(dir_.File("state/tributary.db"));
    EXPECT_TRUE(store.has_value()) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  // Stores a grant the double issued, as `tributary auth` would have.
  void SeedGrant(int64_t access_expires_at = UnixNow() + 3600) {
    testing::IssuedTokens tokens = double_->IssueGrant(kRealm);
    auto update = store_->api().LockGrant(GrantIdOf(settings_));
    ASSERT_TRUE(update.has_value()) << update.error().message;
    auto saved = (*update)->Save({.refresh_token = tokens.refresh_token, .access_token = tokens.access_token,
                                  .access_expires_at = access_expires_at});
    ASSERT_TRUE(saved.has_value()) << saved.error().message;
  }

  // Builds the connector's parts on store_ (call after changing settings_).
  void Wire() {
    client_ = http::MakeCurlClient(settings_.http.ClientOptions());
    grant_ = std::make_unique<kit::RefreshTokenGrant>(GrantSettingsOf(settings_));
    tokens_ = std::make_unique<kit::GrantKeeper>(*grant_, "qbo", ConsentCommand("qbo"), *store_, *client_, locks_,
                                                 MachineClock(), &metrics_);
    budget_ = std::make_shared<kit::RequestBudget>(settings_.http.budget, MachineClock());
    caller_ = std::make_unique<kit::ApiCaller>(QboCallerOptions(settings_, "qbo"), *client_, *budget_, tokens_.get(),
                                               MachineClock(), &metrics_);
    api_ = std::make_unique<QboApi>(settings_, *caller_);
    auto mapper = LoadObjectMappings(settings_);
    ASSERT_TRUE(mapper.has_value()) << mapper.error().message;
    mapper_ = std::move(*mapper);
    sync_ = std::make_unique<RealmSync>(settings_, SyncContext{.connector = "qbo", .tenant = "acme", .metrics = &metrics_},
                                        *store_, *api_, *mapper_);
  }

  // The current data of every key of the store (from the outbox, latest change wins).
  std::map<std::string, store::Change> Latest() {
    std::map<std::string, store::Change> latest;
    auto changes = store_->ChangesAfter(0, 100000);
    EXPECT_TRUE(changes.has_value());
    for (auto& change : changes.value_or(std::vector<store::Change>{})) latest[change.key] = change;
    return latest;
  }

  nlohmann::json Data(const std::string& key) {
    auto entity = store_->GetEntity(key);
    if (!entity) return nullptr;
    return nlohmann::json::parse(entity->data);
  }

  std::string Lifecycle(const std::string& key) {
    auto entity = store_->GetEntity(key);
    return entity ? entity->lifecycle : "";
  }

  int CountLive(const std::string& prefix) {
    auto keys = store_->api().LiveKeysWithPrefix(prefix);
    return keys ? static_cast<int>(keys->size()) : -1;
  }

  std::string CursorPhase() {
    auto cursor = store_->api().GetCursor("qbo", "sync");
    if (!cursor || !*cursor) return "";
    return nlohmann::json::parse(**cursor).value("phase", "");
  }

  tributary::testing::TempDir dir_;
  std::unique_ptr<testing::QuickBooksDouble> double_;
  QuickBooksConfig settings_;
  std::unique_ptr<store::Store> store_;
  Metrics metrics_;
  std::unique_ptr<http::HttpClient> client_;
  kit::GrantLocks locks_;
  std::unique_ptr<kit::RefreshTokenGrant> grant_;
  std::unique_ptr<kit::GrantKeeper> tokens_;
  std::shared_ptr<kit::RequestBudget> budget_;
  std::unique_ptr<kit::ApiCaller> caller_;
  std::unique_ptr<QboApi> api_;
  std::unique_ptr<ObjectMapper> mapper_;
  std::unique_ptr<RealmSync> sync_;
};

}  // namespace tributary::connectors::quickbooks::test
