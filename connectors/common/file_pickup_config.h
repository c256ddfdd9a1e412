// Config checks every file-based connector section shares (directory, sftp): the drop,
// archive and error folders, the done-file suffix, what happens to a processed file, and
// sub-directories.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/config/config_node.h"

namespace tributary::connectors {

// What becomes of a file once its changes are durable (and delivered, with push on).
enum class AfterProcessing {
  kArchive,  // moved into archive_dir (default)
  kDelete,   // deleted; the ledger still knows its content
};
std::string_view AfterProcessingName(AfterProcessing value);

// Whether files are also taken from sub-directories of the drop folder, and how deep.
struct Recursion {
  bool recursive = false;
  int max_depth = 8;  // sub-directory levels below the drop folder that are listed
};

// Reports archive_dir or error_dir equal to the folder files are listed from (moving a
// file there would pick it up again forever). `source_description` names that folder in
// the message, e.g. "the drop folder". Returns false when it reported something.
bool CheckMoveFoldersDiffer(config::ConfigNode& section, const std::optional<std::string>& source,
                            const std::optional<std::string>& archive_dir,
                            const std::optional<std::string>& error_dir, std::string_view source_description);

// Reads `done_suffix` into `done_suffix` when present and valid ('.' and a name, no '/');
// reports it otherwise. Returns false when it reported something.
bool ReadDoneSuffix(config::ConfigNode& section, std::string& done_suffix);

// Reads `after_processing` (archive | delete) into `value` when present. Returns false
// when it reported something.
bool ReadAfterProcessing(config::ConfigNode& section, AfterProcessing& value);

// After archive_dir was read: with `delete`, archive_dir has no use and is reported when
// present (`archive_present`). Returns false when it reported something.
bool CheckArchiveDirUse(config::ConfigNode& section, AfterProcessing value, bool archive_present);

// Reads `recursive` (bool) and `max_depth` (1..64, only with recursive: true). Returns
// false when it reported something.
bool ReadRecursion(config::ConfigNode& section, Recursion& recursion);

}  // namespace tributary::connectors
