// D&B Direct+ in the action conformance suite: companies of the D&B double scored by
// their registration number, the connector authenticating with client credentials.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/conformance/action_remote.h"
#include "tests/testing/dnb_double.h"

namespace tributary::testing::conformance {
namespace {

std::string SecretFile(DaemonHarness& daemon, const std::string& name, const std::string& value) {
  const auto path = daemon.root() / name;
  std::ofstream(path) << value;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return path.string();
}

class DnbRemote final : public ActionRemote {
 public:
  DnbRemote() {
    auto started = DnbDouble::Start(clock_);
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    for (int i = 0; i < 3; ++i) {
      double_->PutCompany({.duns = "30000000" + std::to_string(i),
                           .name = "DUPONT " + std::to_string(i) + " SA",
                           .country = "FR",
                           .registration_number = "49481445" + std::to_string(i),
                           .assessment = DnbDouble::Assessment(58 + i, 2, "Low risk", "25000.50", "EUR")});
    }
  }
  ~DnbRemote() override { double_->faults().Release(); }

  std::string Kind() override { return "score"; }
  std::string ResultEntity() override { return "risk_score"; }

  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    std::ostringstream yaml;
    yaml << "  - name: act\n    type: dnb\n    schedule: 1h\n"
         << "    dnb:\n      base_url: " << double_->base_url() << "\n"
         << "      consumer_key: ${file:" << SecretFile(daemon, "dnb-key", double_->options().consumer_key) << "}\n"
         << "      consumer_secret: ${file:" << SecretFile(daemon, "dnb-secret", double_->options().consumer_secret)
         << "}\n"
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

  int BilledCalls() override {
    int billed = 0;
    for (const DnbRequest& request : double_->requests()) {
      if (request.kind == "data" && request.status == 200) ++billed;
    }
    return billed;
  }
  int HeldCalls() override { return double_->faults().held_calls(); }
  void Break() override { double_->faults().Break(); }
  void Repair() override { double_->faults().Repair(); }
  void Hold() override { double_->faults().Hold(); }
  void Release() override { double_->faults().Release(); }

 private:
  FakeClock clock_;
  std::unique_ptr<DnbDouble> double_;
};

}  // namespace

std::unique_ptr<ActionRemote> MakeDnbRemote() { return std::make_unique<DnbRemote>(); }

}  // namespace tributary::testing::conformance
