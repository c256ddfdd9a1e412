// UTC timestamps in RFC 3339, the one textual time format of Tributary.
#pragma once

#include <chrono>
#include <string>

namespace tributary {

// "2026-11-23T12:00:00Z", or with milliseconds "2026-11-23T12:00:00.123Z".
std::string FormatRfc3339(std::chrono::system_clock::time_point time, bool milliseconds = false);

}  // namespace tributary
