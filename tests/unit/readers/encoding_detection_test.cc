#include "gateway/readers/encoding_detection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Column;
using testing::Options;
using testing::Plan;
using testing::ReadAll;

// French receivables text as an ERP writes it, in windows-1252 (é = E9, € = 80, ' = 92).
std::string FrenchWindows1252() {
  std::string text = "client;libell\xE9;montant\n";
  for (int i = 0; i < 20; ++i) {
    text += "C" + std::to_string(i) + ";Facture \xE9mise \xE0 la soci\xE9t\xE9 d\x92" "\xC9vry;1 234,50 \x80\n";
  }
  return text;
}

// The same in iso-8859-15: € = A4, Œ = BC; no byte in 80..9F.
std::string FrenchLatin9() {
  std::string text = "client;libell\xE9;montant\n";
  for (int i = 0; i < 20; ++i) {
    text += "C" + std::to_string(i) + ";\xC9tat des cr\xE9" "ances \xBC" "uvre;1 234,50 \xA4\n";
  }
  return text;
}

std::string Utf16Le(std::u16string_view text, bool bom) {
  std::string out = bom ? "\xFF\xFE" : "";
  for (char16_t unit : text) {
    out.push_back(static_cast<char>(unit & 0xFF));
    out.push_back(static_cast<char>(unit >> 8));
  }
  return out;
}

std::string Utf16Be(std::u16string_view text, bool bom) {
  std::string out = bom ? "\xFE\xFF" : "";
  for (char16_t unit : text) {
    out.push_back(static_cast<char>(unit >> 8));
    out.push_back(static_cast<char>(unit & 0xFF));
  }
  return out;
}

TEST(DetectEncoding, ByteOrderMarksAreCertain) {
  auto utf8 = DetectEncoding("\xEF\xBB\xBF" "abc", true);
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->name, "utf-8");
  EXPECT_EQ(utf8->confidence, 100);
  EXPECT_EQ(utf8->bom_bytes, 3u);
  auto le = DetectEncoding(Utf16Le(u"a;b", true), true);
  ASSERT_TRUE(le.has_value());
  EXPECT_EQ(le->name, "utf-16le");
  EXPECT_EQ(le->confidence, 100);
  auto be = DetectEncoding(Utf16Be(u"a;b", true), true);
  ASSERT_TRUE(be.has_value());
  EXPECT_EQ(be->name, "utf-16be");
}

TEST(DetectEncoding, Utf16WithoutBomByItsNulPattern) {
  auto le = DetectEncoding(Utf16Le(u"client;montant\n1;10,00\n", false), true);
  ASSERT_TRUE(le.has_value());
  EXPECT_EQ(le->name, "utf-16le");
  EXPECT_EQ(le->confidence, 90);
  auto be = DetectEncoding(Utf16Be(u"client;montant\n1;10,00\n", false), true);
  ASSERT_TRUE(be.has_value());
  EXPECT_EQ(be->name, "utf-16be");
}

TEST(DetectEncoding, AsciiAndValidUtf8) {
  auto ascii = DetectEncoding("a;b\n1;2\n", true);
  ASSERT_TRUE(ascii.has_value());
  EXPECT_EQ(ascii->name, "utf-8");
  EXPECT_EQ(ascii->confidence, 100);
  auto utf8 = DetectEncoding("soci\xC3\xA9t\xC3\xA9 \xC3\xA0 \xE2\x82\xAC", true);
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->name, "utf-8");
  EXPECT_EQ(utf8->confidence, 100);
  // One sequence only: still UTF-8, less sure.
  auto short_utf8 = DetectEncoding("caf\xC3\xA9", true);
  ASSERT_TRUE(short_utf8.has_value());
  EXPECT_EQ(short_utf8->name, "utf-8");
  EXPECT_EQ(short_utf8->confidence, 90);
}

TEST(DetectEncoding, ASequenceCutByTheEndOfTheSampleIsNotABadByte) {
  auto cut = DetectEncoding("soci\xC3\xA9t\xC3\xA9 \xC3\xA0 \xE2\x82", false);
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->confidence, 100);
  EXPECT_EQ(cut->invalid_bytes, 0);
  auto whole = DetectEncoding("soci\xC3\xA9t\xC3\xA9 \xC3\xA0 \xE2\x82", true);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(whole->invalid_bytes, 2);  // the cut lead byte and its continuation byte
}

TEST(DetectEncoding, Windows1252) {
  auto detected = DetectEncoding(FrenchWindows1252(), true);
  ASSERT_TRUE(detected.has_value()) << detected.error().message;
  EXPECT_EQ(detected->name, "windows-1252");
  EXPECT_GE(detected->confidence, 80);
  EXPECT_LE(detected->confidence, 95);
}

