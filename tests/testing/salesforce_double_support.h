// Small pieces the Salesforce double's files share: times as Salesforce writes them, ids
// with their case-safe suffix, error bodies, exact decimals, CSV. Internal to tests/testing.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tributary::testing::sfdc {

// "2026-07-02T10:11:12.000+0000": every REST timestamp (UTC, milliseconds, +0000).
std::string FormatTime(std::chrono::system_clock::time_point time);
// The same instant as Bulk API CSV writes it: "2026-07-02T10:11:12.000Z".
std::string FormatCsvTime(std::chrono::system_clock::time_point time);
// "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)"; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseTime(std::string_view text);
// "YYYY-MM-DD"; nullopt when malformed.
std::optional<std::chrono::sys_days> ParseDate(std::string_view text);

// An 18-character id: the 3-character key prefix, a 12-character body made from `serial`
// (base 62, so later ids sort after earlier ones) and the 3-character suffix Salesforce
// computes from the case of the first 15 characters.
std::string MakeId(std::string_view prefix, uint64_t serial);
// The 3-character case-safe suffix of a 15-character id.
std::string IdSuffix(std::string_view id15);

// The REST error body: [{"message":…,"errorCode":…}] as text.
std::string ErrorBody(std::string_view error_code, std::string_view message);

// -1, 0 or 1 comparing two decimal texts ("-12.50" vs "3"); nullopt when one is not a
// decimal number. Exact: no floating point.
std::optional<int> CompareDecimal(std::string_view a, std::string_view b);
// The decimal text of a JSON value: an exact number (qbo::ExactNumber), an integer, or a
// string that is a decimal; "" otherwise. Floating-point values give their shortest text.
std::string DecimalText(const nlohmann::ordered_json& value);

// One CSV field: always quoted, quotes doubled (what Bulk API 2.0 writes for a value);
// a null value is the empty field and is not written through this.
std::string CsvQuote(std::string_view text);

// Standard base64 with padding, and back (nullopt when malformed).
std::string Base64Encode(std::string_view bytes);
std::optional<std::string> Base64Decode(std::string_view text);

// ASCII case-insensitive equality (SOQL names and keywords).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace tributary::testing::sfdc
