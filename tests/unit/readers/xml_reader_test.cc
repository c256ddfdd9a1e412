#include "gateway/readers/xml_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::Options;
using testing::Path;
using testing::Plan;
using testing::ReadAll;

std::string DataFile(const std::string& name) {
  std::ifstream file(std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "tests/unit/readers/data" / name, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  EXPECT_FALSE(text.str().empty()) << name;
  return text.str();
}

constexpr const char* kCamt = R"(reader:
  type: xml
  records: //camt:Ntry
  namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*"}
)";

TEST(XmlReader, ReadsCamt053EntriesWithRelativeAndAbsolutePaths) {
  auto options = Options(kCamt);
  auto result = ReadAll(*options,
                        Plan({Path("camt:Amt"), Path("camt:Amt/@Ccy"), Path("camt:CdtDbtInd"),
                              Path("camt:NtryDtls/camt:TxDtls/camt:RmtInf/camt:Ustrd"),
                              Path("../camt:Acct/camt:Id/camt:IBAN"), Path("local-name(/*)"),
                              Path("count(../camt:Ntry)"), Path("camt:Missing"), Path("string(camt:Missing)"),
                              Path("camt:BookgDt/camt:Dt = '2014-12-31'")}),
                        DataFile("genkgo_camt053.v2.multi.statement.xml"));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values,
              ElementsAre("8.85", "EUR", "CRDT", "Transaction Description 1", "NL26VAYB8060476890", "Document", "1",
                          "<null>", "<null>", "true"));
  EXPECT_THAT(result.rows[1].values[0], "7.00");
  EXPECT_THAT(result.rows[1].values[2], "DBIT");
  EXPECT_EQ(result.rows[0].location, "/Document/BkToCstmrStmt/Stmt[1]/Ntry");
  EXPECT_EQ(result.rows[1].location, "/Document/BkToCstmrStmt/Stmt[2]/Ntry");
  EXPECT_EQ(result.rows[0].line, 66);
  EXPECT_THAT(result.rows[0].raw, StartsWith("<Ntry>\n                <Amt Ccy=\"EUR\">8.85</Amt>"));
  EXPECT_EQ(result.info.detail, "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02");
  EXPECT_EQ(result.info.encoding, "utf-8");
}

TEST(XmlReader, TheWildcardBindsEachVersionTheDocumentUses) {
  auto options = Options(kCamt);
  auto v8 = ReadAll(*options, Plan({Path("camt:Amt")}), DataFile("genkgo_camt053.v8.xml"));
  ASSERT_EQ(v8.start_error, "");
  ASSERT_EQ(v8.rows.size(), 1u);
  EXPECT_EQ(v8.rows[0].values[0], "8.85");
  EXPECT_EQ(v8.info.detail, "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08");

  auto v4 = ReadAll(*options, Plan({Path("camt:Amt"), Path("camt:AddtlNtryInf")}),
                    DataFile("moov_postfinance_camt.053.001.04.xml"));
  ASSERT_EQ(v4.start_error, "");
  ASSERT_EQ(v4.rows.size(), 5u);
  EXPECT_EQ(v4.rows[2].values[0], "1500.00");
  EXPECT_EQ(v4.rows[2].values[1],
            "SAMMELGUTSCHRIFT F\xC3\x9CR KONTO: CH2909000000250094239 VERARBEITUNG VOM 23.11.2020 PAKET ID: "
            "9999999999999999");
  EXPECT_EQ(v4.rows[2].location, "/Document/BkToCstmrStmt/Stmt/Ntry[3]");
  EXPECT_EQ(v4.rows[2].line, 142);
}

TEST(XmlReader, ADocumentOfAnotherKindIsRefused) {
  auto options = Options(kCamt);
  auto result = ReadAll(*options, Plan({Path("camt:Amt")}), DataFile("genkgo_camt054.v8.xml"));
  EXPECT_EQ(result.start_error,
            "expected a camt.053.001.* document (namespace \"urn:iso:std:iso:20022:tech:xsd:camt.053.001.*\"), found "
            "namespace \"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\"");
}

