#include "gateway/admin/route_table.h"

#include <algorithm>

#include "gateway/admin/query_string.h"

namespace tributary::admin {
namespace {

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// How specific the match of `pattern` to `segments` is (literal segments, leftmost counting
// most), or nullopt when it does not match.
std::optional<std::vector<bool>> MatchPattern(const std::vector<std::string>& pattern,
                                              const std::vector<std::string>& segments,
                                              std::map<std::string, std::string>* params) {
  if (pattern.size() != segments.size()) return std::nullopt;
  std::vector<bool> literal;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsParam(pattern[i])) {
      if (segments[i].empty()) return std::nullopt;
      if (params != nullptr) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = segments[i];
      literal.push_back(false);
    } else if (pattern[i] == segments[i]) {
      literal.push_back(true);
    } else {
      return std::nullopt;
    }
  }
  return literal;
}

}  // namespace

void RouteTable::Add(Route route) { routes_.push_back(std::move(route)); }

std::optional<RouteTable::Match> RouteTable::Find(const std::string& method, const std::string& path) const {
  const std::vector<std::string> segments = SplitPath(path);
  std::optional<Match> best;
  std::vector<bool> best_rank;
  for (const Route& route : routes_) {
    if (route.method != method) continue;
    std::map<std::string, std::string> params;
    auto rank = MatchPattern(SplitPath(route.pattern), segments, &params);
    if (!rank) continue;
    if (!best || *rank > best_rank) {
      best = Match{&route, std::move(params)};
      best_rank = std::move(*rank);
    }
  }
  return best;
}

std::vector<std::string> RouteTable::MethodsFor(const std::string& path) const {
  const std::vector<std::string> segments = SplitPath(path);
  std::vector<std::string> methods;
  for (const Route& route : routes_) {
    if (!MatchPattern(SplitPath(route.pattern), segments, nullptr)) continue;
    if (std::find(methods.begin(), methods.end(), route.method) == methods.end()) methods.push_back(route.method);
  }
  return methods;
}

}  // namespace tributary::admin
