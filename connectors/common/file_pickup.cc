#include "connectors/common/file_pickup.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "gateway/common/log_event.h"
#include "gateway/common/time_format.h"
#include "gateway/config/values.h"

namespace tributary::connectors {
namespace fs = std::filesystem;

namespace {

// A path compared as text: lexically normal, no trailing '/'.
std::string PathKey(const std::string& path) {
  std::string key = fs::path(path).lexically_normal().generic_string();
  while (key.size() > 1 && key.ends_with('/')) key.pop_back();
  return key;
}

}  // namespace

FilePickup::FilePickup(std::string connector, std::string legal_entity, PickupSettings settings,
                       ConnectorContext context, std::vector<FileRuleRuntime> rules)
    : connector_(std::move(connector)),
      legal_entity_(std::move(legal_entity)),
      settings_(std::move(settings)),
      context_(std::move(context)),
      rules_(std::move(rules)),
      clock_(context_.clock()) {
  for (const FileRuleRuntime& rule : rules_) {
    if (!rule.rule.trigger_file.empty()) trigger_names_.insert(rule.rule.trigger_file);
  }
  if (settings_.after_processing == AfterProcessing::kArchive) archive_key_ = PathKey(settings_.archive_dir);
  error_key_ = PathKey(settings_.error_dir);
  if (settings_.spool_dir.empty()) settings_.spool_dir = fs::temp_directory_path();
  ReportProgress(std::nullopt);  // the gauges exist from the start
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
  std::erase_if(untrusted_markers_, [&](const std::string& item) { return !present.contains(item); });

  std::vector<Candidate> candidates;
  std::vector<Batch> batches;
  std::map<std::string, DropEntry> unmatched;
  Select(site, folders, candidates, batches, unmatched);
  ReportUnmatched(unmatched);
  // Oldest first, so snapshots apply in the order they were written.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.entry.mtime != b.entry.mtime ? a.entry.mtime < b.entry.mtime : a.relative_path < b.relative_path;
  });
  for (const Candidate& candidate : candidates) {
    if (stop.stop_requested()) return Ok();  // triggers wait for a complete pass
    auto fate = Handle(site, store, candidate);
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
  Folder folder{.path = path, .relative = relative, .files = {}, .others = {}};
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
      continue;
    }
    folder.others.insert(entry.name);
    // Hidden entries and our own archive and error folders are not the ERP's: no word.
    if (entry.name.starts_with('.') || IsMoveTarget(JoinPath(path, entry.name))) continue;
    if (entry.kind != DropEntryKind::kDirectory) {
      Skip(path, entry, entry.kind == DropEntryKind::kSymlink ? "links are never followed" : "only regular files are read",
           warned_here);
    } else if (!settings_.recursion.recursive) {
      Skip(path, entry, "recursive is off", warned_here);
    } else if (depth >= settings_.recursion.max_depth) {
      Skip(path, entry, "deeper than max_depth " + std::to_string(settings_.recursion.max_depth), warned_here);
    } else {
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

void FilePickup::Skip(const std::string& path, const DropEntry& entry, const std::string& reason,
                      std::set<std::string>& skipped_here) {
  std::string key = path + '\0' + entry.name + '\0' + DropEntryKindName(entry.kind) + '\0' + reason;
  skipped_here.insert(key);
  if (warned_.insert(key).second) {
    spdlog::warn("[{}] skipping {}: a {} ({})", connector_, JoinPath(path, entry.name), DropEntryKindName(entry.kind),
                 reason);
  }
}

bool FilePickup::IsMoveTarget(const std::string& path) const {
  std::string key = PathKey(path);
  return key == error_key_ || (!archive_key_.empty() && key == archive_key_);
}

void FilePickup::Select(DropSite& site, const std::vector<Folder>& folders, std::vector<Candidate>& candidates,
                        std::vector<Batch>& batches, std::map<std::string, DropEntry>& unmatched) {
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
      if (name.ends_with(settings_.done_suffix) && !name.starts_with('.')) {
        RemoveOrphanMarker(site, folder, name);
        continue;
      }
      if (name.starts_with('.') || name.ends_with(".reason") || trigger_names_.contains(name)) continue;
      const FileRuleRuntime* rule = MatchRule(rules_, name);
      if (rule == nullptr) {
        unmatched.emplace(JoinPath(folder.relative, name), entry);
        continue;
      }
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
      } else if (!(candidate.has_done && TrustMarker(folder, name, entry)) &&
                 !Stable(site, candidate.relative_path, entry)) {
        continue;
      }
      candidates.push_back(std::move(candidate));
    }
  }
}

