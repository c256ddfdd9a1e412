#include "gateway/common/quote.h"

namespace tributary {
namespace {

constexpr bool IsContinuation(unsigned char byte) { return (byte & 0xc0) == 0x80; }

// Length of the valid UTF-8 sequence starting at `index` (1 for ASCII), or 0 when the
// bytes there are not one (stray continuation, overlong, surrogate, past U+10FFFF, cut).
size_t ValidSequenceLength(std::string_view text, size_t index) {
  const auto lead = static_cast<unsigned char>(text[index]);
  if (lead < 0x80) return 1;
  size_t length = 0;
  char32_t min = 0;
  char32_t code_point = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, min = 0x80, code_point = lead & 0x1f;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, min = 0x800, code_point = lead & 0x0f;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (index + length > text.size()) return 0;
  for (size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[index + i]);
    if (!IsContinuation(byte)) return 0;
    code_point = (code_point << 6) | (byte & 0x3f);
  }
  if (code_point < min || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) return 0;
  return length;
}

void AppendHexEscape(unsigned char byte, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xf];
}

}  // namespace

std::string_view CharacterAt(std::string_view text, size_t index) {
  const size_t length = ValidSequenceLength(text, index);
  return text.substr(index, length == 0 ? 1 : length);
}

std::string QuoteForMessage(std::string_view text) {
  constexpr size_t kMaxShown = 80;
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = ValidSequenceLength(text, i);
    if (i + (length == 0 ? 1 : length) > kMaxShown) break;  // never half a character
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (length > 1) {
      out.append(text.substr(i, length));
    } else if (length == 0) {
      AppendHexEscape(byte, out);
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      AppendHexEscape(byte, out);
    } else {
      out += c;
    }
    i += length == 0 ? 1 : length;
  }
  out += i < text.size() ? "...\"" : "\"";
  return out;
}

}  // namespace tributary
