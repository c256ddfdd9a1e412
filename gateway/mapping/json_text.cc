#include "gateway/mapping/json_text.h"

#include <array>
#include <charconv>
#include <cstring>

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

}  // namespace

bool AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr uint64_t kOnes = 0x0101010101010101ULL;
  static constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  const size_t start = out.size();
  out.reserve(start + text.size() + 2);
  out.push_back('"');
  const char* data = text.data();
  const size_t size = text.size();
  bool ascii = true;
  size_t plain = 0;  // start of the run of bytes copied as they are
  size_t i = 0;
  while (i < size) {
    // Eight bytes at a time: skip a word with no control character, '"', '\\' (and note
    // whether it has non-ASCII bytes, checked as UTF-8 once at the end).
    if (i + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, data + i, sizeof word);
      const uint64_t control = (word - kOnes * 0x20) & ~word;
      const uint64_t quote = ((word ^ (kOnes * '"')) - kOnes) & ~(word ^ (kOnes * '"'));
      const uint64_t backslash = ((word ^ (kOnes * '\\')) - kOnes) & ~(word ^ (kOnes * '\\'));
      ascii = ascii && (word & kHighBits) == 0;
      if (((control | quote | backslash) & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(data[i]);
    ascii = ascii && c < 0x80;
    if (kNeedsEscape[c] == 0) {
      ++i;
      continue;
    }
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
  }
  if (!ascii && readers::FindInvalidUtf8(text) != std::string_view::npos) {
    out.resize(start);
    return false;
  }
  out.append(data + plain, size - plain);
  out.push_back('"');
  return true;
}

void AppendJsonInteger(std::string& out, int64_t number) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  out.append(buffer, static_cast<size_t>(end - buffer));
}

}  // namespace tributary::mapping
