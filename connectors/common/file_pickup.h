// The file-picking loop every file-based connector shares, whatever the transport (a
// DropSite: local folder, SFTP server): which files are complete, fetching and hashing
// them, the ledger decision, applying them, and what becomes of them afterwards.
//
// One pass:
//  1. Lists the drop folder (and, with recursion, its sub-directories down to max_depth,
//     skipping hidden ones and the archive and error folders). Listed names that are not
//     one safe path component (IsSafeEntryName) are refused with a warning. Symbolic
//     links, FIFOs, devices and sockets are never taken, nor folders that are not walked
//     (recursion off, too deep): each is logged once, with the reason, while it stays.
//  2. Picks the complete files matching a rule (first matching pattern, on the base name):
//     - a rule with `trigger_file`: while the trigger exists in the file's folder, the
//       files last modified no later than the trigger (the batch); never otherwise;
//     - other rules: a file whose done marker (`NAME<done_suffix>`) exists and is not
//       older than the file (a file modified after its marker was not complete when the
//       marker was written: the marker is not trusted, logged once), or which is
//       stable (mtime at least stable_for old and, unless the site shares our clock, seen
//       twice stable_for apart with the same size and mtime).
//     Hidden files, done markers, `*.reason` files and trigger names are never data. A
//     done marker whose file is gone (and whose name a rule matches) is removed, logged.
//  3. Oldest first (mtime, then path): copies the file into the spool folder from one
//     open descriptor while hashing it (local files too). Hash, mapping and ledger entry
//     (size, sha256) are all that copy. A file whose size, mtime or inode changed while
//     it was copied is left for the next pass. Then the ledger decides (file_ingest.h):
//     apply, archive or delete once safe, duplicate, wait, error folder.
//  4. A file is archived, deleted or moved to the error folder only while it is still
//     the version that was read (DropSite::RenameIfUnchanged: inode, size, mtime locally;
//     size and mtime over SFTP). A file that changed is left in place, forgotten, and
//     read again on a later pass as new content (its new bytes get their own ledger
//     entry; the entry of what was applied stays `applied`).
//  5. A trigger whose batch left the folder entirely (processed and archived, deleted or
//     moved to the error folder) is archived or deleted in turn.
//
// What the pass tells (ConnectorContext::reporter and metrics, both optional):
//  - a file matching no rule (data by the rules above: not hidden, not a done marker,
//    trigger or `*.reason`) is an unmatched file: logged once (warn) while it stays, listed
//    to the reporter (SetUnmatchedFiles) and counted in the gauge
//    `tributary_unmatched_files{connector}` (files now unmatched);
//  - the file being read: logged when it starts (name, size), reported with its progress
//    (SetCurrentFile: rows and bytes of the mapping so far, at most every kProgressEvery,
//    checked every mapping::kProgressRows records) and in the gauges
//    `tributary_file_rows_read{connector}` and `tributary_file_bytes_read{connector}` (0
//    between files); cleared when the file's turn ends, however;
//  - a file moved to the error folder is reported (FileFailed), an applied file too
//    (FileApplied).
//
// Stopping: `stop` (RunPass) means "start no other file"; the file in flight is finished
// (downloaded, applied, archived) unless ConnectorContext::abandon is requested too, in
// which case its download or mapping stops and its transaction rolls back.
//
// Files in sub-directories keep their relative path: in the ledger, in archive_dir and
// error_dir (created as needed), and in the snapshot scope (each folder is its own feed).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/common/drop_site.h"
#include "connectors/common/file_ingest.h"
#include "connectors/common/file_pickup_config.h"
#include "connectors/kit/connector.h"
#include "gateway/store/store.h"

namespace tributary::connectors {

// Where and how a connector picks files. Paths are site paths.
struct PickupSettings {
  std::string drop_dir;
  std::string archive_dir;  // unused with AfterProcessing::kDelete
  std::string error_dir;
  std::chrono::milliseconds stable_for{2000};
  std::string done_suffix = ".done";
  AfterProcessing after_processing = AfterProcessing::kArchive;
  Recursion recursion;
  // Local folder every file is copied into before it is hashed and mapped (one at a time),
  // and where the mapping's groups spill past their memory budget ("" : $TMPDIR).
  std::filesystem::path spool_dir;
};

// The picking state of one connector (what it saw in earlier passes). Used on the
// connector's thread only.
class FilePickup {
 public:
  // `connector`: its name (ledger, logs, metrics) and legal entity; `rules` from
  // PrepareFileRules. context.metrics may be null. The completeness rule reads the
  // context's clock.
  FilePickup(std::string connector, std::string legal_entity, PickupSettings settings, ConnectorContext context,
             std::vector<FileRuleRuntime> rules);

  // One pass over `site` (see the top of this file). Idempotent and resumable: after a
  // failure or crash at any point, the next pass finishes the work without applying a
  // file twice. Per-file problems are logged and retried next pass; an error means the
  // pass stopped (drop folder not listable, connection lost, store failure).
  Status RunPass(DropSite& site, store::Store& store, std::stop_token stop);

  [[nodiscard]] const PickupSettings& settings() const { return settings_; }

