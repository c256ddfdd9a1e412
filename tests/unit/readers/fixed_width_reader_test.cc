#include "gateway/readers/fixed_width_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using testing::Column;
using testing::Options;
using testing::Plan;
using testing::Preamble;
using testing::ReadAll;

constexpr const char* kLayout = R"(reader:
  type: fixed_width
  columns: {account: [1, 6], name: [7, 10], amount: [17, 9], date: [26, 8]}
)";

TEST(FixedWidthReader, CutsDeclaredColumnsByCharacterPosition) {
  auto options = Options(kLayout);
  auto result = ReadAll(*options, Plan({Column("name"), Column("amount"), Column("account"), Column("date")}),
                        "C00001Dupont SA 001234,5020260331\n"
                        "C00002M\xC3\xBCller    000000010        \n");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("Dupont SA ", "001234,50", "C00001", "20260331"));
  EXPECT_THAT(result.rows[0].columns, ElementsAre(7, 17, 1, 26));
  // "ü" is one character: the columns after it stay in place.
  EXPECT_THAT(result.rows[1].values, ElementsAre("M\xC3\xBCller    ", "000000010", "C00002", "        "));
  EXPECT_EQ(result.rows[1].line, 2);
}

TEST(FixedWidthReader, ShortLinesGiveNullColumnsAndMinLengthMakesThemErrors) {
  auto options = Options(kLayout);
  auto result = ReadAll(*options, Plan({Column("account"), Column("date")}), "C00001Dupont\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "");
  EXPECT_THAT(result.rows[0].values, ElementsAre("C00001", "<null>"));

  auto strict = Options(std::string(kLayout) + "  min_length: 33\n");
  result = ReadAll(*strict, Plan({Column("account")}), "C00001Dupont\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "line is 12 characters long, expected at least 33");
}

TEST(FixedWidthReader, SkipsLinesPreambleBlankLinesAndPatterns) {
  auto options = Options(std::string(kLayout) + "  skip_lines: 1\n  preamble_lines: 1\n  skip_patterns: ['^TOTAL']\n");
  auto result = ReadAll(*options, Plan({Preamble(1, 0), Column("account")}),
                        "ignored\r\nHEADER 20260331\r\n\r\nC00001x\r\nTOTAL 12\r\n   \r\nC00002y");
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 2u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("HEADER 20260331", "C00001"));
  EXPECT_EQ(result.rows[0].line, 4);
  EXPECT_EQ(result.rows[1].line, 7);
  EXPECT_EQ(result.rows[1].raw, "C00002y");
}

TEST(FixedWidthReader, SingleByteEncodingsCountBytesAsCharacters) {
  auto options = Options(std::string(kLayout) + "  encoding: iso-8859-15\n");
  auto result = ReadAll(*options, Plan({Column("name"), Column("amount")}), "C00001\xC9tat \xA4    0000012,00\n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values, ElementsAre("\xC3\x89tat \xE2\x82\xAC    ", "0000012,0"));
}

TEST(FixedWidthReader, AnInvalidByteInAReadColumnIsARecordErrorNamingIt) {
  auto options = Options(kLayout);
  auto result = ReadAll(*options, Plan({Column("account"), Column("name")}), "C00001Caf\xE9      \n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "invalid UTF-8 byte 0xE9 at position 4 (reader.encoding is utf-8)");
  EXPECT_EQ(result.rows[0].error_column, 7);
  EXPECT_EQ(result.rows[0].error_field, "name");
  // A bad byte in a column nobody reads is no problem.
  result = ReadAll(*options, Plan({Column("account")}), "C00001Caf\xE9      \n");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].error, "");
}

TEST(FixedWidthReader, PlanProblemsAreFoundAtLoad) {
  auto options = Options(kLayout);
  auto problems = ValidatePlan(*options, Plan({Column("nom"), testing::Index(2), Preamble(1, 0), Preamble(0, 0)}));
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].message,
            "column \"nom\" is not declared in reader.columns (declared: account, name, amount, date)");
  EXPECT_EQ(problems[1].message,
            "a fixed_width reader reads the columns declared in reader.columns, by name; 'index' needs csv");
  EXPECT_EQ(problems[2].message, "preamble line 1 is not among the 0 lines of reader.preamble_lines");
  EXPECT_EQ(problems[3].field, 3u);
}

}  // namespace
}  // namespace tributary::readers
