// Process logging on spdlog: text or JSON lines on stderr (journald picks stderr up).
#pragma once

#include <string>

namespace tributary::app {

// Installs the default logger. `format` is "text" or "json"; `level` one of
// trace|debug|info|warn|error. Safe to call again on reload.
void ConfigureLogging(const std::string& level, const std::string& format);

}  // namespace tributary::app
