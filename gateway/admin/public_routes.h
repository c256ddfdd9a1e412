// Admin API routes that authenticate by their own means instead of the admin bearer token,
// because their callers cannot present it: webhooks (signed by the sender, e.g. Intuit's
// `intuit-signature`) and OAuth redirects arriving from a person's browser (an unguessable,
// single-use `state`). Each connector type that needs one supplies its handler; the daemon
// hands them to the AdminApi, which offers a request to them before checking the token.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/http/http_types.h"

namespace tributary::admin {

// Answers a request it owns (by method and `path`, the target without its query), or
// nullopt to let the next route look at it. Must be thread-safe; runs on server threads.
using PublicRoute = std::function<std::optional<http::Response>(const http::Request& request, const std::string& path)>;

// The first answer of `routes` for `request`, or nullopt when none owns it.
std::optional<http::Response> RoutePublic(const std::vector<PublicRoute>& routes, const http::Request& request,
                                          const std::string& path);

}  // namespace tributary::admin
