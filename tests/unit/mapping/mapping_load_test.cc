// Load-time diagnostics of mapping files: every problem at once, with file:line:col.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/mapping/mapping.h"
#include "tests/testing/temp_dir.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Problems(const std::string& text) {
  auto mapping = Mapping::Parse(text, "m.yaml", "/tmp");
  std::vector<std::string> lines;
  if (mapping) return lines;
  for (const Diagnostic& d : mapping.error()) lines.push_back(d.ToString());
  return lines;
}

TEST(MappingLoad, TheShippedGenericMappingLoads) {
  auto mapping = Mapping::Load(std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml");
  ASSERT_TRUE(mapping.has_value()) << mapping.error().front().ToString();
  EXPECT_EQ((*mapping)->name(), "generic-open-items");
  EXPECT_EQ((*mapping)->version().size(), 12u);
  ASSERT_EQ((*mapping)->entities().size(), 2u);
  EXPECT_EQ((*mapping)->entities()[1].entity, "receivable");
}

TEST(MappingLoad, ReportsEveryProblemWithItsPosition) {
  EXPECT_THAT(Problems(R"(name: bad
reader: {delimiter: ";;", encoding: latin-2}
locale: {date_formats: [YYYY-MM-DD]}
entitiez: []
entities:
  - entity: receivable
    source_key: {template: "{$legal_entity}-{doc"}
    fields:
      kind: {column: type, map: {F: invoise, A: credit_note}}
      number: {column: doc, value: x}
      due: {column: due}
      status: {value: open}
      pdf: {column: pdf}
      issue_date: {column: issued, formats: [dd/mm/yyyy]}
      currency: {value: EURO}
      customer: {ref: supplier}
      total: {column: total, formats: [yyyy-MM-dd]}
      po_number: {column: po, decimal: "."}
      applies_to: {ref: customer}
  - entity: customer
    source_key: {column: acct}
    fields:
      nmae: {column: name, requird: true}
      parent: {ref: customer}
  - entity: vendor
    source_key: {column: x}
  - entity: customer
    source_key: {column: acct}
    fields: {account_number: {column: a}}
)"),
              ElementsAre(
                  "m.yaml:2:21: reader.delimiter: expected one ASCII character as the delimiter, found \";;\"",
                  "m.yaml:2:37: reader.encoding: unknown encoding \"latin-2\" (known: auto, utf-8, windows-1252, "
                  "iso-8859-1, iso-8859-15, utf-16, utf-16le, utf-16be)",
                  "m.yaml:3:25: locale.date_formats[0]: invalid date pattern \"YYYY-MM-DD\": unknown token \"YYYY\" "
                  "(use yyyy, yy, MM, M, dd, d)",
                  "m.yaml:4:1: entitiez: unknown key 'entitiez' (did you mean 'entities'?)",
                  "m.yaml:7:28: entities[0].source_key.template: unclosed '{' in template",
                  "m.yaml:9:7: entities[0].fields: required field 'open_amount' of receivable is not mapped",
                  "m.yaml:9:37: entities[0].fields.kind.map.F: \"invoise\" is not an allowed kind (one of: invoice, "
                  "credit_note, debit_note, deposit_invoice, payment_on_account, adjustment, other)",
                  "m.yaml:10:15: entities[0].fields.number: two sources in one map: 'column' and 'value' (an "
                  "expression has exactly one source or operator)",
                  "m.yaml:11:12: entities[0].fields.due: unknown field 'due' of receivable",
                  "m.yaml:12:15: entities[0].fields.status: field 'status' is derived by Tributary and cannot be mapped",
                  "m.yaml:13:21: entities[0].fields.pdf.column: unknown member 'column' of pdf (members: url, sha256, "
                  "filename)",
                  "m.yaml:14:46: entities[0].fields.issue_date.formats[0]: invalid date pattern \"dd/mm/yyyy\": "
                  "unknown token \"mm\" (use yyyy, yy, MM, M, dd, d)",
                  "m.yaml:15:25: entities[0].fields.currency.value: unknown currency \"EURO\" (expected an ISO 4217 "
                  "code such as EUR)",
                  "m.yaml:16:23: entities[0].fields.customer.ref: 'supplier' is not an entity of this mapping",
                  "m.yaml:17:39: entities[0].fields.total.formats: 'formats' applies only to date fields and date "
                  "operators",
                  "m.yaml:18:40: entities[0].fields.po_number.decimal: 'decimal' applies only to amount fields and "
                  "money operators",
                  "m.yaml:19:25: entities[0].fields.applies_to.ref: field 'applies_to' refers to a receivable, not a "
                  "customer",
                  "m.yaml:23:7: entities[1].fields: required field 'account_number' of customer is not mapped",
                  "m.yaml:23:13: entities[1].fields.nmae: unknown field 'nmae' of customer (did you mean 'name'?)",
                  "m.yaml:24:21: entities[1].fields.parent.ref: a ref must name another entity of the mapping, not "
                  "its own (or give its key)",
                  "m.yaml:25:13: entities[2].entity: unknown entity \"vendor\" (known: customer, contact, receivable, payment, allocation, risk_score, credit_limit)",
                  "m.yaml:27:13: entities[3].entity: entity 'customer' is already mapped"));
}

TEST(MappingLoad, RequiredTopLevelKeys) {
  EXPECT_THAT(Problems("reader: {}\n"), ElementsAre("m.yaml:1:1: missing required key 'name'",
                                                    "m.yaml:1:1: missing required key 'entities'"));
  EXPECT_THAT(Problems("name: x\nentities: []\n"), ElementsAre("m.yaml:2:11: entities: expected at least one entity"));
  EXPECT_THAT(Problems("name: x\nentities:\n  - entity: customer\n"),
              ElementsAre("m.yaml:3:5: entities[0]: missing required key 'source_key'",
                          "m.yaml:3:5: entities[0]: missing required key 'fields'",
                          "m.yaml:3:5: entities[0]: required field 'account_number' of customer is not mapped"));
}

TEST(MappingLoad, YamlSyntaxErrorsArePositioned) {
  auto problems = Problems("name: x\nentities: [\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], ::testing::StartsWith("m.yaml:3:1: invalid YAML: "));
}

TEST(MappingLoad, ReaderAndLocaleChecks) {
  EXPECT_THAT(Problems(R"(name: x
reader: {type: csv, quote: ";", delimiter: ";", header: false, columns: 0, skip_lines: -1}
locale: {decimal: ",", thousands: ",", negative: maybe, date_formats: []}
entities:
  - entity: customer
    source_key: {column: a}
    fields: {account_number: {index: 1}}
)"),
              ElementsAre("m.yaml:2:28: reader.quote: expected one character other than the delimiter, or \"\" for "
                          "none, found \";\"",
                          "m.yaml:2:73: reader.columns: expected an integer from 1 to 100000, found \"0\"",
                          "m.yaml:2:88: reader.skip_lines: expected an integer from 0 to 1000000, found \"-1\"",
                          "m.yaml:3:9: locale: the decimal and thousands separators must differ",
                          "m.yaml:3:50: locale.negative: \"maybe\" is not one of: reject, absolute, leading_minus, "
                          "trailing_minus, parentheses, cr_suffix",
                          "m.yaml:3:71: locale.date_formats: expected at least one date pattern"));
}

// What the reader cannot serve is reported at the selector that asks for it.
TEST(MappingLoad, SelectorsTheReaderCannotServe) {
  EXPECT_THAT(Problems(R"(name: x
reader: {type: csv, header: false, preamble_lines: 1}
entities:
  - entity: customer
    source_key: {column: a}
    fields:
      account_number: {path: "a.b"}
      name: {preamble: {line: 2, field: 1}}
)"),
              ElementsAre("m.yaml:5:26: entities[0].source_key.column: 'column' needs reader.header: true; without a "
                          "header use 'index'",
                          "m.yaml:7:30: entities[0].fields.account_number.path: 'path' needs an xml or json reader; a csv "
                          "reader reads columns",
                          "m.yaml:8:24: entities[0].fields.name.preamble: preamble line 2 is not among the 1 lines of "
                          "reader.preamble_lines"));
}

// A scalar is a constant (`kind: invoice`), checked against the field's type.
TEST(MappingLoad, ExpressionShapeAndConstants) {
  EXPECT_THAT(Problems(R"(name: x
entities:
  - entity: receivable
    source_key: {template: "{$company}-{doc}}"}
    fields:
      kind: invoice
      number: {column: doc}
      currency: {column: cur, map: {euro: EUR, dollar: USDD}, default: EUR}
      open_amount: {column: open, negative: sometimes}
      issue_date: {column: d, default: "2026-02-30"}
      customer: {column: c, map: {x: y}}
)"),
              ElementsAre("m.yaml:4:28: entities[0].source_key.template: unknown template variable '{$company}' "
                          "(known: {$legal_entity}, {$source}, {$tenant}, {$file}, {$file_date} and the parameters)",
                          "m.yaml:8:56: entities[0].fields.currency.map.dollar: unknown currency \"USDD\" (expected an "
                          "ISO 4217 code such as EUR)",
                          "m.yaml:9:45: entities[0].fields.open_amount.negative: \"sometimes\" is not one of: reject, "
                          "absolute, leading_minus, trailing_minus, parentheses, cr_suffix",
                          "m.yaml:10:40: entities[0].fields.issue_date.default: invalid date \"2026-02-30\": no such day "
                          "in the calendar"));
}

TEST(MappingLoad, AGoodMappingHasNoProblem) {
  EXPECT_THAT(Problems(R"(name: ok
description: every expression form
reader: {type: csv, delimiter: "\t", quote: "", header: true, encoding: ISO-8859-15, skip_lines: 2}
locale: {decimal: ",", thousands: ".", date_formats: dd.MM.yyyy, negative: absolute}
entities:
  - entity: customer
    source_key: {template: "{$source}-{konto}"}
    fields:
      account_number: {column: konto}
      credit_hold: {column: gesperrt, map: {J: "true", N: "false"}}
      language: {value: de}
    custom: {branch: {column: filiale}}
  - entity: receivable
    source_key: {index: 3}
    fields:
      kind: {value: invoice}
      number: {index: 3, trim: false, required: true}
      customer: {ref: customer}
      currency: {value: EUR}
      open_amount: {column: offen, decimal: ".", thousands: ""}
      due_date: {column: faellig, formats: [dd.MM.yyyy, yyyyMMdd]}
)"),
              IsEmpty());
}

TEST(MappingLoad, UnreadableFile) {
  auto missing = Mapping::Load("/nonexistent/mapping.yaml");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().front().ToString(),
            "/nonexistent/mapping.yaml:0:0: cannot read mapping file: No such file or directory");
  testing::TempDir dir;
  auto directory = Mapping::Load(dir.path().string());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().front().message, "cannot read mapping file: is a directory");
}

TEST(MappingLoad, VersionFollowsTheFileContent) {
  testing::TempDir dir;
  const std::string path = dir.File("m.yaml");
  const std::string text = "name: x\nentities:\n  - entity: customer\n    source_key: {column: a}\n"
                           "    fields: {account_number: {column: a}}\n";
  std::ofstream(path) << text;
  auto first = Mapping::Load(path);
  ASSERT_TRUE(first.has_value());
  std::ofstream(path) << text << "# a comment changes the version\n";
  auto second = Mapping::Load(path);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE((*first)->version(), (*second)->version());
}

}  // namespace
}  // namespace tributary::mapping
