// Host-key helpers of the SFTP connector: known_hosts names and lookups, fingerprints.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::sftp {

// The known_hosts name of a server: `host` on port 22, `[host]:port` otherwise.
std::string KnownHostsName(const std::string& host, uint16_t port);

// `SHA256:<base64 without padding>` of raw host-key bytes, as `ssh-keygen -lf` prints.
std::string FingerprintSha256(std::string_view key_blob);

// Standard base64 (with padding) of `bytes`.
std::string Base64Encode(std::string_view bytes);

// One known_hosts line: `<name> <key type> <base64 key>`.
std::string FormatKnownHostsLine(const std::string& name, const std::string& key_type, std::string_view key_blob);

// True when the host field of a known_hosts line (comma-separated plain names, or one
// hashed `|1|salt|hmac` entry) names `name`. Negated and wildcard patterns never match.
bool HostFieldMatches(std::string_view field, const std::string& name);

// The key types (e.g. "ssh-ed25519") that `known_hosts_text` holds for any of `names`, in
// file order, without repeats. Marker lines (@cert-authority, @revoked) are skipped.
std::vector<std::string> KnownKeyTypes(std::string_view known_hosts_text, const std::vector<std::string>& names);

}  // namespace tributary::connectors::sftp
