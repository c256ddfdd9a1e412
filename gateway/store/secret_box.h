// Secrets at rest: the state database's key file and AES-256-GCM sealing of the values
// stored under it (OAuth tokens).
//
// The key is 32 random bytes (OpenSSL RAND_bytes) in a file next to the database,
// `<state folder>/tributary.key`, written as 64 hex digits and a newline, mode 0600. A key
// file readable by group or others, or of the wrong size, is an error, never a fallback.
// A sealed value is the text `enc1:` + base64(nonce(12) | ciphertext | tag(16)); a fresh
// nonce per value; the caller's `context` (which row, which column) is authenticated too,
// so a sealed value copied to another row or column does not open.
//
// Thread-safety: a SecretKey is immutable after Load; share it freely.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::store {

inline constexpr std::string_view kSealedPrefix = "enc1:";

// `<folder of database_path>/tributary.key`.
std::string KeyFileFor(const std::string& database_path);

// True when `stored` is a sealed value (starts with kSealedPrefix).
bool IsSealed(std::string_view stored);

class SecretKey {
 public:
  // Reads the key file at `path`. kNotFound when it does not exist; kInvalidArgument when
  // group or others may read it, or when it does not hold 32 bytes (64 hex digits or 32
  // raw bytes); kIo when it cannot be read.
  static Result<SecretKey> Load(const std::string& path);
  // Load, creating the file first when it does not exist: written under a temporary name
  // (O_EXCL, 0600), synced, then linked to `path`, which fails when `path` appeared
  // meanwhile; the loser of such a race reads the winner's key, so racing processes end
  // with the same key.
  static Result<SecretKey> LoadOrCreate(const std::string& path);

  // `plaintext` sealed with a fresh nonce, `context` authenticated.
  [[nodiscard]] Result<std::string> Seal(std::string_view plaintext, std::string_view context) const;
  // The plaintext of a sealed value. kInvalidArgument "... (a different key, or an altered
  // value)" when the value does not open with this key and context.
  [[nodiscard]] Result<std::string> Open(std::string_view sealed, std::string_view context) const;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  SecretKey(std::string path, const std::array<unsigned char, 32>& bytes) : path_(std::move(path)), bytes_(bytes) {}

  std::string path_;
  std::array<unsigned char, 32> bytes_;
};

}  // namespace tributary::store