void FilePickup::ReportUnmatched(const std::map<std::string, DropEntry>& unmatched) {
  bool changed = !unmatched_reported_;
  changed |= std::erase_if(unmatched_, [&](const auto& item) { return !unmatched.contains(item.first); }) > 0;
  for (const auto& [relative_path, entry] : unmatched) {
    if (unmatched_.contains(relative_path)) continue;
    changed = true;
    unmatched_.emplace(relative_path, admin::UnmatchedFile{.name = relative_path,
                                                          .size = entry.size,
                                                          .seen_at = FormatRfc3339(clock_.Now())});
    std::string patterns;
    for (const FileRuleRuntime& rule : rules_) patterns += (patterns.empty() ? "" : ", ") + rule.rule.pattern;
    LogEvent(spdlog::level::warn,
             fmt::format("[{}] {}: matches no pattern of the connector ({}); left in place, never read", connector_,
                         relative_path, patterns),
             {{"connector", connector_}, {"event", "file_unmatched"}, {"file", relative_path}, {"size", entry.size},
              {"patterns", patterns}});
  }
  if (!changed) return;
  unmatched_reported_ = true;
  if (context_.metrics != nullptr) {
    context_.metrics->Set("tributary_unmatched_files", {{"connector", connector_}},
                          static_cast<int64_t>(unmatched_.size()));
  }
  if (context_.reporter != nullptr) {
    std::vector<admin::UnmatchedFile> files;
    for (const auto& [relative_path, file] : unmatched_) files.push_back(file);
    context_.reporter->SetUnmatchedFiles(std::move(files));
  }
}

void FilePickup::ReportProgress(const std::optional<admin::FileProgress>& progress) {
  if (context_.metrics != nullptr) {
    Labels labels{{"connector", connector_}};
    context_.metrics->Set("tributary_file_rows_read", labels, progress ? progress->rows_read : 0);
    context_.metrics->Set("tributary_file_bytes_read", labels, progress ? progress->bytes_read : 0);
  }
  if (context_.reporter != nullptr) context_.reporter->SetCurrentFile(progress);
}

bool FilePickup::TrustMarker(const Folder& folder, const std::string& name, const DropEntry& entry) {
  const DropEntry& marker = folder.files.at(name + settings_.done_suffix);
  std::string relative_path = JoinPath(folder.relative, name);
  if (marker.mtime >= entry.mtime) {
    untrusted_markers_.erase(relative_path);
    return true;
  }
  // Modified after its marker: the marker was written before the file was complete.
  if (untrusted_markers_.insert(relative_path).second) {
    spdlog::warn("[{}] {}: modified after its done marker {}; the marker is not trusted, the file is taken once "
                 "stable",
                 connector_, JoinPath(folder.relative, name), name + settings_.done_suffix);
  }
  return false;
}

void FilePickup::RemoveOrphanMarker(DropSite& site, const Folder& folder, const std::string& marker) {
  std::string data = marker.substr(0, marker.size() - settings_.done_suffix.size());
  if (data.empty() || data.starts_with('.') || folder.files.contains(data) || folder.others.contains(data) ||
      trigger_names_.contains(data) || MatchRule(rules_, data) == nullptr) {
    return;
  }
  // Left behind, it would announce the next file of that name as complete at once.
  std::string path = JoinPath(folder.path, marker);
  if (auto removed = site.Remove(path); !removed && removed.error().code != ErrorCode::kNotFound) {
    spdlog::error("[{}] cannot remove the done marker {} whose file is gone: {}", connector_, path,
                  removed.error().message);
    return;
  }
  spdlog::warn("[{}] removed the done marker {}: its file {} is gone", connector_, JoinPath(folder.relative, marker),
               JoinPath(folder.relative, data));
}

bool FilePickup::Stable(const DropSite& site, const std::string& relative_path, const DropEntry& entry) {
  auto now = clock_.Steady();
  auto [seen, inserted] = seen_.try_emplace(relative_path, Seen{entry.size, entry.mtime, now});
  if (!inserted && (seen->second.size != entry.size || seen->second.mtime != entry.mtime)) {
    seen->second = Seen{entry.size, entry.mtime, now};
    return false;
  }
  bool old_enough = clock_.Now() - entry.mtime >= settings_.stable_for;
  if (site.SharesLocalClock()) return old_enough;
  return !inserted && now - seen->second.since >= settings_.stable_for && old_enough;
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
