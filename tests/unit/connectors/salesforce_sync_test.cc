// The salesforce connector in process against the Salesforce double: loads (REST and Bulk
// API), changes, deletes, the sweep, crashes between pages, exact money, and what it does
// with Salesforce's refusals.
#include <gtest/gtest.h>

#include "tests/unit/connectors/salesforce_fixture.h"

namespace tributary::connectors::salesforce::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

int CountQueriesContaining(const tributary::testing::SalesforceDouble& sf, const std::string& text) {
  int count = 0;
  for (const auto& request : sf.requests()) {
    if (request.kind == "query" && request.query.find(text) != std::string::npos) ++count;
  }
  return count;
}

TEST_F(SalesforceFixture, RestLoadSelectsTheMappingsFieldsAndKeepsMoneyExact) {
  const std::string acme = PutAccount("Acme");
  const std::string invoice = PutInvoice(acme, "INV-1", "987654321098765.43");
  PutInvoice(acme, "INV-DRAFT", "10.00", "Draft");  // left out by `where`
  ASSERT_TRUE(Poll().has_value());

  auto customer = Data(Key("customer", acme));
  ASSERT_TRUE(customer.is_object());
  EXPECT_EQ(customer["name"], "Acme");
  EXPECT_EQ(customer["currency"], "EUR");
  auto receivable = Data(Key("receivable", invoice));
  ASSERT_TRUE(receivable.is_object());
  EXPECT_EQ(receivable["total"], "987654321098765.43");
  EXPECT_EQ(receivable["open_amount"], "987654321098765.43");
  EXPECT_EQ(receivable["customer"], Key("customer", acme));
  EXPECT_EQ(Store().GetEntity(Key("receivable", invoice))->open_amount_minor, 98765432109876543);
  EXPECT_EQ(CountLive("crm:receivable:"), 1);

  // Exactly Id, SystemModstamp and the mapping's paths, ordered for the keyset.
  bool seen = false;
  for (const auto& request : sf_->requests()) {
    if (request.kind != "query" || request.query.find("ORDER") == std::string::npos ||
        request.query.find("Account") == std::string::npos || request.query.find("Invoice") != std::string::npos) {
      continue;
    }
    seen = true;
    EXPECT_NE(request.query.find("SELECT%20Id%2C%20SystemModstamp%2C%20AccountNumber%2C%20Name%2C%20ParentId%2C%20CurrencyIsoCode"),
              std::string::npos)
        << request.query;
    EXPECT_NE(request.query.find("ORDER%20BY%20SystemModstamp%2C%20Id"), std::string::npos) << request.query;
  }
  EXPECT_TRUE(seen);
}

TEST_F(SalesforceFixture, ChangesAreReadAfterTheMarkAndUnchangedRecordsMakeNoChange) {
  const std::string acme = PutAccount("Acme");
  PutAccount("Beta");
  ASSERT_TRUE(Poll().has_value());
  const int64_t after_load = Changes();
  EXPECT_EQ(after_load, 2);

  Advance(minutes(10));
  PutAccount("Acme Renamed", {{"Id", acme}});
  const std::string gamma = PutAccount("Gamma");
  Advance(minutes(1));
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(Data(Key("customer", acme))["name"], "Acme Renamed");
  EXPECT_TRUE(Data(Key("customer", gamma)).is_object());
  EXPECT_EQ(Changes(), after_load + 2);

  // A pass over the overlap reads the same records again: no change.
  Advance(minutes(1));
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(Changes(), after_load + 2);
}

TEST_F(SalesforceFixture, BulkApiLoadsFromTheThresholdThenRestCarriesOn) {
  settings_.bulk_threshold = 10;
  const std::string acme = PutAccount("Acme");
  for (int i = 0; i < 25; ++i) PutInvoice(acme, "INV-" + std::to_string(i), std::to_string(100 + i) + ".10");
  const std::string big = PutInvoice(acme, "INV-BIG", "987654321098765.43");
  ASSERT_TRUE(Poll().has_value());
  EXPECT_GE(sf_->CountRequests("bulk"), 3);  // create, poll(s), results
  EXPECT_EQ(CountLive("crm:receivable:"), 26);
  EXPECT_EQ(Data(Key("receivable", big))["open_amount"], "987654321098765.43");
  EXPECT_EQ(Data(Key("receivable", big))["customer"], Key("customer", acme));
  int deletes = 0;  // the job, once read
  for (const auto& request : sf_->requests()) deletes += request.kind == "bulk" && request.method == "DELETE" ? 1 : 0;
  EXPECT_EQ(deletes, 1);

  Advance(minutes(10));
  const std::string later = PutInvoice(acme, "INV-LATER", "5.00");
  Advance(minutes(1));
  const int bulk_before = sf_->CountRequests("bulk");
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(sf_->CountRequests("bulk"), bulk_before);
  EXPECT_EQ(Data(Key("receivable", later))["total"], "5.00");
}

