// Plain HTTP request/response values shared by the client and the server interfaces.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tributary::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; returns "" when absent. With repeated headers, the
// first one wins.
std::string FindHeader(const Headers& headers, std::string_view name);

// `url` without user info, query or fragment, fit for logs and error messages (which must
// never carry credentials; a query string may hold a token).
std::string RedactUrl(std::string_view url);

// Decodes one component of a query string or form body: '+' is a space, %XX a byte;
// a malformed escape stays as written.
std::string PercentDecode(std::string_view text);

// The delay a `Retry-After` value asks for: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT", measured from `now`; a date in the past gives 0).
// nullopt when the value is empty or malformed.
std::optional<std::chrono::seconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now);

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // server side: path plus query ("/v1/changes?after=3"); client side: full URL
  Headers headers;
  std::string body;
  std::string peer_address;  // server side: the client's IP
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
};

}  // namespace tributary::http
