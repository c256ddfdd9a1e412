#include "connectors/sftp/sftp_session.h"

#include <fcntl.h>
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <span>
#include <sstream>

#include <openssl/evp.h>

#include "connectors/sftp/host_keys.h"

namespace tributary::connectors::sftp {
namespace {

// Host-key methods libssh2 1.10 can verify, in the order we prefer them.
constexpr std::array<const char*, 5> kHostKeyMethods = {"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                                         "ecdsa-sha2-nistp521", "ssh-rsa"};

void InitLibssh2() {
  static std::once_flag once;
  std::call_once(once, [] { libssh2_init(0); });
}

// A TCP connection to host:port within `timeout`, or an error naming the address.
Result<int> ConnectSocket(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* addresses = nullptr;
  std::string port_text = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), port_text.c_str(), &hints, &addresses); rc != 0) {
    return Fail(ErrorCode::kUnavailable, "cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* address = addresses; address != nullptr; address = address->ai_next) {
    int fd = socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC, address->ai_protocol);
    if (fd < 0) continue;
    int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, address->ai_addr, address->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      pollfd waiter{.fd = fd, .events = POLLOUT, .revents = 0};
      rc = poll(&waiter, 1, static_cast<int>(timeout.count()));
      if (rc == 0) {
        errno = ETIMEDOUT;
        rc = -1;
      } else if (rc > 0) {
        int so_error = 0;
        socklen_t size = sizeof so_error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &size);
        errno = so_error;
        rc = so_error == 0 ? 0 : -1;
      }
    }
    if (rc == 0) {
      fcntl(fd, F_SETFL, flags);
      freeaddrinfo(addresses);
      return fd;
    }
    last_error = std::strerror(errno);
    close(fd);
  }
  freeaddrinfo(addresses);
  return Fail(ErrorCode::kUnavailable, "cannot connect to " + KnownHostsName(host, port) + ": " + last_error);
}

std::string SessionMessage(LIBSSH2_SESSION* session) {
  char* message = nullptr;
  libssh2_session_last_error(session, &message, nullptr, 0);
  return message != nullptr ? message : "unknown error";
}

// The key type written inside an SSH public-key blob (a length-prefixed string first).
std::string BlobKeyType(std::string_view blob) {
  if (blob.size() < 4) return "unknown";
  uint32_t size = (static_cast<uint32_t>(static_cast<unsigned char>(blob[0])) << 24) |
                  (static_cast<uint32_t>(static_cast<unsigned char>(blob[1])) << 16) |
                  (static_cast<uint32_t>(static_cast<unsigned char>(blob[2])) << 8) |
                  static_cast<uint32_t>(static_cast<unsigned char>(blob[3]));
  if (size > blob.size() - 4) return "unknown";
  return std::string(blob.substr(4, size));
}

int KnownHostKeyBits(int hostkey_type) {
  switch (hostkey_type) {
    case LIBSSH2_HOSTKEY_TYPE_RSA: return LIBSSH2_KNOWNHOST_KEY_SSHRSA;
    case LIBSSH2_HOSTKEY_TYPE_DSS: return LIBSSH2_KNOWNHOST_KEY_SSHDSS;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: return LIBSSH2_KNOWNHOST_KEY_ECDSA_256;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: return LIBSSH2_KNOWNHOST_KEY_ECDSA_384;
    case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: return LIBSSH2_KNOWNHOST_KEY_ECDSA_521;
    case LIBSSH2_HOSTKEY_TYPE_ED25519: return LIBSSH2_KNOWNHOST_KEY_ED25519;
    default: return LIBSSH2_KNOWNHOST_KEY_UNKNOWN;
  }
}

