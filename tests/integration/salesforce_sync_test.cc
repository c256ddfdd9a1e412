// The salesforce connector end to end: the real daemon, the Salesforce double (HTTP on
// loopback, its own fake clock) and the fake core it pushes to. The initial load, a change
// and a delete reaching the core; a kill -9 in the middle of the load; a certificate the
// app does not know.
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>
#include <set>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/store/store.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"

namespace tributary::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kInvoice = "blng__Invoice__c";

class SalesforceDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto core = FakeCore::Start();
    ASSERT_TRUE(core.has_value()) << core.error().message;
    core_ = std::move(*core);
    app_keys_ = MakeRsaTestKeyPair("app").value();
    daemon_ = std::make_unique<DaemonHarness>(HarnessOptions{});
  }

  void StartDouble(const std::string& certificate) {
    SalesforceDoubleOptions options;
    options.certificate_pem = certificate;
    options.objects.push_back(kInvoice);
    auto sf = SalesforceDouble::Start(options);
    ASSERT_TRUE(sf.has_value()) << sf.error().message;
    sf_ = std::move(*sf);
  }

  // The daemon's config: one salesforce connector "crm" signing with `keys`.
  void Configure(const RsaTestKeyPair& keys, const std::string& extra = "") {
    auto files = WriteRsaTestKeyPair(keys, daemon_->root().string(), "salesforce");
    ASSERT_TRUE(files.has_value());
    std::ostringstream yaml;
    yaml << "tenant: acme\nstate: sqlite:../var/tributary.db\n"
         << "admin: {listen: 127.0.0.1:" << daemon_->admin_port() << "}\n"
         << "log: {level: info, format: text}\n"
         << "core:\n  push:\n    url: " << core_->base_url() << "\n    token: " << core_->token()
         << "\n    batch_size: 500\n    max_backoff: 1s\n"
         << "connectors:\n"
         << "  - name: crm\n    type: salesforce\n    schedule: 1s\n    legal_entity: FR01\n"
         << "    salesforce:\n"
         << "      login_url: " << sf_->base_url() << "\n"
         << "      client_id: " << sf_->options().client_id << "\n"
         << "      username: integration@example.com\n"
         << "      private_key_file: " << files->private_key_path << "\n"
         << "      max_api_share: 1\n"
         << "      backoff: 20ms\n      max_backoff: 200ms\n"
         << "      objects:\n"
         << "        - object: Account\n          mapping: " << TRIBUTARY_SOURCE_DIR
         << "/mappings/salesforce/account.yaml\n"
         << "        - object: " << kInvoice << "\n          mapping: " << TRIBUTARY_SOURCE_DIR
         << "/mappings/salesforce/billing_invoice.yaml\n"
         << "          where: \"blng__InvoiceStatus__c IN ('Posted','Cancelled','Rebilled')\"\n"
         << extra;
    std::ofstream(daemon_->config_path(), std::ios::trunc) << yaml.str();
  }

  nlohmann::json Status() {
    auto list = daemon_->Get("/v1/connectors");
    if (!list.is_object()) return nullptr;
    for (const auto& connector : list["connectors"]) {
      if (connector["name"] == "crm") return connector;
    }
    return nullptr;
  }

  std::string CoreField(const std::string& key, const std::string& field) {
    auto entity = core_->entity(key);
    if (!entity || !entity->data.contains(field) || !entity->data[field].is_string()) return "";
    return entity->data[field].get<std::string>();
  }

  std::string PutAccount(const std::string& name) {
    return sf_->Put("Account", {{"Name", name}, {"CurrencyIsoCode", "EUR"}});
  }
  std::string PutInvoice(const std::string& account, const std::string& number, const std::string& amount) {
    return sf_->Put(kInvoice, {{"Name", number},
                               {"blng__Account__c", account},
                               {"blng__InvoiceStatus__c", "Posted"},
                               {"blng__InvoiceDate__c", "2026-06-15"},
                               {"blng__DueDate__c", "2026-07-15"},
                               {"CurrencyIsoCode", "EUR"},
                               {"blng__TotalAmount__c", SalesforceDouble::Amount(amount)},
                               {"blng__Balance__c", SalesforceDouble::Amount(amount)}});
  }

  int64_t StoredLive(const std::string& prefix) {
    auto store = store::Store::Open((daemon_->root() / "var/tributary.db").string());
    if (!store) return -1;
    auto live = (*store)->api().LiveKeysWithPrefix(prefix);
    return live ? static_cast<int64_t>(live->size()) : -1;
  }

  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<SalesforceDouble> sf_;
  RsaTestKeyPair app_keys_;
  std::unique_ptr<DaemonHarness> daemon_;
};