TEST(DetectEncoding, Iso8859_15WhenTheEuroIsA4) {
  auto detected = DetectEncoding(FrenchLatin9(), true);
  ASSERT_TRUE(detected.has_value()) << detected.error().message;
  EXPECT_EQ(detected->name, "iso-8859-15");
  EXPECT_LE(detected->confidence, 95);
}

TEST(DetectEncoding, MostlyUtf8WithAStrayByteStaysUtf8WithLowerConfidence) {
  // A FEC file: accented labels in UTF-8, one label pasted from a latin-1 tool (0xF8 = ø).
  std::string text = "JournalCode|EcritureLib\n";
  for (int i = 0; i < 30; ++i) text += "VE|Facture client soci\xC3\xA9t\xC3\xA9\n";
  text += "VE|Fjordv\xF8gen\n";
  auto detected = DetectEncoding(text, true);
  ASSERT_TRUE(detected.has_value());
  EXPECT_EQ(detected->name, "utf-8");
  EXPECT_EQ(detected->invalid_bytes, 1);
  EXPECT_LT(detected->confidence, 90);
  EXPECT_GT(detected->confidence, 50);
}

TEST(DetectEncoding, TextThatIsNoWesternEncodingIsRefused) {
  // windows-1251 Russian: plausible in no candidate.
  std::string text;
  for (int i = 0; i < 40; ++i) text += "\xD1\xF7\xE5\xF2 \xED\xE0 \xEE\xEF\xEB\xE0\xF2\xF3 \xB9 " + std::to_string(i) + "\n";
  auto detected = DetectEncoding(text, true);
  ASSERT_FALSE(detected.has_value()) << detected->name;
  EXPECT_THAT(detected.error().message, HasSubstr("declare reader.encoding"));
}

TEST(DetectEncoding, BytesUndefinedInWindows1252AndControlsElsewhereAreRefused) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "a\x81\x8D\x90 b\n";
  auto detected = DetectEncoding(text, true);
  ASSERT_FALSE(detected.has_value()) << detected->name;
  EXPECT_THAT(detected.error().message, HasSubstr("cannot tell the encoding"));
}

// Through the csv reader: what is detected is used and recorded.
TEST(AutoEncoding, Windows1252FileDecodesAndRecordsItsConfidence) {
  auto options = Options("reader: {delimiter: ';', encoding: auto}");
  auto result = ReadAll(*options, Plan({Column("libellé"), Column("montant")}), FrenchWindows1252());
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 20u);
  EXPECT_EQ(result.rows[0].values[0],
            "Facture \xC3\xA9mise \xC3\xA0 la soci\xC3\xA9t\xC3\xA9 d\xE2\x80\x99\xC3\x89vry");
  EXPECT_EQ(result.rows[0].values[1], "1 234,50 \xE2\x82\xAC");
  EXPECT_EQ(result.info.encoding, "windows-1252");
  EXPECT_TRUE(result.info.encoding_detected);
  EXPECT_GE(result.info.encoding_confidence, 80);
}

TEST(AutoEncoding, Latin9EuroSign) {
  auto options = Options("reader: {delimiter: ';', encoding: auto}");
  auto result = ReadAll(*options, Plan({Column("libellé"), Column("montant")}), FrenchLatin9());
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 20u);
  EXPECT_EQ(result.rows[0].values[0], "\xC3\x89tat des cr\xC3\xA9" "ances \xC5\x92uvre");
  EXPECT_EQ(result.rows[0].values[1], "1 234,50 \xE2\x82\xAC");
  EXPECT_EQ(result.info.encoding, "iso-8859-15");
}

TEST(AutoEncoding, Utf16LeWithBomIsTranscoded) {
  auto options = Options("reader: {delimiter: ';', encoding: auto}");
  auto result = ReadAll(*options, Plan({Column("client"), Column("montant")}),
                        Utf16Le(u"client;montant\r\nSoci\u00E9t\u00E9 \U0001F600;12 \u20AC\r\n", true));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_THAT(result.rows[0].values,
              ElementsAre("Soci\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80", "12 \xE2\x82\xAC"));
  EXPECT_EQ(result.rows[0].line, 2);
  EXPECT_EQ(result.info.encoding, "utf-16le");
  EXPECT_EQ(result.info.encoding_confidence, 100);
}

TEST(AutoEncoding, Utf16LongerThanOneBufferCrossesChunkBoundaries) {
  std::u16string text = u"id;name\n";
  for (int i = 0; i < 30000; ++i) text += u"1;\u00C9l\u00E9ment \U0001F600 \u20AC\n";
  auto options = Options("reader: {delimiter: ';', encoding: utf-16be}");
  auto result = ReadAll(*options, Plan({Column("name")}), Utf16Be(text, false));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.next_error, "");
  ASSERT_EQ(result.rows.size(), 30000u);
  for (const auto& row : result.rows) ASSERT_EQ(row.values[0], "\xC3\x89l\xC3\xA9ment \xF0\x9F\x98\x80 \xE2\x82\xAC");
}

