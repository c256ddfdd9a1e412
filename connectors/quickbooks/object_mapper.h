// Turns fetched QuickBooks objects into canonical records: the connector hands every
// object of one entity type, one JSON object per line, to that type's mapping
// (mappings/quickbooks/<entity>.yaml, reader `json_lines`).
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "connectors/quickbooks/quickbooks_config.h"
#include "gateway/mapping/mapping.h"

namespace tributary::connectors::quickbooks {

class ObjectMapper {
 public:
  virtual ~ObjectMapper() = default;
  // Maps `json_lines` (objects of QuickBooks type `entity`) into `sink`. An error means the
  // objects could not be mapped at all (a broken mapping, a sink error); a bad object is
  // a reject.
  virtual Result<mapping::RunStats> Map(const std::string& entity, const std::string& json_lines,
                                        const mapping::MappingContext& context, model::RecordSink& sink,
                                        std::stop_token stop) = 0;
};

// The mappings of every configured entity (QuickBooksConfig::MappingPath). Fails, naming
// every problem, when one does not load.
Result<std::unique_ptr<ObjectMapper>> LoadObjectMappings(const QuickBooksConfig& settings);

}  // namespace tributary::connectors::quickbooks
