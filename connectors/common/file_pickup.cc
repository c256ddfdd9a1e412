#include "connectors/common/file_pickup.h"

#include <algorithm>
#include <fstream>

#include <spdlog/spdlog.h>

#include "connectors/common/content_hash.h"
#include "gateway/common/time_format.h"
#include "gateway/config/values.h"

namespace tributary::connectors {
namespace fs = std::filesystem;

namespace {

constexpr size_t kFetchChunk = 256 * 1024;

// A path compared as text: lexically normal, no trailing '/'.
std::string PathKey(const std::string& path) {
  std::string key = fs::path(path).lexically_normal().generic_string();
  while (key.size() > 1 && key.ends_with('/')) key.pop_back();
  return key;
}

bool SessionLost(const Error& error) {
  return error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kTimeout ||
         error.code == ErrorCode::kCancelled;
}

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

}  // namespace

// One listed folder: its safe regular files by name.
struct FilePickup::Folder {
  std::string path;      // site path
  std::string relative;  // below the drop folder: "" or "a/b"
  std::map<std::string, DropEntry> files;
};

struct FilePickup::Batch {
  std::string folder_path;
  std::string folder_relative;
  std::string trigger;
  DropEntry entry;     // the trigger as listed
  int remaining = 0;   // files of the batch still in the folder after this pass
};

struct FilePickup::Candidate {
  const Folder* folder = nullptr;
  DropEntry entry;
  std::string path;           // site path
  std::string relative_path;  // ledger name: path below the drop folder
  const FileRuleRuntime* rule = nullptr;
  bool has_done = false;
  std::optional<size_t> batch;  // index into the pass's batches
};

struct FilePickup::Fetched {
  std::string sha256;
  fs::path readable;  // the local file to map: the file itself, or its spool copy
  bool spooled = false;
};

FilePickup::FilePickup(std::string connector, std::string legal_entity, PickupSettings settings,
                       ConnectorContext context, std::vector<FileRuleRuntime> rules, PickupClock clock)
    : connector_(std::move(connector)),
      legal_entity_(std::move(legal_entity)),
      settings_(std::move(settings)),
      context_(std::move(context)),
      rules_(std::move(rules)),
      clock_(std::move(clock)) {
  for (const FileRuleRuntime& rule : rules_) {
    if (!rule.rule.trigger_file.empty()) trigger_names_.insert(rule.rule.trigger_file);
  }
  if (settings_.after_processing == AfterProcessing::kArchive) archive_key_ = PathKey(settings_.archive_dir);
  error_key_ = PathKey(settings_.error_dir);
}

Status FilePickup::RunPass(DropSite& site, store::Store& store, std::stop_token stop) {
  std::vector<Folder> folders;
  if (auto walked = Walk(site, settings_.drop_dir, "", 0, folders); !walked) return walked;

  std::set<std::string> present;
  for (const Folder& folder : folders) {
    for (const auto& [name, entry] : folder.files) present.insert(JoinPath(folder.relative, name));
  }
  std::erase_if(seen_, [&](const auto& item) { return !present.contains(item.first); });
  std::erase_if(hashes_, [&](const auto& item) { return !present.contains(item.first); });

  std::vector<Candidate> candidates;
  std::vector<Batch> batches;
  Select(site, folders, candidates, batches);
  // Oldest first, so snapshots apply in the order they were written.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.entry.mtime != b.entry.mtime ? a.entry.mtime < b.entry.mtime : a.relative_path < b.relative_path;
  });
  for (const Candidate& candidate : candidates) {
    if (stop.stop_requested()) return Ok();  // triggers wait for a complete pass
    auto fate = Handle(site, store, candidate, stop);
    if (!fate) return std::unexpected(fate.error());
    if (*fate == Fate::kStays && candidate.batch) ++batches[*candidate.batch].remaining;
  }
  for (const Batch& batch : batches) {
    if (batch.remaining > 0 || stop.stop_requested()) continue;
    if (auto consumed = ConsumeTrigger(site, batch); !consumed) return consumed;
  }
  return Ok();
}

