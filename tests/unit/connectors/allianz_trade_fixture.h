// An Allianz Trade provider wired to the Allianz Trade double on a shared fake clock, with
// a real store in a temp dir: what the connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "connectors/allianz_trade/allianz_trade_config.h"
#include "connectors/allianz_trade/allianz_trade_provider.h"
#include "tests/testing/allianz_trade_double.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::allianz_trade::test {

inline constexpr const char* kPolicy = "5121840";
inline constexpr const char* kDupont = "99184313";   // found by SIREN 494814452
inline constexpr const char* kMartin = "127805632";  // found by VAT DE811569869

class AllianzTradeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto started = tributary::testing::AllianzTradeDouble::Start(clock_, DoubleOptions());
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    settings_.login = {.value = double_->options().login};
    settings_.password = {.value = double_->options().password};
    settings_.base_url = double_->base_url();
    settings_.policy.rules = {.policy = kPolicy, .currencies = {"EUR", "USD"}, .amount_step = 1};
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(20);
    settings_.http.timeout = std::chrono::milliseconds(10000);
    double_->AddCompany({.company_id = kDupont,
                         .name = "DUPONT INDUSTRIES SA",
                         .identifiers = {{"SIREN", "494814452"}, {"VAT", "FR85494814452"}}});
    double_->AddCompany({.company_id = kMartin,
                         .name = "MARTIN GMBH",
                         .country = "DE",
                         .identifiers = {{"VAT", "DE811569869"}}});
  }

  virtual tributary::testing::AllianzTradeDoubleOptions DoubleOptions() { return {}; }

  std::string StatePath() const { return dir_.File("state/tributary.db"); }

  std::unique_ptr<AllianzTradeProvider> MakeProvider() {
    return std::make_unique<AllianzTradeProvider>(settings_, ProviderContext{.connector = "cover",
                                                                             .state_path = StatePath(),
                                                                             .clock = &clock_});
  }

  static kit::CompanyMatch Buyer(const std::string& id) { return {.id = id, .name = "", .country = "FR"}; }

  // A request for `amount` EUR (major units) on `buyer`, referenced `reference`.
  static kit::CoverRequest Request(const std::string& buyer, int64_t amount, const std::string& reference) {
    return {.policy = kPolicy,
            .buyer = Buyer(buyer),
            .currency = "EUR",
            .amount_minor = amount * 100,
            .reference = reference,
            .comment = "first order"};
  }

  tributary::testing::TempDir dir_;
  tributary::testing::FakeClock clock_;
  std::unique_ptr<tributary::testing::AllianzTradeDouble> double_;
  AllianzTradeConfig settings_;
};

}  // namespace tributary::connectors::allianz_trade::test
