// `position` fields of the xml reader, the sibling index behind them and behind record
// locations, and records XPaths that are unions.
#include "gateway/readers/xml_positions.h"

#include <libxml/tree.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/readers/xml_reader.h"
#include "gateway/readers/xml_support.h"
#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Options;
using testing::Path;
using testing::Plan;
using testing::ReadAll;

FieldSelector Position(std::string path) { return {FieldSelector::Kind::kPosition, std::move(path)}; }

constexpr const char* kReader = R"(reader:
  type: xml
  records: //c:Ntry
  namespaces: {c: "urn:example:camt", o: "urn:example:other"}
)";

// Two statements; entries among other elements of other names; transactions in batches;
// an element of the same local name in another namespace.
constexpr const char* kStatements = R"(<?xml version="1.0"?>
<Document xmlns="urn:example:camt" xmlns:o="urn:example:other">
  <Stmt><Id>S1</Id>
    <Ntry><Ref>a</Ref></Ntry>
    <Bal/>
    <Ntry><Ref>b</Ref><NtryDtls><TxDtls>b1</TxDtls><Btch/><TxDtls>b2</TxDtls><TxDtls>b3</TxDtls></NtryDtls></Ntry>
    <o:Ntry><Ref>foreign</Ref></o:Ntry>
    <Bal/>
    <Ntry><Ref>c</Ref></Ntry>
  </Stmt>
  <Stmt><Id>S2</Id>
    <Bal/><Bal/>
    <Ntry><Ref>d</Ref><NtryDtls><TxDtls>d1</TxDtls></NtryDtls></Ntry>
    <Ntry><Ref>e</Ref><NtryDtls><TxDtls>e1</TxDtls><TxDtls>e2</TxDtls></NtryDtls></Ntry>
  </Stmt>
</Document>
)";

TEST(XmlPosition, RanksEachEntryAmongTheEntriesOfItsStatement) {
  auto options = Options(kReader);
  auto result = ReadAll(*options, Plan({Path("c:Ref"), Position("."), Position("ancestor::c:Stmt"),
                                        Position("c:NtryDtls/c:TxDtls[last()]"), Position("c:Missing")}),
                        kStatements);
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 5u);  // the o:Ntry is another name
  std::vector<std::vector<std::string>> values;
  for (const auto& row : result.rows) values.push_back(row.values);
  EXPECT_THAT(values[0], ElementsAre("a", "1", "1", "<null>", "<null>"));
  EXPECT_THAT(values[1], ElementsAre("b", "2", "1", "3", "<null>"));
  EXPECT_THAT(values[2], ElementsAre("c", "3", "1", "<null>", "<null>"));
  EXPECT_THAT(values[3], ElementsAre("d", "1", "2", "1", "<null>"));
  EXPECT_THAT(values[4], ElementsAre("e", "2", "2", "2", "<null>"));
  EXPECT_EQ(result.rows[2].location, "/Document/Stmt[1]/Ntry[3]");
  EXPECT_EQ(result.rows[3].location, "/Document/Stmt[2]/Ntry[1]");
}

TEST(XmlPosition, RanksNestedTransactionsWithinTheirEntryAndTheEntryWithinItsStatement) {
  auto options = Options(kReader);
  auto result = ReadAll(*options,
                        Plan({Path("."), Position("self::c:TxDtls"), Position("ancestor-or-self::c:Ntry"),
                              Position("ancestor::c:Stmt")},
                             "//c:Ntry[not(c:NtryDtls/c:TxDtls)] | //c:Ntry/c:NtryDtls/c:TxDtls"),
                        kStatements);
  ASSERT_EQ(result.start_error, "");
  std::vector<std::string> seen;
  for (const auto& row : result.rows) {
    seen.push_back(row.values[0] + " " + row.values[1] + " " + row.values[2] + " " + row.values[3]);
  }
  // In document order: the union's two branches merged, each record once.
  EXPECT_THAT(seen, ElementsAre("a <null> 1 1", "b1 1 2 1", "b2 2 2 1", "b3 3 2 1", "c <null> 3 1", "d1 1 1 2",
                                "e1 1 2 2", "e2 2 2 2"));
  EXPECT_EQ(result.rows[2].location, "/Document/Stmt[1]/Ntry[2]/NtryDtls/TxDtls[2]");
  EXPECT_EQ(result.rows[5].location, "/Document/Stmt[2]/Ntry[1]/NtryDtls/TxDtls");
}

TEST(XmlPosition, CountsSiblingsOfTheSameNamespaceOnly) {
  auto options = Options(kReader);
  auto result = ReadAll(*options, Plan({Path("c:Ref"), Position(".")}, "//o:Ntry | //c:Stmt[1]/c:Ntry[last()]"),
                        kStatements);
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("foreign", "1"));  // the only o:Ntry
  EXPECT_THAT(result.rows[1].values, ElementsAre("c", "3"));
  EXPECT_EQ(result.rows[0].location, "/Document/Stmt[1]/Ntry");  // names are local in locations
}