TEST(XmlReader, ReadsUblAndCiiWithPrefixedNamespaces) {
  auto ubl = Options(R"(reader:
  type: xml
  records: /ubl:Invoice
  namespaces:
    ubl: urn:oasis:names:specification:ubl:schema:xsd:Invoice-2
    cbc: urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2
    cac: urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2
)");
  auto result = ReadAll(*ubl,
                        Plan({Path("cbc:ID"), Path("cbc:IssueDate"), Path("cac:LegalMonetaryTotal/cbc:PayableAmount"),
                              Path("cac:LegalMonetaryTotal/cbc:PayableAmount/@currencyID"),
                              Path("count(cac:InvoiceLine)"), Path("sum(cac:InvoiceLine/cbc:LineExtensionAmount)")}),
                        DataFile("en16931_ubl-tc434-example1.xml"));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("12115118", "2015-01-09", "250.33", "EUR", "20", "229.6"));
  EXPECT_EQ(result.rows[0].location, "/Invoice");

  auto cii = Options(R"(reader:
  type: xml
  records: /rsm:CrossIndustryInvoice
  namespaces:
    rsm: urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100
    ram: urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100
    udt: urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100
)");
  result = ReadAll(*cii,
                   Plan({Path("rsm:ExchangedDocument/ram:ID"),
                         Path("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString"),
                         Path("//ram:BuyerTradeParty/ram:Name")}),
                   DataFile("mustang_facturFrMinimum.xml"));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("FA-2017-0010", "20171113", "Ma jolie boutique"));
}

TEST(XmlReader, SeveralPlansComePlanByPlan) {
  auto options = Options(R"(reader:
  type: xml
  namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*"}
)");
  ReadPlan plan;
  plan.plans.push_back({"//camt:Ntry", {Path("camt:Amt")}});
  plan.plans.push_back({"//camt:Stmt", {Path("camt:Id")}});
  auto result = ReadAll(*options, plan, DataFile("genkgo_camt053.v2.multi.statement.xml"));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 4u);
  EXPECT_EQ(result.rows[0].plan, 0u);
  EXPECT_EQ(result.rows[1].plan, 0u);
  EXPECT_EQ(result.rows[2].plan, 1u);
  EXPECT_EQ(result.rows[3].values[0], "254EURNL26VAYB8060476890");
}

TEST(XmlReader, SeveralNodesJoinWithOneSpace) {
  auto options = Options("reader: {type: xml, records: /a/e}");
  auto result = ReadAll(*options, Plan({Path("u"), Path("@n"), Path("n")}),
                        "<a><e n='1'><u>first line</u><u>second</u><n>  </n></e></a>");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("first line second", "1", "  "));
}

TEST(XmlReader, MalformedXmlIsAStartErrorWithLine) {
  auto options = Options("reader: {type: xml, records: /a/b}");
  auto result = ReadAll(*options, Plan({Path("c")}), "<a>\n<b><c>1</c></b>\n<b><c>2</b>\n</a>");
  EXPECT_THAT(result.start_error, StartsWith("malformed XML at line 3: Opening and ending tag mismatch: c line 3 and b"));
  EXPECT_THAT(ReadAll(*options, Plan({Path("c")}), "").start_error, StartsWith("malformed XML"));
  EXPECT_THAT(ReadAll(*options, Plan({Path("c")}), "<a><b>\xFF</b></a>").start_error, StartsWith("malformed XML at line 1"));
}

TEST(XmlReader, ExternalEntitiesAndEntityDeclarationsAreRefused) {
  auto options = Options("reader: {type: xml, records: /a}");
  const std::string xxe = "<?xml version='1.0'?>\n<!DOCTYPE a [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>\n<a>&x;</a>";
  EXPECT_EQ(ReadAll(*options, Plan({Path(".")}), xxe).start_error,
            "the document declares entities (<!ENTITY ...>), which are refused");
  const std::string laughs = "<!DOCTYPE a [<!ENTITY l 'lol'><!ENTITY l2 '&l;&l;&l;&l;'>]><a>&l2;</a>";
  EXPECT_EQ(ReadAll(*options, Plan({Path(".")}), laughs).start_error,
            "the document declares entities (<!ENTITY ...>), which are refused");
  // An external DTD is never fetched: its default attributes do not appear.
  const std::string dtd = "<!DOCTYPE a SYSTEM 'http://127.0.0.1:1/never.dtd'><a>text</a>";
  auto result = ReadAll(*options, Plan({Path("."), Path("@defaulted")}), dtd);
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("text", "<null>"));
}

