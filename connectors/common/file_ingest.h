// What every file-based connector (directory, SFTP) does with a complete file, whatever
// the transport: decide from the ledger what the file needs, map it into the store in one
// transaction, and tell when it is safe to archive.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/config/config.h"
#include "gateway/mapping/mapping.h"
#include "gateway/store/store.h"

namespace tributary::connectors {

// A `files[]` rule with its mapping loaded and its store options derived.
struct FileRuleRuntime {
  config::FileRule rule;
  std::unique_ptr<mapping::Mapping> mapping;
  store::ApplyOptions options;
};

// Loads the mapping of every rule of `connector`. Mapping problems are reported as one
// error listing every diagnostic (the `check` command reports them earlier).
Result<std::vector<FileRuleRuntime>> PrepareFileRules(const config::ConnectorConfig& connector);

// The mapping context of a file a file connector maps with `rule`: the tenant, the
// connector's name as the source and its legal entity (the records' keys are built from
// them), the file's path relative to the drop folder, the rule's parameters and group
// memory. The daemon, `plan` and `map --connector` all build it here, so they make the
// same keys. The caller adds the content hash, the mtime and the spill folder.
mapping::MappingContext FileMappingContext(const std::string& tenant, const std::string& connector,
                                           const std::string& legal_entity, const config::FileRule& rule,
                                           const std::string& relative_path);

// The first rule whose pattern matches the file name (glob, on the base name), or nullptr.
const FileRuleRuntime* MatchRule(const std::vector<FileRuleRuntime>& rules, const std::string& file_name);

// What a complete file found in the drop folder needs, from its ledger entry.
enum class FileAction {
  kApply,             // never seen (or released from quarantine): map and apply it
  kArchiveWhenSafe,   // applied; archive once its changes are delivered
  kArchiveDuplicate,  // a byte-identical re-upload of a file already archived
  kWait,              // quarantined: an admin must release or discard it
  kMoveToError,       // failed or discarded: belongs in error_dir
};
FileAction DecideFileAction(const std::optional<store::FileEntry>& entry);

// True when the file's changes are durable and, with push on, acknowledged by the core.
Result<bool> SafeToArchive(store::Store& store, const store::FileEntry& entry, bool push_enabled);

struct IngestResult {
  bool unusable = false;      // the file could not be read at all; `error` says why
  std::string error;
  store::ApplyOutcome outcome;
  mapping::RunStats stats;
};

// Maps `input` through `mapping` into the store with `options` (a rule's, possibly scoped
// to a sub-directory), in one transaction. An unusable file is recorded in the ledger as
// failed (nothing applied) and reported, not returned as an error; errors are store
// failures (or kCancelled when `stop` is requested), after which nothing of the file was
// applied.
Result<IngestResult> IngestFile(store::Store& store, const store::FileIdentity& file, const mapping::Mapping& mapping,
                                const store::ApplyOptions& options, std::istream& input,
                                const mapping::MappingContext& context, std::stop_token stop = {});
// The same with the rule's own mapping and options.
Result<IngestResult> IngestFile(store::Store& store, const store::FileIdentity& file, const FileRuleRuntime& rule,
                                std::istream& input, const mapping::MappingContext& context,
                                std::stop_token stop = {});

}  // namespace tributary::connectors
