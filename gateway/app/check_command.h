// `tributary check`: validates a config (its keys, the local files and folders it names,
// every mapping it names) or one mapping file alone, and with --connect reaches each
// connector's remote side.
#pragma once

#include <ostream>
#include <string>

namespace tributary::app {

struct CheckOptions {
  std::string config_path;   // --config; "" when only a mapping is checked
  std::string mapping_path;  // --mapping: one mapping file alone; "" = none
  bool connect = false;      // --connect: each connector's remote probe (network)
};

// Prints every problem as `file:line:col: path: message` to `err` (sorted, all at once),
// warnings among them as `... path: warning: message` (a folder the daemon would
// create); then, with `connect`, one verdict line per connector to `out`
// ("NAME (TYPE): ok: …", "failed: …" or "no remote check"). Returns 1 when there was a
// problem or a probe failed, else prints a one-line summary to `out` and returns 0
// (warnings too). Touches the network only with `connect`.
int RunCheckCommand(const CheckOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
