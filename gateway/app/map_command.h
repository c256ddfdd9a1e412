// `tributary map --config FILE --connector NAME INPUT...`: the dry run of `map` with what a
// connector of the config gives its files, so the keys printed are the daemon's.
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/app/parameter_overrides.h"

namespace tributary::app {

struct ConnectorMapOptions {
  std::string config_path;
  std::string connector;
  ParameterValues parameters;                     // --param, over the files rule's parameters
  std::optional<size_t> group_memory_bytes;       // --group-memory, over the rule's group_memory_mib
};

// Maps each input as the connector would if it were dropped in its drop folder: the files
// rule its name matches gives the mapping, parameters and group memory; the config's
// tenant, the connector's name (source) and legal entity make the keys
// (connectors::FileMappingContext, as the daemon). Every input must match the same rule.
// Output and exit codes as mapping::RunMapCommand; an invalid config is 1, an unknown
// connector or an input no rule (or another rule) matches is 2.
int RunConnectorMapCommand(const ConnectorMapOptions& options, const std::vector<std::string>& inputs,
                           std::ostream& out, std::ostream& err);

}  // namespace tributary::app