  // How often the progress of the file being mapped is passed on, at most.
  static constexpr std::chrono::milliseconds kProgressEvery{250};

 private:
  // One listed folder: its safe regular files by name, and its other entries.
  struct Folder {
    std::string path;      // site path
    std::string relative;  // below the drop folder: "" or "a/b"
    std::map<std::string, DropEntry> files;
    std::set<std::string> others;  // links, FIFOs, folders…: present, but not data
  };
  struct Batch {
    std::string folder_path;
    std::string folder_relative;
    std::string trigger;
    DropEntry entry;    // the trigger as listed
    int remaining = 0;  // files of the batch still in the folder after this pass
  };
  struct Candidate {
    const Folder* folder = nullptr;
    DropEntry entry;
    std::string path;           // site path
    std::string relative_path;  // ledger name: path below the drop folder
    const FileRuleRuntime* rule = nullptr;
    bool has_done = false;        // a done marker is there (trusted or not)
    std::optional<size_t> batch;  // index into the pass's batches
  };
  // The content of one version of a file, copied into the spool folder.
  struct Fetched {
    std::string sha256;
    int64_t size = 0;
    std::filesystem::path readable;  // the spool copy: what is hashed and mapped
    DropEntry version;               // the version read (with its inode on local sites)
  };
  enum class Fate { kGone, kStays };  // whether the file left the drop folder

  Status Walk(DropSite& site, const std::string& path, const std::string& relative, int depth,
              std::vector<Folder>& folders);
  void Skip(const std::string& path, const DropEntry& entry, const std::string& reason,
            std::set<std::string>& skipped_here);
  // Fills `candidates` and `batches`, and `unmatched` with the data files (by relative
  // path) no rule matches.
  void Select(DropSite& site, const std::vector<Folder>& folders, std::vector<Candidate>& candidates,
              std::vector<Batch>& batches, std::map<std::string, DropEntry>& unmatched);
  // Logs the unmatched files not seen before, forgets those gone, reports the list.
  void ReportUnmatched(const std::map<std::string, DropEntry>& unmatched);
  // The file in flight, for the reporter and the gauges; nullopt: none.
  void ReportProgress(const std::optional<admin::FileProgress>& progress);
  void RemoveOrphanMarker(DropSite& site, const Folder& folder, const std::string& marker);
  bool TrustMarker(const Folder& folder, const std::string& name, const DropEntry& entry);
  bool Stable(const DropSite& site, const std::string& relative_path, const DropEntry& entry);
  // The file in flight: finished even when the pass's stop is requested; only
  // context_.abandon stops its download or mapping.
  Result<Fate> Handle(DropSite& site, store::Store& store, const Candidate& file);
  Result<std::optional<Fetched>> Fetch(DropSite& site, const Candidate& file);
  Result<std::optional<Fetched>> FetchContent(DropSite& site, const Candidate& file);
  Result<Fate> Apply(DropSite& site, store::Store& store, const Candidate& file, const Fetched& fetched);
  // `version`: what was read; the file is moved or deleted only while it is still that.
  Result<Fate> FinishIfSafe(DropSite& site, store::Store& store, const Candidate& file, const DropEntry& version,
                            const store::FileEntry& entry);
  Result<Fate> Finish(DropSite& site, store::Store& store, const Candidate& file, const DropEntry& version,
                      const store::FileEntry* entry);
  Result<Fate> MoveToError(DropSite& site, store::Store& store, const Candidate& file, const DropEntry& version,
                           const std::string& sha256, const std::string& reason);
  Result<Fate> Changed(const Candidate& file, const Error& error, const char* instead_of);
  Status ConsumeTrigger(DropSite& site, const Batch& batch);
  Result<Fate> SiteTrouble(const Error& error);
  bool IsMoveTarget(const std::string& path) const;
  void Forget(const std::string& relative_path);
  void Count(const std::string& metric, int64_t delta, const std::string& outcome = "");

  struct Seen {
    int64_t size = 0;
    std::chrono::system_clock::time_point mtime;
    std::chrono::steady_clock::time_point since;
  };
  struct KnownHash {
    DropEntry version;  // what was read
    std::string sha256;
  };

  std::string connector_;
  std::string legal_entity_;
  PickupSettings settings_;
  ConnectorContext context_;
  std::vector<FileRuleRuntime> rules_;
  const Clock& clock_;  // the context's
  std::set<std::string> trigger_names_;
  std::string archive_key_, error_key_;       // normalised archive_dir / error_dir
  std::map<std::string, Seen> seen_;          // by relative path: last (size, mtime)
  std::map<std::string, KnownHash> hashes_;   // by relative path, for files still there
  std::set<std::string> warned_;              // unsafe names, skipped entries already reported
  std::set<std::string> untrusted_markers_;   // by relative path: "marker older" reported
  std::set<std::string> unlistable_;          // sub-directories reported as not listable
  std::optional<admin::FileProgress> current_;  // the file in flight, as last reported
  std::chrono::steady_clock::time_point progress_at_;  // when current_ was last reported
  std::map<std::string, admin::UnmatchedFile> unmatched_;  // by relative path, as reported
  bool unmatched_reported_ = false;           // the reporter has heard of unmatched_ once
};

}  // namespace tributary::connectors
