#include "gateway/readers/csv_reader.h"

#include <random>
#include <sstream>
#include <streambuf>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;

// A record copied out of the reader's buffers.
struct Row {
  int64_t line = 0;
  std::vector<std::string> fields;
  std::string raw;
  std::string error;
  int error_column = 0;
};

std::vector<Row> ReadAll(const std::string& text, CsvOptions options) {
  std::istringstream input(text);
  CsvReader reader(input, options);
  CsvRecord record;
  std::vector<Row> rows;
  while (true) {
    auto next = reader.Next(record);
    EXPECT_TRUE(next.has_value());
    if (!next || !*next) break;
    Row row{record.line, {}, std::string(record.raw), record.error, record.error_column};
    for (std::string_view field : record.fields) row.fields.emplace_back(field);
    rows.push_back(std::move(row));
  }
  return rows;
}

// Every case runs with chunks so small that records, quotes and CRLF pairs straddle
// chunk boundaries, and with the default chunk.
class CsvReaderTest : public ::testing::TestWithParam<size_t> {
 protected:
  std::vector<Row> Read(const std::string& text, char delimiter = ';') {
    CsvOptions options;
    options.delimiter = delimiter;
    options.chunk_size = GetParam();
    return ReadAll(text, options);
  }
};

INSTANTIATE_TEST_SUITE_P(ChunkSizes, CsvReaderTest, ::testing::Values(16, 17, 19, 64 * 1024));

TEST_P(CsvReaderTest, SplitsFieldsAndCountsLines) {
  auto rows = Read("a;b;c\n1;2;3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "2", "3"));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].raw, "1;2;3");
}

TEST_P(CsvReaderTest, LastLineWithoutLineBreak) {
  auto rows = Read("a;b\nx;");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[1].fields, ElementsAre("x", ""));
}

TEST_P(CsvReaderTest, AcceptsCrLfAndCrAndLf) {
  auto rows = Read("a;b\r\nc;d\re;f\ng;h\r\n");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[1].fields, ElementsAre("c", "d"));
  EXPECT_THAT(rows[3].fields, ElementsAre("g", "h"));
  EXPECT_EQ(rows[2].line, 3);
  EXPECT_EQ(rows[3].line, 4);
}

TEST_P(CsvReaderTest, QuotedFieldsWithDelimitersDoubledQuotesAndNewlines) {
  auto rows = Read("id;text;n\n1;\"Acme; Inc\";2\n2;\"say \"\"hi\"\"\";3\n3;\"two\r\nlines\nthree\";4\n4;\"\";5\n");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "Acme; Inc", "2"));
  EXPECT_THAT(rows[2].fields, ElementsAre("2", "say \"hi\"", "3"));
  EXPECT_THAT(rows[3].fields, ElementsAre("3", "two\r\nlines\nthree", "4"));
  EXPECT_EQ(rows[3].line, 4);
  EXPECT_EQ(rows[3].raw, "3;\"two\r\nlines\nthree\";4");
  // The record after a three-line record starts three physical lines later.
  EXPECT_EQ(rows[4].line, 7);
  EXPECT_THAT(rows[4].fields, ElementsAre("4", "", "5"));
}

TEST_P(CsvReaderTest, SkipsBlankLinesButKeepsLineNumbers) {
  auto rows = Read("a;b\n\n   \r\n\r\n1;2\n\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 5);
  EXPECT_THAT(rows[1].fields, ElementsAre("1", "2"));
}

TEST_P(CsvReaderTest, AQuotedEmptyFieldIsNotABlankLine) {
  auto rows = Read("\"\"\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre(""));
}

TEST_P(CsvReaderTest, TextAfterClosingQuoteIsARecordErrorAndReadingGoesOn) {
  auto rows = Read("a;b;c\n1;\"x\"y;3\n2;\"ok\";3\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].error, "unexpected text after the closing quote of field 2");
  EXPECT_EQ(rows[1].error_column, 2);
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].raw, "1;\"x\"y;3");
  EXPECT_TRUE(rows[1].fields.empty());
  EXPECT_EQ(rows[2].error, "");
  EXPECT_THAT(rows[2].fields, ElementsAre("2", "ok", "3"));
  EXPECT_EQ(rows[2].line, 3);
}

TEST_P(CsvReaderTest, SpacesAfterClosingQuoteAreAllowed) {
  auto rows = Read("\"a\"  ;b\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b"));
}

