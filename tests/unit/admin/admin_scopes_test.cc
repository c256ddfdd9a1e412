// Token scopes on the admin API: read, operate and actions each open their own routes; a
// browser's Basic credentials read, and change things only with the status page's header;
// a wrong method is a 405 naming the right ones.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.h"
#include "tests/testing/temp_dir.h"

namespace tributary::admin {
namespace {

std::string BasicOf(const std::string& user_and_password) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < user_and_password.size(); i += 3) {
    uint32_t n = (uint8_t(user_and_password[i]) << 16) | (uint8_t(user_and_password[i + 1]) << 8) |
                 uint8_t(user_and_password[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  if (size_t left = user_and_password.size() - i; left > 0) {
    uint32_t n = uint8_t(user_and_password[i]) << 16;
    if (left == 2) n |= uint8_t(user_and_password[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += left == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return "Basic " + out;
}

class AdminScopesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AdminApiOptions options{.state_path = dir_.File("state.db"),
                            .tokens = {{.name = "monitoring", .token = "read-token", .scopes = {Scope::kRead}},
                                       {.name = "ops", .token = "operate-token", .scopes = {Scope::kOperate}},
                                       {.name = "core", .token = "actions-token", .scopes = {Scope::kActions}},
                                       {.name = "admin", .token = "all-token", .scopes = Scopes::All()}},
                            .tenant = "acme",
                            .config_text = "tenant: acme\n"};
    AdminApiDeps deps{.metrics = &metrics_, .connectors = &board_, .changes = &changes_, .ready = [] { return true; }};
    deps.control = [this](const std::string& name, ConnectorControl control, const std::string& by) -> Status {
      controls_.push_back(name + " " + std::to_string(static_cast<int>(control)) + " by " + by);
      return Ok();
    };
    deps.actions.connectors = {{"scores", {"score"}}};
    board_.Put({.name = "erp", .type = "local"});
    api_ = std::make_unique<AdminApi>(options, deps);
  }

  http::Response Send(const std::string& method, const std::string& target, const std::string& authorization,
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request request{.method = method, .target = target, .body = "{}"};
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    for (auto& header : headers) request.headers.push_back(std::move(header));
    return api_->Handle(request);
  }

  testing::TempDir dir_;
  Metrics metrics_;
  ConnectorStatusBoard board_;
  ChangeSignal changes_;
  std::unique_ptr<AdminApi> api_;
  std::vector<std::string> controls_;
};

TEST_F(AdminScopesTest, EachScopeOpensItsRoutesAndNoOther) {
  EXPECT_EQ(Send("GET", "/v1/connectors", "Bearer read-token").status, 200);
  EXPECT_EQ(Send("GET", "/metrics", "Bearer read-token").status, 200);
  EXPECT_EQ(Send("GET", "/v1/config", "Bearer read-token").status, 200);
  EXPECT_EQ(Send("GET", "/v1/actions", "Bearer read-token").status, 200);
  auto refused = Send("POST", "/v1/connectors/erp/pause", "Bearer read-token");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(nlohmann::json::parse(refused.body)["error"]["message"],
            "token \"monitoring\" may read; POST /v1/connectors/{name}/pause needs operate");
  EXPECT_EQ(Send("POST", "/v1/actions/score", "Bearer read-token").status, 403);
  EXPECT_EQ(Send("GET", "/v1/proofs/" + std::string(64, 'a'), "Bearer read-token").status, 403);

  EXPECT_EQ(Send("POST", "/v1/connectors/erp/pause", "Bearer operate-token").status, 200);
  EXPECT_EQ(Send("POST", "/v1/quarantine/1/release", "Bearer operate-token").status, 404);  // past the scope check
  EXPECT_EQ(Send("GET", "/v1/connectors", "Bearer operate-token").status, 403);

  EXPECT_EQ(Send("POST", "/v1/actions/score", "Bearer actions-token").status, 400);  // no Idempotency-Key
  EXPECT_EQ(Send("GET", "/v1/actions", "Bearer actions-token").status, 200);
  EXPECT_EQ(Send("GET", "/metrics", "Bearer actions-token").status, 403);
  EXPECT_EQ(Send("POST", "/v1/connectors/erp/poll", "Bearer actions-token").status, 403);

  for (const char* target : {"/v1/connectors", "/metrics", "/v1/files", "/v1/changes"}) {
    EXPECT_EQ(Send("GET", target, "Bearer all-token").status, 200) << target;
  }
  EXPECT_EQ(Send("GET", "/v1/connectors", "").status, 401);
  EXPECT_EQ(Send("GET", "/healthz", "").status, 200);
  EXPECT_EQ(controls_, std::vector<std::string>{"erp 0 by ops"});
}

TEST_F(AdminScopesTest, ABrowserReadsWithBasicAndChangesOnlyThroughThePage) {
  auto challenge = Send("GET", "/v1/connectors", "", {{"Accept", "text/html,application/xhtml+xml"}});
  EXPECT_EQ(challenge.status, 401);
  EXPECT_EQ(http::FindHeader(challenge.headers, "WWW-Authenticate"), "Basic realm=\"tributary\", charset=\"UTF-8\"");
  EXPECT_EQ(http::FindHeader(Send("GET", "/v1/connectors", "").headers, "WWW-Authenticate"), "Bearer");

  EXPECT_EQ(Send("GET", "/v1/connectors", BasicOf("anyone:all-token")).status, 200);
  EXPECT_EQ(Send("GET", "/v1/connectors", BasicOf(":read-token")).status, 200);
  EXPECT_EQ(Send("GET", "/v1/connectors", BasicOf("all-token")).status, 401);  // no colon: no password
  EXPECT_EQ(Send("GET", "/v1/connectors", BasicOf("x:wrong")).status, 401);
  // A form another site made the browser post carries the credentials but not the header.
  EXPECT_EQ(Send("POST", "/v1/connectors/erp/pause", BasicOf("x:all-token")).status, 403);
  EXPECT_TRUE(controls_.empty());
  EXPECT_EQ(Send("POST", "/v1/connectors/erp/pause", BasicOf("x:all-token"), {{"X-Tributary-Page", "1"}}).status, 200);
  EXPECT_EQ(controls_, std::vector<std::string>{"erp 0 by admin"});
}

TEST_F(AdminScopesTest, AWrongMethodIs405WithTheMethodsAllowed) {
  auto response = Send("GET", "/v1/connectors/erp/pause", "Bearer all-token");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(http::FindHeader(response.headers, "Allow"), "POST");
  EXPECT_EQ(Send("DELETE", "/v1/nowhere", "Bearer all-token").status, 404);
}

}  // namespace
}  // namespace tributary::admin
