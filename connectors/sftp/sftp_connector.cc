#include "connectors/sftp/sftp_connector.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "connectors/common/file_ingest.h"
#include "connectors/sftp/sftp_config.h"
#include "connectors/sftp/sftp_session.h"
#include "gateway/common/time_format.h"

namespace tributary::connectors::sftp {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string Join(const std::string& dir, const std::string& name) {
  return dir.ends_with('/') ? dir + name : dir + "/" + name;
}

class SftpConnector final : public Connector {
 public:
  SftpConnector(config::ConnectorConfig config, const SftpConfig& settings, ConnectorContext context,
                std::vector<FileRuleRuntime> rules, fs::path spool_dir)
      : config_(std::move(config)),
        settings_(settings),
        context_(std::move(context)),
        rules_(std::move(rules)),
        spool_dir_(std::move(spool_dir)) {}

  const std::string& name() const override { return config_.name; }

  Status Poll(std::stop_token stop) override {
    if (!store_) {
      auto opened = store::Store::Open(context_.state_path);
      if (!opened) return std::unexpected(opened.error());
      store_ = std::move(*opened);
    }
    if (session_ && !session_->KeepAlive()) session_.reset();
    if (!session_) {
      SessionErrorKind kind = SessionErrorKind::kConnect;
      auto opened = SftpSession::Open(settings_, &kind);
      if (!opened) {
        CountConnectionError(SessionErrorKindName(kind));
        return std::unexpected(opened.error());
      }
      session_ = std::move(*opened);
    }
    Status pass = RunPass(stop);
    if (!pass && pass.error().code != ErrorCode::kIo && pass.error().code != ErrorCode::kInternal) {
      // A session error (or a stop mid-download): start from a fresh connection next pass.
      if (pass.error().code != ErrorCode::kCancelled) {
        CountConnectionError(pass.error().code == ErrorCode::kTimeout ? "timeout" : "sftp");
      }
      session_.reset();
    }
    return pass;
  }

 private:
  struct Seen {
    int64_t size = 0;
    int64_t mtime = 0;
    Clock::time_point since;
  };
  struct KnownHash {
    int64_t size = 0;
    int64_t mtime = 0;
    std::string sha256;
  };

  void CountConnectionError(const std::string& kind) {
    if (context_.metrics != nullptr) {
      context_.metrics->Add("tributary_sftp_connection_errors_total", {{"connector", config_.name}, {"kind", kind}});
    }
  }
  void CountFile(const std::string& outcome) {
    if (context_.metrics != nullptr) {
      context_.metrics->Add("tributary_sftp_files_total", {{"connector", config_.name}, {"outcome", outcome}});
    }
  }

  Status RunPass(std::stop_token stop) {
    auto entries = session_->List(settings_.remote_dir);
    if (!entries) return std::unexpected(entries.error());
    std::set<std::string> names;
    for (const RemoteEntry& entry : *entries) names.insert(entry.name);
    std::erase_if(seen_, [&](const auto& item) { return !names.contains(item.first); });
    std::erase_if(hashes_, [&](const auto& item) { return !names.contains(item.first); });
    // Oldest first, so snapshots apply in the order they were written.
    std::sort(entries->begin(), entries->end(), [](const RemoteEntry& a, const RemoteEntry& b) {
      return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
    });
    for (const RemoteEntry& entry : *entries) {
      if (stop.stop_requested()) break;
      if (!entry.regular || entry.name.starts_with('.') || entry.name.ends_with(settings_.done_suffix) ||
          entry.name.ends_with(".reason")) {
        continue;
      }
      if (!IsSafeRemoteName(entry.name)) {
        spdlog::warn("[{}] ignoring unsafe remote file name '{}'", name(), entry.name);
        continue;
      }
      const FileRuleRuntime* rule = MatchRule(rules_, entry.name);
      if (rule == nullptr) continue;
      bool has_done = names.contains(entry.name + settings_.done_suffix);
      if (!has_done && !Stable(entry)) continue;
      if (auto handled = HandleFile(entry, has_done, *rule, stop); !handled) return handled;
    }
    return Ok();
  }

  // Two observations with the same size and mtime at least stable_for apart, and an mtime
  // at least stable_for old (SFTP mtimes have one-second resolution).
  bool Stable(const RemoteEntry& entry) {
    Clock::time_point now = Clock::now();
    auto [it, inserted] = seen_.try_emplace(entry.name, Seen{entry.size, entry.mtime, now});
    if (!inserted && (it->second.size != entry.size || it->second.mtime != entry.mtime)) {
      it->second = Seen{entry.size, entry.mtime, now};
      return false;
    }
    if (inserted) return false;
    auto wall_now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    auto age = wall_now - std::chrono::milliseconds(entry.mtime * 1000);
    return now - it->second.since >= settings_.stable_for && age >= settings_.stable_for;
  }