TEST_P(CsvReaderTest, AQuoteInsideAnUnquotedFieldIsText) {
  auto rows = Read("12\" pipe;x\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("12\" pipe", "x"));
}

TEST_P(CsvReaderTest, UnclosedQuoteAtEndOfInputIsAnError) {
  auto rows = Read("a;b\n1;\"never closed\n2;3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].error, "quoted field is not closed before the end of the input");
  EXPECT_EQ(rows[1].line, 2);
}

TEST_P(CsvReaderTest, StripsAUtf8BomAtTheStart) {
  auto rows = Read("\xEF\xBB\xBF" "a;b\n1;2\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b"));
}

TEST_P(CsvReaderTest, KeepsBytesAsTheyAre) {
  auto rows = Read("caf\xE9;\xE2\x82\xAC\n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].fields, ElementsAre("caf\xE9", "\xE2\x82\xAC"));
}

TEST_P(CsvReaderTest, OtherDelimiters) {
  EXPECT_THAT(Read("a,b;c\n", ',')[0].fields, ElementsAre("a", "b;c"));
  EXPECT_THAT(Read("a\tb c\n", '\t')[0].fields, ElementsAre("a", "b c"));
  EXPECT_THAT(Read("a|\"b|c\"\n", '|')[0].fields, ElementsAre("a", "b|c"));
}

TEST(CsvReader, SkipLinesDropsPhysicalLinesBeforeParsing) {
  CsvOptions options;
  options.delimiter = ';';
  options.skip_lines = 2;
  // The skipped title has an unbalanced quote: it must not be parsed.
  auto rows = ReadAll("Open items \"March\r\nexported by ERP\r\na;b\r\n1;2\r\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_THAT(rows[0].fields, ElementsAre("a", "b"));
  EXPECT_EQ(rows[0].line, 3);
  EXPECT_EQ(rows[1].line, 4);
}

TEST(CsvReader, CustomQuoteAndNoQuote) {
  CsvOptions options;
  options.quote = '\'';
  EXPECT_THAT(ReadAll("'a,b',\"c\"\n", options)[0].fields, ElementsAre("a,b", "\"c\""));
  options.quote = '\0';
  EXPECT_THAT(ReadAll("\"a,b\"\n", options)[0].fields, ElementsAre("\"a", "b\""));
}

TEST(CsvReader, OverlongRecordIsAnErrorAndReadingResumesAtTheNextLine) {
  CsvOptions options;
  options.chunk_size = 16;
  options.max_record_bytes = 32;
  // The quote is never closed: without the bound the record would swallow the file.
  auto rows = ReadAll("\"" + std::string(100, 'x') + "\nok,1\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "record is longer than 32 bytes (is a quote never closed?)");
  EXPECT_EQ(rows[0].raw.size(), 32u);
  EXPECT_THAT(rows[1].fields, ElementsAre("ok", "1"));
  EXPECT_EQ(rows[1].line, 2);
}

TEST(CsvReader, OverlongLineWithoutQuotesIsAnErrorToo) {
  CsvOptions options;
  options.delimiter = ';';
  options.max_record_bytes = 32;
  auto rows = ReadAll("a;" + std::string(40, 'x') + "\nok;1\n", options);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].error, "record is longer than 32 bytes (is a quote never closed?)");
  EXPECT_THAT(rows[1].fields, ElementsAre("ok", "1"));
  EXPECT_EQ(rows[1].line, 2);
}

// Plain lines (read by a quick split) and lines that need the full parser (quotes, CRLF,
// no delimiter, blank) follow each other in any order with the same outcome.
TEST(CsvReader, PlainAndOtherLinesInAnyOrder) {
  const std::string text =
      "a;b\n\"q;1\";2\nc;d\r\ne;f\nsolo\n  \n;\ng;\"h\"\n12345678901234567;x;y\n";
  for (size_t chunk : {16u, 17u, 23u, 64u * 1024}) {
    CsvOptions options;
    options.delimiter = ';';
    options.chunk_size = chunk;
    auto rows = ReadAll(text, options);
    ASSERT_EQ(rows.size(), 8u) << chunk;
    EXPECT_THAT(rows[0].fields, ElementsAre("a", "b"));
    EXPECT_THAT(rows[1].fields, ElementsAre("q;1", "2"));
    EXPECT_THAT(rows[2].fields, ElementsAre("c", "d"));
    EXPECT_EQ(rows[2].raw, "c;d");
    EXPECT_THAT(rows[3].fields, ElementsAre("e", "f"));
    EXPECT_EQ(rows[3].line, 4);
    EXPECT_THAT(rows[4].fields, ElementsAre("solo"));
    EXPECT_THAT(rows[5].fields, ElementsAre("", ""));
    EXPECT_EQ(rows[5].line, 7);
    EXPECT_THAT(rows[6].fields, ElementsAre("g", "h"));
    EXPECT_THAT(rows[7].fields, ElementsAre("12345678901234567", "x", "y"));
    EXPECT_EQ(rows[7].raw, "12345678901234567;x;y");
    EXPECT_EQ(rows[7].line, 9);
  }
}

TEST(CsvReader, EmptyInputHasNoRecord) {
  EXPECT_TRUE(ReadAll("", {}).empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF", {}).empty());
  EXPECT_TRUE(ReadAll("\n\r\n", {}).empty());
}

// A stream whose reads fail after some bytes.
class FailingBuffer : public std::streambuf {
 protected:
  int_type underflow() override { throw std::ios_base::failure("disk gone"); }
};

TEST(CsvReader, StreamFailureIsAnIoError) {
  FailingBuffer buffer;
  std::istream input(&buffer);
  CsvReader reader(input, {});
  CsvRecord record;
  auto next = reader.Next(record);
  ASSERT_FALSE(next.has_value());
  EXPECT_EQ(next.error().code, ErrorCode::kIo);
}

TEST(CsvReader, ReadsInChunksNeverTheWholeInput) {
  // A stream that counts how far it has been read: after the first record of a large
  // input, only a chunk or two may have been consumed.
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "row;" + std::to_string(i) + "\n";
  std::istringstream input(text);
  CsvOptions options;
  options.chunk_size = 4096;
  CsvReader reader(input, options);
  CsvRecord record;
  ASSERT_TRUE(reader.Next(record).value());
  EXPECT_LE(reader.bytes_read(), 4096);
  int64_t count = 1;
  while (reader.Next(record).value()) ++count;
  EXPECT_EQ(count, 20000);
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(text.size()));
}

}  // namespace
}  // namespace tributary::readers

