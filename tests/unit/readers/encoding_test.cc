#include "gateway/readers/encoding.h"

#include <gtest/gtest.h>

namespace tributary::readers {
namespace {

std::string Decode(std::string_view bytes, Encoding encoding) {
  auto decoded = DecodeToUtf8(bytes, encoding);
  EXPECT_TRUE(decoded.has_value()) << decoded.error().message;
  return decoded.value_or("<error>");
}

std::string DecodeError(std::string_view bytes, Encoding encoding) {
  auto decoded = DecodeToUtf8(bytes, encoding);
  EXPECT_FALSE(decoded.has_value());
  return decoded ? "<no error>" : decoded.error().message;
}

TEST(EncodingNames, KnowsCanonicalNamesAndAliases) {
  EXPECT_EQ(ParseEncodingName("utf-8"), Encoding::kUtf8);
  EXPECT_EQ(ParseEncodingName("UTF-8"), Encoding::kUtf8);
  EXPECT_EQ(ParseEncodingName("utf8"), Encoding::kUtf8);
  EXPECT_EQ(ParseEncodingName("windows-1252"), Encoding::kWindows1252);
  EXPECT_EQ(ParseEncodingName("CP1252"), Encoding::kWindows1252);
  EXPECT_EQ(ParseEncodingName("iso-8859-1"), Encoding::kIso8859_1);
  EXPECT_EQ(ParseEncodingName("latin1"), Encoding::kIso8859_1);
  EXPECT_EQ(ParseEncodingName("ISO-8859-15"), Encoding::kIso8859_15);
  EXPECT_EQ(ParseEncodingName("latin9"), Encoding::kIso8859_15);
  EXPECT_EQ(ParseEncodingName("ebcdic"), std::nullopt);
  EXPECT_EQ(EncodingName(Encoding::kIso8859_15), "iso-8859-15");
}

TEST(Utf8, EncodesCodePointsOfEveryLength) {
  std::string out;
  for (char32_t cp : {U'A', U'\u00E9', U'\u20AC', U'\U0001F600'}) AppendUtf8CodePoint(cp, out);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Utf8, PassesValidTextAndStripsTheBomAtTheStartOnly) {
  EXPECT_EQ(Decode("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", Encoding::kUtf8), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(Decode("\xEF\xBB\xBF" "abc", Encoding::kUtf8), "abc");
  // A BOM in the middle is a character (U+FEFF), not a mark to drop.
  EXPECT_EQ(Decode("a\xEF\xBB\xBF", Encoding::kUtf8), "a\xEF\xBB\xBF");
  EXPECT_EQ(StripUtf8Bom("\xEF\xBB\xBFx"), "x");
  EXPECT_EQ(StripUtf8Bom("\xEF\xBBx"), "\xEF\xBBx");
}

TEST(Utf8, RejectsInvalidBytesNamingByteAndPosition) {
  // A latin-1 "é" in a file declared utf-8.
  EXPECT_EQ(DecodeError("caf\xE9 x", Encoding::kUtf8), "invalid UTF-8 byte 0xE9 at position 4");
  EXPECT_EQ(DecodeError("\x80", Encoding::kUtf8), "invalid UTF-8 byte 0x80 at position 1");
  EXPECT_EQ(DecodeError("ab\xC0\xAF", Encoding::kUtf8), "invalid UTF-8 byte 0xC0 at position 3");  // overlong
  EXPECT_EQ(DecodeError("\xE0\x80\x80", Encoding::kUtf8), "invalid UTF-8 byte 0xE0 at position 1");  // overlong
  EXPECT_EQ(DecodeError("\xED\xA0\x80", Encoding::kUtf8), "invalid UTF-8 byte 0xED at position 1");  // surrogate
  EXPECT_EQ(DecodeError("\xF4\x90\x80\x80", Encoding::kUtf8), "invalid UTF-8 byte 0xF4 at position 1");  // > U+10FFFF
  EXPECT_EQ(DecodeError("\xF5\x80\x80\x80", Encoding::kUtf8), "invalid UTF-8 byte 0xF5 at position 1");
  EXPECT_EQ(DecodeError("x\xC3", Encoding::kUtf8), "invalid UTF-8 byte 0xC3 at position 2");
  EXPECT_EQ(DecodeError("x\xE2\x82", Encoding::kUtf8), "invalid UTF-8 byte 0xE2 at position 2");
  EXPECT_EQ(FindInvalidUtf8("ok \xC3\xA9"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("0123456789\xFF"), 10u);
}

TEST(Utf8, AppendKeepsWhatDecodedBeforeTheError) {
  std::string out = ">";
  EXPECT_FALSE(AppendUtf8("ab\xFF" "cd", Encoding::kUtf8, out).has_value());
  EXPECT_EQ(out, ">ab");
}

TEST(Windows1252, DecodesEverySpecialByte) {
  struct Case {
    unsigned char byte;
    const char* utf8;
  };
  const Case cases[] = {
      {0x80, "\xE2\x82\xAC"}, {0x82, "\xE2\x80\x9A"}, {0x83, "\xC6\x92"},     {0x84, "\xE2\x80\x9E"},
      {0x85, "\xE2\x80\xA6"}, {0x86, "\xE2\x80\xA0"}, {0x87, "\xE2\x80\xA1"}, {0x88, "\xCB\x86"},
      {0x89, "\xE2\x80\xB0"}, {0x8A, "\xC5\xA0"},     {0x8B, "\xE2\x80\xB9"}, {0x8C, "\xC5\x92"},
      {0x8E, "\xC5\xBD"},     {0x91, "\xE2\x80\x98"}, {0x92, "\xE2\x80\x99"}, {0x93, "\xE2\x80\x9C"},
      {0x94, "\xE2\x80\x9D"}, {0x95, "\xE2\x80\xA2"}, {0x96, "\xE2\x80\x93"}, {0x97, "\xE2\x80\x94"},
      {0x98, "\xCB\x9C"},     {0x99, "\xE2\x84\xA2"}, {0x9A, "\xC5\xA1"},     {0x9B, "\xE2\x80\xBA"},
      {0x9C, "\xC5\x93"},     {0x9E, "\xC5\xBE"},     {0x9F, "\xC5\xB8"},     {0xA0, "\xC2\xA0"},
      {0xA4, "\xC2\xA4"},     {0xE9, "\xC3\xA9"},     {0xFF, "\xC3\xBF"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Decode(std::string(1, static_cast<char>(c.byte)), Encoding::kWindows1252), c.utf8)
        << "byte " << static_cast<int>(c.byte);
  }
  EXPECT_EQ(Decode("Caf\xE9 12\x80", Encoding::kWindows1252), "Caf\xC3\xA9 12\xE2\x82\xAC");
}

TEST(Windows1252, UndefinedBytesAreErrors) {
  for (unsigned char byte : {0x81, 0x8D, 0x8F, 0x90, 0x9D}) {
    std::string bytes = "ab";
    bytes.push_back(static_cast<char>(byte));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", byte);
    EXPECT_EQ(DecodeError(bytes, Encoding::kWindows1252),
              std::string("byte ") + hex + " at position 3 is not defined in windows-1252");
  }
}

TEST(Iso8859_1, MapsEveryByteToTheSameCodePoint) {
  EXPECT_EQ(Decode("\x80", Encoding::kIso8859_1), "\xC2\x80");
  EXPECT_EQ(Decode("\xA4", Encoding::kIso8859_1), "\xC2\xA4");
  EXPECT_EQ(Decode("\xE9t\xE9", Encoding::kIso8859_1), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(Decode("\xFF", Encoding::kIso8859_1), "\xC3\xBF");
  // A BOM is only stripped for utf-8.
  EXPECT_EQ(Decode("\xEF\xBB\xBF", Encoding::kIso8859_1), "\xC3\xAF\xC2\xBB\xC2\xBF");
}

TEST(Iso8859_15, DecodesTheEightLatin9Bytes) {
  EXPECT_EQ(Decode("\xA4", Encoding::kIso8859_15), "\xE2\x82\xAC");  // €
  EXPECT_EQ(Decode("\xA6", Encoding::kIso8859_15), "\xC5\xA0");      // Š
  EXPECT_EQ(Decode("\xA8", Encoding::kIso8859_15), "\xC5\xA1");      // š
  EXPECT_EQ(Decode("\xB4", Encoding::kIso8859_15), "\xC5\xBD");      // Ž
  EXPECT_EQ(Decode("\xB8", Encoding::kIso8859_15), "\xC5\xBE");      // ž
  EXPECT_EQ(Decode("\xBC", Encoding::kIso8859_15), "\xC5\x92");      // Œ
  EXPECT_EQ(Decode("\xBD", Encoding::kIso8859_15), "\xC5\x93");      // œ
  EXPECT_EQ(Decode("\xBE", Encoding::kIso8859_15), "\xC5\xB8");      // Ÿ
  EXPECT_EQ(Decode("\xA3\xE9", Encoding::kIso8859_15), "\xC2\xA3\xC3\xA9");  // unchanged from latin-1
  EXPECT_EQ(Decode("\x80", Encoding::kIso8859_15), "\xC2\x80");
}

TEST(IsAscii, ChecksEveryByteIncludingTheTail) {
  EXPECT_TRUE(IsAscii(""));
  EXPECT_TRUE(IsAscii("plain ascii text, long enough for words"));
  EXPECT_FALSE(IsAscii("0123456789abcdef\x80"));
  EXPECT_FALSE(IsAscii("\xC3\xA9" "0123456789"));
}

TEST(DecodeForDisplay, KeepsBadBytesVisible) {
  EXPECT_EQ(DecodeForDisplay("caf\xE9", Encoding::kUtf8), "caf\\xE9");
  EXPECT_EQ(DecodeForDisplay("caf\xC3\xA9", Encoding::kUtf8), "caf\xC3\xA9");
  EXPECT_EQ(DecodeForDisplay("\x81\x80", Encoding::kWindows1252), "\\x81\xE2\x82\xAC");
}

}  // namespace
}  // namespace tributary::readers
