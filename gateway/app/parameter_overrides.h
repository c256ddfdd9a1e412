// `--param name=value` on the command line: overrides of a mapping's declared parameters.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::app {

// A mapping's parameters as MappingContext carries them: name -> values (a scalar is a
// list of one).
using ParameterValues = std::map<std::string, std::vector<std::string>>;

// Adds one `name=value` to `parameters`. Repeating a name appends to its list, so
// `--param journals=VE --param journals=VEN` gives [VE, VEN]. kInvalidArgument for text
// without '=' or with an empty name. Whether the mapping declares the name is checked when
// the mapping runs.
Status AddParameterOverride(const std::string& name_equals_value, ParameterValues& parameters);

}  // namespace tributary::app
