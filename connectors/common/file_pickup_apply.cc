// FilePickup, the file in flight: copy and hash one version into the spool folder, the
// ledger decision, apply, and move (archive, delete, error folder) only that version.
#include <fstream>
#include <functional>

#include <spdlog/spdlog.h>

#include "connectors/common/content_hash.h"
#include "connectors/common/file_pickup.h"
#include "gateway/common/log_event.h"
#include "gateway/common/time_format.h"

namespace tributary::connectors {
namespace fs = std::filesystem;

namespace {

constexpr size_t kFetchChunk = 256 * 1024;

// Removes the spool copy of a fetched file when the file's turn is over.
class SpoolCleanup {
 public:
  explicit SpoolCleanup(fs::path path) : path_(std::move(path)) {}
  ~SpoolCleanup() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  SpoolCleanup(const SpoolCleanup&) = delete;
  SpoolCleanup& operator=(const SpoolCleanup&) = delete;

 private:
  fs::path path_;
};

// Runs `done` when the file's turn is over, however it ends.
class AtExit {
 public:
  explicit AtExit(std::function<void()> done) : done_(std::move(done)) {}
  ~AtExit() { done_(); }
  AtExit(const AtExit&) = delete;
  AtExit& operator=(const AtExit&) = delete;

 private:
  std::function<void()> done_;
};

}  // namespace

Result<FilePickup::Fate> FilePickup::SiteTrouble(const Error& error) {
  if (SessionLost(error)) return std::unexpected(error);
  spdlog::error("[{}] {}; retried next pass", connector_, error.message);
  return Fate::kStays;
}

Result<FilePickup::Fate> FilePickup::Changed(const Candidate& file, const Error& error, const char* instead_of) {
  if (error.code != ErrorCode::kConflict) return SiteTrouble(error);
  // What was read (and applied, if it was) is in the ledger under its own hash; the new
  // content is read again as a file of its own.
  spdlog::warn("[{}] {}: {}; not {}, read again next pass", connector_, file.relative_path, error.message,
               instead_of);
  Count("tributary_files_total", 1, "changed");
  Forget(file.relative_path);
  return Fate::kStays;
}

Result<std::optional<FilePickup::Fetched>> FilePickup::Fetch(DropSite& site, const Candidate& file) {
  // A partial or stale spool copy is never kept: nothing is applied from it, and the file
  // is fetched again next pass.
  auto fetched = FetchContent(site, file);
  if (!fetched || !*fetched) {
    std::error_code ignored;
    fs::remove(settings_.spool_dir / file.entry.name, ignored);
  }
  return fetched;
}

Result<std::optional<FilePickup::Fetched>> FilePickup::FetchContent(DropSite& site, const Candidate& file) {
  // Hash, mapping and ledger entry all describe one and the same bytes: the spool copy,
  // written from one open descriptor (local files too, so that an ERP still writing the
  // file in place cannot slip rows in between hashing and mapping).
  Fetched fetched{.sha256 = {}, .size = 0, .readable = settings_.spool_dir / file.entry.name, .version = file.entry};
  auto reader = site.OpenRead(file.path);
  if (!reader) return std::unexpected(reader.error());
  std::ofstream spool(fetched.readable, std::ios::binary | std::ios::trunc);
  if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
  ContentHasher hasher;
  std::vector<char> chunk(kFetchChunk);
  while (true) {
    // The file in flight is finished on a stop; only an abandon cuts it short.
    if (context_.abandon.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped while reading " + file.path);
    auto read = (*reader)->Read(chunk);
    if (!read) return std::unexpected(read.error());
    if (*read == 0) break;
    hasher.Update(std::span<const char>(chunk.data(), *read));
    spool.write(chunk.data(), static_cast<std::streamsize>(*read));
    if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
    fetched.size += static_cast<int64_t>(*read);
  }
  spool.close();
  if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
  fetched.sha256 = hasher.HexDigest();
  // The descriptor's own view (inode, size, mtime) where the site has one.
  auto described = (*reader)->Describe();
  if (!described) return std::unexpected(described.error());
  if (*described) fetched.version = **described;
  reader->reset();
  // Written to while we read it, or no longer what the path names: a later pass.
  auto now = site.Stat(file.path);
  if (!now) return std::unexpected(now.error());
  if (fetched.size != file.entry.size || !SameVersion(fetched.version, file.entry) ||
      !SameVersion(*now, fetched.version)) {
    spdlog::info("[{}] {} changed while being read; taken again later", connector_, file.relative_path);
    return std::optional<Fetched>();
  }
  hashes_[file.relative_path] = KnownHash{.version = fetched.version, .sha256 = fetched.sha256};
  return std::optional<Fetched>(std::move(fetched));
}

Result<FilePickup::Fate> FilePickup::Handle(DropSite& site, store::Store& store, const Candidate& file) {
  std::optional<Fetched> fetched;
  std::string sha256;
  DropEntry version;
  std::optional<AtExit> in_flight;  // clears the file in flight
  auto cached = hashes_.find(file.relative_path);
  if (cached != hashes_.end() && SameVersion(cached->second.version, file.entry)) {
    sha256 = cached->second.sha256;  // e.g. waiting for the core: not read again every pass
    version = cached->second.version;
  } else {
    // Read now: said when it starts, shown as the file in flight until its turn ends.
    LogEvent(spdlog::level::info,
             fmt::format("[{}] {}: started, {} bytes", connector_, file.relative_path, file.entry.size),
             {{"connector", connector_}, {"event", "file_started"}, {"file", file.relative_path},
              {"size", file.entry.size}});
    current_ = admin::FileProgress{.name = file.relative_path,
                                   .size = file.entry.size,
                                   .bytes_read = 0,
                                   .rows_read = 0,
                                   .started_at = FormatRfc3339(clock_.Now())};
    progress_at_ = clock_.Steady();
    ReportProgress(current_);
    in_flight.emplace([this] {
      current_.reset();
      ReportProgress(std::nullopt);
    });
    auto got = Fetch(site, file);
    if (!got) {
      if (got.error().code == ErrorCode::kNotFound) return Fate::kGone;  // vanished meanwhile
      if (got.error().code == ErrorCode::kRejected || got.error().code == ErrorCode::kIo) {
        // This file only (not readable by us, or no longer a regular file): the others
        // still get their turn.
        spdlog::warn("[{}] {}: {}", connector_, file.relative_path, got.error().message);
        return Fate::kStays;
      }
      return std::unexpected(got.error());
    }
    if (!*got) return Fate::kStays;
    fetched = std::move(**got);
    sha256 = fetched->sha256;
    version = fetched->version;
  }
  SpoolCleanup cleanup(fetched ? fetched->readable : fs::path());

  auto found = store.FindFile(connector_, sha256);
  if (!found) return std::unexpected(found.error());
  switch (DecideFileAction(*found)) {
    case FileAction::kApply:
      if (!fetched) {
        // Known by hash only (e.g. released from quarantine since): read the content again.
        hashes_.erase(file.relative_path);
        return Handle(site, store, file);
      }
      return Apply(site, store, file, *fetched);
    case FileAction::kArchiveWhenSafe: return FinishIfSafe(site, store, file, version, **found);
    case FileAction::kArchiveDuplicate:
      spdlog::info("[{}] {}: byte-identical to a file already applied; {} without changes", connector_,
                   file.relative_path,
                   settings_.after_processing == AfterProcessing::kDelete ? "deleted" : "archived");
      Count("tributary_files_total", 1, "duplicate");
      return Finish(site, store, file, version, nullptr);
    case FileAction::kWait: return Fate::kStays;
    case FileAction::kMoveToError:
      return MoveToError(site, store, file, version, (*found)->identity.sha256,
                         (*found)->state == store::FileState::kDiscarded
                             ? "snapshot discarded by an admin from quarantine"
                             : (*found)->error);
  }
  return Fate::kStays;
}

Result<FilePickup::Fate> FilePickup::Apply(DropSite& site, store::Store& store, const Candidate& file,
                                           const Fetched& fetched) {
  std::ifstream input(fetched.readable, std::ios::binary);
  if (!input) return Fail(ErrorCode::kIo, "cannot read spool file " + fetched.readable.string());
  spdlog::info("[{}] {}: applying {} bytes (sha256 {})", connector_, file.relative_path, fetched.size,
               fetched.sha256);
  store::FileIdentity identity{connector_, file.relative_path, fetched.sha256, fetched.size};
  store::ApplyOptions options = file.rule->options;
  options.legal_entity = legal_entity_;
  // Each sub-directory is its own snapshot: what one folder's file lacks is not closed
  // because another folder's file has it.
  if (!file.folder->relative.empty()) {
    options.feed = connector_ + "/" + file.folder->relative + "/" + file.rule->rule.pattern;
  }
  mapping::MappingContext mapping_context =
      FileMappingContext(context_.tenant, connector_, legal_entity_, file.rule->rule, file.relative_path);
  mapping_context.file_sha256 = fetched.sha256;
  mapping_context.source_updated_at =
      FormatRfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(fetched.version.mtime));
  // Groups past the rule's memory budget spill to the spool folder.
  mapping_context.group_spill_dir = settings_.spool_dir.string();
  // Progress every few hundred records, passed on at most every kProgressEvery: the
  // position in the spool copy is asked of the stream only then.
  mapping_context.progress = [&](int64_t rows) {
    const auto now = clock_.Steady();
    if (!current_ || now - progress_at_ < kProgressEvery) return;
    progress_at_ = now;
    current_->rows_read = rows;
    if (const std::streamoff position = input.tellg(); position >= 0) current_->bytes_read = position;
    ReportProgress(current_);
  };
  // A stop lets the file in flight finish; only an abandon rolls it back.
  auto result = IngestFile(store, identity, *file.rule->mapping, options, input, mapping_context, context_.abandon);
  if (!result) {
    if (result.error().code == ErrorCode::kCancelled) {
      spdlog::warn("[{}] {}: abandoned at the end of the stop timeout ({}); rolled back, nothing of it applied, "
                   "taken again at the next start",
                   connector_, file.relative_path, result.error().message);
    }
    return std::unexpected(result.error());
  }
  if (result->unusable) {
    LogEvent(spdlog::level::err,
             fmt::format("[{}] {}: unusable, moved to {}: {}", connector_, file.relative_path, settings_.error_dir,
                         result->error),
             {{"connector", connector_}, {"event", "file_failed"}, {"file", file.relative_path},
              {"rows", result->stats.rows}, {"error", result->error}});
    Count("tributary_files_total", 1, "failed");
    return MoveToError(site, store, file, fetched.version, fetched.sha256, result->error);
  }
  const store::ApplyOutcome& outcome = result->outcome;
  Count("tributary_rows_total", result->stats.rows);
  Count("tributary_rejects_total", outcome.rejects);
  if (outcome.quarantined) {
    LogEvent(spdlog::level::warn,
             fmt::format("[{}] {}: quarantined (id {}): {}", connector_, file.relative_path, outcome.quarantine_id,
                         outcome.quarantine_reason),
             {{"connector", connector_}, {"event", "file_quarantined"}, {"file", file.relative_path},
              {"rows", result->stats.rows}, {"rejects", outcome.rejects}, {"quarantine_id", outcome.quarantine_id},
              {"reason", outcome.quarantine_reason}});
    Count("tributary_files_total", 1, "quarantined");
    return Fate::kStays;
  }
  int64_t changes = outcome.last_seq == 0 ? 0 : outcome.last_seq - outcome.first_seq + 1;
  LogEvent(spdlog::level::info,
           fmt::format("[{}] {}: {} rows, {} created, {} updated, {} unchanged, {} closed, {} rejects", connector_,
                       file.relative_path, result->stats.rows, outcome.created, outcome.updated, outcome.unchanged,
                       outcome.closed, outcome.rejects),
           {{"connector", connector_},
            {"event", "file_applied"},
            {"file", file.relative_path},
            {"size", fetched.size},
            {"rows", result->stats.rows},
            {"created", outcome.created},
            {"updated", outcome.updated},
            {"unchanged", outcome.unchanged},
            {"closed", outcome.closed},
            {"rejects", outcome.rejects},
            {"first_seq", outcome.first_seq},
            {"last_seq", outcome.last_seq}});
  if (outcome.kept > 0) {
    LogEvent(spdlog::level::info,
             fmt::format("[{}] {}: {} rejected record{} kept as stored, not closed", connector_, file.relative_path,
                         outcome.kept, outcome.kept == 1 ? "" : "s"),
             {{"connector", connector_}, {"event", "rejects_kept"}, {"file", file.relative_path},
              {"rejects", outcome.rejects}, {"kept", outcome.kept}});
  }
  if (outcome.closes_withheld > 0) {
    LogEvent(spdlog::level::warn,
             fmt::format("[{}] {}: {}; the next snapshot without such rejects closes normally", connector_,
                         file.relative_path, outcome.withheld_reason),
             {{"connector", connector_}, {"event", "closes_withheld"}, {"file", file.relative_path},
              {"rejects", outcome.rejects}, {"closes_withheld", outcome.closes_withheld}});
    if (context_.metrics != nullptr) {
      for (const store::WithheldCloses& withheld : outcome.withheld) {
        context_.metrics->Add("tributary_snapshot_closes_withheld_total",
                              {{"connector", connector_}, {"entity", withheld.entity}}, withheld.closes);
      }
    }
  }
  Count("tributary_files_total", 1, "applied");
  Count("tributary_changes_total", changes);
  if (context_.metrics != nullptr) {
    context_.metrics->Set("tributary_last_file_applied_timestamp_seconds", {{"connector", connector_}},
                          std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count());
  }
  if (context_.reporter != nullptr) context_.reporter->FileApplied(file.relative_path);
  if (changes > 0 && context_.notify_changes) context_.notify_changes();
  auto applied = store.FindFile(connector_, fetched.sha256);
  if (!applied) return std::unexpected(applied.error());
  if (!*applied) return Fail(ErrorCode::kInternal, "applied file missing from the ledger");
  return FinishIfSafe(site, store, file, fetched.version, **applied);
}

Result<FilePickup::Fate> FilePickup::FinishIfSafe(DropSite& site, store::Store& store, const Candidate& file,
                                                  const DropEntry& version, const store::FileEntry& entry) {
  auto safe = SafeToArchive(store, entry, context_.push_enabled);
  if (!safe) return std::unexpected(safe.error());
  if (!*safe) return Fate::kStays;  // the core has not acknowledged it yet; next pass
  return Finish(site, store, file, version, &entry);
}

Result<FilePickup::Fate> FilePickup::Finish(DropSite& site, store::Store& store, const Candidate& file,
                                            const DropEntry& version, const store::FileEntry* entry) {
  std::string marker = file.path + settings_.done_suffix;
  std::string moved_to;
  if (settings_.after_processing == AfterProcessing::kDelete) {
    if (auto removed = site.RemoveIfUnchanged(file.path, version); !removed) {
      if (removed.error().code != ErrorCode::kNotFound) return Changed(file, removed.error(), "deleted");
    }
    if (file.has_done) {
      if (auto removed = site.Remove(marker); !removed && removed.error().code != ErrorCode::kNotFound) {
        spdlog::error("[{}] {}", connector_, removed.error().message);
      }
    }
    Count("tributary_files_total", 1, "deleted");
  } else {
    std::string folder = JoinPath(settings_.archive_dir, file.folder->relative);
    if (auto made = EnsureFolder(site, settings_.archive_dir, file.folder->relative); !made) {
      return SiteTrouble(made.error());
    }
    auto moved = MoveInto(site, file.path, folder, file.entry.name, &version);
    if (!moved) return Changed(file, moved.error(), "archived");
    moved_to = *moved;
    if (file.has_done) {
      if (auto moved = MoveInto(site, marker, folder, file.entry.name + settings_.done_suffix); !moved) {
        spdlog::error("[{}] {}", connector_, moved.error().message);
      }
    }
    Count("tributary_files_total", 1, "archived");
  }
  Forget(file.relative_path);
  // A duplicate's ledger entry is the first file's: it keeps its own place.
  // Where it went first: a reader that sees it archived sees where.
  if (entry != nullptr) {
    if (!moved_to.empty()) {
      if (auto noted = store.SetFileMovedTo(connector_, entry->identity.sha256, moved_to); !noted) {
        return std::unexpected(noted.error());
      }
    }
    if (auto marked = store.SetFileState(entry->id, store::FileState::kArchived); !marked) {
      return std::unexpected(marked.error());
    }
  }
  return Fate::kGone;
}

Result<FilePickup::Fate> FilePickup::MoveToError(DropSite& site, store::Store& store, const Candidate& file,
                                                 const DropEntry& version, const std::string& sha256,
                                                 const std::string& reason) {
  std::string folder = JoinPath(settings_.error_dir, file.folder->relative);
  if (auto made = EnsureFolder(site, settings_.error_dir, file.folder->relative); !made) {
    return SiteTrouble(made.error());
  }
  auto moved = MoveInto(site, file.path, folder, file.entry.name, &version);
  if (!moved) return Changed(file, moved.error(), "moved to the error folder");
  Forget(file.relative_path);
  if (context_.reporter != nullptr) context_.reporter->FileFailed(file.relative_path, reason);
  // The file is where it belongs whatever the ledger says: a failure to note it is logged.
  if (auto noted = store.SetFileMovedTo(connector_, sha256, *moved); !noted) {
    spdlog::error("[{}] {}: moved to {}, not recorded in the ledger: {}", connector_, file.relative_path, *moved,
                  noted.error().message);
  }
  if (file.has_done) {
    std::string marker = file.path + settings_.done_suffix;
    if (auto moved_marker = MoveInto(site, marker, folder, file.entry.name + settings_.done_suffix);
        !moved_marker) {
      spdlog::error("[{}] {}", connector_, moved_marker.error().message);
    }
  }
  if (auto written = site.WriteFile(*moved + ".reason", reason + "\n"); !written) {
    spdlog::error("[{}] {}", connector_, written.error().message);
  }
  return Fate::kGone;
}

}  // namespace tributary::connectors
