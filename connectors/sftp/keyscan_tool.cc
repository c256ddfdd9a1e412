#include "connectors/sftp/keyscan_tool.h"

#include <chrono>
#include <string>

#include "connectors/sftp/sftp_session.h"

namespace tributary::connectors::sftp {
namespace {

int Keyscan(const std::vector<std::string>& arguments, ConsentStreams streams) {
  if (arguments.size() != 1) {
    streams.err << "tributary: sftp-keyscan needs exactly one HOST[:PORT]\n";
    return 2;
  }
  const std::string& target = arguments[0];
  auto invalid = [&] {
    streams.err << "tributary: invalid HOST[:PORT] " << target << "\n";
    return 2;
  };
  std::string host = target;
  std::string port_text = "22";
  if (target.starts_with('[')) {
    size_t close = target.find(']');
    if (close == std::string::npos) return invalid();
    host = target.substr(1, close - 1);
    if (close + 1 < target.size()) {
      if (target[close + 1] != ':') return invalid();
      port_text = target.substr(close + 2);
    }
  } else if (size_t colon = target.find(':'); colon != std::string::npos && target.find(':', colon + 1) == std::string::npos) {
    host = target.substr(0, colon);
    port_text = target.substr(colon + 1);
  }
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = 0;
  } catch (const std::exception&) {
    port = 0;
  }
  if (host.empty() || port < 1 || port > 65535) return invalid();
  auto scanned = ScanHostKey(host, static_cast<uint16_t>(port), std::chrono::seconds(30));
  if (!scanned) {
    streams.err << "tributary: " << scanned.error().message << "\n";
    return 2;
  }
  // The fingerprint as a comment line, so the whole output can be appended to known_hosts.
  streams.out << "# " << scanned->key_type << " " << scanned->fingerprint << "\n" << scanned->known_hosts_line << "\n";
  return 0;
}

}  // namespace

ConnectorTool KeyscanTool() {
  return {.command = "sftp-keyscan",
          .usage = "sftp-keyscan HOST[:PORT] print the SFTP server's host key as a known_hosts line and its\n"
                   "                                    SHA256 fingerprint (verify it out of band before pinning it)",
          .run = Keyscan};
}

}  // namespace tributary::connectors::sftp
