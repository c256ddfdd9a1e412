#include "connectors/directory/directory_connector.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <spdlog/spdlog.h>

#include "connectors/common/file_ingest.h"
#include "connectors/directory/directory_config.h"
#include "connectors/directory/drop_folder.h"

namespace tributary::connectors::directory {
namespace {
namespace fs = std::filesystem;

class DirectoryConnector final : public Connector {
 public:
  DirectoryConnector(config::ConnectorConfig config, const DirectoryConfig& settings,
                     ConnectorContext context, std::vector<FileRuleRuntime> rules)
      : config_(std::move(config)), settings_(settings), context_(std::move(context)), rules_(std::move(rules)) {}

  const std::string& name() const override { return config_.name; }

  Status Poll(std::stop_token stop) override {
    if (!store_) {
      auto opened = store::Store::Open(context_.state_path);
      if (!opened) return std::unexpected(opened.error());
      store_ = std::move(*opened);
    }
    auto files = ListDroppedFiles(settings_.path, settings_.done_suffix);
    if (!files) return std::unexpected(files.error());
    std::erase_if(hashes_, [&](const auto& entry) {
      return std::none_of(files->begin(), files->end(), [&](const DroppedFile& file) { return file.name == entry.first; });
    });
    for (const DroppedFile& file : *files) {
      if (stop.stop_requested()) break;
      const FileRuleRuntime* rule = MatchRule(rules_, file.name);
      if (rule == nullptr || !LooksComplete(file, settings_.stable_for)) continue;
      if (auto handled = HandleFile(file, *rule); !handled) {
        // A store failure: stop this pass, the next one resumes where this one stopped.
        return handled;
      }
    }
    return Ok();
  }

 private:
  // The content hash of `file`, reusing the last pass's when size and mtime are the same
  // (a file waiting for the core's acknowledgement is not read again on every pass).
  std::optional<std::string> ContentHashOf(const DroppedFile& file) {
    auto cached = hashes_.find(file.name);
    if (cached != hashes_.end() && cached->second.size == file.size && cached->second.mtime == file.mtime) {
      return cached->second.sha256;
    }
    auto sha256 = HashFile(file.path);
    if (!sha256) {
      spdlog::warn("[{}] {}: {}", name(), file.name, sha256.error().message);
      return std::nullopt;  // vanished or unreadable for now; look again next pass
    }
    if (!Unchanged(file)) return std::nullopt;  // still being written
    hashes_[file.name] = {file.size, file.mtime, *sha256};
    return *sha256;
  }

  Status HandleFile(const DroppedFile& file, const FileRuleRuntime& rule) {
    auto sha256 = ContentHashOf(file);
    if (!sha256) return Ok();
    store::FileIdentity identity{config_.name, file.name, *sha256, file.size};
    auto entry = store_->FindFile(config_.name, *sha256);
    if (!entry) return std::unexpected(entry.error());

    switch (DecideFileAction(*entry)) {
      case FileAction::kApply: return Apply(file, identity, rule);
      case FileAction::kArchiveWhenSafe: return ArchiveIfSafe(file, **entry);
      case FileAction::kArchiveDuplicate:
        spdlog::info("[{}] {}: byte-identical to a file already applied; archived without changes", name(), file.name);
        return Archive(file, std::nullopt);
      case FileAction::kWait: return Ok();
      case FileAction::kMoveToError:
        return MoveToError(file, (*entry)->state == store::FileState::kDiscarded
                                     ? "snapshot discarded by an admin from quarantine"
                                     : (*entry)->error);
    }
    return Ok();
  }

