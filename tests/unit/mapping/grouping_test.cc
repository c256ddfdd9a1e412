// Grouped entities: group.by, aggregates, having, emission order, and the rule that a
// group with a failed record is never emitted with a wrong total.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using testing_support::Compile;
using testing_support::MapText;

// French FEC-like entries: customer account lines (411…) grouped per (account, document).
constexpr const char* kLedgerMapping = R"(
name: ledger
parameters: {sales_journals: [VE, VEN], payment_terms_days: 30}
reader: {delimiter: "|"}
locale: {decimal: ",", date_formats: [yyyyMMdd]}
entities:
  - entity: customer
    filter: {starts_with: [{column: CompteNum}, "411"]}
    group: {by: [{column: CompAuxNum}]}
    source_key: {column: CompAuxNum}
    fields: {account_number: {column: CompAuxNum}, name: {column: CompAuxLib}}
  - entity: receivable
    filter: {all: [{starts_with: [{column: CompteNum}, "411"]}, {empty: {column: EcritureLet}}]}
    group:
      by: [{column: CompAuxNum}, {column: PieceRef}]
      values:
        balance: {sum: {subtract: [{column: Debit}, {column: Credit}]}}
        journal: {first: {column: JournalCode}}
        last_journal: {last: {column: JournalCode}}
        lines: {count: 1}
        first_date: {min: {date: {column: PieceDate}}}
        last_date: {max: {date: {column: PieceDate}}}
        labels: {concat: {column: EcritureLib}}
      having: {not: {zero: {agg: balance}}}
    source_key: {template: "{CompAuxNum}-{PieceRef}"}
    fields:
      kind:
        switch:
          - {when: {positive: {agg: balance}}, then: invoice}
          - {when: {in: [{agg: journal}, {param: sales_journals}]}, then: credit_note}
          - {else: payment_on_account}
      number: {column: PieceRef}
      customer: {ref: customer}
      issue_date: {agg: first_date}
      due_date: {add_days: [{agg: first_date}, {param: payment_terms_days}]}
      due_date_source: computed_from_terms
      currency: EUR
      open_amount: {abs: {agg: balance}}
    custom: {lines: {agg: lines}, labels: {agg: labels}, last_date: {agg: last_date}, last_journal: {agg: last_journal}}
)";

constexpr const char* kLedgerHeader =
    "JournalCode|CompteNum|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet\n";

TEST(Grouping, AggregatesPerGroupInTheOrderOfTheirFirstRecord) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, std::string(kLedgerHeader) +
                               "VE|411000|C1|Dupont|F1|20260105|Facture F1|100,00|0,00|\n"      // 2
                               "VE|706000||Ventes|F1|20260105|Facture F1|0,00|100,00|\n"        // 3: skipped
                               "BQ|411000|C1|Dupont|F1|20260110|Reglement partiel|0,00|40,00|\n"  // 4
                               "VE|411000|C2|Martin|A1|20260107|Avoir A1|0,00|25,50|\n"         // 5
                               "BQ|411000|C2|Martin|P9|20260108|Paiement|0,00|10,00|\n"         // 6
                               "VE|411000|C1|Dupont|F2|20260111|Facture F2|50,00|0,00|AA\n"     // 7: lettered
                               "VE|411000|C3|Durand|F3|20260112|Facture F3|30,00|0,00|\n"       // 8
                               "BQ|411000|C3|Durand|F3|20260113|Reglement|0,00|30,00|\n");      // 9: balance 0
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_THAT(out->sink.RejectLines(), ElementsAre());
  EXPECT_EQ(out->stats->rows, 8);
  EXPECT_EQ(out->stats->skipped, 1);
  EXPECT_EQ(out->stats->groups, 7);  // 3 customers, 4 documents (one with a zero balance)
  EXPECT_THAT(out->sink.order, ElementsAre("record customer", "record customer", "record customer",
                                           "record receivable", "record receivable", "record receivable"));
  std::vector<std::string> summary;
  for (const model::CanonicalRecord& record : out->sink.records) {
    const auto& d = record.data;
    if (record.entity == "customer") {
      summary.push_back(record.key + " " + d["name"].get<std::string>() + " line " +
                        std::to_string(record.provenance.line));
      continue;
    }
    summary.push_back(record.key + " " + d["kind"].get<std::string>() + " " + d["open_amount"].get<std::string>() +
                      " " + d["issue_date"].get<std::string>() + " due " + d["due_date"].get<std::string>() +
                      " " + d["customer"].get<std::string>() + " " + d["custom"].dump() + " line " +
                      std::to_string(record.provenance.line));
  }
  EXPECT_THAT(summary,
              ElementsAre("erp:customer:C1 Dupont line 2", "erp:customer:C2 Martin line 5",
                          "erp:customer:C3 Durand line 8",
                          "erp:receivable:C1-F1 invoice 60.00 2026-01-05 due 2026-02-04 erp:customer:C1 "
                          R"({"lines":"2","labels":"Facture F1; Reglement partiel","last_date":"2026-01-10",)"
                          R"("last_journal":"BQ"} line 2)",
                          "erp:receivable:C2-A1 credit_note 25.50 2026-01-07 due 2026-02-06 erp:customer:C2 "
                          R"({"lines":"1","labels":"Avoir A1","last_date":"2026-01-07","last_journal":"VE"} line 5)",
                          "erp:receivable:C2-P9 payment_on_account 10.00 2026-01-08 due 2026-02-07 erp:customer:C2 "
                          R"({"lines":"1","labels":"Paiement","last_date":"2026-01-08","last_journal":"BQ"} line 6)"));
  EXPECT_EQ(out->sink.records[3].data["due_date_source"], "computed_from_terms");
  EXPECT_EQ(out->sink.records[3].data["raw"]["EcritureLib"], "Facture F1");  // the group's first record
}

