#include "gateway/readers/encoding.h"

#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tributary::readers {
namespace {

// Code points of windows-1252 bytes 0x80..0x9F; 0 marks an undefined byte.
constexpr std::array<char32_t, 32> kWindows1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80..87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,       // 88..8F
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90..97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,  // 98..9F
};

// The eight bytes where iso-8859-15 differs from iso-8859-1.
struct Latin9Difference {
  unsigned char byte;
  char32_t code_point;
};
constexpr std::array<Latin9Difference, 8> kLatin9Differences = {{
    {0xA4, 0x20AC}, {0xA6, 0x0160}, {0xA8, 0x0161}, {0xB4, 0x017D},
    {0xB8, 0x017E}, {0xBC, 0x0152}, {0xBD, 0x0153}, {0xBE, 0x0178},
}};

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string HexByte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.push_back(kDigits[byte >> 4]);
  out.push_back(kDigits[byte & 0xF]);
  return out;
}

// The code point of `byte` in a single-byte encoding, or 0 when the byte is undefined.
char32_t SingleByteCodePoint(unsigned char byte, Encoding encoding) {
  if (byte < 0x80) return byte;
  switch (encoding) {
    case Encoding::kWindows1252:
      return byte < 0xA0 ? kWindows1252High[byte - 0x80] : byte;
    case Encoding::kIso8859_15:
      for (const Latin9Difference& d : kLatin9Differences) {
        if (d.byte == byte) return d.code_point;
      }
      return byte;
    case Encoding::kIso8859_1:
    case Encoding::kUtf8:
      break;
  }
  return byte;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (Unicode table 3-7), or 0
// when it is ill-formed or cut short.
size_t Utf8SequenceLength(std::string_view s) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  size_t length = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  for (size_t i = 1; i < length; ++i) {
    if (i >= s.size()) return 0;
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF)) return 0;
  }
  return length;
}

}  // namespace

void AppendUtf8CodePoint(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::optional<Encoding> ParseEncodingName(std::string_view name) {
  struct Alias {
    std::string_view name;
    Encoding encoding;
  };
  static constexpr std::array<Alias, 8> kAliases = {{
      {"utf-8", Encoding::kUtf8},
      {"utf8", Encoding::kUtf8},
      {"windows-1252", Encoding::kWindows1252},
      {"cp1252", Encoding::kWindows1252},
      {"iso-8859-1", Encoding::kIso8859_1},
      {"latin1", Encoding::kIso8859_1},
      {"iso-8859-15", Encoding::kIso8859_15},
      {"latin9", Encoding::kIso8859_15},
  }};
  for (const Alias& alias : kAliases) {
    if (EqualsIgnoreCase(alias.name, name)) return alias.encoding;
  }
  return std::nullopt;
}

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kWindows1252: return "windows-1252";
    case Encoding::kIso8859_1: return "iso-8859-1";
    case Encoding::kIso8859_15: return "iso-8859-15";
  }
  return "unknown";
}

std::string_view KnownEncodingNames() { return "utf-8, windows-1252, iso-8859-1, iso-8859-15"; }

std::string_view StripUtf8Bom(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  return bytes;
}

bool IsAscii(std::string_view bytes) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  // Sixteen, then eight bytes at a time: this runs on every record.
#if defined(__SSE2__)
  while (n >= 16) {
    if (_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))) != 0) return false;
    p += 16;
    n -= 16;
  }
#endif
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (word & 0x8080808080808080ULL) return false;
    p += 8;
    n -= 8;
  }
  for (size_t i = 0; i < n; ++i) {
    if (static_cast<unsigned char>(p[i]) >= 0x80) return false;
  }
  return true;
}

size_t FindInvalidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    // ASCII runs sixteen, then eight bytes at a time: most text between accented letters
    // is ASCII.
#if defined(__SSE2__)
    while (i + 16 <= bytes.size() &&
           _mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i))) == 0) {
      i += 16;
    }
#endif
    while (i + 8 <= bytes.size()) {
      uint64_t word;
      std::memcpy(&word, bytes.data() + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= bytes.size()) break;
    if (static_cast<unsigned char>(bytes[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length = Utf8SequenceLength(bytes.substr(i));
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

Status AppendUtf8(std::string_view bytes, Encoding encoding, std::string& out) {
  if (encoding == Encoding::kUtf8) {
    size_t bad = FindInvalidUtf8(bytes);
    if (bad == std::string_view::npos) {
      out.append(bytes);
      return Ok();
    }
    out.append(bytes.substr(0, bad));
    // An ill-formed sequence is blamed on its first byte: in the common case (a latin-1
    // "é" in a file declared utf-8) that is the byte the user must look for. A sequence
    // cut by the end is not told apart: fields are decoded one by one, and a delimiter
    // never splits a real UTF-8 character, so that too is a wrongly declared encoding.
    return Fail(ErrorCode::kParse, "invalid UTF-8 byte " + HexByte(static_cast<unsigned char>(bytes[bad])) +
                                       " at position " + std::to_string(bad + 1));
  }
  out.reserve(out.size() + bytes.size());
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    char32_t cp = SingleByteCodePoint(byte, encoding);
    if (cp == 0 && byte != 0) {
      return Fail(ErrorCode::kParse, "byte " + HexByte(byte) + " at position " + std::to_string(i + 1) +
                                         " is not defined in " + std::string(EncodingName(encoding)));
    }
    AppendUtf8CodePoint(cp, out);
  }
  return Ok();
}

Result<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding) {
  if (encoding == Encoding::kUtf8) bytes = StripUtf8Bom(bytes);
  std::string out;
  if (auto status = AppendUtf8(bytes, encoding, out); !status) return std::unexpected(status.error());
  return out;
}

std::string DecodeForDisplay(std::string_view bytes, Encoding encoding) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < 0x80) {
      out.push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    if (encoding == Encoding::kUtf8) {
      size_t length = Utf8SequenceLength(bytes.substr(i));
      if (length > 0) {
        out.append(bytes.substr(i, length));
        i += length;
        continue;
      }
    } else if (char32_t cp = SingleByteCodePoint(byte, encoding); cp != 0) {
      AppendUtf8CodePoint(cp, out);
      ++i;
      continue;
    }
    out += "\\x" + HexByte(byte).substr(2);
    ++i;
  }
  return out;
}

}  // namespace tributary::readers