Status FilePickup::Walk(DropSite& site, const std::string& path, const std::string& relative, int depth,
                        std::vector<Folder>& folders) {
  auto entries = site.List(path);
  if (!entries) {
    // The drop folder itself, or the connection: the pass cannot run. A sub-directory we
    // may not read: the rest goes on.
    if (depth == 0 || SessionLost(entries.error())) return std::unexpected(entries.error());
    if (unlistable_.insert(path).second) {
      spdlog::warn("[{}] skipping sub-directory {} until it can be listed: {}", connector_, path,
                   entries.error().message);
    }
    return Ok();
  }
  unlistable_.erase(path);
  Folder folder{.path = path, .relative = relative, .files = {}};
  std::vector<std::string> subdirectories;
  std::set<std::string> warned_here;
  for (DropEntry& entry : *entries) {
    if (!IsSafeEntryName(entry.name)) {
      std::string key = path + '\0' + entry.name;
      warned_here.insert(key);
      if (warned_.insert(key).second) {
        spdlog::warn("[{}] refusing the name {} listed in {}: not a single path component", connector_,
                     config::QuoteForMessage(entry.name), path);
      }
      continue;
    }
    if (entry.kind == DropEntryKind::kFile) {
      std::string name = entry.name;
      folder.files.emplace(std::move(name), std::move(entry));
    } else if (entry.kind == DropEntryKind::kDirectory && settings_.recursion.recursive &&
               depth < settings_.recursion.max_depth && !entry.name.starts_with('.') &&
               !IsMoveTarget(JoinPath(path, entry.name))) {
      subdirectories.push_back(entry.name);
    }
  }
  // Forget warnings about names that are gone, so a name that comes back is reported again.
  std::erase_if(warned_, [&](const std::string& key) {
    return key.starts_with(path + '\0') && !warned_here.contains(key);
  });
  folders.push_back(std::move(folder));
  std::sort(subdirectories.begin(), subdirectories.end());
  for (const std::string& name : subdirectories) {
    if (auto walked = Walk(site, JoinPath(path, name), JoinPath(relative, name), depth + 1, folders); !walked) {
      return walked;
    }
  }
  return Ok();
}

bool FilePickup::IsMoveTarget(const std::string& path) const {
  std::string key = PathKey(path);
  return key == error_key_ || (!archive_key_.empty() && key == archive_key_);
}

void FilePickup::Select(DropSite& site, const std::vector<Folder>& folders, std::vector<Candidate>& candidates,
                        std::vector<Batch>& batches) {
  for (const Folder& folder : folders) {
    std::map<std::string, size_t> batch_of_trigger;
    for (const std::string& trigger : trigger_names_) {
      auto found = folder.files.find(trigger);
      if (found == folder.files.end()) continue;
      batch_of_trigger[trigger] = batches.size();
      batches.push_back(Batch{.folder_path = folder.path,
                              .folder_relative = folder.relative,
                              .trigger = trigger,
                              .entry = found->second,
                              .remaining = 0});
    }
    for (const auto& [name, entry] : folder.files) {
      if (name.starts_with('.') || name.ends_with(settings_.done_suffix) || name.ends_with(".reason") ||
          trigger_names_.contains(name)) {
        continue;
      }
      const FileRuleRuntime* rule = MatchRule(rules_, name);
      if (rule == nullptr) continue;
      Candidate candidate{.folder = &folder,
                          .entry = entry,
                          .path = JoinPath(folder.path, name),
                          .relative_path = JoinPath(folder.relative, name),
                          .rule = rule,
                          .has_done = folder.files.contains(name + settings_.done_suffix),
                          .batch = std::nullopt};
      if (!rule->rule.trigger_file.empty()) {
        auto batch = batch_of_trigger.find(rule->rule.trigger_file);
        if (batch == batch_of_trigger.end()) continue;  // no trigger: not complete yet
        // Written after the trigger: part of the next batch.
        if (entry.mtime > batches[batch->second].entry.mtime) continue;
        candidate.batch = batch->second;
      } else if (!candidate.has_done && !Stable(site, candidate.relative_path, entry)) {
        continue;
      }
      candidates.push_back(std::move(candidate));
    }
  }
}

bool FilePickup::Stable(const DropSite& site, const std::string& relative_path, const DropEntry& entry) {
  auto now = clock_.steady();
  auto [seen, inserted] = seen_.try_emplace(relative_path, Seen{entry.size, entry.mtime, now});
  if (!inserted && (seen->second.size != entry.size || seen->second.mtime != entry.mtime)) {
    seen->second = Seen{entry.size, entry.mtime, now};
    return false;
  }
  bool old_enough = clock_.wall() - entry.mtime >= settings_.stable_for;
  if (site.SharesLocalClock()) return old_enough;
  return !inserted && now - seen->second.since >= settings_.stable_for && old_enough;
}

