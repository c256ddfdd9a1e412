#include "connectors/common/content_hash.h"

#include <fstream>
#include <vector>

#include <openssl/evp.h>

namespace tributary::connectors {

struct ContentHasher::Context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
};

ContentHasher::ContentHasher() : context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->digest.get(), EVP_sha256(), nullptr);
}

ContentHasher::~ContentHasher() = default;

void ContentHasher::Update(std::span<const char> bytes) {
  EVP_DigestUpdate(context_->digest.get(), bytes.data(), bytes.size());
}

std::string ContentHasher::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_->digest.get(), digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

Result<std::string> HashLocalFile(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) return Fail(ErrorCode::kIo, "cannot open " + path.string());
  ContentHasher hasher;
  std::vector<char> buffer(1 << 16);
  while (input) {
    input.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (input.gcount() > 0) hasher.Update(std::span<const char>(buffer.data(), static_cast<size_t>(input.gcount())));
  }
  if (input.bad()) return Fail(ErrorCode::kIo, "cannot read " + path.string());
  return hasher.HexDigest();
}

}  // namespace tributary::connectors
