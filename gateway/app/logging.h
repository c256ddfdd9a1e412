// Process logging on spdlog: text or JSON lines on stderr (journald picks stderr up).
#pragma once

#include <string>

#include "gateway/common/secret_redactor.h"

namespace tributary::app {

// Installs the default logger. `format` is "text" or "json"; `level` one of
// trace|debug|info|warn|error. Every message has the config's secrets replaced by
// "<redacted>" (`redactor`, may be null) and its control characters escaped, so a file
// name with a newline or an ANSI escape in it cannot forge or hide a log line: text
// lines show \n, \r, \t and \xHH; JSON lines escape them as JSON does. Safe to call again
// on reload.
void ConfigureLogging(const std::string& level, const std::string& format, SharedRedactor redactor = nullptr);

}  // namespace tributary::app
