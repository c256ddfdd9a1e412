// Shared by the sftp integration tests: the connector's YAML for a test server and a
// look at its status in /v1/connectors.
#pragma once

#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/sftp_server.h"

namespace tributary::testing {

struct SftpBlock {
  std::string username = "sftptest";
  std::string remote_dir = "/data";
  std::string stable_for = "300ms";
  std::string key_file;          // empty: the server's authorized client key
  std::string passphrase;        // YAML value of `passphrase:`; empty: none
  std::string after_processing;  // empty: the default (archive)
  bool recursive = false;
  std::string pattern = "open_items*.csv";
  std::string trigger_file;      // empty: none
};

inline std::string ConnectorsYaml(const SftpServer& server, const SftpBlock& block = {}) {
  std::ostringstream yaml;
  yaml << "  - name: erp-sftp\n    type: sftp\n    schedule: 200ms\n    legal_entity: FR01\n"
       << "    sftp:\n      host: 127.0.0.1\n      port: " << server.port() << "\n      username: "
       << block.username << "\n      private_key_file: "
       << (block.key_file.empty() ? server.client_key().string() : block.key_file)
       << "\n      known_hosts_file: " << server.known_hosts().string() << "\n      remote_dir: " << block.remote_dir
       << "\n      error_dir: /data/error\n      stable_for: " << block.stable_for << "\n      timeout: 5s\n";
  if (block.after_processing.empty() || block.after_processing == "archive") {
    yaml << "      archive_dir: /data/archive\n";
  }
  if (!block.after_processing.empty()) yaml << "      after_processing: " << block.after_processing << "\n";
  if (!block.passphrase.empty()) yaml << "      passphrase: " << block.passphrase << "\n";
  if (block.recursive) yaml << "      recursive: true\n";
  yaml << "    files:\n      - pattern: \"" << block.pattern
       << "\"\n        mapping: ../mappings/generic/open_items.yaml\n        mode: snapshot\n";
  if (!block.trigger_file.empty()) yaml << "        trigger_file: " << block.trigger_file << "\n";
  return yaml.str();
}

// The first connector's entry of /v1/connectors (null when there is none).
inline nlohmann::json ConnectorStatus(DaemonHarness& daemon) {
  nlohmann::json connectors = daemon.Get("/v1/connectors");
  if (!connectors.is_object() || !connectors.contains("connectors") || connectors["connectors"].empty()) {
    return nullptr;
  }
  return connectors["connectors"][0];
}

inline std::string LastError(DaemonHarness& daemon) {
  nlohmann::json status = ConnectorStatus(daemon);
  if (!status.is_object() || !status["last_error"].is_string()) return "";
  return status["last_error"].get<std::string>();
}

}  // namespace tributary::testing
