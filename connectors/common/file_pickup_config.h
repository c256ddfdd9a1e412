// Config checks every file-based connector section shares (directory, sftp): the drop,
// archive and error folders, and the done-file suffix.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/config/config_node.h"

namespace tributary::connectors {

// Reports archive_dir or error_dir equal to the folder files are listed from (moving a
// file there would pick it up again forever). `source_description` names that folder in
// the message, e.g. "the drop folder". Returns false when it reported something.
bool CheckMoveFoldersDiffer(config::ConfigNode& section, const std::optional<std::string>& source,
                            const std::optional<std::string>& archive_dir,
                            const std::optional<std::string>& error_dir, std::string_view source_description);

// Reads `done_suffix` into `done_suffix` when present and valid ('.' and a name, no '/');
// reports it otherwise. Returns false when it reported something.
bool ReadDoneSuffix(config::ConfigNode& section, std::string& done_suffix);

}  // namespace tributary::connectors
