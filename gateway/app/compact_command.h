// `tributary compact --config FILE`: one pass of the retention (`retention:` of the
// config) on the state database, beside the daemon or without it.
#pragma once

#include <ostream>
#include <string>

#include "gateway/common/clock.h"

namespace tributary::app {

// Prints what the pass removed ("removed 3 changes, 2 rejects, 1 ledger row") on `out`.
// Exit codes: 0 done, 1 invalid config, 2 the state database could not be compacted.
int RunCompactCommand(const std::string& config_path, std::ostream& out, std::ostream& err,
                      const Clock& clock = MachineClock());

}  // namespace tributary::app