// True when the private key file holds an RSA key (PEM header, or the public part of an
// OpenSSH-format key, or the `.pub` next to it).
bool LooksLikeRsaKey(const std::string& key_file) {
  std::ifstream input(key_file);
  std::string line, body;
  while (std::getline(input, line)) {
    if (line.find("BEGIN RSA PRIVATE KEY") != std::string::npos) return true;
    if (!line.starts_with("-----")) body += line;
  }
  std::erase_if(body, [](char c) { return c == '\r' || c == ' '; });
  if (!body.empty() && body.size() % 4 == 0) {
    std::string decoded(body.size() / 4 * 3, '\0');
    if (EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                        reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size())) > 0 &&
        decoded.starts_with("openssh-key-v1") && decoded.find("ssh-rsa") != std::string::npos) {
      return true;
    }
  }
  std::ifstream pub(key_file + ".pub");
  std::string first;
  return pub >> first && first == "ssh-rsa";
}

std::string FxName(unsigned long code) {
  switch (code) {
    case LIBSSH2_FX_NO_SUCH_FILE: return "no such file or directory";
    case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
    case LIBSSH2_FX_FAILURE: return "failure (e.g. the target exists)";
    case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
    case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file already exists";
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left on the server";
    default: return "SFTP status " + std::to_string(code);
  }
}

}  // namespace

const char* SessionErrorKindName(SessionErrorKind kind) {
  switch (kind) {
    case SessionErrorKind::kConnect: return "connect";
    case SessionErrorKind::kHostKey: return "host_key";
    case SessionErrorKind::kAuth: return "auth";
    case SessionErrorKind::kSftp: return "sftp";
  }
  return "sftp";
}

struct SftpSession::State {
  int fd = -1;
  LIBSSH2_SESSION* session = nullptr;
  LIBSSH2_SFTP* sftp = nullptr;

  ~State() {
    if (sftp != nullptr) libssh2_sftp_shutdown(sftp);
    if (session != nullptr) {
      libssh2_session_disconnect(session, "bye");
      libssh2_session_free(session);
    }
    if (fd >= 0) close(fd);
  }
};

namespace {

// Connects and runs the SSH handshake, offering only `host_key_methods` when not empty.
Result<std::unique_ptr<SftpSession::State>> Handshake(const std::string& host, uint16_t port,
                                                      std::chrono::milliseconds timeout,
                                                      const std::string& host_key_methods) {
  InitLibssh2();
  auto state = std::make_unique<SftpSession::State>();
  auto fd = ConnectSocket(host, port, timeout);
  if (!fd) return std::unexpected(fd.error());
  state->fd = *fd;
  state->session = libssh2_session_init();
  if (state->session == nullptr) return Fail(ErrorCode::kInternal, "libssh2_session_init failed");
  libssh2_session_set_blocking(state->session, 1);
  libssh2_session_set_timeout(state->session, static_cast<long>(timeout.count()));
  if (!host_key_methods.empty() &&
      libssh2_session_method_pref(state->session, LIBSSH2_METHOD_HOSTKEY, host_key_methods.c_str()) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "cannot offer host key types " + host_key_methods + ": " +
                                                 SessionMessage(state->session));
  }
  if (libssh2_session_handshake(state->session, state->fd) != 0) {
    return Fail(ErrorCode::kUnavailable, "SSH handshake with " + KnownHostsName(host, port) +
                                             " failed: " + SessionMessage(state->session));
  }
  return state;
}

}  // namespace

Result<ScannedKey> ScanHostKey(const std::string& host, uint16_t port, std::chrono::milliseconds timeout) {
  std::string methods;
  for (const char* method : kHostKeyMethods) methods += (methods.empty() ? "" : ",") + std::string(method);
  auto state = Handshake(host, port, timeout, methods);
  if (!state) return std::unexpected(state.error());
  size_t size = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey((*state)->session, &size, &type);
  if (key == nullptr) return Fail(ErrorCode::kUnavailable, "the server sent no host key");
  std::string_view blob(key, size);
  ScannedKey scanned;
  scanned.key_type = BlobKeyType(blob);
  scanned.fingerprint = FingerprintSha256(blob);
  scanned.known_hosts_line = FormatKnownHostsLine(KnownHostsName(host, port), scanned.key_type, blob);
  return scanned;
}

SftpSession::SftpSession(std::unique_ptr<State> state) : state_(std::move(state)) {}
SftpSession::~SftpSession() = default;

