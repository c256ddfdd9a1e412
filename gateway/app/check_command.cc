#include "gateway/app/check_command.h"

#include <set>

#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/connector.h"
#include "gateway/config/config.h"
#include "gateway/mapping/mapping.h"

namespace tributary::app {

int RunCheckCommand(const std::string& config_path, std::ostream& out, std::ostream& err) {
  auto types = connectors::RegisteredConfigTypes();
  auto config = config::LoadConfig(config_path, types, connectors::MappingParameterCheck());
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    err << config.error().size() << (config.error().size() == 1 ? " problem" : " problems") << " found in "
        << config_path << "\n";
    return 1;
  }
  std::set<std::string> mappings;
  for (const config::ConnectorConfig& connector : config->connectors) {
    for (const config::FileRule& rule : connector.files) mappings.insert(rule.mapping_path);
    for (const std::string& path : connector.settings->MappingPaths()) mappings.insert(path);
  }
  size_t problems = 0;
  for (const std::string& path : mappings) {
    auto mapping = mapping::Mapping::Load(path);
    if (!mapping) {
      for (const Diagnostic& diagnostic : mapping.error()) err << diagnostic.ToString() << "\n";
      problems += mapping.error().size();
    }
  }
  if (problems > 0) {
    err << problems << (problems == 1 ? " problem" : " problems") << " found in the mappings of " << config_path
        << "\n";
    return 1;
  }
  out << config_path << ": OK (" << config->connectors.size() << " connector"
      << (config->connectors.size() == 1 ? "" : "s") << ", " << mappings.size() << " mapping"
      << (mappings.size() == 1 ? "" : "s") << ")\n";
  return 0;
}

}  // namespace tributary::app
