// Creditsafe in the action conformance suite: companies of the Creditsafe double scored by
// their SIREN, the connector logging in with its API user key and password.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/conformance/action_remote.h"
#include "tests/testing/creditsafe_double.h"

namespace tributary::testing::conformance {
namespace {

class CreditsafeRemote final : public ActionRemote {
 public:
  CreditsafeRemote() {
    auto started = CreditsafeDouble::Start(clock_);
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    for (int i = 0; i < 3; ++i) {
      const std::string siren = "49481445" + std::to_string(i);
      double_->AddCompany({.id = "FR-X-" + siren + "00012",
                           .reg_no = siren + "00012",
                           .name = "DUPONT " + std::to_string(i) + " SA",
                           .provider_value = std::to_string(50 + i)});
    }
  }
  ~CreditsafeRemote() override { double_->faults().Release(); }

  std::string Kind() override { return "score"; }
  std::string ResultEntity() override { return "risk_score"; }

  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    const auto password = daemon.root() / "creditsafe-password";
    std::ofstream(password) << double_->options().password;
    std::filesystem::permissions(password, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ostringstream yaml;
    yaml << "  - name: act\n    type: creditsafe\n    schedule: 1h\n"
         << "    creditsafe:\n      base_url: " << double_->base_url() << "\n"
         << "      username: " << double_->options().username << "\n"
         << "      password: ${file:" << password.string() << "}\n"
         << "      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n";
    return yaml.str();
  }

  nlohmann::json Request(int subject) override {
    return {{"connector", "act"},
            {"company", {{"country", "FR"}, {"registration_number", "49481445" + std::to_string(subject)}}}};
  }
  nlohmann::json UnanswerableRequest() override {
    return {{"connector", "act"}, {"company", {{"country", "FR"}, {"registration_number", "999999999"}}}};
  }

  int BilledCalls() override { return double_->CountRequests("report", 200); }
  int HeldCalls() override { return double_->faults().held_calls(); }
  void Break() override { double_->faults().Break(); }
  void Repair() override { double_->faults().Repair(); }
  void Hold() override { double_->faults().Hold(); }
  void Release() override { double_->faults().Release(); }

 private:
  FakeClock clock_;
  std::unique_ptr<CreditsafeDouble> double_;
};

}  // namespace

std::unique_ptr<ActionRemote> MakeCreditsafeRemote() { return std::make_unique<CreditsafeRemote>(); }

}  // namespace tributary::testing::conformance
