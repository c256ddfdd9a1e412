#include "gateway/common/secret_redactor.h"

#include <algorithm>

namespace tributary {

SecretRedactor::SecretRedactor(std::vector<std::string> secrets) {
  std::erase_if(secrets, [](const std::string& secret) { return secret.size() < kMinLength; });
  std::ranges::sort(secrets, [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  secrets.erase(std::unique(secrets.begin(), secrets.end()), secrets.end());
  secrets_ = std::move(secrets);
}

std::string SecretRedactor::Redact(std::string_view text) const {
  static constexpr std::string_view kMark = "<redacted>";
  std::string out(text);
  for (const std::string& secret : secrets_) {
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at + kMark.size())) {
      out.replace(at, secret.size(), kMark);
    }
  }
  return out;
}

}  // namespace tributary
