#include "gateway/app/map_command.h"

#include <filesystem>

#include "connectors/common/file_ingest.h"
#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/connector.h"
#include "gateway/config/config.h"
#include "gateway/mapping/dry_run.h"

namespace tributary::app {

int RunConnectorMapCommand(const ConnectorMapOptions& options, const std::vector<std::string>& inputs,
                           std::ostream& out, std::ostream& err) {
  auto types = connectors::RegisteredConfigTypes();
  // Mapping files reads no network peer: no secret is needed.
  auto config = config::LoadConfig(options.config_path, types, connectors::MappingParameterCheck(),
                                   [](std::string_view) { return false; });
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    return 1;
  }
  const config::ConnectorConfig* connector = nullptr;
  std::string names;
  for (const config::ConnectorConfig& candidate : config->connectors) {
    if (candidate.name == options.connector) connector = &candidate;
    names += (names.empty() ? "" : ", ") + candidate.name;
  }
  if (connector == nullptr) {
    err << "tributary: no connector named " << options.connector << " in " << options.config_path
        << " (connectors: " << names << ")\n";
    return 2;
  }
  if (connector->files.empty()) {
    err << "tributary: connector " << connector->name << " (" << connector->type
        << ") takes no files; map its records with --mapping\n";
    return 2;
  }
  auto rules = connectors::PrepareFileRules(*connector);
  if (!rules) {
    err << "tributary: " << rules.error().message << "\n";
    return 1;
  }
  const connectors::FileRuleRuntime* rule = nullptr;
  for (const std::string& input : inputs) {
    const std::string file_name = std::filesystem::path(input).filename().string();
    const connectors::FileRuleRuntime* matched = connectors::MatchRule(*rules, file_name);
    if (matched == nullptr) {
      std::string patterns;
      for (const connectors::FileRuleRuntime& candidate : *rules) {
        patterns += (patterns.empty() ? "" : ", ") + candidate.rule.pattern;
      }
      err << "tributary: no files rule of connector " << connector->name << " matches " << file_name
          << " (patterns: " << patterns << ")\n";
      return 2;
    }
    if (rule != nullptr && matched != rule) {
      err << "tributary: " << file_name << " matches the files rule \"" << matched->rule.pattern << "\", not \""
          << rule->rule.pattern << "\" like " << inputs.front() << ": map them separately\n";
      return 2;
    }
    rule = matched;
  }
  // The file's own name stands in for its path in the drop folder; RunMapCommand names
  // each input as given in its rejects.
  mapping::MappingContext context =
      connectors::FileMappingContext(config->tenant, connector->name, connector->legal_entity, rule->rule, "");
  // Precedence: --param, then the files rule's parameters, then the mapping's defaults.
  for (const auto& [name, values] : options.parameters) context.parameters[name] = values;
  if (options.group_memory_bytes) context.group_memory_bytes = *options.group_memory_bytes;
  return mapping::RunMapCommand(rule->rule.mapping_path, inputs, context, out, err);
}

}  // namespace tributary::app
