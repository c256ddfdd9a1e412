// Who may call what on the admin API. A token carries scopes: `read` (status, metrics, the
// change feed, the ledgers), `operate` (pause, resume, poll, release, discard, replay) and
// `actions` (the core's action requests and their proofs). The single `admin.token` of
// older configs is every scope. A token is presented as `Authorization: Bearer <token>`,
// or by a browser as HTTP Basic with the token as the password (the status page).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/http_types.h"

namespace tributary::admin {

enum class Scope : uint8_t { kRead = 1, kOperate = 2, kActions = 4 };

// A set of scopes.
class Scopes {
 public:
  constexpr Scopes() = default;
  constexpr Scopes(std::initializer_list<Scope> scopes) {
    for (Scope scope : scopes) bits_ |= static_cast<uint8_t>(scope);
  }
  static constexpr Scopes All() { return {Scope::kRead, Scope::kOperate, Scope::kActions}; }

  constexpr Scopes operator|(Scope scope) const {
    Scopes out = *this;
    out.bits_ |= static_cast<uint8_t>(scope);
    return out;
  }
  [[nodiscard]] constexpr bool Has(Scope scope) const { return (bits_ & static_cast<uint8_t>(scope)) != 0; }
  [[nodiscard]] constexpr bool Empty() const { return bits_ == 0; }
  [[nodiscard]] constexpr bool Meets(Scopes wanted) const { return wanted.Empty() || (bits_ & wanted.bits_) != 0; }
  // "read", "read, operate": as the config and the errors spell them.
  [[nodiscard]] std::string Names() const;

 private:
  uint8_t bits_ = 0;
};

std::string_view ScopeName(Scope scope);
std::optional<Scope> ParseScope(std::string_view name);

struct AccessToken {
  std::string name;   // how errors and logs name it; never the token itself
  std::string token;
  Scopes scopes;
};

// How a request presented its token.
enum class Presented { kNone, kBearer, kBasic };

struct Caller {
  Scopes scopes;
  Presented presented = Presented::kNone;
  std::string token_name;
};

// The caller behind `request`'s Authorization header among `tokens` (compared in constant
// time), or nullopt when it presents none of them.
std::optional<Caller> Authenticate(const http::Request& request, const std::vector<AccessToken>& tokens);

}  // namespace tributary::admin
