#include "gateway/config/values.h"

#include <gtest/gtest.h>

namespace tributary::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, ReadsEveryUnit) {
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("30s"), milliseconds(30000));
  EXPECT_EQ(ParseDuration("5m"), milliseconds(300000));
  EXPECT_EQ(ParseDuration("1h"), milliseconds(3600000));
  EXPECT_EQ(ParseDuration("2d"), milliseconds(172800000));
  EXPECT_EQ(ParseDuration("0s"), milliseconds(0));
}

TEST(ParseDuration, RejectsEverythingElse) {
  for (const char* text : {"", "30", "s", "30x", "1.5s", "-1s", "+1s", " 1s", "1 s", "1S", "1sec", "5mm",
                           "99999999999999999999s", "9999999999999999d"}) {
    EXPECT_EQ(ParseDuration(text), std::nullopt) << text;
  }
}

TEST(FormatDuration, UsesTheLargestExactUnit) {
  EXPECT_EQ(FormatDuration(milliseconds(30000)), "30s");
  EXPECT_EQ(FormatDuration(milliseconds(300000)), "5m");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1500ms");
  EXPECT_EQ(FormatDuration(milliseconds(90 * 60 * 1000)), "90m");
  EXPECT_EQ(FormatDuration(milliseconds(86400000)), "1d");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  for (int64_t ms : {1LL, 999LL, 61000LL, 3600000LL * 25}) {
    EXPECT_EQ(ParseDuration(FormatDuration(milliseconds(ms))), milliseconds(ms));
  }
}

TEST(EditDistance, CountsEditsAndAdjacentSwaps) {
  EXPECT_EQ(EditDistance("schedule", "schedule"), 0);
  EXPECT_EQ(EditDistance("shedule", "schedule"), 1);
  EXPECT_EQ(EditDistance("mdoe", "mode"), 1);
  EXPECT_EQ(EditDistance("pattren", "pattern"), 1);
  EXPECT_EQ(EditDistance("", "abc"), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
}

TEST(QuoteForMessage, EscapesAndCuts) {
  EXPECT_EQ(QuoteForMessage("30x"), "\"30x\"");
  EXPECT_EQ(QuoteForMessage("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\x01\"");
  EXPECT_EQ(QuoteForMessage(std::string(100, 'a')), "\"" + std::string(80, 'a') + "...\"");
}

TEST(QuoteForMessage, IsValidUtf8WhateverTheInput) {
  // Whole characters are kept; a byte that is not part of valid UTF-8 is escaped.
  EXPECT_EQ(QuoteForMessage("1\u00a0234,56 \u20ac"), "\"1\u00a0234,56 \u20ac\"");
  EXPECT_EQ(QuoteForMessage("\xe2"), "\"\\xe2\"");
  EXPECT_EQ(QuoteForMessage("a\xe2\x82z"), "\"a\\xe2\\x82z\"");
  EXPECT_EQ(QuoteForMessage("\xc0\xaf"), "\"\\xc0\\xaf\"");  // overlong '/'
  // The cut at 80 bytes never splits a character.
  std::string long_text = "x";
  for (int i = 0; i < 30; ++i) long_text += "\u20ac";  // 1 + 90 bytes
  EXPECT_EQ(QuoteForMessage(long_text), "\"x" + long_text.substr(1, 78) + "...\"");
}

TEST(CharacterAt, IsTheWholeCharacter) {
  EXPECT_EQ(CharacterAt("a\u20acb", 1), "\u20ac");
  EXPECT_EQ(CharacterAt("a\u20acb", 0), "a");
  EXPECT_EQ(CharacterAt("\xe2\x82", 0), "\xe2");  // cut: one byte
}

TEST(IsLoopbackHost, KnowsLoopback) {
  for (const char* host : {"localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.example.com", "", "::2"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace tributary::config