  Status HandleFile(const RemoteEntry& entry, bool has_done, const FileRuleRuntime& rule, std::stop_token stop) {
    std::string remote_path = Join(settings_.remote_dir, entry.name);
    fs::path spool = spool_dir_ / entry.name;
    std::string sha256;
    auto cached = hashes_.find(entry.name);
    bool downloaded = false;
    if (cached != hashes_.end() && cached->second.size == entry.size && cached->second.mtime == entry.mtime) {
      sha256 = cached->second.sha256;
    } else {
      int64_t bytes = 0;
      auto hash = session_->Download(remote_path, spool, stop, &bytes);
      if (context_.metrics != nullptr) {
        context_.metrics->Add("tributary_sftp_bytes_total", {{"connector", config_.name}}, bytes);
      }
      if (!hash) {
        // Nothing was applied: drop the partial copy and fetch it again next pass.
        std::error_code ec;
        fs::remove(spool, ec);
        if (hash.error().code == ErrorCode::kNotFound || hash.error().code == ErrorCode::kRejected) {
          // This file only (vanished, or not readable by us): the others still get their turn.
          spdlog::warn("[{}] {}", name(), hash.error().message);
          return Ok();
        }
        return std::unexpected(hash.error());
      }
      sha256 = *hash;
      downloaded = true;
      hashes_[entry.name] = {entry.size, entry.mtime, sha256};
    }
    Status result = Decide(entry, has_done, rule, sha256, spool, downloaded, stop);
    std::error_code ec;
    fs::remove(spool, ec);
    return result;
  }

  Status Decide(const RemoteEntry& entry, bool has_done, const FileRuleRuntime& rule, const std::string& sha256,
                const fs::path& spool, bool downloaded, std::stop_token stop) {
    store::FileIdentity identity{config_.name, entry.name, sha256, entry.size};
    auto found = store_->FindFile(config_.name, sha256);
    if (!found) return std::unexpected(found.error());
    switch (DecideFileAction(*found)) {
      case FileAction::kApply:
        if (!downloaded) {
          // Released from quarantine since it was hashed: fetch the content again.
          hashes_.erase(entry.name);
          return HandleFile(entry, has_done, rule, stop);
        }
        return Apply(entry, has_done, identity, rule, spool);
      case FileAction::kArchiveWhenSafe: return ArchiveIfSafe(entry, has_done, **found);
      case FileAction::kArchiveDuplicate:
        spdlog::info("[{}] {}: byte-identical to a file already applied; archived without changes", name(),
                     entry.name);
        CountFile("duplicate");
        return Archive(entry, has_done, std::nullopt);
      case FileAction::kWait: return Ok();
      case FileAction::kMoveToError:
        return MoveToError(entry, has_done, (*found)->state == store::FileState::kDiscarded
                                                ? "snapshot discarded by an admin from quarantine"
                                                : (*found)->error);
    }
    return Ok();
  }

