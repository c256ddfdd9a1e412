#include "gateway/mapping/json_text.h"

#include <array>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gateway/config/values.h"
#include "gateway/model/money.h"
#include "gateway/readers/encoding.h"

namespace tributary::mapping {

namespace {

// 1 for the bytes a JSON string escapes: control characters, '"' and '\\'.
constexpr auto kNeedsEscape = [] {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[static_cast<size_t>(c)] = 1;
  table['"'] = 1;
  table['\\'] = 1;
  return table;
}();

// The index of the first byte of `text` a JSON string escapes (text.size() when none);
// `high` gets a bit set when a byte before it is not ASCII. Sixteen bytes at a time.
size_t FindEscape(std::string_view text, unsigned& high) {
  const char* data = text.data();
  const size_t size = text.size();
  size_t i = 0;
  unsigned seen = 0;  // local: a store through `high` per byte would chain every iteration
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i last_control = _mm_set1_epi8(0x1F);
  const __m128i zero = _mm_setzero_si128();
  for (; i + 16 <= size; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    // Unsigned byte <= 0x1F: saturating subtraction of 0x1F leaves zero.
    const __m128i control = _mm_cmpeq_epi8(_mm_subs_epu8(bytes, last_control), zero);
    const __m128i special =
        _mm_or_si128(control, _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)));
    const auto found = static_cast<unsigned>(_mm_movemask_epi8(special));
    const auto non_ascii = static_cast<unsigned>(_mm_movemask_epi8(bytes));
    if (found != 0) {
      const int at = __builtin_ctz(found);
      high |= seen | (non_ascii & ((1u << at) - 1));
      return i + static_cast<size_t>(at);
    }
    seen |= non_ascii;
  }
#endif
  // Then eight at a time (the short values most fields hold), as a word: a byte below
  // 0x20, '"' or '\\' sets the high bit of its byte in one of the three words below
  // (exact for ASCII words; a false alarm after a real one only ends the word loop).
  static constexpr uint64_t kOnes = 0x0101010101010101ULL;
  static constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, sizeof word);
    if ((word & kHighBits) != 0) break;  // bytewise: the non-ASCII bit is per byte
    const uint64_t control = word - kOnes * 0x20;
    const uint64_t quote = (word ^ (kOnes * '"')) - kOnes;
    const uint64_t backslash = (word ^ (kOnes * '\\')) - kOnes;
    if (((control | quote | backslash) & kHighBits) != 0) break;
  }
  for (; i < size; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    if (kNeedsEscape[c] != 0) break;
    seen |= c & 0x80;
  }
  high |= seen;
  return i;
}

// `text` escaped for a JSON string, with its quotes when kQuoted.
template <bool kQuoted>
bool AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr size_t kQuote = kQuoted ? 1 : 0;
  const char* data = text.data();
  const size_t size = text.size();
  const size_t start = out.size();
  unsigned high = 0;
  size_t i = FindEscape(text, high);
  if (i == size) {
    // The common case: nothing to escape, one copy.
    if (high != 0 && readers::FindInvalidUtf8(text) != std::string_view::npos) return false;
    // The new size is returned as computed here: libstdc++ 12 hands the callback the grown
    // capacity, not the requested size.
    const size_t total = start + size + 2 * kQuote;
    out.resize_and_overwrite(total, [&](char* p, size_t) {
      if (kQuoted) p[start] = '"';
      if (size > 0) std::memcpy(p + start + kQuote, data, size);
      if (kQuoted) p[start + size + 1] = '"';
      return total;
    });
    return true;
  }
  out.reserve(start + size + 8);
  if (kQuoted) out.push_back('"');
  size_t plain = 0;  // start of the run of bytes copied as they are
  while (i < size) {
    const auto c = static_cast<unsigned char>(data[i]);
    out.append(data + plain, i - plain);
    plain = ++i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
    i += FindEscape(text.substr(i), high);
  }
  if (high != 0 && readers::FindInvalidUtf8(text) != std::string_view::npos) {
    out.resize(start);
    return false;
  }
  out.append(data + plain, size - plain);
  if (kQuoted) out.push_back('"');
  return true;
}

}  // namespace

bool AppendJsonString(std::string& out, std::string_view text) { return AppendEscaped<true>(out, text); }

void AppendKnownJsonString(std::string& out, std::string_view text) {
  if (!AppendJsonString(out, text)) AppendJsonString(out, config::QuoteForMessage(text));
}

bool IsPlainJsonText(std::string_view text) {
  unsigned high = 0;
  return FindEscape(text, high) == text.size() && high == 0;
}

bool IsPlainJsonTextButTabs(std::string_view text) {
  unsigned high = 0;
  size_t i = FindEscape(text, high);
  while (i < text.size() && text[i] == '\t') {
    ++i;
    i += FindEscape(text.substr(i), high);
  }
  return i == text.size() && high == 0;
}

bool AppendJsonStringContent(std::string& out, std::string_view text) { return AppendEscaped<false>(out, text); }

void AppendQuotedMinorUnits(std::string& out, int64_t minor, int exponent) {
  if (minor < 0 || exponent < 0 || exponent > 18) {
    out.push_back('"');
    out += model::FormatMinorUnits(minor, exponent);
    out.push_back('"');
    return;
  }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, minor);
  const auto count = static_cast<size_t>(end - digits);
  const auto scale = static_cast<size_t>(exponent);
  char text[48];
  size_t size = 0;
  text[size++] = '"';
  if (scale > 0) {
    // At least one digit before the point: 5 at exponent 2 is 0.05.
    const size_t whole = count > scale ? count - scale : 0;
    if (whole == 0) {
      text[size++] = '0';
    } else {
      std::memcpy(text + size, digits, whole);
      size += whole;
    }
    text[size++] = '.';
    for (size_t pad = count < scale ? scale - count : 0; pad > 0; --pad) text[size++] = '0';
    const size_t fraction = count - whole;
    std::memcpy(text + size, digits + whole, fraction);
    size += fraction;
  } else {
    std::memcpy(text + size, digits, count);
    size += count;
  }
  text[size++] = '"';
  out.append(text, size);
}

void AppendJsonInteger(std::string& out, int64_t number) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, static_cast<size_t>(end - buffer));
}

}  // namespace tributary::mapping
