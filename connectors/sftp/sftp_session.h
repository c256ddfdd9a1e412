// One SSH connection with an SFTP channel (libssh2), host key verified against
// known_hosts before anything else is sent. Not thread-safe: one owner thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/sftp/sftp_config.h"
#include "gateway/common/result.h"

namespace tributary::connectors::sftp {

// What went wrong with a session, for tributary_sftp_connection_errors_total{kind}.
enum class SessionErrorKind { kConnect, kHostKey, kAuth, kSftp };
const char* SessionErrorKindName(SessionErrorKind kind);

struct RemoteEntry {
  std::string name;
  int64_t size = 0;
  int64_t mtime = 0;  // seconds since the epoch (SFTP v3 resolution)
  bool regular = false;
};

// The host key a server presented, for `sftp-keyscan`.
struct ScannedKey {
  std::string known_hosts_line;  // `[host]:port ssh-ed25519 AAAA...`
  std::string key_type;          // "ssh-ed25519"
  std::string fingerprint;       // "SHA256:..."
};

// Connects, takes the server's host key and disconnects without authenticating.
Result<ScannedKey> ScanHostKey(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

class SftpSession {
 public:
  // Connects, verifies the host key (refusing unknown or changed keys), authenticates and
  // opens the SFTP channel. On failure, `*kind` (when not null) says which step failed.
  static Result<std::unique_ptr<SftpSession>> Open(const SftpConfig& config, SessionErrorKind* kind);
  ~SftpSession();
  SftpSession(const SftpSession&) = delete;
  SftpSession& operator=(const SftpSession&) = delete;

  // Entries of `dir` (not recursive), without "." and "..".
  Result<std::vector<RemoteEntry>> List(const std::string& dir);
  // Streams `remote_path` into `local_path` (created or truncated) in fixed chunks while
  // computing its SHA-256 (lowercase hex, returned). Leaves a partial file on failure.
  Result<std::string> Download(const std::string& remote_path, const std::filesystem::path& local_path,
                               std::stop_token stop, int64_t* bytes_read);
  // Renames; fails when `to` exists (SFTP v3 cannot overwrite).
  Status Rename(const std::string& from, const std::string& to);
  // Creates `dir` unless it exists.
  Status EnsureDir(const std::string& dir);
  // Writes `content` to `remote_path` (created or truncated).
  Status Upload(const std::string& remote_path, const std::string& content);
  // Sends a keepalive if one is due; fails when the connection is gone.
  Status KeepAlive();
  // True when `remote_path` exists.
  bool Exists(const std::string& remote_path);

  // The libssh2 handles (defined in the .cc; public only so helpers there can build one).
  struct State;
  // Takes an authenticated connection (used by Open).
  explicit SftpSession(std::unique_ptr<State> state);

 private:
  Error LastError(const std::string& what) const;
  std::unique_ptr<State> state_;
};

}  // namespace tributary::connectors::sftp
