#include "gateway/store/secret_box.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <openssl/evp.h>
#include <openssl/rand.h>

namespace tributary::store {
namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;

std::string Errno(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

// Closes a descriptor when it goes away.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int get() const { return fd_; }

 private:
  int fd_;
};

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < size; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 0xf]);
  }
  return hex;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 64 hex digits (a trailing newline allowed) or 32 raw bytes.
bool ParseKey(std::string text, std::array<unsigned char, kKeySize>& key) {
  if (text.size() == kKeySize) {
    std::memcpy(key.data(), text.data(), kKeySize);
    return true;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.size() != 2 * kKeySize) return false;
  for (size_t i = 0; i < kKeySize; ++i) {
    int high = HexDigit(text[2 * i]);
    int low = HexDigit(text[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    key[i] = static_cast<unsigned char>(high << 4 | low);
  }
  return true;
}

Status WriteAll(int fd, const std::string& text, const std::string& path) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(ErrorCode::kIo, Errno("cannot write", path));
    done += static_cast<size_t>(n);
  }
  return Ok();
}

// Writes a new random key under a temporary name, then links it to `path`. Returns Ok also
// when another process linked its key first.
Status CreateKeyFile(const std::string& path) {
  unsigned char key[kKeySize];
  unsigned char suffix[8];
  if (RAND_bytes(key, sizeof key) != 1 || RAND_bytes(suffix, sizeof suffix) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL could not produce random bytes for " + path);
  }
  const std::string temporary = path + ".new-" + Hex(suffix, sizeof suffix);
  const std::string folder = std::filesystem::path(path).parent_path().string();
  {
    Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (fd.get() < 0) return Fail(ErrorCode::kIo, Errno("cannot create the key file", temporary));
    Status written = WriteAll(fd.get(), Hex(key, sizeof key) + "\n", temporary);
    if (written && ::fchmod(fd.get(), 0600) != 0) written = Fail(ErrorCode::kIo, Errno("cannot chmod", temporary));
    // Created by root (`sudo tributary auth …`), the key belongs to the owner of the state
    // folder, the daemon's user, who could not read it otherwise.
    struct stat folder_info {};
    if (written && ::geteuid() == 0 && ::stat(folder.empty() ? "." : folder.c_str(), &folder_info) == 0 &&
        ::fchown(fd.get(), folder_info.st_uid, folder_info.st_gid) != 0) {
      written = Fail(ErrorCode::kIo, Errno("cannot give the key file to the state folder's owner", temporary));
    }
    if (written && ::fsync(fd.get()) != 0) written = Fail(ErrorCode::kIo, Errno("cannot sync", temporary));
    if (!written) {
      ::unlink(temporary.c_str());
      return written;
    }
  }
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (!linked && link_errno != EEXIST) {
    errno = link_errno;
    return Fail(ErrorCode::kIo, Errno("cannot create the key file", path));
  }
  Fd dir(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
  return Ok();
}

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

}  // namespace

std::string KeyFileFor(const std::string& database_path) {
  return (std::filesystem::path(database_path).parent_path() / "tributary.key").string();
}

bool IsSealed(std::string_view stored) { return stored.starts_with(kSealedPrefix); }

Result<SecretKey> SecretKey::Load(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "the key file " + path + " does not exist");
    return Fail(ErrorCode::kIo, Errno("cannot open the key file", path));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return Fail(ErrorCode::kIo, Errno("cannot stat the key file", path));
  if (!S_ISREG(info.st_mode)) return Fail(ErrorCode::kInvalidArgument, "the key file " + path + " is not a regular file");
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Fail(ErrorCode::kInvalidArgument, "the key file " + path + " has mode " + mode +
                                                 ": group and others must not have access (chmod 600 " + path + ")");
  }
  std::string text(256, '\0');
  size_t size = 0;
  while (size < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(ErrorCode::kIo, Errno("cannot read the key file", path));
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  text.resize(size);
  std::array<unsigned char, kKeySize> key{};
  if (!ParseKey(std::move(text), key)) {
    return Fail(ErrorCode::kInvalidArgument, "the key file " + path + " must hold 32 bytes (64 hex digits), it holds " +
                                                 std::to_string(size) + " bytes");
  }
  return SecretKey(path, key);
}

Result<SecretKey> SecretKey::LoadOrCreate(const std::string& path) {
  auto loaded = Load(path);
  if (loaded || loaded.error().code != ErrorCode::kNotFound) return loaded;
  if (auto created = CreateKeyFile(path); !created) return std::unexpected(created.error());
  return Load(path);
}

Result<std::string> SecretKey::Seal(std::string_view plaintext, std::string_view context) const {
  std::string box(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(box.data());
  auto* cipher = nonce + kNonceSize;
  if (RAND_bytes(nonce, kNonceSize) != 1) return Fail(ErrorCode::kInternal, "OpenSSL could not produce a nonce");
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &length, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                          cipher + plaintext.size()) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL AES-256-GCM encryption failed");
  }
  std::string encoded(4 * ((box.size() + 2) / 3) + 1, '\0');
  int encoded_size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(box.data()), static_cast<int>(box.size()));
  encoded.resize(static_cast<size_t>(encoded_size));
  return std::string(kSealedPrefix) + encoded;
}

Result<std::string> SecretKey::Open(std::string_view sealed, std::string_view context) const {
  const std::string refused = "cannot decrypt with " + path_ + " (a different key, or an altered value)";
  if (!IsSealed(sealed)) return Fail(ErrorCode::kInvalidArgument, "not a sealed value");
  std::string_view encoded = sealed.substr(kSealedPrefix.size());
  if (encoded.empty() || encoded.size() % 4 != 0) return Fail(ErrorCode::kInvalidArgument, refused);
  std::string box(encoded.size() / 4 * 3, '\0');
  int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(box.data()),
                                reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  if (decoded < 0) return Fail(ErrorCode::kInvalidArgument, refused);
  size_t size = static_cast<size_t>(decoded);
  for (size_t i = encoded.size(); i > 0 && encoded[i - 1] == '='; --i) --size;  // DecodeBlock counts padding
  if (size < kNonceSize + kTagSize) return Fail(ErrorCode::kInvalidArgument, refused);
  const auto* nonce = reinterpret_cast<const unsigned char*>(box.data());
  const unsigned char* cipher = nonce + kNonceSize;
  const size_t cipher_size = size - kNonceSize - kTagSize;
  std::string plaintext(cipher_size, '\0');
  std::array<unsigned char, kTagSize> tag{};
  std::memcpy(tag.data(), cipher + cipher_size, kTagSize);
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_.data(), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(context.data()),
                        static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length, cipher,
                        static_cast<int>(cipher_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + length, &final_length) != 1) {
    return Fail(ErrorCode::kInvalidArgument, refused);
  }
  return plaintext;
}

}  // namespace tributary::store
