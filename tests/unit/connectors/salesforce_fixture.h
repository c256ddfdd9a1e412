// A salesforce connector run in process against the Salesforce double, with a real store
// in a temp dir, the shipped mappings and a fake clock aligned with the double's: what the
// connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "connectors/kit/connector.h"
#include "connectors/salesforce/salesforce_config.h"
#include "connectors/salesforce/salesforce_connector.h"
#include "gateway/common/metrics.h"
#include "gateway/store/store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::salesforce::test {

inline constexpr const char* kUser = "integration@example.com";
inline constexpr const char* kConnector = "crm";
inline constexpr const char* kInvoice = "blng__Invoice__c";

class SalesforceFixture : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (keys_ == nullptr) keys_ = new tributary::testing::RsaTestKeyPair(tributary::testing::MakeRsaTestKeyPair("app").value());
  }

  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto files = tributary::testing::WriteRsaTestKeyPair(*keys_, dir_.path().string());
    ASSERT_TRUE(files.has_value());
    StartDouble(DoubleOptions());
    clock_ = std::make_unique<tributary::testing::FakeClock>(sf_->Now());
    budgets_ = std::make_unique<kit::BudgetRegistry>(*clock_);
    settings_.login_url = sf_->base_url();
    settings_.client_id = sf_->options().client_id;
    settings_.username = kUser;
    settings_.private_key_file = files->private_key_path;
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(5);
    settings_.http.timeout = std::chrono::milliseconds(20000);
    settings_.max_api_share = 1.0;
    settings_.objects = {
        {.object = "Account", .mapping = TRIBUTARY_SOURCE_DIR "/mappings/salesforce/account.yaml"},
        {.object = kInvoice, .mapping = TRIBUTARY_SOURCE_DIR "/mappings/salesforce/billing_invoice.yaml",
         .where = "blng__InvoiceStatus__c IN ('Posted','Cancelled','Rebilled')"}};
    config_.name = kConnector;
    config_.type = "salesforce";
    config_.legal_entity = "FR01";
  }

  virtual tributary::testing::SalesforceDoubleOptions DoubleOptions() { return {}; }

  void StartDouble(tributary::testing::SalesforceDoubleOptions options) {
    options.certificate_pem = keys_->certificate_pem;
    options.objects.push_back(kInvoice);
    auto started = tributary::testing::SalesforceDouble::Start(std::move(options));
    ASSERT_TRUE(started.has_value()) << started.error().message;
    sf_ = std::move(*started);
  }

  // A new connector (as after a daemon restart): its first Poll opens everything again.
  std::unique_ptr<Connector> MakeConnector(ConnectorHooks hooks = {}) {
    ConnectorContext context;
    context.tenant = "acme";
    context.state_path = dir_.File("state/tributary.db");
    context.metrics = &metrics_;
    context.services.clock = clock_.get();
    context.services.budgets = budgets_.get();
    context.services.grant_locks = &locks_;
    auto made = MakeSalesforceConnector(config_, settings_, context, hooks);
    EXPECT_TRUE(made.has_value()) << made.error().message;
    return made ? std::move(*made) : nullptr;
  }

  Status Poll() {
    if (!connector_) connector_ = MakeConnector();
    return connector_->Poll({});
  }

  // Both clocks move together.
  void Advance(std::chrono::seconds by) {
    sf_->Advance(by);
    clock_->Advance(by);
  }

  store::Store& Store() {
    if (!store_) store_ = store::Store::Open(dir_.File("state/tributary.db")).value();
    return *store_;
  }

  nlohmann::json Data(const std::string& key) {
    auto entity = Store().GetEntity(key);
    if (!entity) return nullptr;
    return nlohmann::json::parse(entity->data);
  }
  std::string Lifecycle(const std::string& key) {
    auto entity = Store().GetEntity(key);
    return entity ? entity->lifecycle : "";
  }
  int CountLive(const std::string& prefix) {
    auto keys = Store().api().LiveKeysWithPrefix(prefix);
    return keys ? static_cast<int>(keys->size()) : -1;
  }
  int64_t Changes() {
    auto changes = Store().ChangesAfter(0, 1000000);
    return changes ? static_cast<int64_t>(changes->size()) : -1;
  }

  std::string PutAccount(const std::string& name, nlohmann::ordered_json extra = nlohmann::ordered_json::object()) {
    nlohmann::ordered_json record = {{"Name", name}, {"AccountNumber", "AC-" + name}, {"CurrencyIsoCode", "EUR"},
                                     {"BillingCity", "Lyon"}};
    for (auto& [key, value] : extra.items()) record[key] = value;
    return sf_->Put("Account", record);
  }

  std::string PutInvoice(const std::string& account, const std::string& number, const std::string& amount,
                         const std::string& status = "Posted") {
    using tributary::testing::SalesforceDouble;
    return sf_->Put(kInvoice, {{"Name", number},
                               {"blng__Account__c", account},
                               {"blng__InvoiceStatus__c", status},
                               {"blng__PaymentStatus__c", "Unpaid"},
                               {"blng__InvoiceDate__c", "2026-06-15"},
                               {"blng__DueDate__c", "2026-07-15"},
                               {"CurrencyIsoCode", "EUR"},
                               {"blng__TotalAmount__c", SalesforceDouble::Amount(amount)},
                               {"blng__Subtotal__c", SalesforceDouble::Amount(amount)},
                               {"blng__TaxAmount__c", SalesforceDouble::Amount("0")},
                               {"blng__Balance__c", SalesforceDouble::Amount(amount)}});
  }

  static std::string Key(const std::string& entity, const std::string& id) {
    return std::string(kConnector) + ":" + entity + ":" + id;
  }

  static inline tributary::testing::RsaTestKeyPair* keys_ = nullptr;
  tributary::testing::TempDir dir_;
  std::unique_ptr<tributary::testing::SalesforceDouble> sf_;
  std::unique_ptr<tributary::testing::FakeClock> clock_;
  SalesforceConfig settings_;
  config::ConnectorConfig config_;
  Metrics metrics_;
  kit::GrantLocks locks_;
  std::unique_ptr<kit::BudgetRegistry> budgets_;
  std::unique_ptr<Connector> connector_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace tributary::connectors::salesforce::test
