#include "gateway/admin/admin_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/store/store.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::admin {
namespace {

class AdminApiTest : public ::testing::Test {
 protected:
  std::unique_ptr<AdminApi> MakeApi(std::optional<std::string> token) {
    AdminApiOptions options{.state_path = dir_.File("state.db"), .tenant = "acme"};
    if (token) options.tokens.push_back({.name = "admin", .token = *token, .scopes = Scopes::All()});
    AdminApiDeps deps{.metrics = &metrics_, .connectors = &board_, .changes = &changes_, .ready = [] { return true; }};
    return std::make_unique<AdminApi>(options, deps);
  }
  static http::Response Get(AdminApi& api, const std::string& target, const std::string& authorization = "") {
    http::Request request{.method = "GET", .target = target};
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    return api.Handle(request);
  }

  testing::TempDir dir_;
  Metrics metrics_;
  ConnectorStatusBoard board_;
  ChangeSignal changes_;
};

TEST_F(AdminApiTest, TokenGuardsEverythingButHealthAndReadiness) {
  auto api = MakeApi("s3cret");
  EXPECT_EQ(Get(*api, "/healthz").status, 200);
  EXPECT_EQ(Get(*api, "/readyz").status, 200);
  EXPECT_EQ(Get(*api, "/v1/changes").status, 401);
  EXPECT_EQ(Get(*api, "/metrics").status, 401);
  EXPECT_EQ(Get(*api, "/v1/changes", "Bearer wrong!").status, 401);
  EXPECT_EQ(Get(*api, "/v1/changes", "Basic s3cret").status, 401);
  auto ok = Get(*api, "/v1/changes", "Bearer s3cret");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok.body)["next_after"], 0);
}

TEST_F(AdminApiTest, NoTokenConfiguredMeansOpenOnLoopback) {
  auto api = MakeApi(std::nullopt);
  EXPECT_EQ(Get(*api, "/v1/changes").status, 200);
  EXPECT_EQ(Get(*api, "/v1/rejects").status, 200);
  EXPECT_EQ(Get(*api, "/v1/dead-letters").status, 200);
  EXPECT_EQ(Get(*api, "/v1/quarantine").status, 200);
  EXPECT_EQ(Get(*api, "/v1/connectors").status, 200);
  EXPECT_NE(Get(*api, "/metrics").body.find("tributary_outbox_last_seq 0"), std::string::npos);
}

TEST_F(AdminApiTest, BadArgumentsAndUnknownResourcesAreClearErrors) {
  auto api = MakeApi(std::nullopt);
  auto bad = Get(*api, "/v1/changes?after=abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["code"], "invalid_argument");
  EXPECT_EQ(Get(*api, "/v1/changes?limit=5000").status, 400);
  EXPECT_EQ(Get(*api, "/v1/quarantine/42").status, 404);
  EXPECT_EQ(Get(*api, "/v1/nothing").status, 404);
  http::Request replay{.method = "POST", .target = "/v1/dead-letters/7/replay"};
  EXPECT_EQ(api->Handle(replay).status, 404);
  http::Request release{.method = "POST", .target = "/v1/quarantine/7/release"};
  EXPECT_EQ(api->Handle(release).status, 404);
}

TEST_F(AdminApiTest, EveryAnswerIsValidJsonWhateverTheStoredText) {
  // A reject whose text holds bytes that are not UTF-8 (a message that once quoted one
  // byte of a multi-byte character): the page is still answered, as valid JSON.
  {
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    auto application = (*store)->BeginFile({.connector = "erp", .name = "in.csv", .sha256 = "ab", .size = 1}, {});
    ASSERT_TRUE(application.has_value()) << application.error().ToString();
    ASSERT_TRUE((*application)
                    ->OnReject({.file = "in.csv", .line = 2, .reason = "unexpected character \"\xe2\"",
                                .raw = "1\xc2 234,56"})
                    .has_value());
    ASSERT_TRUE((*application)->Commit().has_value());
  }
  auto api = MakeApi(std::nullopt);
  auto page = Get(*api, "/v1/rejects");
  ASSERT_EQ(page.status, 200) << page.body;
  auto json = nlohmann::json::parse(page.body, nullptr, false);
  ASSERT_FALSE(json.is_discarded()) << page.body;
  EXPECT_EQ(json["rejects"][0]["reason"], "unexpected character \"\uFFFD\"");
}

TEST_F(AdminApiTest, ConnectorStatusIsListed) {
  board_.Put({.name = "erp-drop", .type = "directory", .state = "failing", .last_error = "cannot list /x"});
  auto api = MakeApi(std::nullopt);
  auto body = nlohmann::json::parse(Get(*api, "/v1/connectors").body);
  ASSERT_EQ(body["connectors"].size(), 1u);
  EXPECT_EQ(body["connectors"][0]["last_error"], "cannot list /x");
  EXPECT_NE(Get(*api, "/metrics").body.find("tributary_connector_up{connector=\"erp-drop\"} 0"), std::string::npos);
}

TEST_F(AdminApiTest, AStaleReleaseIsRefusedWithTheNewerFile) {
  {
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    auto apply = [&](const std::string& content, const std::string& name, int count) {
      auto application = (*store)->BeginFile(store::test::File(content, name), store::test::Snapshot(0.2));
      EXPECT_TRUE(application.has_value());
      for (auto& record : store::test::Invoices(count)) {
        EXPECT_TRUE((*application)->OnRecord(std::move(record)).has_value());
      }
      return (*application)->Commit().value();
    };
    apply("day 1", "open_items_1.csv", 10);
    ASSERT_TRUE(apply("day 2", "open_items_2.csv", 2).quarantined);
    ASSERT_FALSE(apply("day 3", "open_items_3.csv", 10).quarantined);
  }
  auto api = MakeApi(std::nullopt);
  auto listed = nlohmann::json::parse(Get(*api, "/v1/quarantine").body);
  ASSERT_EQ(listed["quarantine"].size(), 1u);
  const int64_t id = listed["quarantine"][0]["id"];
  http::Request release{.method = "POST", .target = "/v1/quarantine/" + std::to_string(id) + "/release"};
  auto refused = api->Handle(release);
  EXPECT_EQ(refused.status, 409);
  auto error = nlohmann::json::parse(refused.body)["error"];
  EXPECT_EQ(error["code"], "conflict");
  EXPECT_NE(error["message"].get<std::string>().find("a newer snapshot of feed erp/open_items_*.csv, "
                                                     "open_items_3.csv (file 3), was applied since"),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(nlohmann::json::parse(Get(*api, "/v1/quarantine").body)["quarantine"][0]["state"], "pending");
  http::Request discard{.method = "POST", .target = "/v1/quarantine/" + std::to_string(id) + "/discard"};
  EXPECT_EQ(api->Handle(discard).status, 200);
}

}  // namespace
}  // namespace tributary::admin