TEST_F(SalesforceDaemonTest, LoadThenAChangeAndADeleteReachTheCore) {
  StartDouble(app_keys_.certificate_pem);
  const std::string acme = PutAccount("Acme");
  const std::string inv1 = PutInvoice(acme, "INV-1", "987654321098765.43");
  const std::string inv2 = PutInvoice(acme, "INV-2", "100.00");
  Configure(app_keys_);
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] { return core_->entity("crm:receivable:" + inv2).has_value(); }, seconds(30)))
      << daemon_->Log();
  EXPECT_EQ(CoreField("crm:receivable:" + inv1, "open_amount"), "987654321098765.43");
  EXPECT_EQ(CoreField("crm:receivable:" + inv1, "legal_entity"), "FR01");
  EXPECT_EQ(CoreField("crm:customer:" + acme, "name"), "Acme");

  sf_->Advance(minutes(10));
  sf_->Put(kInvoice, {{"Id", inv2}, {"blng__Balance__c", SalesforceDouble::Amount("40.00")}});
  sf_->Delete(kInvoice, inv1);
  sf_->Advance(minutes(2));
  ASSERT_TRUE(WaitUntil([&] {
    auto deleted = core_->entity("crm:receivable:" + inv1);
    return deleted && deleted->closed && CoreField("crm:receivable:" + inv2, "open_amount") == "40.00";
  }, seconds(30))) << daemon_->Log();
  EXPECT_FALSE(core_->order_violated()) << core_->order_violation();
  auto metrics = daemon_->GetText("/metrics");
  EXPECT_NE(metrics.find("tributary_salesforce_api_share_remaining{connector=\"crm\"}"), std::string::npos);
  EXPECT_NE(metrics.find("tributary_salesforce_org_api_remaining{connector=\"crm\"}"), std::string::npos);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0) << daemon_->Log();
}

TEST_F(SalesforceDaemonTest, AKillInTheMiddleOfTheLoadLosesAndRepeatsNothing) {
  StartDouble(app_keys_.certificate_pem);
  std::vector<nlohmann::ordered_json> accounts;
  for (int i = 0; i < 6000; ++i) accounts.push_back({{"Name", "A" + std::to_string(i)}, {"CurrencyIsoCode", "EUR"}});
  sf_->PutMany("Account", accounts);  // one SystemModstamp for all
  Configure(app_keys_, "      page_size: 200\n");
  daemon_->Start();
  // Once some pages are committed, hold Salesforce's answers and kill the daemon.
  ASSERT_TRUE(WaitUntil([&] { return StoredLive("crm:customer:") >= 1000; }, seconds(60))) << daemon_->Log();
  sf_->PauseRequests();
  const int64_t before_kill = StoredLive("crm:customer:");
  daemon_->Kill();
  sf_->ResumeRequests();
  EXPECT_LT(before_kill, 6000);
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] { return StoredLive("crm:customer:") == 6000; }, seconds(60))) << daemon_->Log();
  // Every record once in the outbox: no duplicates, nothing lost.
  auto store = store::Store::Open((daemon_->root() / "var/tributary.db").string());
  ASSERT_TRUE(store.has_value());
  auto changes = (*store)->ChangesAfter(0, 100000);
  ASSERT_TRUE(changes.has_value());
  std::set<std::string> keys;
  for (const auto& change : *changes) {
    if (change.key.starts_with("crm:customer:")) EXPECT_TRUE(keys.insert(change.key).second) << change.key;
  }
  EXPECT_EQ(keys.size(), 6000u);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0) << daemon_->Log();
}

TEST_F(SalesforceDaemonTest, ACertificateTheAppDoesNotKnowGivesOneClearErrorAndOneTokenRequest) {
  RsaTestKeyPair other = MakeRsaTestKeyPair("someone-else").value();
  StartDouble(app_keys_.certificate_pem);
  PutAccount("Acme");
  Configure(other);
  daemon_->Start();
  ASSERT_TRUE(WaitUntil([&] {
    auto status = Status();
    return status.is_object() && status["polls"].get<int64_t>() >= 3;
  }, seconds(30))) << daemon_->Log();
  const std::string error = Status()["last_error"];
  EXPECT_NE(error.find("invalid_grant"), std::string::npos) << error;
  EXPECT_NE(error.find("tributary auth salesforce"), std::string::npos) << error;
  EXPECT_EQ(sf_->TokenRequests().total(), 1);
  EXPECT_EQ(sf_->CountRequests("query"), 0);

  // With the right key in the config, `tributary auth salesforce` signs in once and stores
  // the grant: the running daemon uses it at its next pass, without a reload.
  Configure(app_keys_);
  const std::string command = std::string(TRIBUTARY_BINARY) + " auth salesforce --config " +
                              daemon_->config_path().string() + " --connector crm 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_NE(output.find("Instance: " + sf_->base_url()), std::string::npos) << output;
  EXPECT_NE(output.find("integration@example.com"), std::string::npos) << output;
  ASSERT_TRUE(WaitUntil([&] { return StoredLive("crm:customer:") == 1; }, seconds(30))) << daemon_->Log();
  EXPECT_EQ(sf_->TokenRequests().succeeded, 1);
  EXPECT_EQ(daemon_->StopWith(SIGTERM), 0) << daemon_->Log();
}

}  // namespace
}  // namespace tributary::testing