TEST(AutoEncoding, BrokenUtf16EndsTheReadWithAnError) {
  auto options = Options("reader: {header: false, encoding: utf-16le}");
  std::string bytes = Utf16Le(u"a\nb\n", false);
  bytes += std::string("\x00\xDC", 2);  // a lone low surrogate
  auto result = ReadAll(*options, Plan({testing::Index(1)}), bytes);
  ASSERT_EQ(result.start_error, "");
  EXPECT_EQ(result.rows.size(), 2u);
  EXPECT_EQ(result.next_error, "invalid UTF-16: low surrogate without a high surrogate at byte 9");
}

TEST(AutoEncoding, Utf16WithoutBomIsReadAsUtf16WhateverTheOneByteEncodingDeclared) {
  // The default (utf-8) and a declared one-byte encoding: a NUL in every other byte is
  // UTF-16, not text with NULs (it used to give "the header has no column").
  const std::u16string text = u"client;montant\r\nSoci\u00E9t\u00E9;12 \u20AC\r\n";
  for (const char* yaml : {"reader: {delimiter: ';'}", "reader: {delimiter: ';', encoding: windows-1252}"}) {
    SCOPED_TRACE(yaml);
    auto options = Options(yaml);
    for (const bool little_endian : {true, false}) {
      auto result = ReadAll(*options, Plan({Column("client"), Column("montant")}),
                            little_endian ? Utf16Le(text, false) : Utf16Be(text, false));
      ASSERT_EQ(result.start_error, "");
      ASSERT_EQ(result.rows.size(), 1u);
      EXPECT_THAT(result.rows[0].values, ElementsAre("Soci\xC3\xA9t\xC3\xA9", "12 \xE2\x82\xAC"));
      EXPECT_EQ(result.info.encoding, little_endian ? "utf-16le" : "utf-16be");
      EXPECT_EQ(result.info.encoding_confidence, 90);
      EXPECT_TRUE(result.info.encoding_detected);
    }
  }
  // With a byte-order mark as well.
  auto options = Options("reader: {delimiter: ';'}");
  auto result = ReadAll(*options, Plan({Column("client")}), Utf16Le(text, true));
  ASSERT_EQ(result.start_error, "");
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], "Soci\xC3\xA9t\xC3\xA9");
}

TEST(AutoEncoding, DeclaredUtf16NeedsItsByteOrderMark) {
  auto options = Options("reader: {encoding: utf-16}");
  EXPECT_EQ(ReadAll(*options, Plan({Column("a")}), Utf16Le(u"a\n1\n", false)).start_error,
            "reader.encoding is utf-16 but the input does not start with a byte-order mark (declare utf-16le or "
            "utf-16be)");
  auto result = ReadAll(*options, Plan({Column("a")}), Utf16Be(u"a\n1\n", true));
  ASSERT_EQ(result.rows.size(), 1u);
  EXPECT_EQ(result.rows[0].values[0], "1");
  EXPECT_EQ(result.info.encoding, "utf-16be");
}

TEST(AutoEncoding, StrayByteInUtf8IsARejectThatSaysWhatWasDetected) {
  std::string text = "JournalCode|EcritureLib\n";
  for (int i = 0; i < 30; ++i) text += "VE|Soci\xC3\xA9t\xC3\xA9\n";
  text += "VE|Fjordv\xF8gen\n";
  auto options = Options("reader: {delimiter: '|', encoding: auto}");
  auto result = ReadAll(*options, Plan({Column("EcritureLib")}), text);
  ASSERT_EQ(result.rows.size(), 31u);
  EXPECT_EQ(result.rows[0].values[0], "Soci\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(result.rows[30].error,
            "invalid UTF-8 byte 0xF8 at position 7 (reader.encoding is auto: detected utf-8 despite 1 invalid "
            "byte in the first " + std::to_string(text.size()) + " bytes, confidence 88)");
  EXPECT_EQ(result.rows[30].raw, "VE|Fjordv\\xF8gen");
  EXPECT_EQ(result.info.encoding_confidence, 88);
}

TEST(AutoEncoding, AnAsciiStartIsReadOnUntilEvidenceAppears) {
  std::string text = "id;name\n";
  while (text.size() < 100 * 1024) text += "1;plain ascii name\n";
  text += "2;Soci\xE9t\xE9 g\xE9n\xE9rale \xE0 \xC9vry\n";
  auto options = Options("reader: {delimiter: ';', encoding: auto}");
  auto result = ReadAll(*options, Plan({Column("name")}), text);
  ASSERT_EQ(result.start_error, "");
  EXPECT_EQ(result.info.encoding, "windows-1252");
  EXPECT_EQ(result.rows.back().values[0], "Soci\xC3\xA9t\xC3\xA9 g\xC3\xA9n\xC3\xA9rale \xC3\xA0 \xC3\x89vry");
}

}  // namespace
}  // namespace tributary::readers