Result<std::unique_ptr<SftpSession>> SftpSession::Open(const SftpConfig& config, SessionErrorKind* kind) {
  SessionErrorKind ignored;
  if (kind == nullptr) kind = &ignored;
  *kind = SessionErrorKind::kHostKey;
  std::ifstream known_hosts_input(config.known_hosts_file);
  if (!known_hosts_input) return Fail(ErrorCode::kIo, "cannot read known_hosts_file " + config.known_hosts_file);
  std::stringstream known_hosts_text;
  known_hosts_text << known_hosts_input.rdbuf();
  std::string name = KnownHostsName(config.host, config.port);
  // Offer only the key types pinned for this host, or libssh2 may negotiate another type
  // and then find no entry for it. libssh2 also matches port-less entries on any port.
  std::string methods;
  for (const std::string& type : KnownKeyTypes(known_hosts_text.str(), {name, config.host})) {
    if (std::find(kHostKeyMethods.begin(), kHostKeyMethods.end(), type) == kHostKeyMethods.end()) continue;
    methods += (methods.empty() ? "" : ",") + type;
  }
  *kind = SessionErrorKind::kConnect;
  auto state = Handshake(config.host, config.port, config.timeout, methods);
  if (!state) return std::unexpected(state.error());
  LIBSSH2_SESSION* session = (*state)->session;

  *kind = SessionErrorKind::kHostKey;
  size_t key_size = 0;
  int key_type = 0;
  const char* key = libssh2_session_hostkey(session, &key_size, &key_type);
  if (key == nullptr) return Fail(ErrorCode::kRejected, "the server " + name + " sent no host key");
  std::string_view blob(key, key_size);
  std::string presented = BlobKeyType(blob) + " " + FingerprintSha256(blob);
  LIBSSH2_KNOWNHOSTS* known = libssh2_knownhost_init(session);
  int check = LIBSSH2_KNOWNHOST_CHECK_FAILURE;
  if (libssh2_knownhost_readfile(known, config.known_hosts_file.c_str(), LIBSSH2_KNOWNHOST_FILE_OPENSSH) >= 0) {
    libssh2_knownhost* host = nullptr;
    check = libssh2_knownhost_checkp(known, config.host.c_str(), config.port, key, key_size,
                                     LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW |
                                         KnownHostKeyBits(key_type),
                                     &host);
  }
  libssh2_knownhost_free(known);
  switch (check) {
    case LIBSSH2_KNOWNHOST_CHECK_MATCH: break;
    case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
      return Fail(ErrorCode::kRejected, "host key of " + name + " has CHANGED: the server presented " + presented +
                                            ", which is not the key pinned in " + config.known_hosts_file +
                                            "; refusing to connect (verify the new key with the server's admin)");
    case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
      return Fail(ErrorCode::kRejected, "unknown host key for " + name + ": the server presented " + presented +
                                            ", not found in " + config.known_hosts_file +
                                            "; verify it and pin it with `tributary sftp-keyscan`");
    default:
      return Fail(ErrorCode::kIo, "cannot check the host key of " + name + " (" + presented + ") against " +
                                      config.known_hosts_file);
  }

  *kind = SessionErrorKind::kAuth;
  int rc = 0;
  if (!config.private_key_file.empty()) {
    const char* passphrase = config.passphrase ? config.passphrase->value.c_str() : nullptr;
    rc = libssh2_userauth_publickey_fromfile_ex(session, config.username.c_str(),
                                                static_cast<unsigned int>(config.username.size()), nullptr,
                                                config.private_key_file.c_str(), passphrase);
  }
  if ((config.private_key_file.empty() || rc != 0) && config.password) {
    rc = libssh2_userauth_password_ex(session, config.username.c_str(),
                                      static_cast<unsigned int>(config.username.size()),
                                      config.password->value.c_str(),
                                      static_cast<unsigned int>(config.password->value.size()), nullptr);
  }
  if (rc != 0) {
    // libssh2 reports a key it could not read or decrypt as a file error.
    const bool unreadable_key = !config.private_key_file.empty() && !config.password &&
                                libssh2_session_last_errno(session) == LIBSSH2_ERROR_FILE;
    std::string message = "authentication as '" + config.username + "' on " + name + " failed: " +
                          SessionMessage(session);
    if (unreadable_key) {
      message += " (cannot use " + config.private_key_file + ": check that it is readable, " +
                 (config.passphrase ? "that the passphrase is right" : "that it needs no passphrase") +
                 ", and that it is an ed25519 or ECDSA key in OpenSSH or PEM format)";
    } else if (!config.private_key_file.empty() && LooksLikeRsaKey(config.private_key_file)) {
      message += " (" + config.private_key_file +
                 " is an RSA key; this build signs RSA keys with SHA-1 only, which OpenSSH 8.8+ refuses: "
                 "use an ed25519 or ECDSA key)";
    } else {
      message += " (check the username, the key and that its public key is authorized on the server)";
    }
    return Fail(ErrorCode::kRejected, message);
  }
  libssh2_keepalive_config(session, 1, 15);

  *kind = SessionErrorKind::kSftp;
  (*state)->sftp = libssh2_sftp_init(session);
  if ((*state)->sftp == nullptr) {
    return Fail(ErrorCode::kUnavailable, "cannot start SFTP on " + name + ": " + SessionMessage(session));
  }
  return std::make_unique<SftpSession>(std::move(*state));
}

