// The Creditsafe double itself, on the wire: what the connector's tests rely on it to do
// like Creditsafe (tokens taken bare or as Bearer, expiry, required parameters, error
// bodies).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"
#include "tests/testing/creditsafe_double.h"
#include "tests/testing/fake_clock.h"

namespace tributary::testing {
namespace {

using namespace std::chrono_literals;

class CreditsafeDoubleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = CreditsafeDouble::Start(clock_);
    ASSERT_TRUE(started.has_value()) << started.error().message;
    double_ = std::move(*started);
    double_->AddCompany({.id = "FR-X-49481445200012", .reg_no = "49481445200012", .name = "LE JULES VERNE"});
    client_ = http::MakeCurlClient({.total_timeout = 10s});
  }

  http::Response Send(const std::string& method, const std::string& path, const std::string& authorization,
                      const std::string& body = "") {
    http::Request request{.method = method, .target = double_->base_url() + path, .body = body};
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    auto response = client_->Send(request);
    EXPECT_TRUE(response.has_value());
    return response.value_or(http::Response{});
  }

  std::string Login() {
    const nlohmann::json body = {{"username", double_->options().username}, {"password", double_->options().password}};
    http::Response response = Send("POST", "/authenticate", "", body.dump());
    EXPECT_EQ(response.status, 200);
    return nlohmann::json::parse(response.body)["token"];
  }

  FakeClock clock_;
  std::unique_ptr<CreditsafeDouble> double_;
  std::unique_ptr<http::HttpClient> client_;
};

TEST_F(CreditsafeDoubleTest, TakesTheTokenBareOrAsBearerUntilItsHourIsOver) {
  const std::string token = Login();
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);  // a JWT
  EXPECT_EQ(Send("GET", "/companies?countries=FR&regNo=494814452", "Bearer " + token).status, 200);
  EXPECT_EQ(Send("GET", "/companies?countries=FR&regNo=494814452", token).status, 200);
  EXPECT_EQ(Send("GET", "/companies?countries=FR&regNo=494814452", "").status, 401);
  clock_.Advance(3600s);
  EXPECT_EQ(Send("GET", "/companies?countries=FR&regNo=494814452", token).status, 401);
}

TEST_F(CreditsafeDoubleTest, SearchNeedsCountriesAndErrorsCarryCreditsafesBody) {
  const std::string token = Login();
  http::Response missing = Send("GET", "/companies?regNo=494814452", token);
  EXPECT_EQ(missing.status, 400);
  const auto body = nlohmann::json::parse(missing.body);
  EXPECT_TRUE(body.contains("correlationId"));
  EXPECT_EQ(body["message"], "Invalid request");
  EXPECT_EQ(body["details"], "countries is required");
  http::Response unknown = Send("GET", "/companies/FR-X-0?language=en", token);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["message"], "Company not found");
}

TEST_F(CreditsafeDoubleTest, BadCredentialsAnswer401ThenTheLockout) {
  const std::string bad = R"({"username":"tributary-user-key","password":"nope"})";
  for (int i = 0; i < 5; ++i) {
    http::Response refused = Send("POST", "/authenticate", "", bad);
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(nlohmann::json::parse(refused.body)["message"],
              "Access denied - Please check that your username and password are correct");
  }
  EXPECT_EQ(Send("POST", "/authenticate", "", bad).status, 429);
  clock_.Advance(4min);
  const nlohmann::json good = {{"username", double_->options().username}, {"password", double_->options().password}};
  EXPECT_EQ(Send("POST", "/authenticate", "", good.dump()).status, 429);
  clock_.Advance(1min);
  EXPECT_EQ(Send("POST", "/authenticate", "", good.dump()).status, 200);
}

TEST_F(CreditsafeDoubleTest, EventsPageZeroBasedWithPaging) {
  const std::string token = Login();
  EXPECT_EQ(Send("POST", "/monitoring/portfolios/131318/companies", token, R"({"id":"FR-X-49481445200012"})").status, 201);
  for (int i = 0; i < 3; ++i) ASSERT_GT(double_->InjectEvent(131318, "FR-X-49481445200012"), 0);
  EXPECT_EQ(double_->InjectEvent(131318, "FR-X-NOT-WATCHED"), 0);
  http::Response page = Send("GET", "/monitoring/portfolios/131318/notificationEvents?sortBy=eventId&sortDir=asc&page=1&pageSize=2", token);
  ASSERT_EQ(page.status, 200);
  const auto body = nlohmann::json::parse(page.body);
  EXPECT_EQ(body["totalCount"], 3);
  ASSERT_EQ(body["data"].size(), 1u);
  EXPECT_EQ(body["data"][0]["eventId"], 7000003);
  EXPECT_EQ(body["data"][0]["company"]["id"], "FR-X-49481445200012");
  EXPECT_EQ(body["paging"]["prev"], 0);
  EXPECT_TRUE(body["paging"]["next"].is_null());
  EXPECT_EQ(Send("GET", "/monitoring/portfolios/999/notificationEvents", token).status, 404);
}

}  // namespace
}  // namespace tributary::testing
