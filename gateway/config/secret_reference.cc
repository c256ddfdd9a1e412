#include "gateway/config/secret_reference.h"

#include <algorithm>
#include <cstdlib>

#include "gateway/config/values.h"

namespace tributary::config {
namespace {

constexpr size_t kMaxSecretBytes = 64 * 1024;

bool IsEnvName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// systemd accepts any valid file name as a credential name; so do we.
bool IsCredentialName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

// Reads a secret file; `what` names it in messages ("secret file /x", "credential core-token
// (/run/credentials/…/core-token)"), never its content.
Result<std::string> ReadSecretFile(const std::string& path, const std::string& what) {
  Result<std::string> content = ReadSmallFile(path, kMaxSecretBytes);
  if (!content) return Fail(content.error().code, "cannot read " + what + ": " + content.error().message);
  // Files written by `echo` or an editor end with a newline that is not part of the secret.
  if (content->ends_with('\n')) content->pop_back();
  if (content->ends_with('\r')) content->pop_back();
  if (content->empty()) return Fail(ErrorCode::kInvalidArgument, what + " is empty");
  return content;
}

}  // namespace

Result<Secret> ResolveSecret(std::string_view text, const std::string& base_dir) {
  if (!text.starts_with("${")) return Secret{std::string(text), ""};
  const auto invalid = [] {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid secret reference (expected ${env:NAME}, ${file:/path} or ${cred:NAME})");
  };
  if (!text.ends_with("}")) return invalid();
  const std::string_view inner = text.substr(2, text.size() - 3);
  if (inner.starts_with("env:")) {
    const std::string name(inner.substr(4));
    if (!IsEnvName(name)) return invalid();
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return Fail(ErrorCode::kNotFound, "environment variable " + name + " is not set");
    if (*value == '\0') return Fail(ErrorCode::kInvalidArgument, "environment variable " + name + " is empty");
    return Secret{value, std::string(text)};
  }
  if (inner.starts_with("file:")) {
    const std::string_view file = inner.substr(5);
    if (file.empty()) return invalid();
    const std::string path = ResolvePath(base_dir, file);
    Result<std::string> content = ReadSecretFile(path, "secret file " + path);
    if (!content) return std::unexpected(std::move(content.error()));
    return Secret{std::move(*content), std::string(text)};
  }
  if (inner.starts_with("cred:")) {
    const std::string name(inner.substr(5));
    if (!IsCredentialName(name)) return invalid();
    // Set by systemd for a unit with LoadCredential=/SetCredential=; a shell has none.
    const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
    if (directory == nullptr || *directory == '\0') {
      return Fail(ErrorCode::kNotFound, "credential " + name +
                                            ": CREDENTIALS_DIRECTORY is not set (load it in the unit with "
                                            "LoadCredential=" + name + ":/path/to/file)");
    }
    const std::string path = ResolvePath(directory, name);
    Result<std::string> content = ReadSecretFile(path, "credential " + name + " (" + path + ")");
    if (!content) return std::unexpected(std::move(content.error()));
    return Secret{std::move(*content), std::string(text)};
  }
  return invalid();
}

}  // namespace tributary::config
