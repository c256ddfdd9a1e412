#include "connectors/common/file_ingest.h"

#include <fnmatch.h>

namespace tributary::connectors {

Result<std::vector<FileRuleRuntime>> PrepareFileRules(const config::ConnectorConfig& connector) {
  std::vector<FileRuleRuntime> rules;
  for (const config::FileRule& rule : connector.files) {
    auto mapping = mapping::Mapping::Load(rule.mapping_path);
    if (!mapping) {
      std::string message = "mapping " + rule.mapping_path + " is invalid:";
      for (const Diagnostic& diagnostic : mapping.error()) message += "\n  " + diagnostic.ToString();
      return Fail(ErrorCode::kInvalidArgument, message);
    }
    FileRuleRuntime runtime;
    runtime.rule = rule;
    runtime.options.feed = connector.name + "/" + rule.pattern;
    runtime.options.mode =
        rule.mode == config::FeedMode::kSnapshot ? store::SyncMode::kSnapshot : store::SyncMode::kDelta;
    runtime.options.max_close_ratio = rule.max_close_ratio;
    for (const mapping::EntityInfo& entity : (*mapping)->entities()) {
      if (entity.closes_by_absence) runtime.options.closing_entities.push_back(entity.entity);
      if (entity.repeatable) runtime.options.repeatable_entities.push_back(entity.entity);
    }
    // LoadConfig checked these when given the check; a config built otherwise is checked
    // here, so a wrong override stops the connector instead of failing every file.
    for (const auto& [name, parameter] : rule.parameters) {
      if (auto status = (*mapping)->CheckParameters({{name, parameter.values}}); !status) {
        return Fail(ErrorCode::kInvalidArgument, "line " + std::to_string(parameter.line) + ": " + parameter.path +
                                                     ": " + status.error().message);
      }
    }
    runtime.mapping = std::move(*mapping);
    rules.push_back(std::move(runtime));
  }
  return rules;
}

mapping::MappingContext FileMappingContext(const std::string& tenant, const std::string& connector,
                                           const std::string& legal_entity, const config::FileRule& rule,
                                           const std::string& relative_path) {
  mapping::MappingContext context{
      .tenant = tenant, .source = connector, .legal_entity = legal_entity, .file_name = relative_path};
  // The rule's `parameters:` override the mapping's defaults.
  context.parameters = rule.ParameterValues();
  context.group_memory_bytes = static_cast<size_t>(rule.group_memory_mib) << 20;
  return context;
}

const FileRuleRuntime* MatchRule(const std::vector<FileRuleRuntime>& rules, const std::string& file_name) {
  for (const FileRuleRuntime& rule : rules) {
    if (fnmatch(rule.rule.pattern.c_str(), file_name.c_str(), FNM_PERIOD) == 0) return &rule;
  }
  return nullptr;
}

FileAction DecideFileAction(const std::optional<store::FileEntry>& entry) {
  if (!entry) return FileAction::kApply;
  switch (entry->state) {
    case store::FileState::kReleased: return FileAction::kApply;
    case store::FileState::kApplied: return FileAction::kArchiveWhenSafe;
    case store::FileState::kArchived: return FileAction::kArchiveDuplicate;
    case store::FileState::kQuarantined: return FileAction::kWait;
    case store::FileState::kDiscarded:
    case store::FileState::kFailed: return FileAction::kMoveToError;
  }
  return FileAction::kWait;
}

Result<bool> SafeToArchive(store::Store& store, const store::FileEntry& entry, bool push_enabled) {
  if (!push_enabled || entry.last_seq == 0) return true;
  auto delivered = store.DeliveredThrough();
  if (!delivered) return std::unexpected(delivered.error());
  return *delivered >= entry.last_seq;
}

Result<IngestResult> IngestFile(store::Store& store, const store::FileIdentity& file, const mapping::Mapping& mapping,
                                const store::ApplyOptions& options, std::istream& input,
                                const mapping::MappingContext& context, std::stop_token stop) {
  IngestResult result;
  auto application = store.BeginFile(file, options);
  if (!application) return std::unexpected(application.error());
  auto stats = mapping.Run(input, context, **application, stop);
  if (!stats) {
    // Store trouble surfaces through the sink as kIo/kUnavailable: that is ours, not the
    // file's; a stop is nobody's. Either way the application rolls back.
    if (stats.error().code == ErrorCode::kIo || stats.error().code == ErrorCode::kUnavailable ||
        stats.error().code == ErrorCode::kCancelled) {
      return std::unexpected(stats.error());
    }
    application->reset();  // roll back whatever the sink received
    result.unusable = true;
    result.error = stats.error().message;
    if (auto recorded = store.RecordFailedFile(file, result.error); !recorded) {
      return std::unexpected(recorded.error());
    }
    return result;
  }
  result.stats = *stats;
  auto outcome = (*application)->Commit();
  if (!outcome) return std::unexpected(outcome.error());
  result.outcome = *outcome;
  return result;
}

Result<IngestResult> IngestFile(store::Store& store, const store::FileIdentity& file, const FileRuleRuntime& rule,
                                std::istream& input, const mapping::MappingContext& context, std::stop_token stop) {
  return IngestFile(store, file, *rule.mapping, rule.options, input, context, stop);
}

}  // namespace tributary::connectors
