// Local-file helpers for tools that read a file outside any connector (`tributary plan`):
// its content hash and its mtime as the connectors record them.
#pragma once

#include <filesystem>
#include <string>

#include "gateway/common/result.h"

namespace tributary::connectors::directory {

// Lowercase hex SHA-256 of the file, read in fixed-size chunks.
Result<std::string> HashFile(const std::filesystem::path& path);

// The file's mtime as RFC 3339 UTC (source_updated_at of what it contains).
std::string FormatMtime(std::filesystem::file_time_type mtime);

}  // namespace tributary::connectors::directory