TEST_F(SalesforceFixture, BulkLoadResumesAtTheStoredLocatorAfterACrash) {
  settings_.bulk_threshold = 10;
  settings_.objects.resize(1);  // Account only
  for (int i = 0; i < 60; ++i) PutAccount("A" + std::to_string(i));
  // Pages of 50,000 would hold everything: the crash is before the first commit.
  connector_ = MakeConnector({.stop_after_commits = 0});
  ASSERT_TRUE(connector_->Poll({}).has_value());
  EXPECT_EQ(CountLive("crm:customer:"), 0);
  const int jobs_created = sf_->CountRequests("bulk");
  connector_ = MakeConnector();
  ASSERT_TRUE(connector_->Poll({}).has_value());
  EXPECT_EQ(CountLive("crm:customer:"), 60);
  // The same job was read, not a new one made.
  int creates = 0;
  for (const auto& request : sf_->requests()) {
    if (request.kind == "bulk" && request.method == "POST") ++creates;
  }
  EXPECT_EQ(creates, 1);
  EXPECT_GT(sf_->CountRequests("bulk"), jobs_created);
}

TEST_F(SalesforceFixture, ThousandsOfRecordsSharingOneStampCrossPagesAndACrash) {
  settings_.objects.resize(1);
  settings_.bulk_threshold = 100000;
  std::vector<nlohmann::ordered_json> records;
  for (int i = 0; i < 5000; ++i) {
    records.push_back({{"Name", "Shared " + std::to_string(i)}, {"CurrencyIsoCode", "EUR"}});
  }
  sf_->PutMany("Account", records);  // one SystemModstamp for all
  connector_ = MakeConnector({.stop_after_commits = 1});
  ASSERT_TRUE(connector_->Poll({}).has_value());
  EXPECT_EQ(CountLive("crm:customer:"), 2000);
  connector_ = MakeConnector();  // a restart resumes at (stamp, last Id)
  ASSERT_TRUE(connector_->Poll({}).has_value());
  EXPECT_EQ(CountLive("crm:customer:"), 5000);
  EXPECT_EQ(Changes(), 5000);  // every record once
  EXPECT_GE(CountQueriesContaining(*sf_, "Id%20%3E%20%27"), 1);  // the keyset condition was used
}

TEST_F(SalesforceFixture, DeletesFromGetDeleted) {
  const std::string acme = PutAccount("Acme");
  const std::string gone = PutAccount("Gone");
  const std::string invoice = PutInvoice(acme, "INV-1", "10.00");
  ASSERT_TRUE(Poll().has_value());
  Advance(minutes(2));
  sf_->Delete("Account", gone);
  sf_->Delete(kInvoice, invoice);
  Advance(minutes(2));
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(Lifecycle(Key("customer", gone)), "deleted");
  EXPECT_EQ(Lifecycle(Key("receivable", invoice)), "deleted");
  EXPECT_NE(Lifecycle(Key("customer", acme)), "deleted");
  EXPECT_GE(sf_->CountRequests("deleted", 200), 2);
}

TEST_F(SalesforceFixture, AGapLongerThanTheDeletesWindowRunsAnIdSweep) {
  const std::string acme = PutAccount("Acme");
  const std::string gone = PutAccount("Gone");
  ASSERT_TRUE(Poll().has_value());
  sf_->Purge("Account", gone);
  Advance(hours(24 * 16));
  sf_->Put("Account", {{"Name", "Touch"}});  // the delete log was purged meanwhile
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(Lifecycle(Key("customer", gone)), "deleted");
  EXPECT_NE(Lifecycle(Key("customer", acme)), "deleted");
  EXPECT_GE(CountQueriesContaining(*sf_, "SELECT%20Id%20FROM%20Account"), 1);
  EXPECT_EQ(metrics_.Get("tributary_salesforce_sweeps_total", {{"connector", "crm"}}), 2);  // Account and invoices
}

