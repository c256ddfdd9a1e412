// The unified diff shown when a golden case fails: exact text, line numbers, bounds.
#include "gateway/app/text_diff.h"

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

namespace tributary::app {
namespace {

size_t CountLines(const std::string& text) { return static_cast<size_t>(std::ranges::count(text, '\n')); }

TEST(UnifiedDiff, EqualTextsGiveNothing) {
  EXPECT_EQ(UnifiedDiff("a\nb\n", "a\nb\n", "expected", "actual"), "");
  EXPECT_EQ(UnifiedDiff("", "", "expected", "actual"), "");
}

TEST(UnifiedDiff, OneChangedLineWithContextAndLineNumbers) {
  const std::string expected = "one\ntwo\nthree\nfour\nfive\nsix\n";
  const std::string actual = "one\ntwo\nthree\nFOUR\nfive\nsix\n";
  EXPECT_EQ(UnifiedDiff(expected, actual, "case/expected.jsonl", "actual"),
            "--- case/expected.jsonl\n"
            "+++ actual\n"
            "@@ -2,5 +2,5 @@\n"
            "    2  two\n"
            "    3  three\n"
            "-   4  four\n"
            "+   4  FOUR\n"
            "    5  five\n"
            "    6  six\n");
}

TEST(UnifiedDiff, AddedAndRemovedLinesNumberedOnTheirOwnSide) {
  EXPECT_EQ(UnifiedDiff("a\nb\nc\n", "a\nc\nd\n", "expected", "actual"),
            "--- expected\n"
            "+++ actual\n"
            "@@ -1,3 +1,3 @@\n"
            "    1  a\n"
            "-   2  b\n"
            "    3  c\n"
            "+   3  d\n");
}

TEST(UnifiedDiff, FromEmptyAndToEmpty) {
  EXPECT_EQ(UnifiedDiff("", "x\n", "expected", "actual"), "--- expected\n+++ actual\n@@ -0,0 +1,1 @@\n+   1  x\n");
  EXPECT_EQ(UnifiedDiff("x\n", "", "expected", "actual"), "--- expected\n+++ actual\n@@ -1,1 +0,0 @@\n-   1  x\n");
}

TEST(UnifiedDiff, AMissingFinalNewlineIsShown) {
  EXPECT_EQ(UnifiedDiff("a\n", "a", "expected", "actual"),
            "--- expected\n+++ actual\n@@ -1,1 +1,1 @@\n-   1  a\n+   1  a  [no newline at end of file]\n");
}

TEST(UnifiedDiff, DistantChangesMakeSeparateHunks) {
  std::string expected;
  std::string actual;
  for (int i = 1; i <= 20; ++i) {
    expected += "line " + std::to_string(i) + "\n";
    actual += (i == 3 || i == 17 ? "changed " : "line ") + std::to_string(i) + "\n";
  }
  const std::string diff = UnifiedDiff(expected, actual, "expected", "actual");
  EXPECT_NE(diff.find("@@ -1,5 +1,5 @@\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("@@ -15,5 +15,5 @@\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("-  17  line 17\n+  17  changed 17\n"), std::string::npos) << diff;
  EXPECT_EQ(diff.find("line 10"), std::string::npos) << "lines far from a change are not shown\n" << diff;
}

TEST(UnifiedDiff, BoundedToMaxLinesWithACountOfWhatIsNotShown) {
  std::string expected;
  std::string actual;
  for (int i = 1; i <= 100; ++i) {
    expected += "expected " + std::to_string(i) + "\n";
    actual += "actual " + std::to_string(i) + "\n";
  }
  const std::string diff = UnifiedDiff(expected, actual, "expected", "actual", {.max_lines = 40});
  EXPECT_EQ(CountLines(diff), 2u + 40u + 1u) << diff;  // ---/+++, 40 lines, the remainder
  // 200 changed lines, 39 of them shown after the hunk header.
  EXPECT_NE(diff.find("… 161 more changed lines not shown\n"), std::string::npos) << diff;
}

TEST(UnifiedDiff, ALongLineIsShownAroundItsFirstDifference) {
  const std::string prefix(300, 'x');
  const std::string diff =
      UnifiedDiff(prefix + "\"status\":\"open\"}\n", prefix + "\"status\":\"paid\"}\n", "expected", "actual",
                  {.max_line_chars = 60});
  // 40 characters before the first difference ("o" against "p"): 30 x and `"status":"`.
  EXPECT_NE(diff.find("-   1  …" + std::string(30, 'x') + "\"status\":\"open\"}\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("+   1  …" + std::string(30, 'x') + "\"status\":\"paid\"}\n"), std::string::npos) << diff;
}

TEST(UnifiedDiff, ACutNeverSplitsAUtf8Character) {
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";  // two bytes each
  // 50 characters from the first difference (byte 0) would end inside the 25th "é".
  const std::string diff = UnifiedDiff("a" + accents + "\n", "b" + accents + "\n", "expected", "actual",
                                       {.max_line_chars = 50});
  std::string shown;
  for (int i = 0; i < 24; ++i) shown += "é";
  EXPECT_NE(diff.find("-   1  a" + shown + "…\n"), std::string::npos) << diff;
  EXPECT_NE(diff.find("+   1  b" + shown + "…\n"), std::string::npos) << diff;
}

}  // namespace
}  // namespace tributary::app