TEST(XmlReader, DocumentsOverTheLimitAreRefused) {
  auto options = Options("reader: {type: xml, records: /a, max_document_bytes: 16}");
  EXPECT_EQ(ReadAll(*options, Plan({Path(".")}), "<a>0123456789012345</a>").start_error,
            "the document is larger than reader.max_document_bytes (16 bytes)");
}

TEST(XmlReader, DeclaredEncodingsAreHonoured) {
  auto options = Options("reader: {type: xml, records: /a}");
  auto result = ReadAll(*options, Plan({Path(".")}), "<?xml version='1.0' encoding='ISO-8859-15'?><a>\xA4 \xE9</a>");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], "\xE2\x82\xAC \xC3\xA9");
  EXPECT_EQ(result.info.encoding, "iso-8859-15");
}

TEST(XmlReader, NumbersFormatWithoutFloatArtefacts) {
  auto options = Options("reader: {type: xml, records: /a}");
  auto result = ReadAll(*options, Plan({Path("b + c"), Path("b * 3"), Path("number('x')"), Path("2 div 3")}),
                        "<a><b>0.1</b><c>0.2</c></a>");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("0.3", "0.3", "<null>", "0.666666666666667"));
}

TEST(XmlPlan, ProblemsAreFoundAtLoad) {
  auto options = Options(R"(reader:
  type: xml
  namespaces: {camt: "urn:x:*"}
)");
  ReadPlan plan;
  plan.plans.push_back({"//camt:Ntry", {Path("camt:Amt["), Path("ns:Amt"), testing::Column("Amt"),
                                        Path("child::camt:Amt | 'ns:not-a-prefix'"), Path("xml:lang")}});
  plan.plans.push_back({"", {}});
  auto problems = ValidatePlan(*options, plan);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_THAT(problems[0].message, StartsWith("invalid XPath: "));
  EXPECT_THAT(problems[0].message, HasSubstr("in \"camt:Amt[\""));
  EXPECT_EQ(problems[1].message, "namespace prefix \"ns\" in \"ns:Amt\" is not declared in reader.namespaces");
  EXPECT_EQ(problems[2].message,
            "an xml reader reads 'path' (XPath); column, index and preamble need csv or fixed_width");
  EXPECT_EQ(problems[3].message, "an xml reader needs a records XPath (reader.records or the entity's records)");
  EXPECT_EQ(problems[3].plan, 1u);
}

}  // namespace
}  // namespace tributary::readers

namespace tributary::readers {
namespace {

TEST(XmlReader, WildcardsEndingInAColonNameTheDocumentByItsLastSegment) {
  auto options = testing::Options(R"(reader:
  type: xml
  records: /rsm:CrossIndustryInvoice
  namespaces: {rsm: "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:*"}
)");
  EXPECT_EQ(testing::ReadAll(*options, testing::Plan({testing::Path(".")}), "<a xmlns='urn:other'/>").start_error,
            "expected a CrossIndustryInvoice document (namespace "
            "\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:*\"), found namespace \"urn:other\"");
}

TEST(XmlReader, ParserMessagesAreOneLine) {
  auto options = testing::Options("reader: {type: xml, records: /a}");
  // Declared UTF-8, written in Latin-1: libxml2 adds the bytes on a second line.
  const std::string error =
      testing::ReadAll(*options, testing::Plan({testing::Path(".")}), "<?xml version='1.0' encoding='UTF-8'?>\n<a>\xC8RE </a>")
          .start_error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  EXPECT_THAT(error, ::testing::StartsWith("malformed XML at line 2: Input is not proper UTF-8, indicate encoding ! Bytes: 0xC8"));
}

}  // namespace
}  // namespace tributary::readers
