#include "bench/store_path/pull_feed.h"

#include <chrono>
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

namespace tributary::bench {
namespace {

using nlohmann::json;

// Counts the objects of the top-level `changes` array and reads the top-level
// `next_after`.
class PageReader : public nlohmann::json_sax<json> {
 public:
  int64_t changes = 0;
  std::optional<int64_t> next_after;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t value) override { return Number(value); }
  bool number_unsigned(number_unsigned_t value) override { return Number(static_cast<int64_t>(value)); }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    if (in_changes_ && depth_ == 3) ++changes;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && key_ == "changes") in_changes_ = true;
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_changes_ = false;
    --depth_;
    return true;
  }
  bool key(string_t& value) override {
    if (depth_ == 1) key_ = value;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Number(int64_t value) {
    if (depth_ == 1 && key_ == "next_after") next_after = value;
    return true;
  }

  int depth_ = 0;
  bool in_changes_ = false;
  std::string key_;
};

}  // namespace

std::optional<PullResult> PullWholeFeed(DaemonChild& daemon, int limit) {
  PullResult result;
  const auto start = std::chrono::steady_clock::now();
  int64_t after = 0;
  while (true) {
    int status = 0;
    auto body = daemon.Get("/v1/changes?after=" + std::to_string(after) + "&limit=" + std::to_string(limit), &status);
    if (!body || status != 200) {
      std::fprintf(stderr, "GET /v1/changes?after=%lld failed (status %d)\n", static_cast<long long>(after), status);
      return std::nullopt;
    }
    ++result.pages;
    result.body_bytes += static_cast<int64_t>(body->size());
    PageReader page;
    const auto parse_start = std::chrono::steady_clock::now();
    const bool parsed = json::sax_parse(*body, &page);
    result.parse_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - parse_start).count();
    if (!parsed || !page.next_after) {
      std::fprintf(stderr, "GET /v1/changes?after=%lld: not a page of the feed\n", static_cast<long long>(after));
      return std::nullopt;
    }
    if (page.changes == 0) break;
    result.changes += page.changes;
    after = *page.next_after;
  }
  result.last_seq = after;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace tributary::bench
