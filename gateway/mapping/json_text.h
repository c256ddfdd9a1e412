// Writing JSON text directly, byte for byte as nlohmann::json::dump() writes it (so a
// record's text, its parsed tree and its content hash always agree). Internal to the
// mapping module; pure functions.
#pragma once

#include <cstdint>
#include <cstring>
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

// Appends `"1234.50"`: model::FormatMinorUnits(minor, exponent) between quotes, written in
// place (a canonical amount).
void AppendQuotedMinorUnits(std::string& out, int64_t minor, int exponent);

// out += text in one step, inlined: a record is some thirty pieces of constant text and
// values. The callback returns the size it computed: libstdc++ 12 passes it the grown
// capacity instead of the requested size.
inline void Put(std::string& out, std::string_view text) {
  const size_t start = out.size();
  const size_t total = start + text.size();
  out.resize_and_overwrite(total, [&](char* p, size_t) {
    std::memcpy(p + start, text.data(), text.size());
    return total;
  });
}

// `"text"`, for text that needs no escaping (IsPlainJsonText).
inline void PutQuoted(std::string& out, std::string_view text) {
  const size_t start = out.size();
  const size_t total = start + text.size() + 2;
  out.resize_and_overwrite(total, [&](char* p, size_t) {
    p[start] = '"';
    std::memcpy(p + start + 1, text.data(), text.size());
    p[total - 1] = '"';
    return total;
  });
}

// Appends a JSON number.
void AppendJsonInteger(std::string& out, int64_t number);

}  // namespace tributary::mapping