Error SftpSession::LastError(const std::string& what) const {
  int code = libssh2_session_last_errno(state_->session);
  if (code == LIBSSH2_ERROR_SFTP_PROTOCOL) {
    unsigned long status = libssh2_sftp_last_error(state_->sftp);
    ErrorCode error_code = status == LIBSSH2_FX_NO_SUCH_FILE || status == LIBSSH2_FX_NO_SUCH_PATH
                               ? ErrorCode::kNotFound
                               : ErrorCode::kRejected;
    return Error{error_code, what + ": " + FxName(status)};
  }
  ErrorCode error_code = code == LIBSSH2_ERROR_TIMEOUT ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
  return Error{error_code, what + ": " + SessionMessage(state_->session)};
}

namespace {

DropEntry EntryFromAttributes(std::string name, const LIBSSH2_SFTP_ATTRIBUTES& attributes) {
  DropEntry entry{.name = std::move(name)};
  if (attributes.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) {
    if (LIBSSH2_SFTP_S_ISREG(attributes.permissions)) entry.kind = DropEntryKind::kFile;
    if (LIBSSH2_SFTP_S_ISDIR(attributes.permissions)) entry.kind = DropEntryKind::kDirectory;
    if (LIBSSH2_SFTP_S_ISLNK(attributes.permissions)) entry.kind = DropEntryKind::kSymlink;
    if (LIBSSH2_SFTP_S_ISFIFO(attributes.permissions)) entry.kind = DropEntryKind::kFifo;
  }
  if (attributes.flags & LIBSSH2_SFTP_ATTR_SIZE) entry.size = static_cast<int64_t>(attributes.filesize);
  if (attributes.flags & LIBSSH2_SFTP_ATTR_ACMODTIME) {
    entry.mtime = std::chrono::system_clock::time_point(std::chrono::seconds(attributes.mtime));
  }
  return entry;
}

class SftpReader final : public DropReader {
 public:
  SftpReader(SftpSession& session, LIBSSH2_SFTP_HANDLE* handle, std::string path)
      : session_(session), handle_(handle), path_(std::move(path)) {}
  ~SftpReader() override { libssh2_sftp_close(handle_); }
  SftpReader(const SftpReader&) = delete;
  SftpReader& operator=(const SftpReader&) = delete;

  Result<size_t> Read(std::span<char> buffer) override {
    ssize_t rc = libssh2_sftp_read(handle_, buffer.data(), buffer.size());
    if (rc < 0) return std::unexpected(session_.LastError("download of " + path_ + " interrupted"));
    session_.CountRead(rc);
    return static_cast<size_t>(rc);
  }

