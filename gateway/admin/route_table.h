// The admin API's routes as data: method, path pattern (`/v1/connectors/{name}/pause`), the
// token scopes that may call it, and its handler. The one list the server dispatches on,
// that the OpenAPI document is checked against, and that the status page links to.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/access.h"
#include "gateway/http/http_types.h"

namespace tributary::admin {

// What a matched route is called with: its `{name}` segments and the raw query string.
struct RouteArgs {
  std::map<std::string, std::string> params;
  std::string query;
  Scopes scopes;  // what the caller's token may do (every scope when no token is configured)
  std::string caller;  // the name of the caller's token; "" when none is configured

  [[nodiscard]] const std::string& Param(const std::string& name) const { return params.at(name); }
};

using RouteHandler = std::function<http::Response(const http::Request& request, const RouteArgs& args)>;

struct Route {
  std::string method;   // GET, POST
  std::string pattern;  // literal segments and `{param}` segments
  Scopes scopes;        // any one of them lets a caller in; empty: no token needed
  RouteHandler handler;
};

class RouteTable {
 public:
  void Add(Route route);

  // The route for `method` and `path` (the target without its query), with its params; a
  // route whose pattern has a literal segment wins over one with a `{param}` there.
  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  [[nodiscard]] std::optional<Match> Find(const std::string& method, const std::string& path) const;

  // The methods of the routes whose pattern matches `path` (for 405's Allow header).
  [[nodiscard]] std::vector<std::string> MethodsFor(const std::string& path) const;

  [[nodiscard]] const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace tributary::admin
