// A Creditsafe provider wired to the Creditsafe double on a shared fake clock, with a real
// store in a temp dir: what the connector's unit tests share.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "connectors/creditsafe/creditsafe_config.h"
#include "connectors/creditsafe/creditsafe_provider.h"
#include "tests/testing/creditsafe_double.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::creditsafe::test {

inline constexpr int64_t kPortfolio = 131318;
inline constexpr const char* kJulesVerne = "FR-X-49481445200012";

class CreditsafeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto started = tributary::testing::CreditsafeDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    settings_.username = {.value = double_->options().username};
    settings_.password = {.value = double_->options().password};
    settings_.base_url = double_->base_url();
    settings_.http.backoff = std::chrono::milliseconds(1);
    settings_.http.max_backoff = std::chrono::milliseconds(20);
    settings_.http.timeout = std::chrono::milliseconds(10000);
    double_->AddCompany({.id = kJulesVerne,
                         .reg_no = "49481445200012",
                         .safe_no = "FR09532031",
                         .name = "LE JULES VERNE",
                         .vat_numbers = {"FR85494814452"}});
  }

  std::string StatePath() const { return dir_.File("state/tributary.db"); }

  std::unique_ptr<CreditsafeProvider> MakeProvider() {
    return std::make_unique<CreditsafeProvider>(settings_, ProviderContext{.connector = "scores",
                                                                           .state_path = StatePath(),
                                                                           .clock = &clock_});
  }

  kit::CompanyQuery Siren(const std::string& siren) {
    return {.country = "FR", .registration_number = siren, .registration_scheme = "SIREN"};
  }

  tributary::testing::TempDir dir_;
  tributary::testing::FakeClock clock_;
  std::unique_ptr<tributary::testing::CreditsafeDouble> double_;
  CreditsafeConfig settings_;
};

}  // namespace tributary::connectors::creditsafe::test
