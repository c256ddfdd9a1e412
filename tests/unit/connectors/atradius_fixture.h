// An Atradius provider wired to the Atradius double on a shared fake clock, with a real
// store in a temp dir: what the connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "connectors/atradius/atradius_config.h"
#include "connectors/atradius/atradius_provider.h"
#include "tests/testing/atradius_double.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::atradius::test {

inline constexpr const char* kJulesVerne = "70001";  // buyerId of SIREN 494814452

class AtradiusFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto started = tributary::testing::AtradiusDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    const auto& options = double_->options();
    settings_.api_key = {.value = options.api_key};
    settings_.client_id = options.client_id;
    settings_.client_secret = {.value = options.client_secret};
    settings_.customer_id = options.customer_id;
    settings_.base_url = double_->base_url();
    settings_.rules = {.policy = options.policy, .currencies = {"EUR"}, .amount_step = 1000};
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(20);
    settings_.http.timeout = std::chrono::milliseconds(10000);
    double_->AddBuyer({.buyer_id = kJulesVerne, .name = "LE JULES VERNE", .uid = "494814452"});
  }

  std::string StatePath() const { return dir_.File("state/tributary.db"); }

  std::unique_ptr<AtradiusProvider> MakeProvider() {
    return std::make_unique<AtradiusProvider>(settings_, ProviderContext{.connector = "covers",
                                                                         .state_path = StatePath(),
                                                                         .clock = &clock_});
  }

  static kit::CompanyQuery Siren(const std::string& siren) {
    return {.country = "FR", .registration_number = siren, .registration_scheme = "SIREN"};
  }

  // A request for `amount` EUR (major units) on the buyer, sent with `reference`.
  kit::CoverRequest RequestOn(const std::string& buyer_id, int64_t amount, const std::string& reference) {
    return {.policy = settings_.rules.policy,
            .buyer = {.id = buyer_id, .name = "LE JULES VERNE", .country = "FR"},
            .currency = "EUR",
            .amount_minor = amount * 100,
            .reference = reference};
  }

  tributary::testing::TempDir dir_;
  tributary::testing::FakeClock clock_;
  std::unique_ptr<tributary::testing::AtradiusDouble> double_;
  AtradiusConfig settings_;
};

}  // namespace tributary::connectors::atradius::test
