#include "connectors/kit/api_caller.h"

#include <gtest/gtest.h>

#include "gateway/store/store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/connectors/kit/scripted_server.h"

namespace tributary::connectors::kit {
namespace {

using namespace std::chrono_literals;
using test::Json;

class ApiCallerTest : public ::testing::Test {
 protected:
  ApiCallerTest() : client_(http::MakeCurlClient({})), budget_({}, clock_) {}

  std::unique_ptr<ApiCaller> Caller(GrantKeeper* grant = nullptr, AnswerReader reader = nullptr) {
    ApiCallerOptions options{.connector = "src", .provider_name = "Acme", .policy = {}, .read_answer = std::move(reader)};
    options.policy.max_attempts = 3;
    options.policy.backoff = 100ms;
    options.policy.max_backoff = 1s;
    return std::make_unique<ApiCaller>(options, *client_, budget_, grant, clock_, &metrics_);
  }
  http::Request Get(const std::string& path) { return {.method = "GET", .target = server_.url(path)}; }

  test::ScriptedServer server_;
  testing::FakeClock clock_;
  std::unique_ptr<http::HttpClient> client_;
  RequestBudget budget_;
  Metrics metrics_;
};

TEST_F(ApiCallerTest, TransientAnswersAreRetriedWithBackoff) {
  server_.Script({Json(503, "{}"), Json(502, "{}"), Json(200, R"({"ok":true})")});
  auto response = Caller()->Send(Get("/things"), "things", {});
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->body, R"({"ok":true})");
  EXPECT_EQ(server_.Count("/things"), 3);
  EXPECT_EQ(clock_.Waited().size(), 2u);
  EXPECT_EQ(metrics_.Get("tributary_api_requests_total", {{"connector", "src"}, {"outcome", "server_error"}}), 2);
}

TEST_F(ApiCallerTest, ThrottlingHonoursRetryAfter) {
  server_.Script({Json(429, "{}", {{"Retry-After", "7"}}), Json(200, "{}")});
  ASSERT_TRUE(Caller()->Send(Get("/things"), "things", {}).has_value());
  ASSERT_EQ(clock_.Waited().size(), 1u);
  EXPECT_GE(clock_.Waited()[0], 7s);
}

TEST_F(ApiCallerTest, ARefusalIsTheAnswerAndIsNeverRetried) {
  server_.Script({Json(400, R"({"error":"bad"})")});
  auto caller = Caller();
  auto response = caller->Send(Get("/things"), "things", {});
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(server_.Count("/things"), 1);
  server_.Script({Json(404, "{}")});
  auto refused = caller->SendExpectingSuccess(Get("/things"), "things", {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kRejected);
  EXPECT_EQ(refused.error().message, "Acme refused things: HTTP 404");
}

TEST_F(ApiCallerTest, GivesUpAfterMaxAttemptsForTheNextPass) {
  server_.Script({Json(503, "{}")}, /*repeat_last=*/true);
  auto response = Caller()->Send(Get("/things"), "things", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("gave up after 3 attempts"), std::string::npos) << response.error().message;
  EXPECT_EQ(server_.Count("/things"), 3);
}

TEST_F(ApiCallerTest, AProviderReadingStopsTheCallWhenItsAllocationIsUsed) {
  server_.Script({Json(403, R"([{"errorCode":"REQUEST_LIMIT_EXCEEDED"}])")}, true);
  auto response = Caller(nullptr, [](const http::Response& answer) {
                    return answer.status == 403 ? Reading::kQuotaExhausted : Reading::kCommon;
                  })->Send(Get("/things"), "things", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("Acme says its API allocation is used"), std::string::npos);
  EXPECT_EQ(server_.Count("/things"), 1);
}

TEST_F(ApiCallerTest, AStopWhileWaitingToRetryCancels) {
  server_.Script({Json(503, "{}")}, true);
  std::stop_source stop;
  stop.request_stop();
  auto response = Caller()->Send(Get("/things"), "things", stop.get_token());
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kCancelled);
}

// With a grant: the bearer token, its endpoint, and one renewal on 401.
class ApiCallerGrantTest : public ApiCallerTest {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.File("state/tributary.db"));
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
    server_.Route([this](const http::Request& request) -> std::optional<http::Response> {
      if (!request.target.starts_with("/token")) return std::nullopt;
      ++tokens_issued_;
      return Json(200, R"({"access_token":"token-)" + std::to_string(tokens_issued_) + R"(","instance_url":")" +
                           server_.url("/instance") + R"("})");
    });
    grant_ = std::make_unique<ClientCredentialsGrant>(ClientCredentialsGrant::Settings{
        .identity = {.id = {"acme", "app", "account"}, .provider_name = "Acme", .token_url = server_.url("/token")},
        .client_id = "app",
        .client_secret = "s3cret"});
    keeper_ = std::make_unique<GrantKeeper>(*grant_, "src", "tributary auth acme", *store_, *client_, locks_, clock_,
                                            nullptr);
  }

  testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  GrantLocks locks_;
  std::unique_ptr<ClientCredentialsGrant> grant_;
  std::unique_ptr<GrantKeeper> keeper_;
  int tokens_issued_ = 0;
};

TEST_F(ApiCallerGrantTest, RelativeTargetsGoToTheGrantsEndpointWithTheBearerToken) {
  server_.Script({Json(200, "{}")});
  auto response = Caller(keeper_.get())->Send({.method = "GET", .target = "/data"}, "data", {});
  ASSERT_TRUE(response.has_value()) << response.error().message;
  auto requests = server_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].target, "/instance/data");
  EXPECT_EQ(http::FindHeader(requests[1].headers, "Authorization"), "Bearer token-1");
}

TEST_F(ApiCallerGrantTest, A401RenewsTheTokenOnceThenGivesUp) {
  server_.Script({Json(401, "{}"), Json(200, "{}")});
  auto caller = Caller(keeper_.get());
  ASSERT_TRUE(caller->Send({.method = "GET", .target = "/data"}, "data", {}).has_value());
  EXPECT_EQ(tokens_issued_, 2);
  EXPECT_EQ(http::FindHeader(server_.Requests().back().headers, "Authorization"), "Bearer token-2");
  server_.Script({Json(401, "{}")}, true);
  auto refused = caller->Send({.method = "GET", .target = "/data"}, "data", {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kRejected);
  EXPECT_EQ(tokens_issued_, 3);
}

}  // namespace
}  // namespace tributary::connectors::kit