TEST_F(SalesforceFixture, AFieldTheUserCannotReadIsNamed) {
  PutAccount("Acme");
  sf_->HideField("Account", "BillingCity");
  auto polled = Poll();
  ASSERT_FALSE(polled.has_value());
  EXPECT_NE(polled.error().message.find("field BillingCity of Account"), std::string::npos) << polled.error().message;
  EXPECT_NE(polled.error().message.find("grant the user read access"), std::string::npos);
  EXPECT_NE(polled.error().message.find("account.yaml"), std::string::npos);
}

TEST_F(SalesforceFixture, ASingleCurrencyOrgFallsBackToHomeCurrency) {
  settings_.objects.resize(1);
  settings_.objects[0].parameters = {{"home_currency", {"CHF"}}};
  const std::string acme = sf_->Put("Account", {{"Name", "Acme"}});
  sf_->HideField("Account", "CurrencyIsoCode");
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(Data(Key("customer", acme))["currency"], "CHF");
}

TEST_F(SalesforceFixture, AnExpiredSessionIsRenewedOnceAndThePassGoesOn) {
  PutAccount("Acme");
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(sf_->TokenRequests().succeeded, 1);
  sf_->ExpireSessions();
  Advance(minutes(10));
  const std::string later = PutAccount("Later");
  Advance(minutes(1));
  ASSERT_TRUE(Poll().has_value());
  EXPECT_EQ(sf_->TokenRequests().succeeded, 2);
  EXPECT_TRUE(Data(Key("customer", later)).is_object());
}

TEST_F(SalesforceFixture, InvalidGrantStopsAfterOneTokenRequest) {
  settings_.username = "not-approved@example.com";
  PutAccount("Acme");
  for (int pass = 0; pass < 3; ++pass) {
    auto polled = Poll();
    ASSERT_FALSE(polled.has_value());
    EXPECT_NE(polled.error().message.find("invalid_grant"), std::string::npos) << polled.error().message;
  }
  EXPECT_EQ(sf_->TokenRequests().total(), 1);
  EXPECT_EQ(sf_->CountRequests("query"), 0);
}

TEST_F(SalesforceFixture, TheDailyShareStopsThePassAndResumesInTheNextWindow) {
  settings_.objects.resize(1);
  settings_.page_size = 200;
  settings_.max_api_share = 0.1;
  sf_->SetDailyLimit(100);  // a share of 10 requests
  std::vector<nlohmann::ordered_json> records;
  for (int i = 0; i < 3000; ++i) records.push_back({{"Name", "A" + std::to_string(i)}, {"CurrencyIsoCode", "EUR"}});
  sf_->PutMany("Account", records);
  auto polled = Poll();
  ASSERT_FALSE(polled.has_value());
  EXPECT_NE(polled.error().message.find("share of Salesforce's daily API requests"), std::string::npos)
      << polled.error().message;
  const int loaded = CountLive("crm:customer:");
  EXPECT_GT(loaded, 0);
  EXPECT_LT(loaded, 3000);
  EXPECT_EQ(metrics_.Get("tributary_salesforce_api_share_remaining", {{"connector", "crm"}}), 0);

  // Later passes, even after a restart, send nothing while the share is spent.
  const size_t requests = sf_->requests().size();
  ASSERT_FALSE(Poll().has_value());
  connector_.reset();
  budgets_ = std::make_unique<kit::BudgetRegistry>(*clock_);
  connector_ = MakeConnector();
  ASSERT_FALSE(Poll().has_value());
  EXPECT_EQ(sf_->requests().size(), requests);

  sf_->SetDailyLimit(100000);
  Advance(hours(25));
  for (int pass = 0; pass < 20 && CountLive("crm:customer:") < 3000; ++pass) {
    (void)Poll();
    Advance(hours(25));
  }
  EXPECT_EQ(CountLive("crm:customer:"), 3000);
}

TEST_F(SalesforceFixture, TheOrgsAllocationUsedFailsThePass) {
  PutAccount("Acme");
  sf_->SetApiUsage(sf_->options().daily_api_limit);
  auto polled = Poll();
  ASSERT_FALSE(polled.has_value());
  EXPECT_NE(polled.error().message.find("TotalRequests Limit exceeded"), std::string::npos) << polled.error().message;
}

TEST_F(SalesforceFixture, ServerUnavailableIsRetried) {
  const std::string acme = PutAccount("Acme");
  sf_->FailNext(2, 503);
  ASSERT_TRUE(Poll().has_value());
  int unavailable = 0;
  for (const auto& request : sf_->requests()) unavailable += request.status == 503 ? 1 : 0;
  EXPECT_EQ(unavailable, 2);
  EXPECT_TRUE(Data(Key("customer", acme)).is_object());
}

}  // namespace
}  // namespace tributary::connectors::salesforce::test
