// Keeps configured secrets out of every text the daemon logs or stores.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

// The secret values of one config (tokens, passwords, client secrets): Redact() replaces
// each occurrence of any of them with "<redacted>". A peer that echoes a request's
// Authorization header in its error body, or a path that embeds a password, is then
// logged and stored without the secret. Values shorter than kMinLength are not redacted
// (they would mangle ordinary text; no real secret is that short). Immutable, so
// thread-safe; a reload builds a new one.
class SecretRedactor {
 public:
  static constexpr size_t kMinLength = 6;

  SecretRedactor() = default;
  explicit SecretRedactor(std::vector<std::string> secrets);

  // `text` with every secret replaced; the same text when it holds none.
  [[nodiscard]] std::string Redact(std::string_view text) const;
  [[nodiscard]] bool empty() const { return secrets_.empty(); }

 private:
  std::vector<std::string> secrets_;  // longest first: a secret inside another goes with it
};

using SharedRedactor = std::shared_ptr<const SecretRedactor>;

}  // namespace tributary