TEST(Grouping, AGroupWithAFailedRecordIsNeverEmitted) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, std::string(kLedgerHeader) +
                               "VE|411000|C1|Dupont|F1|20260105|Facture F1|100,00|0,00|\n"
                               "BQ|411000|C1|Dupont|F1|20260110|Reglement|0,00|4O,00|\n"  // letter O: not an amount
                               "VE|411000|C2|Martin|F2|20260107|Facture F2|25,50|0,00|\n"
                               "VE|411000||Martin|F3|20260107|Facture F3|25,50|0,00|\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("in.csv:3:9: balance: invalid amount \"4O,00\": unexpected character \"O\" (the receivable "
                          "group \"C1 | F1\" is not emitted)",
                          "in.csv:5:3: group.by: empty group key part 1 of customer (column \"CompAuxNum\" is empty)",
                          "in.csv:5:3: group.by: empty group key part 1 of receivable (column \"CompAuxNum\" is empty)"));
  std::vector<std::string> keys;
  for (const model::CanonicalRecord& record : out->sink.records) keys.push_back(record.key);
  EXPECT_THAT(keys, ElementsAre("erp:customer:C1", "erp:customer:C2", "erp:receivable:C2-F2"));
}

TEST(Grouping, HavingAndFieldsReadAggregatesAndTheFirstRecord) {
  auto mapping = Compile(R"(
name: totals
reader: {delimiter: ";"}
entities:
  - entity: customer
    group:
      by: {column: account}
      values:
        total: {sum: {column: amount}}
        biggest: {max: {money: {column: amount}}}
        any_name: {any: {column: name}}
      having: {positive: {subtract: [{agg: total}, "100"]}}
    source_key: {column: account}
    fields:
      account_number: {column: account}
      name: {agg: any_name}
      payment_terms: {concat: [{agg: total}, " / ", {agg: biggest}]}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "account;name;amount\nA;;60.00\nB;Beta;10\nA;Alpha;50.5\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 1u);
  EXPECT_EQ(out->sink.records[0].data["name"], "Alpha");
  EXPECT_EQ(out->sink.records[0].data["payment_terms"], "110.50 / 60.00");
  EXPECT_EQ(out->stats->groups, 2);
}

TEST(Grouping, AMalformedRecordFailsTheGroupItBelongsTo) {
  auto mapping = Compile(R"(
name: totals
reader: {delimiter: ";"}
entities:
  - entity: customer
    group: {by: {column: account}, values: {total: {sum: {column: amount}}}}
    source_key: {column: account}
    fields: {account_number: {column: account}, payment_terms: {agg: total}}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "account;name;amount\nA;x;1\nA;Caf\xE9;2\nB;y;3\n");
  ASSERT_TRUE(out->stats.has_value());
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("in.csv:3:2: name: invalid UTF-8 byte 0xE9 at position 4 (reader.encoding is utf-8) (the "
                          "customer group \"A\" is not emitted)"));
  ASSERT_EQ(out->sink.records.size(), 1u);
  EXPECT_EQ(out->sink.records[0].key, "erp:customer:B");
}

}  // namespace
}  // namespace tributary::mapping
