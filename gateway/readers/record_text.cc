#include "gateway/readers/record_text.h"

#include <re2/re2.h>

namespace tributary::readers {

std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

void FieldDecoder::Reset(size_t input_bytes) {
  buffer_.clear();
  // A byte of these encodings is at most three UTF-8 bytes (€, ™).
  if (encoding_ != Encoding::kUtf8) buffer_.reserve(3 * input_bytes);
}

bool FieldDecoder::Decode(std::string_view bytes, std::string_view& out) {
  if (encoding_ == Encoding::kUtf8) {
    // One pass: FindInvalidUtf8 skips ASCII eight bytes at a time.
    if (FindInvalidUtf8(bytes) == std::string_view::npos) {
      out = bytes;
      return true;
    }
    std::string ignored;
    error_ = AppendUtf8(bytes, encoding_, ignored).error().message;
    return false;
  }
  if (IsAscii(bytes)) {
    out = bytes;
    return true;
  }
  const size_t start = buffer_.size();
  if (auto status = AppendUtf8(bytes, encoding_, buffer_); !status) {
    buffer_.resize(start);
    error_ = status.error().message;
    return false;
  }
  out = std::string_view(buffer_).substr(start);
  return true;
}

std::string_view FieldDecoder::Display(std::string_view raw, bool ascii) {
  if (ascii) return raw.substr(0, kMaxRawBytes);
  if (encoding_ == Encoding::kUtf8) {
    const std::string_view prefix = Utf8Prefix(raw, kMaxRawBytes);
    if (FindInvalidUtf8(prefix) == std::string_view::npos) return prefix;
  }
  raw = raw.substr(0, kMaxRawBytes);
  if (IsAscii(raw)) return raw;
  display_.clear();
  if (!AppendUtf8(raw, encoding_, display_)) display_ = DecodeForDisplay(raw, encoding_);
  return Utf8Prefix(display_, kMaxRawBytes);
}

bool MatchesSkipPattern(const std::vector<SkipPattern>& patterns, std::string_view text) {
  for (const SkipPattern& pattern : patterns) {
    if (!pattern.first_chars.empty()) {
      size_t i = 0;
      if (pattern.skip_spaces) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\f' || text[i] == '\v' ||
                                   text[i] == '\r' || text[i] == '\n')) {
          ++i;
        }
      }
      if (i >= text.size() || pattern.first_chars.find(text[i]) == std::string::npos) continue;
    }
    if (re2::RE2::PartialMatch(text, *pattern.regex)) return true;
  }
  return false;
}

}  // namespace tributary::readers
