// Folders that hold the daemon's own data (the state database, spooled downloads),
// readable by the daemon's user alone whatever the umask.
#pragma once

#include <filesystem>

#include "gateway/common/result.h"

namespace tributary {

// Creates `folder` and any missing parent with mode 0700 (not the umask's 0755). With
// `tighten_existing`, a `folder` that already exists is set to 0700 too (a folder the
// daemon owns outright, like its spool); without, an existing folder is left as the
// admin made it (e.g. /var/lib/tributary from tmpfiles). kIo on failure.
Status CreatePrivateFolder(const std::filesystem::path& folder, bool tighten_existing);

}  // namespace tributary
