#include "gateway/readers/csv_record_reader.h"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using testing::Column;
using testing::Index;
using testing::Options;
using testing::Plan;
using testing::Preamble;
using testing::ReadAll;

TEST(CsvRecordReader, MatchesHeaderNamesTrimmedAndCaseInsensitivelyFirstWins) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("amount"), Column("Name"), Column("id")}),
                        " ID ;name;Amount;NAME\n1;Dupont;10.00;second\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("10.00", "Dupont", "1"));
  EXPECT_THAT(result.rows[0].columns, ElementsAre(3, 2, 1));
  EXPECT_EQ(result.rows[0].line, 2);
  EXPECT_EQ(result.rows[0].raw, "1;Dupont;10.00;second");
  EXPECT_EQ(result.info.encoding, "utf-8");
  EXPECT_FALSE(result.info.encoding_detected);
}

TEST(CsvRecordReader, MissingColumnsAreOneStartErrorInPlanOrder) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("due_date"), Column("a"), Column("open_amount"), Column("due_date")}),
                        "a;b\n1;2\n");
  EXPECT_EQ(result.start_error, "the header has no column \"due_date\", \"open_amount\" (the mapping reads them)");
  result = ReadAll(*options, Plan({Column("x")}), "a;b\n");
  EXPECT_EQ(result.start_error, "the header has no column \"x\" (the mapping reads it)");
}

TEST(CsvRecordReader, EmptyInputWithAHeaderIsAStartError) {
  auto options = Options("reader: {}");
  EXPECT_EQ(ReadAll(*options, Plan({Column("a")}), "").start_error, "the input is empty (no header line)");
  EXPECT_EQ(ReadAll(*options, Plan({Column("a")}), "\n  \n").start_error, "the input is empty (no header line)");
}

TEST(CsvRecordReader, EmptyFieldsAreNullAndRowsMustMatchTheHeaderCount) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("a"), Column("b")}), "a;b;c\n1;;3\n1;2\n1;2;3;4\n");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("1", "<null>"));
  EXPECT_EQ(result.rows[1].error, "expected 3 fields, found 2");
  EXPECT_EQ(result.rows[1].error_column, 0);
  EXPECT_EQ(result.rows[1].error_field, "");
  // A short row's fields are read but the last one (it may have been cut).
  EXPECT_THAT(result.rows[1].values, ElementsAre("1", "<null>"));
  EXPECT_EQ(result.rows[2].error, "expected 3 fields, found 4");
  EXPECT_THAT(result.rows[2].values, ElementsAre("<null>", "<null>"));
}

