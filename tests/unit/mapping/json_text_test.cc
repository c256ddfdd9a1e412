// The engine writes record text itself: it must be byte for byte what nlohmann's dump()
// writes, since the content hash and the store's tree come from the same object.
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/mapping/json_text.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

std::string Written(std::string_view text) {
  std::string out = "x";
  EXPECT_TRUE(AppendJsonString(out, text));
  return out.substr(1);
}

TEST(JsonText, EscapesLikeNlohmann) {
  for (std::string text : {std::string(""), std::string("plain"), std::string("quote \" and \\ backslash"),
                           std::string("tab\tnew\nline\rcr\bbs\fff"), std::string("\x01\x1f\x7f", 3),
                           std::string("Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
                           std::string("0123456789abcdef\"0123456789abcdef\\x"), std::string(1, '\0')}) {
    EXPECT_EQ(Written(text), nlohmann::json(text).dump()) << text;
  }
}

TEST(JsonText, RandomTextMatchesNlohmann) {
  std::mt19937 random(7);
  const std::string alphabet = "abc \"\\\t\n\x01\x1f\x7f";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const size_t size = random() % 40;
    while (text.size() < size) {
      text += alphabet[random() % alphabet.size()];
      if (random() % 7 == 0) text += "\xC3\xA9";
      if (random() % 11 == 0) text += "\xE2\x82\xAC";
    }
    ASSERT_EQ(Written(text), nlohmann::json(text).dump()) << text;
  }
}

TEST(JsonText, InvalidUtf8AppendsNothing) {
  std::string out = "prefix";
  EXPECT_FALSE(AppendJsonString(out, "abcdefghij\xE9klmnop"));
  EXPECT_FALSE(AppendJsonString(out, "\xC3"));
  EXPECT_EQ(out, "prefix");
}

TEST(JsonText, LongTextsEscapeLikeNlohmannWhereverTheSpecialByteFalls) {
  // Runs longer than the sixteen bytes scanned at once, with the byte to escape (or the
  // accent) at every position.
  for (size_t at = 0; at < 40; ++at) {
    for (std::string special : {std::string("\""), std::string("\\"), std::string("\x1f"), std::string("\xC3\xA9")}) {
      std::string text(40, 'a');
      text.replace(at, 1, special);
      EXPECT_EQ(Written(text), nlohmann::json(text).dump()) << text;
    }
  }
}

TEST(JsonText, ContentIsTheStringWithoutItsQuotes) {
  std::string out = "<";
  EXPECT_TRUE(AppendJsonStringContent(out, "a\"b\\c\td\xC3\xA9"));
  EXPECT_EQ(out, "<a\\\"b\\\\c\\td\xC3\xA9");
  EXPECT_FALSE(AppendJsonStringContent(out, "0123456789abcdef\xE9"));
  EXPECT_EQ(out, "<a\\\"b\\\\c\\td\xC3\xA9");
}

TEST(JsonText, PlainButTabsAllowsTabsAndNothingElseToEscape) {
  EXPECT_TRUE(IsPlainJsonTextButTabs(""));
  EXPECT_TRUE(IsPlainJsonTextButTabs("\t"));
  EXPECT_TRUE(IsPlainJsonTextButTabs("VE\tVentes\t\t20260101\t411000\tClients\tC100000\tCLIENT 0 SARL\t12,00"));
  EXPECT_FALSE(IsPlainJsonText("VE\tVentes"));
  // Whatever else a JSON string escapes, before or after tabs, in short or long stretches.
  const std::vector<std::string> bad_texts = {"a\"b", "a\\b", "a\nb", "a\rb", std::string("a\0b", 3), "caf\xC3\xA9"};
  for (const std::string& bad : bad_texts) {
    EXPECT_FALSE(IsPlainJsonTextButTabs(bad)) << bad;
    EXPECT_FALSE(IsPlainJsonTextButTabs("col\t" + bad + "\tcol")) << bad;
    EXPECT_FALSE(IsPlainJsonTextButTabs(std::string(40, 'x') + "\t" + bad + std::string(40, 'y'))) << bad;
  }
}

TEST(JsonText, MinorUnitsAreWrittenAsFormatMinorUnitsGivesThem) {
  for (int exponent : {0, 2, 3, 4}) {
    for (int64_t minor : {int64_t{0}, int64_t{5}, int64_t{50}, int64_t{1250}, int64_t{-7}, int64_t{123456789012345678},
                          std::numeric_limits<int64_t>::max()}) {
      std::string out = "x";
      AppendQuotedMinorUnits(out, minor, exponent);
      EXPECT_EQ(out, "x\"" + model::FormatMinorUnits(minor, exponent) + "\"") << minor << " at " << exponent;
    }
  }
  std::string out;
  AppendQuotedMinorUnits(out, 5, 2);
  EXPECT_EQ(out, "\"0.05\"");
}

TEST(JsonText, Integers) {
  std::string out;
  AppendJsonInteger(out, -9223372036854775807LL - 1);
  out += ',';
  AppendJsonInteger(out, 42);
  EXPECT_EQ(out, "-9223372036854775808,42");
}

// CopyBytes picks a way to copy by size: every size up to past the largest inline one
// copies exactly its bytes and touches nothing around them.
TEST(JsonText, CopyBytesCopiesExactlyTheBytesOfEverySize) {
  std::string source(300, ' ');
  for (size_t i = 0; i < source.size(); ++i) source[i] = static_cast<char>('a' + i % 26);
  for (size_t size = 0; size <= 200; ++size) {
    std::string target(size + 2, '#');
    CopyBytes(target.data() + 1, source.data() + 3, size);
    EXPECT_EQ(target, "#" + source.substr(3, size) + "#") << "size " << size;
  }
}

TEST(JsonText, PiecesAreAppendedInOrder) {
  std::string out = "{";
  PutPieces(out, {"\"a\":", std::string(70, 'x'), "", ",\"b\":null"});
  Put(out, std::string(40, 'y'));
  PutQuoted(out, "z");
  EXPECT_EQ(out, "{\"a\":" + std::string(70, 'x') + ",\"b\":null" + std::string(40, 'y') + "\"z\"");
}

}  // namespace
}  // namespace tributary::mapping
