// What a connector tells the daemon about its own work, beside what its Poll() returns: the
// file it is reading now, the files of its folders that no pattern matches, and the fate of
// each file it handled (for the connector's `last_error`). The daemon shows it in the admin
// API (ConnectorStatusBoard); tests give a recording fake or none (ConnectorContext's
// `reporter` may be null).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/connector_status.h"

namespace tributary::connectors {

// Called from the connector's own thread; implementations are thread-safe (the admin API
// reads what they keep from other threads). Every call replaces what the previous one of
// the same kind said: idempotent.
class ConnectorReporter {
 public:
  virtual ~ConnectorReporter() = default;
  // The file being read now, with its progress; nullopt when no file is in flight.
  virtual void SetCurrentFile(std::optional<admin::FileProgress> progress) = 0;
  // Every file now present in a watched folder that no pattern matches.
  virtual void SetUnmatchedFiles(std::vector<admin::UnmatchedFile> files) = 0;
  // `file` went to the error folder because of `reason`: the connector's last error until
  // a later file of the connector is applied (FileApplied), even across successful polls.
  virtual void FileFailed(const std::string& file, const std::string& reason) = 0;
  // `file` was applied: clears the error a failed file left.
  virtual void FileApplied(const std::string& file) = 0;
};

}  // namespace tributary::connectors
