// The Salesforce double's SOQL subset: what it parses, how it compares, what it refuses.
#include "tests/testing/salesforce_double_soql.h"

#include <gtest/gtest.h>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing::soql {
namespace {

using nlohmann::ordered_json;

bool Holds(const std::string& where, const ordered_json& record) {
  auto query = Parse("SELECT Id FROM Account WHERE " + where);
  EXPECT_TRUE(query.has_value()) << where << ": " << (query ? "" : query.error());
  if (!query) return false;
  return Matches(*query->where, [&](const FieldPath& path) {
    auto it = record.find(path.parts.back());
    return it == record.end() ? ordered_json(nullptr) : *it;
  });
}

TEST(SalesforceSoqlTest, ParsesTheClausesInOrder) {
  auto query = Parse(
      "select Id, Account.Owner.Name, Amount__c from Invoice__c where Amount__c > 10 "
      "order by SystemModstamp desc nulls first, Id limit 5");
  ASSERT_TRUE(query.has_value()) << query.error();
  EXPECT_EQ(query->object, "Invoice__c");
  ASSERT_EQ(query->fields.size(), 3u);
  EXPECT_EQ(query->fields[1].parts, (std::vector<std::string>{"Account", "Owner", "Name"}));
  EXPECT_EQ(query->fields[1].column, 12);
  ASSERT_EQ(query->order_by.size(), 2u);
  EXPECT_TRUE(query->order_by[0].descending);
  EXPECT_FALSE(query->order_by[0].nulls_last);
  EXPECT_FALSE(query->order_by[1].descending);
  EXPECT_EQ(query->limit, 5);
  EXPECT_FALSE(query->count);

  auto count = Parse("SELECT COUNT() FROM Account");
  ASSERT_TRUE(count.has_value());
  EXPECT_TRUE(count->count);
  auto aggregate = Parse("SELECT Name, SUM(Amount) total FROM Opportunity GROUP BY Name");
  ASSERT_TRUE(aggregate.has_value()) << aggregate.error();
  EXPECT_EQ(aggregate->aggregates, std::vector<std::string>{"SUM(Amount)"});
  EXPECT_TRUE(aggregate->group_by);
}

TEST(SalesforceSoqlTest, RefusalsSayWhereWithSalesforcesShape) {
  EXPECT_EQ(Parse("SELECT Id FROM").error(),
            "\nSELECT Id FROM\n" + std::string(14, ' ') + "^\nERROR at Row:1:Column:15\nunexpected token: '<EOF>'");
  EXPECT_EQ(Parse("SELECT Id\nFROM Account WHERE Name = 'x' ORDER Name").error(),
            "\nFROM Account WHERE Name = 'x' ORDER Name\n" + std::string(36, ' ') +
                "^\nERROR at Row:2:Column:37\n"
                "unexpected token: 'Name'");
  EXPECT_FALSE(Parse("SELECT Id FROM Account WHERE Name = 'open").has_value());
  EXPECT_FALSE(Parse("SELECT Id FROM Account WHERE a = 1 AND b = 2 OR c = 3").has_value());
  EXPECT_TRUE(Parse("SELECT Id FROM Account WHERE a = 1 AND (b = 2 OR c = 3)").has_value());
  EXPECT_FALSE(Parse("SELECT Id FROM Account WHERE CreatedDate > 2026-13-01T00:00:00Z").has_value());
  EXPECT_FALSE(Parse("SELECT Id FROM Account LIMIT -1").has_value());
  EXPECT_FALSE(Parse("SELECT Id FROM Account LIMIT 99999999999999999999999").has_value());
  EXPECT_FALSE(Parse("SELECT Id, (SELECT Id FROM Contacts) FROM Account").has_value());
  EXPECT_FALSE(Parse("SELECT COUNT(), Id FROM Account").has_value());
}

TEST(SalesforceSoqlTest, ComparesLikeSalesforce) {
  const ordered_json record = {{"Id", "001000000000001AAA"},
                               {"Name", "Acme"},
                               {"Amount", qbo::ExactNumber("100.10")},
                               {"Stamp", "2026-07-01T10:00:00.000+0000"},
                               {"Due", "2026-07-31"},
                               {"Open", true},
                               {"Nothing", nullptr}};
  EXPECT_TRUE(Holds("Name = 'ACME'", record));               // case-insensitive text
  EXPECT_FALSE(Holds("Id = '001000000000001aaa'", record));  // ids are exact
  EXPECT_TRUE(Holds("Amount = 100.1", record));
  EXPECT_TRUE(Holds("Amount < 100.100001", record));
  EXPECT_FALSE(Holds("Amount > 100.10", record));
  EXPECT_TRUE(Holds("Stamp = 2026-07-01T12:00:00+02:00", record));  // instants, not text
  EXPECT_TRUE(Holds("Stamp > 2026-07-01T09:59:59.999Z", record));
  EXPECT_TRUE(Holds("Stamp < 2026-07-01T10:00:01+0000", record));
  EXPECT_TRUE(Holds("Due <= 2026-07-31", record));
  EXPECT_TRUE(Holds("Open = TRUE", record));
  EXPECT_TRUE(Holds("Nothing = null AND Missing = null", record));
  EXPECT_TRUE(Holds("Nothing != 'x'", record));
  EXPECT_FALSE(Holds("Nothing < 'x'", record));
  EXPECT_TRUE(Holds("Name IN ('a', 'acme')", record));
  EXPECT_TRUE(Holds("Nothing NOT IN ('a')", record));
  EXPECT_TRUE(Holds("Name LIKE 'a_m%'", record));
  EXPECT_FALSE(Holds("Name LIKE 'a\\_m%'", record));
  EXPECT_TRUE(Holds("NOT (Name = 'x' OR Open = false)", record));
  EXPECT_TRUE(Holds("Name = 'it\\'s' OR Name = 'Acme'", record));
}

TEST(SalesforceSoqlTest, IdsCarryTheCaseSafeSuffix) {
  // A known id from Salesforce's documentation: 001D000000IRFma + IAH.
  EXPECT_EQ(sfdc::IdSuffix("001D000000IRFma"), "IAH");
  const std::string first = sfdc::MakeId("001", 1);
  const std::string later = sfdc::MakeId("001", 62);
  EXPECT_EQ(first.size(), 18u);
  EXPECT_LT(first, later);
  EXPECT_EQ(first.substr(15), sfdc::IdSuffix(first.substr(0, 15)));
}

}  // namespace
}  // namespace tributary::testing::soql
