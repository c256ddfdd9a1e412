// Settings of the `directory` connector: a local drop folder an ERP writes files into.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/common/file_pickup_config.h"
#include "gateway/config/config.h"

namespace tributary::connectors::directory {

// The `directory:` section of a connector. A plain value, immutable after loading.
struct DirectoryConfig : config::ConnectorSettings {
  std::string path, archive_dir, error_dir;  // absolute; archive_dir "" with after_processing: delete
  // A file is complete once its size and mtime stayed unchanged this long...
  std::chrono::milliseconds stable_for{2000};
  // ...or once its done file exists: `data.csv` is complete once `data.csv.done` exists.
  std::string done_suffix = ".done";
  AfterProcessing after_processing = AfterProcessing::kArchive;
  Recursion recursion;

  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override;
};

// Parses a `directory:` section: path, error_dir (required), archive_dir (required unless
// after_processing: delete), stable_for, done_suffix (must start with '.'),
// after_processing, recursive, max_depth. Reports every problem through `section` and
// returns nullptr when the section is unusable.
std::unique_ptr<DirectoryConfig> ParseDirectoryConfig(config::ConfigNode section);

}  // namespace tributary::connectors::directory
