// The file-picking loop every file-based connector shares, whatever the transport (a
// DropSite: local folder, SFTP server): which files are complete, fetching and hashing
// them, the ledger decision, applying them, and what becomes of them afterwards.
//
// One pass:
//  1. Lists the drop folder (and, with recursion, its sub-directories down to max_depth,
//     skipping hidden ones and the archive and error folders). Listed names that are not
//     one safe path component (IsSafeEntryName) are refused with a warning.
//  2. Picks the complete files matching a rule (first matching pattern, on the base name):
//     - a rule with `trigger_file`: while the trigger exists in the file's folder, the
//       files last modified no later than the trigger (the batch); never otherwise;
//     - other rules: a file whose done marker (`NAME<done_suffix>`) exists, or which is
//       stable (mtime at least stable_for old and, unless the site shares our clock, seen
//       twice stable_for apart with the same size and mtime).
//     Hidden files, done markers, `*.reason` files and trigger names are never data.
//  3. Oldest first (mtime, then path): fetches the file (read in place when local,
//     downloaded into the spool folder otherwise) while hashing it; a file whose size or
//     mtime changed meanwhile is left for the next pass. Then the ledger decides
//     (file_ingest.h): apply, archive or delete once safe, duplicate, wait, error folder.
//  4. A trigger whose batch left the folder entirely (processed and archived, deleted or
//     moved to the error folder) is archived or deleted in turn.
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
#include "connectors/connector.h"
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
  // Local folder remote files are downloaded into (one at a time; unused by local sites),
  // and where the mapping's groups spill past their memory budget ("" : $TMPDIR).
  std::filesystem::path spool_dir;
};

// The clocks the completeness rule reads; tests substitute their own.
struct PickupClock {
  std::function<std::chrono::steady_clock::time_point()> steady = [] { return std::chrono::steady_clock::now(); };
  std::function<std::chrono::system_clock::time_point()> wall = [] { return std::chrono::system_clock::now(); };
};

// The picking state of one connector (what it saw in earlier passes). Used on the
// connector's thread only.
class FilePickup {
 public:
  // `connector`: its name (ledger, logs, metrics) and legal entity; `rules` from
  // PrepareFileRules. context.metrics may be null.
  FilePickup(std::string connector, std::string legal_entity, PickupSettings settings, ConnectorContext context,
             std::vector<FileRuleRuntime> rules, PickupClock clock = {});

  // One pass over `site` (see the top of this file). Idempotent and resumable: after a
  // failure or crash at any point, the next pass finishes the work without applying a
  // file twice. Per-file problems are logged and retried next pass; an error means the
  // pass stopped (drop folder not listable, connection lost, store failure).
  Status RunPass(DropSite& site, store::Store& store, std::stop_token stop);

  [[nodiscard]] const PickupSettings& settings() const { return settings_; }

 private:
  struct Folder;
  struct Candidate;
  struct Batch;
  struct Fetched;
  enum class Fate { kGone, kStays };  // whether the file left the drop folder

  Status Walk(DropSite& site, const std::string& path, const std::string& relative, int depth,
              std::vector<Folder>& folders);
  void Select(DropSite& site, const std::vector<Folder>& folders, std::vector<Candidate>& candidates,
              std::vector<Batch>& batches);
  bool Stable(const DropSite& site, const std::string& relative_path, const DropEntry& entry);
  Result<Fate> Handle(DropSite& site, store::Store& store, const Candidate& file, std::stop_token stop);
  Result<std::optional<Fetched>> Fetch(DropSite& site, const Candidate& file, std::stop_token stop);
  Result<std::optional<Fetched>> FetchContent(DropSite& site, const Candidate& file, std::stop_token stop);
  Result<Fate> Apply(DropSite& site, store::Store& store, const Candidate& file, const Fetched& fetched,
                     std::stop_token stop);
  Result<Fate> FinishIfSafe(DropSite& site, store::Store& store, const Candidate& file,
                            const store::FileEntry& entry);
  Result<Fate> Finish(DropSite& site, store::Store& store, const Candidate& file, std::optional<int64_t> file_id);
  Result<Fate> MoveToError(DropSite& site, const Candidate& file, const std::string& reason);
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
    int64_t size = 0;
    std::chrono::system_clock::time_point mtime;
    std::string sha256;
  };

  std::string connector_;
  std::string legal_entity_;
  PickupSettings settings_;
  ConnectorContext context_;
  std::vector<FileRuleRuntime> rules_;
  PickupClock clock_;
  std::set<std::string> trigger_names_;
  std::string archive_key_, error_key_;       // normalised archive_dir / error_dir
  std::map<std::string, Seen> seen_;          // by relative path: last (size, mtime)
  std::map<std::string, KnownHash> hashes_;   // by relative path, for files still there
  std::set<std::string> warned_;              // unsafe names already reported
  std::set<std::string> unlistable_;          // sub-directories reported as not listable
};

}  // namespace tributary::connectors
