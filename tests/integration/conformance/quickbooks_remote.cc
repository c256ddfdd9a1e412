// QuickBooks Online in the conformance suite: invoices of one customer in the QuickBooks
// double, the connector's grant stored beforehand as `tributary auth quickbooks` would.
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/quickbooks_grant.h"
#include "gateway/store/store.h"
#include "tests/integration/conformance/source_remote.h"
#include "tests/testing/quickbooks_double.h"

namespace tributary::testing::conformance {
namespace {

constexpr const char* kRealm = "9130357785543026";

class QuickBooksRemote final : public SourceRemote {
 public:
  QuickBooksRemote() {
    auto started = QuickBooksDouble::Start();
    EXPECT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    double_->AddRealm(kRealm);
    customer_ = double_->AddCustomer(kRealm, "Amy's Bird Sanctuary");
  }

  std::string ConnectorsYaml(DaemonHarness&) override {
    std::ostringstream yaml;
    yaml << "  - name: src\n    type: quickbooks\n    schedule: 200ms\n    legal_entity: US01\n"
         << "    quickbooks:\n      realm_id: \"" << kRealm << "\"\n"
         << "      client_id: " << double_->options().client_id << "\n"
         << "      client_secret: " << double_->options().client_secret << "\n"
         << "      base_url: " << double_->base_url() << "\n      token_url: " << double_->token_url() << "\n"
         << "      authorize_url: " << double_->authorize_url() << "\n"
         << "      mappings_dir: " << TRIBUTARY_SOURCE_DIR << "/mappings/quickbooks\n"
         << "      entities: [Customer, Invoice]\n"
         << "      page_size: 25\n      backoff: 10ms\n      max_backoff: 50ms\n      max_attempts: 2\n";
    return yaml.str();
  }

  void Prepare(DaemonHarness& daemon) override {
    auto store = store::Store::Open((daemon.root() / "var/tributary.db").string());
    ASSERT_TRUE(store.has_value()) << store.error().message;
    connectors::quickbooks::QuickBooksConfig settings;
    settings.realm_id = kRealm;
    settings.client_id = double_->options().client_id;
    IssuedTokens tokens = double_->IssueGrant(kRealm);
    auto update = (*store)->api().LockGrant(connectors::quickbooks::GrantIdOf(settings));
    ASSERT_TRUE(update.has_value()) << update.error().message;
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    auto saved = (*update)->Save(
        {.refresh_token = tokens.refresh_token, .access_token = tokens.access_token, .access_expires_at = now + 3600});
    ASSERT_TRUE(saved.has_value()) << saved.error().message;
  }

  void Put(const std::string& number, const std::string& amount) override {
    auto known = ids_.find(number);
    if (known == ids_.end()) {
      ids_[number] = double_->AddInvoice(kRealm, customer_, number, amount);
      return;
    }
    double_->Update(kRealm, "Invoice", known->second, [&](nlohmann::ordered_json& invoice) {
      invoice["Balance"] = nlohmann::ordered_json::parse(amount);
    });
  }
  void Remove(const std::string& number) override { double_->Delete(kRealm, "Invoice", ids_.at(number)); }
  void Publish() override {}
  std::string KeyOf(const std::string& number) override { return "src:receivable:" + ids_.at(number); }
  std::string DeletedLifecycle() override { return "deleted"; }
  // Every API request answers 503 (two attempts per request, then the pass fails).
  void Break() override { double_->FailNextWith503(1 << 30); }
  void Repair() override { double_->FailNextWith503(0); }

 private:
  std::unique_ptr<QuickBooksDouble> double_;
  std::string customer_;
  std::map<std::string, std::string> ids_;  // invoice number -> QuickBooks Id
};

}  // namespace

std::unique_ptr<SourceRemote> MakeQuickBooksRemote() { return std::make_unique<QuickBooksRemote>(); }

}  // namespace tributary::testing::conformance
