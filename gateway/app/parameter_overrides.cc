#include "gateway/app/parameter_overrides.h"

namespace tributary::app {

Status AddParameterOverride(const std::string& name_equals_value, ParameterValues& parameters) {
  const size_t equals = name_equals_value.find('=');
  if (equals == std::string::npos || equals == 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "--param expects name=value, got \"" + name_equals_value + "\"");
  }
  parameters[name_equals_value.substr(0, equals)].push_back(name_equals_value.substr(equals + 1));
  return Ok();
}

}  // namespace tributary::app
