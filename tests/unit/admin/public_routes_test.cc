// Public routes (webhooks, OAuth redirects) answer before the admin token is checked, and
// only for the requests they own.
#include "gateway/admin/admin_api.h"

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace tributary::admin {
namespace {

TEST(PublicRoutes, OwnRequestsSkipTheAdminTokenOthersDoNot) {
  testing::TempDir dir;
  Metrics metrics;
  ConnectorStatusBoard board;
  ChangeSignal changes;
  int seen = 0;
  AdminApiDeps deps{.metrics = &metrics, .connectors = &board, .changes = &changes, .ready = [] { return true; }};
  deps.public_routes.push_back(nullptr);  // an absent route is skipped
  deps.public_routes.push_back([&](const http::Request& request, const std::string& path) -> std::optional<http::Response> {
    if (path != "/webhooks/test" || request.method != "POST") return std::nullopt;
    ++seen;
    return http::Response{202, {}, "taken"};
  });
  AdminApi api({.state_path = dir.File("state.db"),
                .tokens = {{.name = "admin", .token = "s3cret", .scopes = Scopes::All()}},
                .tenant = "acme"},
               deps);

  auto hook = api.Handle({.method = "POST", .target = "/webhooks/test?x=1", .body = "{}"});
  EXPECT_EQ(hook.status, 202);
  EXPECT_EQ(hook.body, "taken");
  EXPECT_EQ(seen, 1);
  // Another method is not the route's: no admin route has that path either.
  EXPECT_EQ(api.Handle({.method = "GET", .target = "/webhooks/test"}).status, 404);
  EXPECT_EQ(api.Handle({.method = "GET", .target = "/v1/changes"}).status, 401);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace tributary::admin
