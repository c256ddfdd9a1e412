// Writing JSON text directly, byte for byte as nlohmann::json::dump() writes it (so a
// record's text, its parsed tree and its content hash always agree). Internal to the
// mapping module; pure functions.
#pragma once

#include <cstdint>
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

// Appends a JSON number.
void AppendJsonInteger(std::string& out, int64_t number);

}  // namespace tributary::mapping
