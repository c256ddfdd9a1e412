// Settings of the `directory` connector: a local drop folder an ERP writes files into.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/config/config.h"

namespace tributary::connectors::directory {

// The `directory:` section of a connector. A plain value, immutable after loading.
struct DirectoryConfig : config::ConnectorSettings {
  std::string path, archive_dir, error_dir;  // absolute
  // A file is complete once its size and mtime stayed unchanged this long...
  std::chrono::milliseconds stable_for{2000};
  // ...or once its done file exists: `data.csv` is complete once `data.csv.done` exists.
  std::string done_suffix = ".done";

  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
};

// Parses a `directory:` section: path, archive_dir, error_dir (required), stable_for,
// done_suffix (must start with '.'). Reports every problem through `section` and returns
// nullptr when the section is unusable.
std::unique_ptr<config::ConnectorSettings> ParseDirectoryConfig(config::ConfigNode section);

}  // namespace tributary::connectors::directory
