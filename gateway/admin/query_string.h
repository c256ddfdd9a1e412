// Reading `a=1&b=x%20y` query strings and `/a/b/c` paths of admin API requests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tributary::admin {

class QueryParams {
 public:
  explicit QueryParams(const std::string& query);
  // The decoded value, or "" when absent.
  [[nodiscard]] std::string String(const std::string& name) const;
  // The value as an integer, `fallback` when absent, nullopt when present but not an integer.
  [[nodiscard]] std::optional<int64_t> Int(const std::string& name, int64_t fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

std::vector<std::string> SplitPath(const std::string& path);
std::optional<int64_t> ParseInt(const std::string& text);

}  // namespace tributary::admin
