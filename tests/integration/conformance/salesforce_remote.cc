// Salesforce in the conformance suite: Salesforce Billing invoices of one account in the
// Salesforce double, the connector signing in with the JWT bearer flow (no consent).
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/conformance/source_remote.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"

namespace tributary::testing::conformance {
namespace {

constexpr const char* kInvoice = "blng__Invoice__c";

class SalesforceRemote final : public SourceRemote {
 public:
  SalesforceRemote() {
    keys_ = MakeRsaTestKeyPair("conformance").value();
    SalesforceDoubleOptions options;
    options.certificate_pem = keys_.certificate_pem;
    options.objects.push_back(kInvoice);
    options.query_batch_size = 200;  // several pages, several commits, for the kill -9 test
    auto started = SalesforceDouble::Start(options);
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    account_ = double_->Put("Account", {{"Name", "Dupont SA"}, {"CurrencyIsoCode", "EUR"}});
  }

  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    auto files = WriteRsaTestKeyPair(keys_, daemon.root().string(), "salesforce");
    EXPECT_TRUE(files.has_value());
    std::ostringstream yaml;
    yaml << "  - name: src\n    type: salesforce\n    schedule: 200ms\n    legal_entity: FR01\n"
         << "    salesforce:\n      login_url: " << double_->base_url() << "\n"
         << "      client_id: " << double_->options().client_id << "\n"
         << "      username: integration@example.com\n"
         << "      private_key_file: " << (files ? files->private_key_path : "") << "\n"
         << "      max_api_share: 1\n      page_size: 200\n"
         << "      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n"
         << "      objects:\n        - object: " << kInvoice << "\n          mapping: " << TRIBUTARY_SOURCE_DIR
         << "/mappings/salesforce/billing_invoice.yaml\n"
         << "          where: \"blng__InvoiceStatus__c IN ('Posted','Cancelled','Rebilled')\"\n";
    return yaml.str();
  }

  void Put(const std::string& number, const std::string& amount) override {
    nlohmann::ordered_json invoice = {{"Name", number},
                                      {"blng__Account__c", account_},
                                      {"blng__InvoiceStatus__c", "Posted"},
                                      {"blng__InvoiceDate__c", "2026-06-15"},
                                      {"blng__DueDate__c", "2026-07-15"},
                                      {"CurrencyIsoCode", "EUR"},
                                      {"blng__TotalAmount__c", SalesforceDouble::Amount(amount)},
                                      {"blng__Balance__c", SalesforceDouble::Amount(amount)}};
    auto known = ids_.find(number);
    if (known != ids_.end()) {
      // A change comes a second after what it changes, as in an org where time passes.
      // (New records may share one SystemModstamp: the connector's keyset cursor copes.)
      double_->Advance(std::chrono::seconds(1));
      invoice["Id"] = known->second;
    }
    ids_[number] = double_->Put(kInvoice, invoice);
  }
  void Remove(const std::string& number) override {
    double_->Delete(kInvoice, ids_.at(number));
    // getDeleted covers whole minutes up to Salesforce's present (latestDateCovered): a
    // delete is reported once that minute is over, as it is in an org where time passes.
    double_->Advance(std::chrono::minutes(1));
  }
  void Publish() override {}
  std::string KeyOf(const std::string& number) override { return "src:receivable:" + ids_.at(number); }
  std::string DeletedLifecycle() override { return "deleted"; }
  // Every API request answers 503 (two attempts per request, then the pass fails).
  void Break() override { double_->FailNext(1 << 30, 503); }
  void Repair() override { double_->FailNext(0, 503); }

 private:
  RsaTestKeyPair keys_;
  std::unique_ptr<SalesforceDouble> double_;
  std::string account_;
  std::map<std::string, std::string> ids_;  // invoice number -> Salesforce Id
};

}  // namespace

std::unique_ptr<SourceRemote> MakeSalesforceRemote() { return std::make_unique<SalesforceRemote>(); }

}  // namespace tributary::testing::conformance
