// Allianz Trade in the action conformance suite: buyers of the Allianz Trade double found
// by their SIREN, each request decided at once in full by the double's underwriter, the
// connector logging in with its API login and password.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/conformance/action_remote.h"
#include "tests/testing/allianz_trade_double.h"

namespace tributary::testing::conformance {
namespace {

class AllianzTradeRemote final : public ActionRemote {
 public:
  AllianzTradeRemote() {
    auto started = AllianzTradeDouble::Start(clock_);
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    for (int i = 0; i < 3; ++i) {
      double_->AddCompany({.company_id = std::to_string(99184310 + i),
                           .name = "DUPONT " + std::to_string(i) + " SA",
                           .identifiers = {{"SIREN", "49481445" + std::to_string(i)}}});
    }
  }
  ~AllianzTradeRemote() override { double_->faults().Release(); }

  std::string Kind() override { return "credit-limit"; }
  std::string ResultEntity() override { return "credit_limit"; }

  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    const auto password = daemon.root() / "allianz-trade-password";
    std::ofstream(password) << double_->options().password;
    std::filesystem::permissions(password, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::ostringstream yaml;
    yaml << "  - name: act\n    type: allianz_trade\n    schedule: 1h\n"
         << "    allianz_trade:\n      base_url: " << double_->base_url() << "\n"
         << "      login: " << double_->options().login << "\n"
         << "      password: ${file:" << password.string() << "}\n"
         << "      policy:\n        id: \"" << double_->options().policy_id << "\"\n        currencies: [EUR]\n"
         << "      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n"
         // One job at a time: a second job must still be queued (nothing sent) when the
         // suite cancels it, whereas a second worker would already have sent its request.
         << "      workers: 1\n";
    return yaml.str();
  }

  nlohmann::json Request(int subject) override {
    return {{"connector", "act"},
            {"company", {{"country", "FR"}, {"registration_number", "49481445" + std::to_string(subject)}}},
            {"amount", "50000.00"},
            {"currency", "EUR"}};
  }
  nlohmann::json UnanswerableRequest() override {
    return {{"connector", "act"},
            {"company", {{"country", "FR"}, {"registration_number", "999999999"}}},
            {"amount", "50000.00"},
            {"currency", "EUR"}};
  }

  int BilledCalls() override { return double_->Submits(); }
  int HeldCalls() override { return double_->faults().held_calls(); }
  void Break() override { double_->faults().Break(); }
  void Repair() override { double_->faults().Repair(); }
  void Hold() override { double_->faults().Hold(); }
  void Release() override { double_->faults().Release(); }

 private:
  FakeClock clock_;
  std::unique_ptr<AllianzTradeDouble> double_;
};

}  // namespace

std::unique_ptr<ActionRemote> MakeAllianzTradeRemote() { return std::make_unique<AllianzTradeRemote>(); }

}  // namespace tributary::testing::conformance
