// Values an attacker or a broken export writes: control characters in keys and names,
// amounts past the limit, characters outside ASCII quoted in a reject.
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using testing_support::Compile;
using testing_support::MapText;

constexpr const char* kOpenItems = R"(
name: open-items
reader: {type: csv, delimiter: ";", header: true}
entities:
  - entity: customer
    source_key: {column: account}
    repeatable: true
    fields:
      account_number: {column: account}
      name: {column: name}
  - entity: receivable
    source_key: {column: number}
    fields:
      kind: {const: invoice}
      number: {column: number}
      customer: {ref: customer}
      currency: {column: currency}
      total: {column: amount}
      open_amount: {column: amount}
)";

constexpr const char* kHeader = "account;name;number;currency;amount\n";

TEST(HostileValues, AControlCharacterInAKeyRejectsTheRecord) {
  auto mapping = Compile(kOpenItems);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, std::string(kHeader) + "C1;Dupont;INV-1;EUR;10.00\n" +
                                   std::string("C1;Dupont;INV\0-2;EUR;10.00\n", 27) +
                                   "C1;Dupont;INV\x1b[2J;EUR;10.00\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  ASSERT_EQ(out->sink.rejects.size(), 2u);
  EXPECT_EQ(out->sink.rejects[0].line, 3);
  EXPECT_EQ(out->sink.rejects[0].field, "source_key");
  EXPECT_EQ(out->sink.rejects[0].reason, "control character \"\\x00\" in receivable source key \"INV\\x00-2\"");
  EXPECT_EQ(out->sink.rejects[1].reason, "control character \"\\x1b\" in receivable source key \"INV\\x1b[2J\"");
  // The rest of the file goes through.
  int receivables = 0;
  for (const auto& record : out->sink.records) receivables += record.entity == "receivable";
  EXPECT_EQ(receivables, 1);
}

TEST(HostileValues, ControlCharactersInANameBecomeSpaces) {
  auto mapping = Compile(kOpenItems);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, std::string(kHeader) + std::string("C1;Du\0pont\x07 SA;INV-1;EUR;10.00\n", 31));
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_TRUE(out->sink.rejects.empty());
  ASSERT_FALSE(out->sink.records.empty());
  EXPECT_EQ(out->sink.records[0].data["name"], "Du pont  SA");
}

TEST(HostileValues, AnAmountPastTheLimitIsARejectNotAStoredValue) {
  auto mapping = Compile(kOpenItems);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, std::string(kHeader) + "C1;Dupont;INV-1;EUR;92233720368547758.07\n" +
                                   "C1;Dupont;INV-2;EUR;999999999999999.99\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  ASSERT_FALSE(out->sink.rejects.empty());
  EXPECT_EQ(out->sink.rejects[0].line, 2);
  EXPECT_EQ(out->sink.rejects[0].reason,
            "amount \"92233720368547758.07\" is out of range (at most 999999999999999.99 EUR)");
  bool limit_kept = false;
  for (const auto& record : out->sink.records) {
    limit_kept |= record.entity == "receivable" && record.data["open_amount"] == "999999999999999.99";
  }
  EXPECT_TRUE(limit_kept);
}

}  // namespace
}  // namespace tributary::mapping
