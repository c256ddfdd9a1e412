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
  if (size >= 8 && size <= 16) {
    uint64_t head;
    uint64_t tail;
    std::memcpy(&head, from, 8);
    std::memcpy(&tail, from + size - 8, 8);
    std::memcpy(to, &head, 8);
    std::memcpy(to + size - 8, &tail, 8);
  } else if (size > 16 && size <= 32) {
    char head[16];
    char tail[16];
    std::memcpy(head, from, 16);
    std::memcpy(tail, from + size - 16, 16);
    std::memcpy(to, head, 16);
    std::memcpy(to + size - 16, tail, 16);
  } else if (size >= 4 && size < 8) {
    uint32_t head;
    uint32_t tail;
    std::memcpy(&head, from, 4);
    std::memcpy(&tail, from + size - 4, 4);
    std::memcpy(to, &head, 4);
    std::memcpy(to + size - 4, &tail, 4);
  } else if (size > 32 && size <= 64) {
    // The member names and null runs between values: two overlapping halves of 32 bytes.
    char head[32];
    char tail[32];
    std::memcpy(head, from, 32);
    std::memcpy(tail, from + size - 32, 32);
    std::memcpy(to, head, 32);
    std::memcpy(to + size - 32, tail, 32);
  } else if (size > 64 && size <= 128) {
    char head[64];
    char tail[64];
    std::memcpy(head, from, 64);
    std::memcpy(tail, from + size - 64, 64);
    std::memcpy(to, head, 64);
    std::memcpy(to + size - 64, tail, 64);
  } else if (size > 128) {
    std::memcpy(to, from, size);
  } else {
    for (size_t i = 0; i < size; ++i) to[i] = from[i];
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
