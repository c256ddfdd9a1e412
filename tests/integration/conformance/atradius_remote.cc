// Atradius in the action conformance suite: credit limits requested on buyers of the
// Atradius double found by their SIREN, which its underwriter grants at once in full; the
// connector authenticates with its app key and client credentials.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/conformance/action_remote.h"
#include "tests/testing/atradius_double.h"

namespace tributary::testing::conformance {
namespace {

class AtradiusRemote final : public ActionRemote {
 public:
  AtradiusRemote() {
    auto started = AtradiusDouble::Start(clock_);
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    for (int i = 0; i < 3; ++i) {
      double_->AddBuyer({.buyer_id = std::to_string(70001 + i),
                         .name = "DUPONT " + std::to_string(i) + " SA",
                         .uid = "49481445" + std::to_string(i)});
    }
  }
  ~AtradiusRemote() override { double_->faults().Release(); }

  std::string Kind() override { return "credit-limit"; }
  std::string ResultEntity() override { return "credit_limit"; }

  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    const auto key = daemon.root() / "atradius-app-key";
    const auto secret = daemon.root() / "atradius-client-secret";
    std::ofstream(key) << double_->options().api_key;
    std::ofstream(secret) << double_->options().client_secret;
    for (const auto& file : {key, secret}) {
      std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    std::ostringstream yaml;
    yaml << "  - name: act\n    type: atradius\n    schedule: 1h\n"
         << "    atradius:\n      base_url: " << double_->base_url() << "\n"
         << "      api_key: ${file:" << key.string() << "}\n"
         << "      client_id: " << double_->options().client_id << "\n"
         << "      client_secret: ${file:" << secret.string() << "}\n"
         << "      customer_id: \"" << double_->options().customer_id << "\"\n"
         << "      policy:\n        id: \"" << double_->options().policy << "\"\n        currencies: [EUR]\n"
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

  int BilledCalls() override { return double_->submits(); }
  int HeldCalls() override { return double_->faults().held_calls(); }
  void Break() override { double_->faults().Break(); }
  void Repair() override { double_->faults().Repair(); }
  void Hold() override { double_->faults().Hold(); }
  void Release() override { double_->faults().Release(); }

 private:
  FakeClock clock_;
  std::unique_ptr<AtradiusDouble> double_;
};

}  // namespace

std::unique_ptr<ActionRemote> MakeAtradiusRemote() { return std::make_unique<AtradiusRemote>(); }

}  // namespace tributary::testing::conformance
