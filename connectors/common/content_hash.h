// SHA-256 of a file's content, the identity of a file in the ledger (lowercase hex).
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "gateway/common/result.h"

namespace tributary::connectors {

// Incremental SHA-256 (OpenSSL EVP). Not thread-safe.
class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  ContentHasher(const ContentHasher&) = delete;
  ContentHasher& operator=(const ContentHasher&) = delete;

  void Update(std::span<const char> bytes);
  // The digest of everything given so far, as 64 lowercase hex digits. Call once.
  std::string HexDigest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// SHA-256 of a local file, read in fixed-size chunks.
Result<std::string> HashLocalFile(const std::filesystem::path& path);

}  // namespace tributary::connectors
