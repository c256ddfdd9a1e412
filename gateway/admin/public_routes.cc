#include "gateway/admin/public_routes.h"

namespace tributary::admin {

std::optional<http::Response> RoutePublic(const std::vector<PublicRoute>& routes, const http::Request& request,
                                          const std::string& path) {
  for (const PublicRoute& route : routes) {
    if (!route) continue;
    if (auto response = route(request, path)) return response;
  }
  return std::nullopt;
}

}  // namespace tributary::admin