TEST(CsvRecordReader, AShortRowKeepsItsLeadingFieldsAndIsStillAnError) {
  auto options = Options("reader: {delimiter: ';'}");
  const std::string header = "account;name;number;type;date;due;currency;total;open\n";
  auto result = ReadAll(*options, Plan({Column("account"), Column("number"), Column("date"), Column("open")}),
                        header + "C00003;Short Row SA;BAD-000003;invoice;2026-01-10\n;\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "expected 9 fields, found 5");
  EXPECT_EQ(result.rows[0].error_column, 0);
  EXPECT_EQ(result.rows[0].raw, "C00003;Short Row SA;BAD-000003;invoice;2026-01-10");
  EXPECT_THAT(result.rows[0].values, ElementsAre("C00003", "BAD-000003", "<null>", "<null>"));
  EXPECT_EQ(result.rows[1].error, "expected 9 fields, found 2");
  EXPECT_THAT(result.rows[1].values, ElementsAre("<null>", "<null>", "<null>", "<null>"));
}

TEST(CsvRecordReader, MinColumnsAllowsRaggedRowsButNotShortOnes) {
  auto options = Options("reader: {delimiter: ';', min_columns: 2}");
  auto result = ReadAll(*options, Plan({Column("b")}), "a;b;c\n1;2\n1\n1;2;3;4;5\n");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_EQ(result.rows[0].error, "");
  EXPECT_THAT(result.rows[0].values, ElementsAre("2"));
  EXPECT_EQ(result.rows[1].error, "expected at least 2 fields, found 1");
  EXPECT_EQ(result.rows[2].error, "");
}

TEST(CsvRecordReader, IndexSelectorsWithoutHeader) {
  auto options = Options("reader: {header: false, delimiter: '|'}");
  auto result = ReadAll(*options, Plan({Index(3), Index(1)}), "a|b|c\nx|y\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("c", "a"));
  EXPECT_EQ(result.rows[0].line, 1);
  EXPECT_EQ(result.rows[1].error, "expected at least 3 fields, found 2");

  auto exact = Options("reader: {header: false, columns: 3}");
  result = ReadAll(*exact, Plan({Index(1)}), "a,b,c\na,b\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "");
  EXPECT_EQ(result.rows[1].error, "expected 3 fields, found 2");
}

TEST(CsvRecordReader, PreambleLinesAreReadableAndTheHeaderFollowsThem) {
  // DATEV: a header line of format metadata, then the column header.
  auto options = Options("reader: {delimiter: ';', skip_lines: 1, preamble_lines: 1}");
  auto result = ReadAll(*options, Plan({Preamble(1, 3), Column("Umsatz"), Preamble(1, 0), Preamble(1, 9)}),
                        "garbage title\n\"EXTF\";700;21;\"Buchungsstapel\"\nUmsatz;Konto\n100,00;1200\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("21", "100,00", "\"EXTF\";700;21;\"Buchungsstapel\"", "<null>"));
  EXPECT_THAT(result.rows[0].columns, ElementsAre(0, 1, 0, 0));
  EXPECT_EQ(result.rows[0].line, 4);
}

TEST(CsvRecordReader, MissingPreambleIsAStartError) {
  auto options = Options("reader: {preamble_lines: 2}");
  EXPECT_EQ(ReadAll(*options, Plan({Preamble(2, 1)}), "only one\n").start_error,
            "the input ends before its 2 preamble lines");
}

TEST(CsvRecordReader, SkipPatternsDropPageHeadersAndSubtotalsBeforeTheHeaderToo) {
  auto options = Options(R"(reader:
  delimiter: ';'
  skip_patterns: ['^\s*\*', '^Page \d+$', 'SUBTOTAL'])");
  auto result = ReadAll(*options, Plan({Column("id"), Column("amount")}),
                        "** report **\nid;amount\n1;10\n   * note\nPage 2\n2;20\n;;SUBTOTAL;30\n3;30\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 3u);
  EXPECT_THAT(result.rows[1].values, ElementsAre("2", "20"));
  EXPECT_EQ(result.rows[1].line, 6);
  EXPECT_EQ(result.rows[2].line, 8);
}

TEST(CsvRecordReader, TrailingDelimiterDropsTheEmptyLastField) {
  auto options = Options("reader: {delimiter: ';', trailing_delimiter: true}");
  auto result = ReadAll(*options, Plan({Column("a"), Column("b")}), "a;b;\n1;2;\n3;;\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "");
  EXPECT_THAT(result.rows[0].values, ElementsAre("1", "2"));
  EXPECT_THAT(result.rows[1].values, ElementsAre("3", "<null>"));
}

TEST(CsvRecordReader, DelimiterCandidatesPickTheMostFrequentInTheFirstReadLine) {
  auto options = Options(R"(reader: {delimiter: [",", "\t", "|", ";"], skip_lines: 1})");
  auto result = ReadAll(*options, Plan({Column("b|c")}), "a,b,c,d,e\na\tb|c\tx\n1\t2|3\t4\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("2|3"));
  result = ReadAll(*options, Plan({Column("b")}), "title\na|b|c\n1|2|3\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("2"));
}

TEST(CsvRecordReader, EscapeMakesTheNextByteText) {
  auto options = Options(R"(reader: {delimiter: ';', escape: '\'})");
  auto result = ReadAll(*options, Plan({Column("a"), Column("b")}), "a;b\nx\\;y;\"q\\\"uote\"\nback\\\\;z\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("x;y", "q\"uote"));
  EXPECT_THAT(result.rows[1].values, ElementsAre("back\\", "z"));
}

TEST(CsvRecordReader, DecodesOnlyTheFieldsReadFromTheDeclaredEncoding) {
  auto options = Options("reader: {delimiter: ';', encoding: windows-1252}");
  auto result = ReadAll(*options, Plan({Column("name"), Column("amount")}),
                        "name;amount;other\nSoci\xE9t\xE9;12 \x80;\x81\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "");
  EXPECT_THAT(result.rows[0].values, ElementsAre("Soci\xC3\xA9t\xC3\xA9", "12 \xE2\x82\xAC"));
  EXPECT_EQ(result.rows[0].raw, "Soci\xC3\xA9t\xC3\xA9;12 \xE2\x82\xAC;\\x81");
  EXPECT_EQ(result.info.encoding, "windows-1252");
}

TEST(CsvRecordReader, AnInvalidByteIsARecordErrorNamingColumnAndByte) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("id"), Column("customer_name")}),
                        "id;customer_name\n1;Caf\xE9\n2;ok\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "invalid UTF-8 byte 0xE9 at position 4 (reader.encoding is utf-8)");
  EXPECT_EQ(result.rows[0].error_column, 2);
  EXPECT_EQ(result.rows[0].error_field, "customer_name");
  EXPECT_EQ(result.rows[0].raw, "1;Caf\\xE9");
  EXPECT_EQ(result.rows[1].error, "");
}

TEST(CsvRecordReader, MalformedQuotingIsARecordErrorNamingTheColumn) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("a"), Column("customer_name")}),
                        "a;customer_name\n1;\"x\"y\n2;z\n");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.rows[0].error, "unexpected text after the closing quote of field 2");
  EXPECT_EQ(result.rows[0].error_column, 2);
  EXPECT_EQ(result.rows[0].error_field, "customer_name");
  EXPECT_THAT(result.rows[1].values, ElementsAre("2", "z"));
}

