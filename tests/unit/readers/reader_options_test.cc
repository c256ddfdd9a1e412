#include "gateway/readers/reader_options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using testing::Options;
using testing::ParseOptions;

TEST(ReaderOptions, AnAbsentSectionIsTheGenericCsvDialect) {
  auto parsed = ParseOptions("name: x\n");
  ASSERT_TRUE(parsed.options);
  EXPECT_TRUE(parsed.diagnostics.empty());
  const ReaderOptions& o = *parsed.options;
  EXPECT_EQ(o.type, ReaderType::kCsv);
  EXPECT_EQ(o.encoding.kind, InputEncoding::Kind::kSingle);
  EXPECT_EQ(o.encoding.single, Encoding::kUtf8);
  EXPECT_THAT(o.csv.delimiters, ElementsAre(','));
  EXPECT_EQ(o.csv.quote, '"');
  EXPECT_TRUE(o.csv.header);
}

TEST(ReaderOptions, ReadsEveryCsvKey) {
  auto o = Options(R"(reader:
  type: csv
  encoding: auto
  delimiter: ["\t", "|", ";"]
  quote: ""
  escape: "\\"
  header: false
  columns: 19
  skip_lines: 2
  preamble_lines: 1
  skip_patterns: ['^\s*\*', 'TOTAL']
  trailing_delimiter: true
)");
  EXPECT_EQ(o->encoding.kind, InputEncoding::Kind::kAuto);
  EXPECT_THAT(o->csv.delimiters, ElementsAre('\t', '|', ';'));
  EXPECT_EQ(o->csv.quote, '\0');
  EXPECT_EQ(o->csv.escape, '\\');
  EXPECT_FALSE(o->csv.header);
  EXPECT_EQ(o->csv.columns, 19);
  EXPECT_EQ(o->skip_lines, 2);
  EXPECT_EQ(o->preamble_lines, 1);
  ASSERT_EQ(o->skip_patterns.size(), 2u);
  EXPECT_EQ(o->skip_patterns[0].first_chars, "*");
  EXPECT_TRUE(o->skip_patterns[0].skip_spaces);
  EXPECT_EQ(o->skip_patterns[1].first_chars, "");  // unanchored: the regex always runs
  EXPECT_TRUE(o->csv.trailing_delimiter);
}

TEST(ReaderOptions, ReadsFixedWidthXmlAndJson) {
  auto fixed = Options("reader: {type: fixed_width, columns: {a: [1, 6], b: [7, 3]}, min_length: 9}");
  ASSERT_EQ(fixed->fixed_width.columns.size(), 2u);
  EXPECT_EQ(fixed->fixed_width.columns[1].name, "b");
  EXPECT_EQ(fixed->fixed_width.columns[1].start, 7);
  EXPECT_EQ(fixed->fixed_width.columns[1].length, 3);
  EXPECT_EQ(fixed->fixed_width.min_length, 9);

  auto xml = Options(R"(reader:
  type: xml
  records: //camt:Ntry
  namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*", ext: "urn:x"}
  max_document_bytes: 1000
)");
  EXPECT_EQ(xml->type, ReaderType::kXml);
  EXPECT_EQ(xml->encoding.kind, InputEncoding::Kind::kDocument);
  EXPECT_EQ(xml->records, "//camt:Ntry");
  ASSERT_EQ(xml->namespaces.size(), 2u);
  EXPECT_TRUE(xml->namespaces[0].wildcard());
  EXPECT_FALSE(xml->namespaces[1].wildcard());
  EXPECT_EQ(xml->max_document_bytes, 1000);

  auto json = Options("reader: {type: json_lines, records: 'items[]', encoding: utf-16}");
  EXPECT_EQ(json->type, ReaderType::kJsonLines);
  EXPECT_EQ(json->records, "items[]");
  EXPECT_EQ(json->encoding.kind, InputEncoding::Kind::kUtf16);
}

