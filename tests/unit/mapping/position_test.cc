// The `position` source (an element's rank among its same-named siblings) and the shipped
// camt mappings that key payments by it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing_support::Compile;
using testing_support::MapText;
using testing_support::Problems;

std::string ReadSource(const std::string& relative) {
  std::ifstream file(std::filesystem::path(TRIBUTARY_SOURCE_DIR) / relative, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(PositionSource, GivesTheRankOfTheSelectedElementAmongItsNamesakes) {
  auto mapping = Compile(R"(name: ranks
reader:
  type: xml
  records: //Line
entities:
  - entity: customer
    source_key: {concat: [{path: "../@id"}, "-", {position: "."}]}
    fields:
      account_number: {concat: [{path: "../@id"}, "-", {position: "."}, "-", {position: ".."}]}
      name: {coalesce: [{position: "Missing"}, "none"]}
)");
  ASSERT_NE(mapping, nullptr);
  auto outcome = MapText(*mapping, R"(<Doc><Order id="A"><Line/><Note/><Line/></Order><Order id="B"><Line/></Order></Doc>)");
  ASSERT_TRUE(outcome->stats.has_value()) << outcome->stats.error().message;
  std::vector<std::string> numbers;
  for (const auto& record : outcome->sink.records) {
    numbers.push_back(record.data["account_number"].get<std::string>() + " " + record.data["name"].get<std::string>());
  }
  EXPECT_THAT(numbers, ElementsAre("A-1-1 none", "A-2-1 none", "B-1-2 none"));
}

TEST(PositionSource, NeedsAnXmlReader) {
  EXPECT_THAT(Problems(R"(name: m
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields: {account_number: {position: "."}}
)"),
              ElementsAre(HasSubstr("'position' needs an xml reader; a csv reader reads columns")));
}

// Two statements of the shipped camt.053 mapping, entries with and without transaction
// details: each key ranks the entry in its statement and the transaction in its entry.
TEST(ShippedCamtMappings, KeyPaymentsByPositionWithoutCountingPrecedingSiblings) {
  for (const char* file : {"mappings/camt/camt053_payments.yaml", "mappings/camt/camt054_payments.yaml"}) {
    const std::string text = ReadSource(file);
    EXPECT_THAT(text, Not(HasSubstr("preceding-sibling::camt:Ntry"))) << file;
    EXPECT_THAT(text, Not(HasSubstr("count(../"))) << file;
    EXPECT_THAT(text, HasSubstr("{position: \"ancestor-or-self::camt:Ntry\"}")) << file;
  }
  auto mapping = Mapping::Load(std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/camt/camt053_payments.yaml");
  ASSERT_TRUE(mapping.has_value());
  auto entry = [](const std::string& amount, int transactions) {
    std::string xml = "<Ntry><Amt Ccy=\"EUR\">" + amount +
                      "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt>";
    if (transactions > 0) {
      xml += "<NtryDtls><Btch><NbOfTxs>" + std::to_string(transactions) + "</NbOfTxs></Btch>";
      for (int t = 1; t <= transactions; ++t) xml += "<TxDtls><Amt Ccy=\"EUR\">1.0" + std::to_string(t) + "</Amt></TxDtls>";
      xml += "</NtryDtls>";
    }
    return xml + "</Ntry>";
  };
  auto statement = [](const std::string& id, const std::string& entries) {
    return "<Stmt><Id>" + id + "</Id><CreDtTm>2026-03-02T22:00:00</CreDtTm><Acct><Id><IBAN>FR76" + id +
           "</IBAN></Id></Acct><Bal/>" + entries + "</Stmt>";
  };
  const std::string document =
      "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId>"
      "</GrpHdr>" +
      statement("S1", entry("5.00", 0) + entry("3.06", 3) + entry("7.00", 1) + entry("8.00", 0)) +
      statement("S2", entry("2.03", 2) + entry("9.00", 0)) + "</BkToCstmrStmt></Document>";
  auto outcome = MapText(**mapping, document);
  ASSERT_TRUE(outcome->stats.has_value()) << outcome->stats.error().message;
  std::vector<std::string> keys;
  for (const auto& record : outcome->sink.records) {
    keys.push_back(record.source_key + " " + record.data["amount"].get<std::string>());
  }
  EXPECT_THAT(keys, ElementsAre("FR76S1/S1/1.1/1 5.00", "FR76S1/S1/1.2/1 1.01", "FR76S1/S1/1.2/2 1.02",
                                "FR76S1/S1/1.2/3 1.03", "FR76S1/S1/1.3/1 7.00", "FR76S1/S1/1.4/1 8.00",
                                "FR76S2/S2/1.1/1 1.01", "FR76S2/S2/1.1/2 1.02", "FR76S2/S2/1.2/1 9.00"));
}

}  // namespace
}  // namespace tributary::mapping
