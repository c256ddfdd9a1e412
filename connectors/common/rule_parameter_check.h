// The check of `files[].parameters` against each rule's mapping, given to
// config::LoadConfig by every command that loads a config (run, check, plan) so an
// override the mapping does not take is a config error with its position, reported with
// the config's other problems.
#pragma once

#include "gateway/config/config.h"

namespace tributary::connectors {

// Loads each mapping once (kept while the returned function lives) and answers with
// Mapping::CheckParameters' words. A mapping that does not load answers nullopt: its own
// diagnostics are reported where the mapping is used.
config::RuleParameterCheck MappingParameterCheck();

}  // namespace tributary::connectors
