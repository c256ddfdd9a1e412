// One SSH connection with an SFTP channel (libssh2), host key verified against
// known_hosts before anything else is sent. Not thread-safe: one owner thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/common/drop_site.h"
#include "connectors/sftp/sftp_config.h"
#include "gateway/common/result.h"

namespace tributary::connectors::sftp {

// What went wrong with a session, for tributary_sftp_connection_errors_total{kind}.
enum class SessionErrorKind { kConnect, kHostKey, kAuth, kSftp };
const char* SessionErrorKindName(SessionErrorKind kind);

// The host key a server presented, for `sftp-keyscan`.
struct ScannedKey {
  std::string known_hosts_line;  // `[host]:port ssh-ed25519 AAAA...`
  std::string key_type;          // "ssh-ed25519"
  std::string fingerprint;       // "SHA256:..."
};

// Connects, takes the server's host key and disconnects without authenticating.
Result<ScannedKey> ScanHostKey(const std::string& host, uint16_t port, std::chrono::milliseconds timeout);

// The drop site on the server (connectors/common/drop_site.h). Paths are server paths.
// Listing and Stat use the server's lstat (links are kSymlink); Rename uses SFTP v3
// rename, which never replaces an existing target. RenameIfUnchanged/RemoveIfUnchanged
// are the DropSite defaults: SFTP v3 has no inode, so they compare size and mtime (1 s)
// just before the call, and cannot see a same-size replacement within the same second
// or a change between that look and the rename.
class SftpSession final : public DropSite {
 public:
  // Connects, verifies the host key (refusing unknown or changed keys), authenticates and
  // opens the SFTP channel. On failure, `*kind` (when not null) says which step failed.
  static Result<std::unique_ptr<SftpSession>> Open(const SftpConfig& config, SessionErrorKind* kind);
  ~SftpSession() override;
  SftpSession(const SftpSession&) = delete;
  SftpSession& operator=(const SftpSession&) = delete;

  Result<std::vector<DropEntry>> List(const std::string& dir) override;
  Result<DropEntry> Stat(const std::string& path) override;
  // Reads in the order of the file; a read error names the file ("download of … interrupted").
  Result<std::unique_ptr<DropReader>> OpenRead(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status MakeDir(const std::string& dir) override;
  Status WriteFile(const std::string& path, const std::string& content) override;

  // Sends a keepalive if one is due; fails when the connection is gone.
  Status KeepAlive();
  // Bytes read by this session's readers so far.
  [[nodiscard]] int64_t bytes_read() const { return bytes_read_; }

  // The libssh2 handles (defined in the .cc; public only so helpers there can build one).
  struct State;
  // Takes an authenticated connection (used by Open).
  explicit SftpSession(std::unique_ptr<State> state);
  // For the session's readers (same thread).
  Error LastError(const std::string& what) const;
  void CountRead(int64_t bytes) { bytes_read_ += bytes; }

 private:
  std::unique_ptr<State> state_;
  int64_t bytes_read_ = 0;
};

}  // namespace tributary::connectors::sftp
