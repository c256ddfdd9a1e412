// `tributary run`: the long-running daemon.
#pragma once

#include <string>

namespace tributary::app {

// Loads the config, starts the admin API, the connectors and (with core.push) the pusher,
// tells systemd READY=1, then serves until SIGTERM/SIGINT (finishing the file and batch in
// flight; exit code 0). SIGHUP re-reads the config and restarts the components with it,
// keeping the running config when the new one is invalid. Returns the exit code.
int RunDaemon(const std::string& config_path);

}  // namespace tributary::app