  Status Apply(const DroppedFile& file, const store::FileIdentity& identity, const FileRuleRuntime& rule) {
    std::ifstream input(file.path, std::ios::binary);
    if (!input) return Ok();  // vanished between listing and opening
    mapping::MappingContext mapping_context{.tenant = context_.tenant,
                                            .source = config_.name,
                                            .legal_entity = config_.legal_entity,
                                            .file_name = file.name,
                                            .file_sha256 = identity.sha256,
                                            .source_updated_at = FormatMtime(file.mtime)};
    auto result = IngestFile(*store_, identity, rule, input, mapping_context);
    if (!result) return std::unexpected(result.error());
    Labels labels{{"connector", config_.name}};
    if (result->unusable) {
      spdlog::error("[{}] {}: unusable, moved to {}: {}", name(), file.name, settings_.error_dir, result->error);
      context_.metrics->Add("tributary_files_total", {{"connector", config_.name}, {"outcome", "failed"}});
      return MoveToError(file, result->error);
    }
    const store::ApplyOutcome& outcome = result->outcome;
    context_.metrics->Add("tributary_rows_total", labels, result->stats.rows);
    context_.metrics->Add("tributary_rejects_total", labels, outcome.rejects);
    if (outcome.quarantined) {
      spdlog::warn("[{}] {}: quarantined (id {}): {}", name(), file.name, outcome.quarantine_id,
                   outcome.quarantine_reason);
      context_.metrics->Add("tributary_files_total", {{"connector", config_.name}, {"outcome", "quarantined"}});
      return Ok();
    }
    int64_t changes = outcome.last_seq == 0 ? 0 : outcome.last_seq - outcome.first_seq + 1;
    spdlog::info("[{}] {}: {} rows, {} created, {} updated, {} unchanged, {} closed, {} rejects", name(),
                 file.name, result->stats.rows, outcome.created, outcome.updated, outcome.unchanged,
                 outcome.closed, outcome.rejects);
    context_.metrics->Add("tributary_files_total", {{"connector", config_.name}, {"outcome", "applied"}});
    context_.metrics->Add("tributary_changes_total", labels, changes);
    context_.metrics->Set("tributary_last_file_applied_timestamp_seconds", labels,
                          std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count());
    if (changes > 0 && context_.notify_changes) context_.notify_changes();
    auto entry = store_->FindFile(config_.name, identity.sha256);
    if (!entry) return std::unexpected(entry.error());
    if (!*entry) return Fail(ErrorCode::kInternal, "applied file missing from the ledger");
    return ArchiveIfSafe(file, **entry);
  }

  Status ArchiveIfSafe(const DroppedFile& file, const store::FileEntry& entry) {
    auto safe = SafeToArchive(*store_, entry, context_.push_enabled);
    if (!safe) return std::unexpected(safe.error());
    if (!*safe) return Ok();  // the core has not acknowledged it yet; next pass
    return Archive(file, entry.id);
  }

  Status Archive(const DroppedFile& file, std::optional<int64_t> file_id) {
    auto moved = MoveInto(file.path, settings_.archive_dir);
    if (!moved) {
      spdlog::error("[{}] {}", name(), moved.error().message);
      return Ok();
    }
    MoveDoneMarker(file, settings_.archive_dir);
    if (file_id) return store_->SetFileState(*file_id, store::FileState::kArchived);
    return Ok();
  }

  Status MoveToError(const DroppedFile& file, const std::string& reason) {
    auto moved = MoveInto(file.path, settings_.error_dir);
    if (!moved) {
      spdlog::error("[{}] {}", name(), moved.error().message);
      return Ok();
    }
    MoveDoneMarker(file, settings_.error_dir);
    if (auto written = WriteReason(*moved, reason); !written) spdlog::error("[{}] {}", name(), written.error().message);
    return Ok();
  }

  void MoveDoneMarker(const DroppedFile& file, const std::string& folder) {
    if (!file.has_done_marker) return;
    fs::path marker = file.path;
    marker += settings_.done_suffix;
    std::error_code ec;
    if (fs::exists(marker, ec)) (void)MoveInto(marker, folder);
  }

  config::ConnectorConfig config_;
  DirectoryConfig settings_;
  ConnectorContext context_;
  std::vector<FileRuleRuntime> rules_;
  std::unique_ptr<store::Store> store_;  // opened on the connector's thread at first Poll
  struct KnownHash {
    int64_t size = 0;
    std::filesystem::file_time_type mtime;
    std::string sha256;
  };
  std::map<std::string, KnownHash> hashes_;  // by file name, for files still in the folder
};

}  // namespace

Result<std::unique_ptr<Connector>> MakeDirectoryConnector(const config::ConnectorConfig& config,
                                                          const ConnectorContext& context) {
  const auto* settings = dynamic_cast<const DirectoryConfig*>(config.settings.get());
  if (settings == nullptr) return Fail(ErrorCode::kInternal, "directory connector without directory settings");
  auto rules = PrepareFileRules(config);
  if (!rules) return std::unexpected(rules.error());
  std::error_code ec;
  for (const std::string& folder : {settings->path, settings->archive_dir, settings->error_dir}) {
    std::filesystem::create_directories(folder, ec);
    if (ec) return Fail(ErrorCode::kIo, "cannot create " + folder + ": " + ec.message());
  }
  return std::make_unique<DirectoryConnector>(config, *settings, context, std::move(*rules));
}

}  // namespace tributary::connectors::directory
