// `tributary check --config FILE`: validates the config and every mapping it names.
#pragma once

#include <ostream>
#include <string>

namespace tributary::app {

// Prints every problem as `file:line:col: path: message` to `err` (sorted, all at once)
// and returns 1, or prints a one-line summary to `out` and returns 0. Does no network I/O.
int RunCheckCommand(const std::string& config_path, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