Result<FilePickup::Fate> FilePickup::SiteTrouble(const Error& error) {
  if (SessionLost(error)) return std::unexpected(error);
  spdlog::error("[{}] {}; retried next pass", connector_, error.message);
  return Fate::kStays;
}

Result<std::optional<FilePickup::Fetched>> FilePickup::Fetch(DropSite& site, const Candidate& file,
                                                             std::stop_token stop) {
  // A partial or stale spool copy is never kept: nothing is applied from it, and the file
  // is fetched again next pass.
  auto fetched = FetchContent(site, file, stop);
  if (!fetched || !*fetched) {
    std::error_code ignored;
    if (!site.LocalPath(file.path)) fs::remove(settings_.spool_dir / file.entry.name, ignored);
  }
  return fetched;
}

Result<std::optional<FilePickup::Fetched>> FilePickup::FetchContent(DropSite& site, const Candidate& file,
                                                                    std::stop_token stop) {
  Fetched fetched;
  int64_t bytes = 0;
  if (std::optional<fs::path> local = site.LocalPath(file.path)) {
    auto sha256 = HashLocalFile(*local);
    if (!sha256) return std::unexpected(sha256.error());
    fetched.sha256 = *sha256;
    fetched.readable = *local;
    bytes = file.entry.size;
  } else {
    fetched.readable = settings_.spool_dir / file.entry.name;
    fetched.spooled = true;
    auto reader = site.OpenRead(file.path);
    if (!reader) return std::unexpected(reader.error());
    std::ofstream spool(fetched.readable, std::ios::binary | std::ios::trunc);
    if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
    ContentHasher hasher;
    std::vector<char> chunk(kFetchChunk);
    while (true) {
      if (stop.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped while downloading " + file.path);
      auto read = (*reader)->Read(chunk);
      if (!read) return std::unexpected(read.error());
      if (*read == 0) break;
      hasher.Update(std::span<const char>(chunk.data(), *read));
      spool.write(chunk.data(), static_cast<std::streamsize>(*read));
      if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
      bytes += static_cast<int64_t>(*read);
    }
    spool.close();
    if (!spool) return Fail(ErrorCode::kIo, "cannot write spool file " + fetched.readable.string());
    fetched.sha256 = hasher.HexDigest();
  }
  // Written to while we read it: leave it for a later pass.
  auto now = site.Stat(file.path);
  if (!now) return std::unexpected(now.error());
  if (now->size != file.entry.size || now->mtime != file.entry.mtime || bytes != file.entry.size) {
    spdlog::info("[{}] {} changed while being read; taken again later", connector_, file.relative_path);
    return std::optional<Fetched>();
  }
  hashes_[file.relative_path] = {file.entry.size, file.entry.mtime, fetched.sha256};
  return std::optional<Fetched>(std::move(fetched));
}

Result<FilePickup::Fate> FilePickup::Handle(DropSite& site, store::Store& store, const Candidate& file,
                                            std::stop_token stop) {
  std::optional<Fetched> fetched;
  std::string sha256;
  auto cached = hashes_.find(file.relative_path);
  if (cached != hashes_.end() && cached->second.size == file.entry.size &&
      cached->second.mtime == file.entry.mtime) {
    sha256 = cached->second.sha256;  // e.g. waiting for the core: not read again every pass
  } else {
    auto got = Fetch(site, file, stop);
    if (!got) {
      if (got.error().code == ErrorCode::kNotFound) return Fate::kGone;  // vanished meanwhile
      if (got.error().code == ErrorCode::kRejected || got.error().code == ErrorCode::kIo) {
        // This file only (not readable by us): the others still get their turn.
        spdlog::warn("[{}] {}: {}", connector_, file.relative_path, got.error().message);
        return Fate::kStays;
      }
      return std::unexpected(got.error());
    }
    if (!*got) return Fate::kStays;
    fetched = std::move(**got);
    sha256 = fetched->sha256;
  }
  SpoolCleanup cleanup(fetched && fetched->spooled ? fetched->readable : fs::path());

  auto found = store.FindFile(connector_, sha256);
  if (!found) return std::unexpected(found.error());
  switch (DecideFileAction(*found)) {
    case FileAction::kApply:
      if (!fetched) {
        // Known by hash only (e.g. released from quarantine since): read the content again.
        hashes_.erase(file.relative_path);
        return Handle(site, store, file, stop);
      }
      return Apply(site, store, file, *fetched, stop);
    case FileAction::kArchiveWhenSafe: return FinishIfSafe(site, store, file, **found);
    case FileAction::kArchiveDuplicate:
      spdlog::info("[{}] {}: byte-identical to a file already applied; {} without changes", connector_,
                   file.relative_path,
                   settings_.after_processing == AfterProcessing::kDelete ? "deleted" : "archived");
      Count("tributary_files_total", 1, "duplicate");
      return Finish(site, store, file, std::nullopt);
    case FileAction::kWait: return Fate::kStays;
    case FileAction::kMoveToError:
      return MoveToError(site, file, (*found)->state == store::FileState::kDiscarded
                                         ? "snapshot discarded by an admin from quarantine"
                                         : (*found)->error);
  }
  return Fate::kStays;
}

Result<FilePickup::Fate> FilePickup::Apply(DropSite& site, store::Store& store, const Candidate& file,
                                           const Fetched& fetched, std::stop_token stop) {
  std::ifstream input(fetched.readable, std::ios::binary);
  if (!input) {
    if (!fetched.spooled) return Fate::kStays;  // vanished between hashing and opening
    return Fail(ErrorCode::kIo, "cannot read spool file " + fetched.readable.string());
  }
  store::FileIdentity identity{connector_, file.relative_path, fetched.sha256, file.entry.size};
  store::ApplyOptions options = file.rule->options;
  // Each sub-directory is its own snapshot: what one folder's file lacks is not closed
  // because another folder's file has it.
  if (!file.folder->relative.empty()) {
    options.feed = connector_ + "/" + file.folder->relative + "/" + file.rule->rule.pattern;
  }
  mapping::MappingContext mapping_context{
      .tenant = context_.tenant,
      .source = connector_,
      .legal_entity = legal_entity_,
      .file_name = file.relative_path,
      .file_sha256 = fetched.sha256,
      .source_updated_at =
          FormatRfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(file.entry.mtime))};
  // The rule's `parameters:` override the mapping's defaults.
  mapping_context.parameters = file.rule->rule.ParameterValues();
  // Groups past the rule's memory budget spill to the spool folder.
  mapping_context.group_spill_dir = settings_.spool_dir.string();
  mapping_context.group_memory_bytes = static_cast<size_t>(file.rule->rule.group_memory_mib) << 20;
  auto result = IngestFile(store, identity, *file.rule->mapping, options, input, mapping_context, stop);
  if (!result) return std::unexpected(result.error());
  if (result->unusable) {
    spdlog::error("[{}] {}: unusable, moved to {}: {}", connector_, file.relative_path, settings_.error_dir,
                  result->error);
    Count("tributary_files_total", 1, "failed");
    return MoveToError(site, file, result->error);
  }
  const store::ApplyOutcome& outcome = result->outcome;
  Count("tributary_rows_total", result->stats.rows);
  Count("tributary_rejects_total", outcome.rejects);
  if (outcome.quarantined) {
    spdlog::warn("[{}] {}: quarantined (id {}): {}", connector_, file.relative_path, outcome.quarantine_id,
                 outcome.quarantine_reason);
    Count("tributary_files_total", 1, "quarantined");
    return Fate::kStays;
  }
  int64_t changes = outcome.last_seq == 0 ? 0 : outcome.last_seq - outcome.first_seq + 1;
  spdlog::info("[{}] {}: {} rows, {} created, {} updated, {} unchanged, {} closed, {} rejects", connector_,
               file.relative_path, result->stats.rows, outcome.created, outcome.updated, outcome.unchanged,
               outcome.closed, outcome.rejects);
  if (outcome.kept > 0) {
    spdlog::info("[{}] {}: {} rejected record{} kept as stored, not closed", connector_, file.relative_path,
                 outcome.kept, outcome.kept == 1 ? "" : "s");
  }
  if (outcome.closes_withheld > 0) {
    spdlog::warn("[{}] {}: {}; the next snapshot without such rejects closes normally", connector_,
                 file.relative_path, outcome.withheld_reason);
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
  if (changes > 0 && context_.notify_changes) context_.notify_changes();
  auto applied = store.FindFile(connector_, fetched.sha256);
  if (!applied) return std::unexpected(applied.error());
  if (!*applied) return Fail(ErrorCode::kInternal, "applied file missing from the ledger");
  return FinishIfSafe(site, store, file, **applied);
}

Result<FilePickup::Fate> FilePickup::FinishIfSafe(DropSite& site, store::Store& store, const Candidate& file,
                                                  const store::FileEntry& entry) {
  auto safe = SafeToArchive(store, entry, context_.push_enabled);
  if (!safe) return std::unexpected(safe.error());
  if (!*safe) return Fate::kStays;  // the core has not acknowledged it yet; next pass
  return Finish(site, store, file, entry.id);
}

Result<FilePickup::Fate> FilePickup::Finish(DropSite& site, store::Store& store, const Candidate& file,
                                            std::optional<int64_t> file_id) {
  std::string marker = file.path + settings_.done_suffix;
  if (settings_.after_processing == AfterProcessing::kDelete) {
    if (auto removed = site.Remove(file.path); !removed) {
      if (removed.error().code != ErrorCode::kNotFound) return SiteTrouble(removed.error());
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
    if (auto moved = MoveInto(site, file.path, folder, file.entry.name); !moved) return SiteTrouble(moved.error());
    if (file.has_done) {
      if (auto moved = MoveInto(site, marker, folder, file.entry.name + settings_.done_suffix); !moved) {
        spdlog::error("[{}] {}", connector_, moved.error().message);
      }
    }
    Count("tributary_files_total", 1, "archived");
  }
  Forget(file.relative_path);
  if (file_id) {
    if (auto marked = store.SetFileState(*file_id, store::FileState::kArchived); !marked) {
      return std::unexpected(marked.error());
    }
  }
  return Fate::kGone;
}

Result<FilePickup::Fate> FilePickup::MoveToError(DropSite& site, const Candidate& file, const std::string& reason) {
  std::string folder = JoinPath(settings_.error_dir, file.folder->relative);
  if (auto made = EnsureFolder(site, settings_.error_dir, file.folder->relative); !made) {
    return SiteTrouble(made.error());
  }
  auto moved = MoveInto(site, file.path, folder, file.entry.name);
  if (!moved) return SiteTrouble(moved.error());
  Forget(file.relative_path);
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

Status FilePickup::ConsumeTrigger(DropSite& site, const Batch& batch) {
  std::string path = JoinPath(batch.folder_path, batch.trigger);
  auto now = site.Stat(path);
  if (!now) {
    if (now.error().code == ErrorCode::kNotFound) return Ok();
    if (SessionLost(now.error())) return std::unexpected(now.error());
    spdlog::error("[{}] {}; retried next pass", connector_, now.error().message);
    return Ok();
  }
  // Rewritten during the pass: it announces files this pass did not take.
  if (now->mtime != batch.entry.mtime || now->size != batch.entry.size) return Ok();
  std::string relative = JoinPath(batch.folder_relative, batch.trigger);
  Status done = Ok();
  if (settings_.after_processing == AfterProcessing::kDelete) {
    done = site.Remove(path);
  } else {
    done = EnsureFolder(site, settings_.archive_dir, batch.folder_relative);
    if (done) {
      auto moved = MoveInto(site, path, JoinPath(settings_.archive_dir, batch.folder_relative), batch.trigger);
      if (!moved) done = std::unexpected(moved.error());
    }
  }
  if (!done) {
    if (SessionLost(done.error())) return done;
    spdlog::error("[{}] {}; retried next pass", connector_, done.error().message);
    return Ok();
  }
  spdlog::info("[{}] {}: its batch is processed; trigger {}", connector_, relative,
               settings_.after_processing == AfterProcessing::kDelete ? "deleted" : "archived");
  return Ok();
}

void FilePickup::Forget(const std::string& relative_path) {
  // A re-upload under the same name may have the same size and (1 s) mtime: never reuse
  // what was known about the file that left.
  hashes_.erase(relative_path);
  seen_.erase(relative_path);
}

void FilePickup::Count(const std::string& metric, int64_t delta, const std::string& outcome) {
  if (context_.metrics == nullptr) return;
  Labels labels{{"connector", connector_}};
  if (!outcome.empty()) labels.emplace_back("outcome", outcome);
  context_.metrics->Add(metric, labels, delta);
}

}  // namespace tributary::connectors
