// A loopback HTTP server (port 0) that answers from a script and records what it was asked:
// what the kit's tests talk to.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/http/http_server.h"

namespace tributary::connectors::kit::test {

class ScriptedServer {
 public:
  ScriptedServer() {
    auto server = http::StartHttpServer({.host = "127.0.0.1", .port = 0}, [this](const http::Request& request) {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (route_) {
        if (auto answer = route_(request)) return *answer;
      }
      if (answers_.empty()) return http::Response{200, {{"Content-Type", "application/json"}}, "{}"};
      http::Response answer = answers_.front();
      if (answers_.size() > 1 || !repeat_last_) answers_.pop_front();
      return answer;
    });
    EXPECT_TRUE(server.has_value()) << server.error().message;
    server_ = std::move(*server);
  }

  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(server_->port()) + path; }
  // Answers in order; the last one again and again when `repeat_last`.
  void Script(std::vector<http::Response> answers, bool repeat_last = false) {
    std::lock_guard lock(mutex_);
    answers_.assign(answers.begin(), answers.end());
    repeat_last_ = repeat_last;
  }
  // A handler consulted first (e.g. the token endpoint); nullopt falls through to the script.
  void Route(std::function<std::optional<http::Response>(const http::Request&)> route) {
    std::lock_guard lock(mutex_);
    route_ = std::move(route);
  }
  std::vector<http::Request> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int Count(const std::string& path_prefix) {
    int count = 0;
    for (const auto& request : Requests()) count += request.target.starts_with(path_prefix) ? 1 : 0;
    return count;
  }

 private:
  std::mutex mutex_;
  std::deque<http::Response> answers_;
  bool repeat_last_ = false;
  std::function<std::optional<http::Response>(const http::Request&)> route_;
  std::vector<http::Request> requests_;
  std::unique_ptr<http::HttpServer> server_;
};

inline http::Response Json(int status, std::string body, http::Headers headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  return http::Response{status, std::move(headers), std::move(body)};
}

}  // namespace tributary::connectors::kit::test