  Status Apply(const RemoteEntry& entry, bool has_done, const store::FileIdentity& identity,
               const FileRuleRuntime& rule, const fs::path& spool) {
    std::ifstream input(spool, std::ios::binary);
    if (!input) return Fail(ErrorCode::kIo, "cannot read spool file " + spool.string());
    mapping::MappingContext mapping_context{
        .tenant = context_.tenant,
        .source = config_.name,
        .legal_entity = config_.legal_entity,
        .file_name = entry.name,
        .file_sha256 = identity.sha256,
        .source_updated_at = FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::seconds(entry.mtime)))};
    auto result = IngestFile(*store_, identity, rule, input, mapping_context);
    if (!result) return std::unexpected(result.error());
    if (result->unusable) {
      spdlog::error("[{}] {}: unusable, moved to {}: {}", name(), entry.name, settings_.error_dir, result->error);
      CountFile("failed");
      return MoveToError(entry, has_done, result->error);
    }
    const store::ApplyOutcome& outcome = result->outcome;
    if (outcome.quarantined) {
      spdlog::warn("[{}] {}: quarantined (id {}): {}", name(), entry.name, outcome.quarantine_id,
                   outcome.quarantine_reason);
      CountFile("quarantined");
      return Ok();
    }
    int64_t changes = outcome.last_seq == 0 ? 0 : outcome.last_seq - outcome.first_seq + 1;
    spdlog::info("[{}] {}: {} rows, {} created, {} updated, {} unchanged, {} closed, {} rejects", name(), entry.name,
                 result->stats.rows, outcome.created, outcome.updated, outcome.unchanged, outcome.closed,
                 outcome.rejects);
    CountFile("applied");
    if (changes > 0 && context_.notify_changes) context_.notify_changes();
    auto applied = store_->FindFile(config_.name, identity.sha256);
    if (!applied) return std::unexpected(applied.error());
    if (!*applied) return Fail(ErrorCode::kInternal, "applied file missing from the ledger");
    return ArchiveIfSafe(entry, has_done, **applied);
  }

  Status ArchiveIfSafe(const RemoteEntry& entry, bool has_done, const store::FileEntry& file) {
    auto safe = SafeToArchive(*store_, file, context_.push_enabled);
    if (!safe) return std::unexpected(safe.error());
    if (!*safe) return Ok();  // the core has not acknowledged it yet; next pass
    return Archive(entry, has_done, file.id);
  }

  // Moves remote_dir/name into `dir` under a free name; returns the new path. A failure is
  // logged and retried next pass (the ledger prevents re-processing meanwhile).
  std::optional<std::string> MoveInto(const std::string& name, const std::string& dir) {
    if (auto made = session_->EnsureDir(dir); !made) {
      spdlog::error("[{}] {}", this->name(), made.error().message);
      return std::nullopt;
    }
    std::string target = Join(dir, name);
    // SFTP v3 rename cannot overwrite: pick a fresh name when this one is taken.
    if (session_->Exists(target)) {
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::system_clock::now().time_since_epoch());
      target += "." + std::to_string(now.count());
    }
    if (auto moved = session_->Rename(Join(settings_.remote_dir, name), target); !moved) {
      spdlog::error("[{}] {}", this->name(), moved.error().message);
      return std::nullopt;
    }
    return target;
  }

  // A re-upload under the same name may have the same size and (1 s) mtime: never reuse
  // what was known about the file that was moved away.
  void Forget(const std::string& file_name) {
    hashes_.erase(file_name);
    seen_.erase(file_name);
  }

  Status Archive(const RemoteEntry& entry, bool has_done, std::optional<int64_t> file_id) {
    if (!MoveInto(entry.name, settings_.archive_dir)) return Ok();
    Forget(entry.name);
    if (has_done) (void)MoveInto(entry.name + settings_.done_suffix, settings_.archive_dir);
    CountFile("archived");
    if (file_id) return store_->SetFileState(*file_id, store::FileState::kArchived);
    return Ok();
  }

  Status MoveToError(const RemoteEntry& entry, bool has_done, const std::string& reason) {
    std::optional<std::string> moved = MoveInto(entry.name, settings_.error_dir);
    if (!moved) return Ok();
    Forget(entry.name);
    if (has_done) (void)MoveInto(entry.name + settings_.done_suffix, settings_.error_dir);
    if (auto written = session_->Upload(*moved + ".reason", reason + "\n"); !written) {
      spdlog::error("[{}] {}", name(), written.error().message);
    }
    return Ok();
  }

  config::ConnectorConfig config_;
  SftpConfig settings_;
  ConnectorContext context_;
  std::vector<FileRuleRuntime> rules_;
  fs::path spool_dir_;
  std::unique_ptr<store::Store> store_;      // opened on the connector's thread at first Poll
  std::unique_ptr<SftpSession> session_;     // reconnected after any session error
  std::map<std::string, Seen> seen_;         // last (size, mtime) per remote name
  std::map<std::string, KnownHash> hashes_;  // content hashes of files still on the server
};

}  // namespace

bool IsSafeRemoteName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

Result<std::unique_ptr<Connector>> MakeSftpConnector(const config::ConnectorConfig& config,
                                                     const ConnectorContext& context) {
  const auto* settings = dynamic_cast<const SftpConfig*>(config.settings.get());
  if (settings == nullptr) return Fail(ErrorCode::kInternal, "sftp connector without sftp settings");
  auto rules = PrepareFileRules(config);
  if (!rules) return std::unexpected(rules.error());
  fs::path spool = fs::path(context.state_path).parent_path() / "spool" / config.name;
  std::error_code ec;
  fs::create_directories(spool, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create spool folder " + spool.string() + ": " + ec.message());
  return std::make_unique<SftpConnector>(config, *settings, context, std::move(*rules), spool);
}

}  // namespace tributary::connectors::sftp