TEST(CsvRecordReader, HeaderProblemsAreStartErrors) {
  auto options = Options("reader: {delimiter: ';'}");
  EXPECT_EQ(ReadAll(*options, Plan({Column("a")}), "a;\"b\"x\n").start_error,
            "header (line 1): unexpected text after the closing quote of field 2");
  EXPECT_EQ(ReadAll(*options, Plan({Column("a")}), "a;b\xFF\n").start_error,
            "header (line 1), column 2: invalid UTF-8 byte 0xFF at position 2 (reader.encoding is utf-8)");
}

TEST(CsvRecordReader, DropsAUtf8ByteOrderMark) {
  auto options = Options("reader: {}");
  auto result = ReadAll(*options, Plan({Column("id")}), "\xEF\xBB\xBFid,x\n7,8\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("7"));
}

TEST(CsvRecordReader, RawIsBoundedTo4KiB) {
  auto options = Options("reader: {header: false}");
  auto result = ReadAll(*options, Plan({Index(1)}), "a," + std::string(10000, 'x') + "\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].raw.size(), 4096u);
  EXPECT_EQ(result.rows[0].values[0], "a");
}

}  // namespace
}  // namespace tributary::readers

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using testing::Column;
using testing::Index;
using testing::Options;
using testing::Plan;
using testing::ReadAll;

FieldSelector ColumnOr(std::string name, std::vector<std::string> alternatives, bool optional = false) {
  FieldSelector selector = Column(std::move(name));
  selector.alternatives = std::move(alternatives);
  selector.optional = optional;
  return selector;
}

TEST(CsvRecordReader, AlternativeNamesPickTheFirstPresent) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({ColumnOr("DocumentNo", {"Belegnr", "N° pièce"})}), "N° Pièce;Belegnr\nA;B\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  // "Belegnr" comes before "N° pièce" in the list; ASCII-only case folding leaves "È" alone.
  EXPECT_THAT(result.rows[0].values, ElementsAre("B"));
  result = ReadAll(*options, Plan({ColumnOr("DocumentNo", {"Belegnr", "N° pièce"}), Column("x")}), "a;b\n");
  EXPECT_EQ(result.start_error,
            "the header has no column \"DocumentNo\" (or \"Belegnr\", \"N° pièce\"), \"x\" (the mapping reads them)");
}

TEST(CsvRecordReader, OptionalColumnsAbsentFromTheHeaderReadAsNull) {
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({ColumnOr("Montantdevise", {}, true), Column("a")}), "a;b\n1;2\n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("<null>", "1"));
  EXPECT_THAT(result.rows[0].columns, ElementsAre(0, 1));
}

TEST(CsvRecordReader, AllColumnsAreDecodedOnRequestAndNamed) {
  auto options = Options("reader: {delimiter: ';', encoding: windows-1252}");
  ReadPlan plan = Plan({Column("b")});
  plan.plans[0].all_columns = true;
  std::istringstream input("a;b;c\n\xE9;x;\x80\n1;2;\x81\n");
  auto reader = OpenReader(*options, plan, input, "input");
  ASSERT_TRUE(reader->Start().has_value());
  EXPECT_THAT(reader->column_names(), ElementsAre("a", "b", "c"));
  SourceRecord record;
  ASSERT_TRUE(reader->Next(record).value());
  EXPECT_THAT(record.columns, ElementsAre("\xC3\xA9", "x", "\xE2\x82\xAC"));
  EXPECT_EQ(record.values[0].text, "x");
  ASSERT_TRUE(reader->Next(record).value());
  EXPECT_EQ(record.error, "byte 0x81 at position 1 is not defined in windows-1252 (reader.encoding is windows-1252)");
  EXPECT_EQ(record.error_column, 3);
  EXPECT_EQ(record.error_field, "c");
  EXPECT_TRUE(record.columns.empty());
  EXPECT_FALSE(reader->Next(record).value());
}

TEST(CsvRecordReader, ColumnNamesWithoutHeaderAreNumbers) {
  auto options = Options("reader: {header: false, min_columns: 2}");
  std::istringstream input("a,b,c\n");
  const ReadPlan plan = Plan({Index(3)});
  auto reader = OpenReader(*options, plan, input, "input");
  ASSERT_TRUE(reader->Start().has_value());
  EXPECT_THAT(reader->column_names(), ElementsAre("1", "2", "3"));
}

TEST(CsvRecordReader, AnIndexBeyondTheHeaderIsAStartError) {
  auto options = Options("reader: {delimiter: ';'}");
  EXPECT_EQ(ReadAll(*options, Plan({Index(4)}), "a;b;c\n").start_error, "the mapping reads column 4 but the input has 3");
}

}  // namespace
}  // namespace tributary::readers
