// Structured log events: a message and named fields (connector, file, rows…). JSON log
// lines carry each field as a member of their object, beside time, level and message; text
// lines read as the message alone, as they always did. The line formatter (gateway/app/
// logging.cc) reads the fields of the event being logged through CurrentLogFields().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <spdlog/spdlog.h>

namespace tributary {

// A field's value: text (a JSON string) or a whole number (a JSON number).
using LogValue = std::variant<std::string, int64_t>;
struct LogField {
  std::string key;  // snake_case; never "time", "level" or "message" (the line's own)
  LogValue value;
};
using LogFields = std::vector<LogField>;

// Logs `message` at `level` on the default logger with `fields`. Thread-safe. The logger
// formats on the calling thread (synchronous sinks): the fields are handed to the formatter
// through a thread-local pointer that lives for the call only.
void LogEvent(spdlog::level::level_enum level, std::string_view message, const LogFields& fields);

// The fields of the LogEvent being formatted on this thread; null for a plain spdlog call.
const LogFields* CurrentLogFields();

}  // namespace tributary