 private:
  SftpSession& session_;
  LIBSSH2_SFTP_HANDLE* handle_;
  std::string path_;
};

}  // namespace

Result<std::vector<DropEntry>> SftpSession::List(const std::string& dir) {
  LIBSSH2_SFTP_HANDLE* handle = libssh2_sftp_opendir(state_->sftp, dir.c_str());
  if (handle == nullptr) return std::unexpected(LastError("cannot list remote folder " + dir));
  std::vector<DropEntry> entries;
  // Names longer than this are truncated by libssh2; they would not match anything anyway.
  std::array<char, 4096> name{};
  LIBSSH2_SFTP_ATTRIBUTES attributes{};
  int rc = 0;
  while ((rc = libssh2_sftp_readdir(handle, name.data(), name.size(), &attributes)) > 0) {
    std::string entry_name(name.data(), static_cast<size_t>(rc));
    if (entry_name == "." || entry_name == "..") continue;
    entries.push_back(EntryFromAttributes(std::move(entry_name), attributes));
  }
  Error error = rc < 0 ? LastError("cannot list remote folder " + dir) : Error{};
  libssh2_sftp_closedir(handle);
  if (rc < 0) return std::unexpected(error);
  return entries;
}

Result<DropEntry> SftpSession::Stat(const std::string& path) {
  LIBSSH2_SFTP_ATTRIBUTES attributes{};
  if (libssh2_sftp_lstat(state_->sftp, path.c_str(), &attributes) != 0) {
    return std::unexpected(LastError("cannot stat " + path));
  }
  size_t slash = path.find_last_of('/');
  return EntryFromAttributes(slash == std::string::npos ? path : path.substr(slash + 1), attributes);
}

Result<std::unique_ptr<DropReader>> SftpSession::OpenRead(const std::string& path) {
  LIBSSH2_SFTP_HANDLE* handle = libssh2_sftp_open(state_->sftp, path.c_str(), LIBSSH2_FXF_READ, 0);
  if (handle == nullptr) return std::unexpected(LastError("cannot open " + path));
  return std::make_unique<SftpReader>(*this, handle, path);
}

Status SftpSession::Rename(const std::string& from, const std::string& to) {
  if (libssh2_sftp_rename(state_->sftp, from.c_str(), to.c_str()) != 0) {
    return std::unexpected(LastError("cannot move " + from + " to " + to));
  }
  return Ok();
}

Status SftpSession::Remove(const std::string& path) {
  if (libssh2_sftp_unlink(state_->sftp, path.c_str()) != 0) {
    return std::unexpected(LastError("cannot delete " + path));
  }
  return Ok();
}

Status SftpSession::KeepAlive() {
  int next = 0;
  if (libssh2_keepalive_send(state_->session, &next) != 0) return std::unexpected(LastError("connection lost"));
  return Ok();
}

Status SftpSession::MakeDir(const std::string& dir) {
  if (libssh2_sftp_mkdir(state_->sftp, dir.c_str(), 0755) == 0) return Ok();
  Error error = LastError("cannot create remote folder " + dir);
  if (error.Retryable()) return std::unexpected(error);
  // Servers answer a bare failure when the folder exists.
  auto existing = Stat(dir);
  if (existing && existing->kind == DropEntryKind::kDirectory) return Ok();
  return std::unexpected(error);
}

Status SftpSession::WriteFile(const std::string& path, const std::string& content) {
  LIBSSH2_SFTP_HANDLE* handle =
      libssh2_sftp_open(state_->sftp, path.c_str(), LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC, 0644);
  if (handle == nullptr) return std::unexpected(LastError("cannot create " + path));
  size_t offset = 0;
  Status status = Ok();
  while (offset < content.size()) {
    ssize_t rc = libssh2_sftp_write(handle, content.data() + offset, content.size() - offset);
    if (rc < 0) {
      status = std::unexpected(LastError("cannot write " + path));
      break;
    }
    offset += static_cast<size_t>(rc);
  }
  libssh2_sftp_close(handle);
  return status;
}

}  // namespace tributary::connectors::sftp
