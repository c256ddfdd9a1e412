// Settings of the `sftp` connector: a remote folder on an SFTP server an ERP writes into.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "connectors/common/file_pickup_config.h"
#include "gateway/config/config.h"

namespace tributary::connectors::sftp {

// The `sftp:` section of a connector. A plain value, immutable after loading.
struct SftpConfig : config::ConnectorSettings {
  std::string host;
  uint16_t port = 22;
  std::string username;
  std::string private_key_file;             // absolute; ed25519 or ECDSA (see docs)
  std::optional<config::Secret> passphrase;  // of the private key
  std::optional<config::Secret> password;    // password authentication, only when set
  std::string known_hosts_file;              // absolute; required, no trust-on-first-use
  // Paths on the server; archive_dir is "" with after_processing: delete.
  std::string remote_dir, archive_dir, error_dir;
  // A file is complete once size and mtime stayed unchanged this long (and its mtime is
  // at least this old), or once its done file (`data.csv.done`) exists.
  std::chrono::milliseconds stable_for{2000};
  std::string done_suffix = ".done";
  std::chrono::milliseconds timeout{30000};  // per blocking network operation
  AfterProcessing after_processing = AfterProcessing::kArchive;
  Recursion recursion;

  [[nodiscard]] std::vector<std::pair<std::string, std::string>> DescribeFields() const override;
  [[nodiscard]] std::vector<config::LocalPath> LocalPaths() const override;
};

// Parses an `sftp:` section. host, username, known_hosts_file, remote_dir, error_dir are
// required, archive_dir unless after_processing is delete, and one of private_key_file or
// password. Reports every problem
// through `section` and returns nullptr when the section is unusable.
std::unique_ptr<SftpConfig> ParseSftpConfig(config::ConfigNode section);

}  // namespace tributary::connectors::sftp