namespace tributary::readers {
namespace {

// What a reader makes of `text`, as comparable text.
std::string Transcript(const std::string& text, CsvOptions options) {
  std::string out;
  for (const Row& row : ReadAll(text, options)) {
    out += std::to_string(row.line) + "|" + row.error + "|" + std::to_string(row.error_column) + "|" + row.raw + "|";
    for (const std::string& field : row.fields) out += "[" + field + "]";
    out += "\n";
  }
  return out;
}

// The record bound fires at the same byte whatever the chunk size, so chunking never
// changes which records are read or rejected.
TEST(CsvReader, ChunkSizeNeverChangesTheOutcome) {
  std::mt19937 random(7);
  const std::string alphabet = "ab;\"\n\r\\ x";
  for (int round = 0; round < 400; ++round) {
    std::string text(static_cast<size_t>(random() % 120), ' ');
    for (char& c : text) c = alphabet[static_cast<size_t>(random()) % alphabet.size()];
    CsvOptions options;
    options.delimiter = ';';
    options.max_record_bytes = 1 + random() % 24;
    options.escape = round % 2 == 0 ? '\\' : '\0';
    options.chunk_size = 64 * 1024;
    const std::string expected = Transcript(text, options);
    for (size_t chunk : {16, 17, 23}) {
      options.chunk_size = chunk;
      ASSERT_EQ(Transcript(text, options), expected) << "chunk " << chunk << " input " << ::testing::PrintToString(text);
    }
  }
}

TEST(CsvReader, TheFuzzReproducerKeepsTheLineAfterAnUnclosedQuote) {
  CsvOptions options;
  options.delimiter = '|';
  options.max_record_bytes = 16;
  const std::string text = std::string("|a|b|\n|1|2|\n\"ne\x01\x00" "a`\x00\x00\x1b\x8fver closed|3\n4|5\n", 40);
  options.chunk_size = 64 * 1024;
  const std::string expected = Transcript(text, options);
  options.chunk_size = 16;
  EXPECT_EQ(Transcript(text, options), expected);
  EXPECT_NE(expected.find("[4][5]"), std::string::npos) << expected;
}

}  // namespace
}  // namespace tributary::readers
