// The dnb provider run in process against the D&B double, with a real store in a temp
// dir and one fake clock shared by both: what the connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "connectors/dnb/dnb_config.h"
#include "connectors/dnb/dnb_provider.h"
#include "connectors/kit/connector.h"
#include "gateway/common/metrics.h"
#include "tests/testing/dnb_double.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::dnb::test {

inline constexpr const char* kConnector = "dnb-scores";
inline constexpr const char* kRegistration = "tributary-scores";
inline constexpr const char* kAcmeDuns = "275046387";
inline constexpr const char* kAcmeSiren = "494814452";

class DnbFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    clock_ = std::make_unique<tributary::testing::FakeClock>();
    budgets_ = std::make_unique<kit::BudgetRegistry>(*clock_);
    StartDouble(DoubleOptions());
    settings_.consumer_key.value = dnb_->options().consumer_key;
    settings_.consumer_secret.value = dnb_->options().consumer_secret;
    settings_.base_url = dnb_->base_url();
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(5);
    settings_.http.timeout = std::chrono::milliseconds(20000);
    settings_.http.max_attempts = 4;
    config_.name = kConnector;
    config_.type = "dnb";
    config_.legal_entity = "FR01";
    PutAcme();
  }

  virtual tributary::testing::DnbDoubleOptions DoubleOptions() { return {}; }

  void StartDouble(tributary::testing::DnbDoubleOptions options) {
    auto started = tributary::testing::DnbDouble::Start(*clock_, std::move(options));
    ASSERT_TRUE(started.has_value()) << started.error().message;
    dnb_ = std::move(*started);
  }

  void PutAcme(const nlohmann::ordered_json& percentile = 58, const std::string& limit = "25000.50",
               const std::string& currency = "EUR") {
    dnb_->PutCompany({.duns = kAcmeDuns,
                      .name = "ACME INDUSTRIE",
                      .country = "FR",
                      .registration_number = kAcmeSiren,
                      .assessment = tributary::testing::DnbDouble::Assessment(percentile, 2, "Low to Moderate Risk",
                                                                              limit, currency)});
  }

  ConnectorContext Context() {
    ConnectorContext context;
    context.tenant = "acme";
    context.state_path = dir_.File("state/tributary.db");
    context.metrics = &metrics_;
    context.services.clock = clock_.get();
    context.services.budgets = budgets_.get();
    context.services.grant_locks = &locks_;
    return context;
  }

  std::unique_ptr<DnbProvider> MakeProvider() { return std::make_unique<DnbProvider>(settings_, kConnector, Context()); }

  DnbProvider& Provider() {
    if (!provider_) provider_ = MakeProvider();
    return *provider_;
  }

  static kit::CompanyQuery BySiren(const std::string& siren = kAcmeSiren) {
    return {.country = "FR", .registration_number = siren, .registration_scheme = "SIREN"};
  }

  tributary::testing::TempDir dir_;
  std::unique_ptr<tributary::testing::FakeClock> clock_;
  std::unique_ptr<kit::BudgetRegistry> budgets_;
  kit::GrantLocks locks_;
  Metrics metrics_;
  std::unique_ptr<tributary::testing::DnbDouble> dnb_;
  DnbConfig settings_;
  config::ConnectorConfig config_;
  std::unique_ptr<DnbProvider> provider_;
};

}  // namespace tributary::connectors::dnb::test
