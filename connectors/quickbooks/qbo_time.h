// Times as QuickBooks writes them: ISO 8601 with the company's offset
// ("2026-07-02T10:00:01.512-07:00", "2020-09-29T05:58:07-07:00", or with "Z").
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tributary::connectors::quickbooks {

// The instant `text` names; nullopt when it is not "YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)".
std::optional<std::chrono::system_clock::time_point> ParseQboTime(std::string_view text);

// `time` as "2026-07-02T17:00:01Z" (UTC, whole seconds rounded down), a form QuickBooks accepts.
std::string FormatQboTime(std::chrono::system_clock::time_point time);

}  // namespace tributary::connectors::quickbooks
