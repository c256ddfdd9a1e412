// A JobStoreView over maps, for unit tests of action connectors: recent lookups and
// entities the test puts in, and the intents the connector commits.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kit/action_connector.h"

namespace tributary::testing {

class MemoryJobView final : public connectors::JobStoreView {
 public:
  std::map<std::string, std::string> lookups;               // subject -> result key
  std::map<std::string, store::EntityVersion> entities;     // key -> current version
  std::vector<std::string> intents;                         // CommitIntent, in order
  bool cancelled = false;                                   // CommitIntent answers kConflict

  Result<std::optional<std::string>> RecentLookup(const std::string& subject, std::chrono::seconds) override {
    auto found = lookups.find(subject);
    if (found == lookups.end()) return std::optional<std::string>{};
    return std::optional<std::string>{found->second};
  }
  Result<std::optional<store::EntityVersion>> Entity(const std::string& key) override {
    auto found = entities.find(key);
    if (found == entities.end()) return std::optional<store::EntityVersion>{};
    return std::optional<store::EntityVersion>{found->second};
  }
  Status CommitIntent(const std::string& provider_ref) override {
    if (cancelled) return Fail(ErrorCode::kConflict, "the job was cancelled");
    intents.push_back(provider_ref);
    return Ok();
  }
  // Stores `record` as the entity's current version, as the runner would after success.
  void Keep(const model::CanonicalRecord& record) {
    store::EntityVersion version;
    version.key = record.key;
    version.entity = record.entity;
    version.data = record.json;
    entities[record.key] = version;
  }
};

}  // namespace tributary::testing
