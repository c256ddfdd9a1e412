// Small pieces the QuickBooks double's files share: exact amounts in JSON, times as
// QuickBooks writes them, URL and form decoding. Internal to tests/testing.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tributary::testing::qbo {

// The company's UTC offset in every time the double writes (Pacific daylight time).
inline constexpr int kOffsetMinutes = -7 * 60;

// A JSON value that Dump() writes as the bare number `text` ("100.00" stays 100.00).
nlohmann::ordered_json ExactNumber(const std::string& text);
// Compact JSON text of `value` with ExactNumber values written as numbers.
std::string Dump(const nlohmann::ordered_json& value);
// The decimal text of an ExactNumber (or of a plain JSON number); "" otherwise.
std::string NumberText(const nlohmann::ordered_json& value);

// Cents of "123.45" / "-5.5" / "7"; nullopt when malformed.
std::optional<int64_t> ParseCents(std::string_view text);
std::string FormatCents(int64_t cents);

// "2026-07-01T10:00:00-07:00" (or with .mmm) in the company's offset.
std::string FormatTime(std::chrono::system_clock::time_point time, bool milliseconds);
// "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseTime(std::string_view text);

// Percent-decoding ('+' as space) and `a=1&b=2` splitting.
std::string UrlDecode(std::string_view text);
std::map<std::string, std::string> ParseForm(std::string_view text);

}  // namespace tributary::testing::qbo
