// `tributary check`'s look at the local files and folders a config names: do they exist
// with the right type, can the user running check (the daemon's user, under systemd's
// ExecStartPre and its sandbox) read and write them as the daemon will, and what would
// the daemon create. Reads the file system only; thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "gateway/config/config.h"

namespace tributary::app {

struct PathFinding {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  std::string message;  // names the path: "the drop folder /srv/drop is not a folder (a regular file)"
};

// What is wrong with `path` for the effective user: missing (an error, unless the daemon
// creates it: then a warning naming the folders it would create, or an error when it
// could not), not the kind it should be, not readable, not writable where the daemon
// writes; for a folder with `subfolder_depth`, the same for its sub-folders (hidden ones
// and those in `skip`, absolute, left out). Empty when it is usable as it is.
std::vector<PathFinding> CheckLocalPath(const config::LocalPath& path, std::span<const std::string> skip = {});

// The state database: an existing one must be a regular file the user can read and write,
// in a folder it can write (SQLite writes its -wal and -shm files there, the daemon its
// spool folder); a missing one is a warning naming what the daemon would create, or an
// error when it could not.
std::vector<PathFinding> CheckStatePath(const std::string& state_path);

}  // namespace tributary::app
