#include "connectors/quickbooks/object_mapper.h"

#include <map>
#include <sstream>

namespace tributary::connectors::quickbooks {
namespace {

class MappingObjectMapper final : public ObjectMapper {
 public:
  explicit MappingObjectMapper(std::map<std::string, std::unique_ptr<mapping::Mapping>> mappings)
      : mappings_(std::move(mappings)) {}

  Result<mapping::RunStats> Map(const std::string& entity, const std::string& json_lines,
                                const mapping::MappingContext& context, model::RecordSink& sink,
                                std::stop_token stop) override {
    auto found = mappings_.find(entity);
    if (found == mappings_.end()) return Fail(ErrorCode::kInternal, "no mapping loaded for QuickBooks " + entity);
    std::istringstream input(json_lines);
    return found->second->Run(input, context, sink, stop);
  }

 private:
  std::map<std::string, std::unique_ptr<mapping::Mapping>> mappings_;
};

}  // namespace

Result<std::unique_ptr<ObjectMapper>> LoadObjectMappings(const QuickBooksConfig& settings) {
  std::map<std::string, std::unique_ptr<mapping::Mapping>> mappings;
  std::string problems;
  for (const std::string& entity : settings.entities) {
    auto loaded = mapping::Mapping::Load(settings.MappingPath(entity));
    if (!loaded) {
      for (const Diagnostic& diagnostic : loaded.error()) problems += "\n  " + diagnostic.ToString();
      continue;
    }
    mappings[entity] = std::move(*loaded);
  }
  if (!problems.empty()) return Fail(ErrorCode::kInvalidArgument, "invalid QuickBooks mapping:" + problems);
  return std::make_unique<MappingObjectMapper>(std::move(mappings));
}

}  // namespace tributary::connectors::quickbooks
