// Writing JSON text directly, byte for byte as nlohmann::json::dump() writes it (so a
// record's text, its parsed tree and its content hash always agree). Internal to the
// mapping module; pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tributary::mapping {

// Appends `text` (UTF-8) as a JSON string: quotes, \" \\ \b \f \n \r \t, other control
// characters as \u00XX, everything else as is. False (nothing appended) when `text` is not
// valid UTF-8.
bool AppendJsonString(std::string& out, std::string_view text);
// The same without the quotes: what goes between them (to write one string in parts).
bool AppendJsonStringContent(std::string& out, std::string_view text);
// A JSON string of text known to be valid UTF-8 (context values, names, keys); should it
// not be, its quoted form for messages, whose bytes are (config::QuoteForMessage).
void AppendKnownJsonString(std::string& out, std::string_view text);

// True when `text` is ASCII with no byte a JSON string escapes: it goes between quotes as
// it is, and so does every text made of its bytes.
bool IsPlainJsonText(std::string_view text);
// True when `text` is ASCII with no byte a JSON string escapes but tabs (a tab-separated
// line): a text made of its bytes and holding no tab goes between quotes as it is.
bool IsPlainJsonTextButTabs(std::string_view text);

// Appends `"1234.50"`: model::FormatMinorUnits(minor, exponent) between quotes, written in
// place (a canonical amount).
void AppendQuotedMinorUnits(std::string& out, int64_t minor, int exponent);

// Copies `size` bytes: the short pieces a record is made of (member names, values) with a
// few moves instead of a call to memcpy.
[[gnu::always_inline]] inline void CopyBytes(char* to, const char* from, size_t size) {
  // Each size class copies a head and a tail that overlap as needed.
  auto copy_ends = [&]<size_t kHalf>() {
    char head[kHalf];
    char tail[kHalf];
    std::memcpy(head, from, kHalf);
    std::memcpy(tail, from + size - kHalf, kHalf);
    std::memcpy(to, head, kHalf);
    std::memcpy(to + size - kHalf, tail, kHalf);
  };
  if (size <= 16) {
    if (size >= 8) {
      copy_ends.template operator()<8>();
    } else if (size >= 4) {
      copy_ends.template operator()<4>();
    } else if (size > 0) {
      // 1 to 3 bytes: the first, the middle and the last.
      to[0] = from[0];
      to[size / 2] = from[size / 2];
      to[size - 1] = from[size - 1];
    }
  } else if (size <= 32) {
    copy_ends.template operator()<16>();
  } else if (size <= 64) {
    // The member names and null runs between values.
    copy_ends.template operator()<32>();
  } else if (size <= 128) {
    copy_ends.template operator()<64>();
  } else {
    std::memcpy(to, from, size);
  }
}

// out += text in one step, inlined: a record is some thirty pieces of constant text and
// values. The callback returns the size it computed: libstdc++ 12 passes it the grown
// capacity instead of the requested size.
[[gnu::flatten]] inline void Put(std::string& out, std::string_view text) {
  const size_t start = out.size();
  const size_t total = start + text.size();
  out.resize_and_overwrite(total, [&](char* p, size_t) {
    CopyBytes(p + start, text.data(), text.size());
    return total;
  });
}

// `"text"`, for text that needs no escaping (IsPlainJsonText).
[[gnu::flatten]] inline void PutQuoted(std::string& out, std::string_view text) {
  const size_t start = out.size();
  const size_t total = start + text.size() + 2;
  out.resize_and_overwrite(total, [&](char* p, size_t) {
    p[start] = '"';
    CopyBytes(p + start + 1, text.data(), text.size());
    p[total - 1] = '"';
    return total;
  });
}

// out += each of `pieces` in turn, in one step.
[[gnu::flatten]] inline void PutPieces(std::string& out, std::initializer_list<std::string_view> pieces) {
  size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  const size_t start = out.size();
  const size_t total = start + size;
  out.resize_and_overwrite(total, [&](char* p, size_t) {
    char* at = p + start;
    for (std::string_view piece : pieces) {
      CopyBytes(at, piece.data(), piece.size());
      at += piece.size();
    }
    return total;
  });
}

// Appends a JSON number.
void AppendJsonInteger(std::string& out, int64_t number);

}  // namespace tributary::mapping