TEST(ReaderOptions, ReportsEveryProblemAtOnceWithPositions) {
  auto parsed = ParseOptions(R"(reader:
  delimiter: ";;"
  quote: ";"
  escape: ab
  encoding: ebcdic
  skip_patterns: ['(unclosed']
  records: x
  delimitr: ","
)");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics,
              ElementsAre("mapping.yaml:7:12: reader.records: 'records' does not apply to a csv reader",
                          "mapping.yaml:5:13: reader.encoding: unknown encoding \"ebcdic\" (known: auto, utf-8, "
                          "windows-1252, iso-8859-1, iso-8859-15, utf-16, utf-16le, utf-16be)",
                          "mapping.yaml:6:19: reader.skip_patterns[0]: invalid regular expression \"(unclosed\": "
                          "missing ): (unclosed",
                          "mapping.yaml:2:14: reader.delimiter: expected one ASCII character as the delimiter, found "
                          "\";;\"",
                          "mapping.yaml:4:11: reader.escape: expected one ASCII character as the escape character, "
                          "found \"ab\"",
                          "mapping.yaml:8:3: reader.delimitr: unknown key 'delimitr' (did you mean 'delimiter'?)"));
}

TEST(ReaderOptions, QuoteAndDelimiterMustDiffer) {
  auto parsed = ParseOptions("reader: {delimiter: ';', quote: ';'}");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics,
              ElementsAre("mapping.yaml:1:33: reader.quote: expected one character other than the delimiter, or \"\" "
                          "for none, found \";\""));
}

TEST(ReaderOptions, ColumnsNeedNoHeaderAndExcludeMinColumns) {
  auto parsed = ParseOptions("reader: {columns: 3, min_columns: 2}");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics,
              ElementsAre("mapping.yaml:1:19: reader.columns: 'columns' applies only with header: false (the header "
                          "gives the count)",
                          "mapping.yaml:1:35: reader.min_columns: give either 'columns' (exact) or 'min_columns', not "
                          "both"));
}

TEST(ReaderOptions, FixedWidthColumnsAreChecked) {
  auto parsed = ParseOptions("reader: {type: fixed_width, columns: {a: [0, 6], b: [1], c: x}}");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics,
              ElementsAre("mapping.yaml:1:43: reader.columns.a[0]: expected a start (a whole number from 1), found "
                          "\"0\"",
                          "mapping.yaml:1:53: reader.columns.b: expected [start, length] (1-based start, in "
                          "characters), found 1 numbers",
                          "mapping.yaml:1:61: reader.columns.c: expected [start, length] (1-based start, in "
                          "characters)"));
  parsed = ParseOptions("reader: {type: fixed_width}");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics, ElementsAre("mapping.yaml:1:9: reader: missing required key 'columns'"));
}

TEST(ReaderOptions, NamespacesAreChecked) {
  auto parsed = ParseOptions(R"(reader:
  type: xml
  namespaces: {"1x": "urn:a", b: "urn:*:x", c: "*", d: ""}
)");
  EXPECT_FALSE(parsed.options);
  EXPECT_THAT(parsed.diagnostics,
              ElementsAre("mapping.yaml:3:22: reader.namespaces.1x: namespace prefix \"1x\" is not a valid XML prefix",
                          "mapping.yaml:3:34: reader.namespaces.b: '*' may only end a namespace uri (a wildcard for "
                          "the rest), found \"urn:*:x\"",
                          "mapping.yaml:3:48: reader.namespaces.c: a wildcard needs the start of the uri before '*'",
                          "mapping.yaml:3:56: reader.namespaces.d: expected a namespace uri, found an empty value"));
}

TEST(ReaderOptions, UnknownTypeIsOneProblem) {
  auto parsed = ParseOptions("reader: {type: parquet, delimiter: ';'}");
  EXPECT_FALSE(parsed.options);
  ASSERT_EQ(parsed.diagnostics.size(), 1u);
  EXPECT_THAT(parsed.diagnostics[0], ::testing::HasSubstr("reader.type"));
}

}  // namespace
}  // namespace tributary::readers
