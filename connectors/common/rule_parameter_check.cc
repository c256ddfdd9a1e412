#include "connectors/common/rule_parameter_check.h"

#include <map>
#include <memory>

#include "gateway/mapping/mapping.h"

namespace tributary::connectors {

config::RuleParameterCheck MappingParameterCheck() {
  // nullptr: the mapping did not load.
  auto loaded = std::make_shared<std::map<std::string, std::shared_ptr<const mapping::Mapping>>>();
  return [loaded](const std::string& mapping_path, const std::string& name,
                  const std::vector<std::string>& values) -> std::optional<std::string> {
    auto it = loaded->find(mapping_path);
    if (it == loaded->end()) {
      auto mapping = mapping::Mapping::Load(mapping_path);
      std::shared_ptr<const mapping::Mapping> kept;
      if (mapping) kept = std::move(*mapping);
      it = loaded->emplace(mapping_path, std::move(kept)).first;
    }
    if (!it->second) return std::nullopt;
    if (auto status = it->second->CheckParameters({{name, values}}); !status) return status.error().message;
    return std::nullopt;
  };
}

}  // namespace tributary::connectors
