// Plain HTTP request/response values shared by the client and the server interfaces.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace tributary::http {

using Headers = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive header lookup; returns "" when absent.
std::string FindHeader(const Headers& headers, std::string_view name);

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