TEST(XmlPosition, AnAttributeOrANumberIsARecordErrorAndOtherReadersRefuseIt) {
  auto options = Options(kReader);
  auto result = ReadAll(*options, Plan({Position("@x"), Position("c:Ref/@missing")}, "/c:Document"),
                        R"(<Document xmlns="urn:example:camt" x="1"/>)");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "'position' counts elements; \"@x\" selects an attribute");
  EXPECT_EQ(result.rows[0].error_field, "@x");

  auto number = ReadAll(*options, Plan({Position("count(*)")}, "/c:Document"), R"(<Document xmlns="urn:example:camt"/>)");
  ASSERT_EQ(number.rows.size(), 1u);
  EXPECT_THAT(number.rows[0].error, HasSubstr("does not select nodes"));

  auto csv = Options("reader: {type: csv}\n");
  auto problems = ValidatePlan(*csv, Plan({Position("ancestor::x")}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "'position' needs an xml reader; a csv reader reads columns");
  auto json = Options("reader: {type: json}\n");
  problems = ValidatePlan(*json, Plan({Position("x")}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "'position' needs an xml reader; a json reader reads 'path'");
  problems = ValidatePlan(*options, Plan({Position("c:Ntry[")}));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0].message, HasSubstr("invalid XPath"));
}

// Every element and attribute, visited forward, backward and forward again: the index
// gives what counting siblings gives.
TEST(XmlSiblingIndex, AgreesWithCountingInAnyOrder) {
  auto doc = ParseXml(kStatements, "");
  ASSERT_TRUE(doc.has_value());
  std::vector<XmlNode*> nodes;
  for (xmlNode* node = xmlDocGetRootElement(doc->get()); node != nullptr;) {
    nodes.push_back(node);
    if (node->properties != nullptr) nodes.push_back(reinterpret_cast<XmlNode*>(node->properties));
    if (node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node->next == nullptr) node = node->parent;
    if (node != nullptr) node = node->next;
    if (node != nullptr && node->type == XML_DOCUMENT_NODE) node = nullptr;
  }
  ASSERT_GT(nodes.size(), 40u);
  XmlSiblingIndex index;
  auto check = [&](XmlNode* node) {
    EXPECT_EQ(index.LocationPath(node), LocationPath(node));
    if (node->type != XML_ELEMENT_NODE) return;
    int64_t before = 0;
    for (xmlNode* sibling = node->prev; sibling != nullptr; sibling = sibling->prev) {
      const bool same = sibling->type == XML_ELEMENT_NODE && xmlStrEqual(sibling->name, node->name) &&
                        (sibling->ns == node->ns ||
                         (sibling->ns != nullptr && node->ns != nullptr && xmlStrEqual(sibling->ns->href, node->ns->href)));
      before += same ? 1 : 0;
    }
    EXPECT_EQ(index.Ordinal(node), before + 1) << LocationPath(node);
  };
  for (XmlNode* node : nodes) check(node);
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) check(*it);
  for (size_t i = 0; i < nodes.size(); i += 3) check(nodes[i]);
}

TEST(XPathUnionBranches, SplitsOnlyTheTopLevel) {
  EXPECT_THAT(XPathUnionBranches("//a"), ElementsAre("//a"));
  EXPECT_THAT(XPathUnionBranches("a | b[c | d] | (e | f) | g[@x = '|']"),
              ElementsAre("a ", " b[c | d] ", " (e | f) ", " g[@x = '|']"));
  EXPECT_THAT(XPathUnionBranches("a[\"|\"]|b"), ElementsAre("a[\"|\"]", "b"));
}

TEST(XmlReader, AUnionOfRecordsComesInDocumentOrderWithoutDuplicates) {
  auto options = Options(kReader);
  auto result = ReadAll(*options, Plan({Path("c:Ref")}, "//c:Ntry[c:Ref = 'c'] | //c:Ntry | //c:Ntry[1]"),
                        kStatements);
  ASSERT_EQ(result.start_error, "");
  std::vector<std::string> refs;
  for (const auto& row : result.rows) refs.push_back(row.values[0]);
  EXPECT_THAT(refs, ElementsAre("a", "b", "c", "d", "e"));

  auto bad = ReadAll(*options, Plan({Path("c:Ref")}, "//c:Ntry | count(//c:Ntry)"), kStatements);
  EXPECT_THAT(bad.start_error, HasSubstr("does not select nodes"));
}

}  // namespace
}  // namespace tributary::readers
