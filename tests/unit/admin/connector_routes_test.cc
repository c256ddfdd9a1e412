// The connectors on the admin API (one by name, with its file in progress and unmatched
// files; pause, resume, poll), the file ledger and the effective config.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::admin {
namespace {

class ConnectorRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AdminApiOptions options{.state_path = dir_.File("state.db"), .tenant = "acme", .config_text = "tenant: acme\n"};
    AdminApiDeps deps{.metrics = &metrics_, .connectors = &board_, .changes = &changes_, .ready = [] { return true; }};
    deps.control = [this](const std::string& name, ConnectorControl control, const std::string&) -> Status {
      if (name != "erp") return Fail(ErrorCode::kNotFound, "no connector \"" + name + "\" is configured");
      if (control == ConnectorControl::kPoll && paused_) return Fail(ErrorCode::kConflict, "connector erp is paused");
      if (control != ConnectorControl::kPoll) paused_ = control == ConnectorControl::kPause;
      return Ok();
    };
    api_ = std::make_unique<AdminApi>(options, deps);
  }

  nlohmann::json Get(const std::string& target, int expected = 200) {
    auto response = api_->Handle({.method = "GET", .target = target});
    EXPECT_EQ(response.status, expected) << target << ": " << response.body;
    return nlohmann::json::parse(response.body, nullptr, false);
  }
  http::Response Post(const std::string& target) { return api_->Handle({.method = "POST", .target = target}); }

  // A ledger entry per file name, in order.
  void Ledger(const std::vector<std::string>& names, const std::string& connector = "erp") {
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value());
    for (const std::string& name : names) {
      auto application = (*store)->BeginFile({.connector = connector, .name = name, .sha256 = "sha-" + name, .size = 3}, {});
      ASSERT_TRUE(application.has_value()) << application.error().ToString();
      ASSERT_TRUE((*application)->OnReject({.file = name, .line = 2, .reason = "bad"}).has_value());
      ASSERT_TRUE((*application)->Commit().has_value());
    }
  }

  testing::TempDir dir_;
  Metrics metrics_;
  ConnectorStatusBoard board_;
  ChangeSignal changes_;
  std::unique_ptr<AdminApi> api_;
  bool paused_ = false;
};

TEST_F(ConnectorRoutesTest, AConnectorShowsItsFileInProgressAndItsUnmatchedFiles) {
  board_.Put({.name = "erp", .type = "local", .state = "polling", .schedule = "30s"});
  board_.SetCurrentFile("erp", FileProgress{.name = "big.csv", .size = 1000, .bytes_read = 400, .rows_read = 12,
                                            .started_at = "2026-12-08T01:00:00Z"});
  board_.SetUnmatchedFiles("erp", {{.name = "notes.txt", .size = 5, .seen_at = "2026-12-08T00:59:00Z"}});
  // The runner's next update keeps what the connector reported.
  board_.Put({.name = "erp", .type = "local", .state = "polling", .schedule = "30s", .polls = 3});
  auto erp = Get("/v1/connectors/erp");
  EXPECT_EQ(erp["state"], "polling");
  EXPECT_EQ(erp["schedule"], "30s");
  EXPECT_EQ(erp["polls"], 3);
  EXPECT_EQ(erp["current_file"]["name"], "big.csv");
  EXPECT_EQ(erp["current_file"]["bytes_read"], 400);
  EXPECT_EQ(erp["current_file"]["rows_read"], 12);
  EXPECT_EQ(erp["unmatched_files"][0]["name"], "notes.txt");
  EXPECT_EQ(Get("/v1/connectors")["connectors"][0]["current_file"]["size"], 1000);
  EXPECT_EQ(Get("/v1/connectors/nope", 404)["error"]["message"], "no connector \"nope\" is configured");
}

TEST_F(ConnectorRoutesTest, PauseResumeAndPollAnswerWhatWasAsked) {
  board_.Put({.name = "erp", .type = "local", .state = "idle"});
  auto paused = Post("/v1/connectors/erp/pause");
  EXPECT_EQ(paused.status, 200);
  EXPECT_EQ(nlohmann::json::parse(paused.body)["state"], "paused");
  auto poll = Post("/v1/connectors/erp/poll");
  EXPECT_EQ(poll.status, 409);
  EXPECT_EQ(nlohmann::json::parse(poll.body)["error"]["message"], "connector erp is paused");
  EXPECT_EQ(Post("/v1/connectors/erp/resume").status, 200);
  EXPECT_EQ(Post("/v1/connectors/erp/poll").status, 202);
  EXPECT_EQ(Post("/v1/connectors/nope/pause").status, 404);
}

TEST_F(ConnectorRoutesTest, TheFileLedgerFiltersAndPages) {
  Ledger({"a.csv", "b.csv", "c.csv"});
  Ledger({"x.csv"}, "bank");
  auto all = Get("/v1/files");
  ASSERT_EQ(all["files"].size(), 4u);
  EXPECT_EQ(all["files"][0]["name"], "x.csv");  // newest first
  EXPECT_EQ(all["files"][0]["status"], "applied");
  EXPECT_EQ(all["files"][0]["rejects"], 1);
  EXPECT_TRUE(all["next_before"].is_null());
  auto erp = Get("/v1/files?connector=erp&limit=2");
  ASSERT_EQ(erp["files"].size(), 2u);
  EXPECT_EQ(erp["files"][0]["name"], "c.csv");
  auto rest = Get("/v1/files?connector=erp&limit=2&before=" + erp["next_before"].dump());
  ASSERT_EQ(rest["files"].size(), 1u);
  EXPECT_EQ(rest["files"][0]["name"], "a.csv");
  EXPECT_EQ(Get("/v1/files?status=archived")["files"].size(), 0u);
  EXPECT_EQ(Get("/v1/files?status=applied&after=2000-01-01")["files"].size(), 4u);
  EXPECT_EQ(Get("/v1/files?after=2999-01-01T00:00:00Z")["files"].size(), 0u);
  EXPECT_EQ(Get("/v1/files?status=lost", 400)["error"]["code"], "invalid_argument");
  EXPECT_EQ(Get("/v1/files?after=yesterday", 400)["error"]["code"], "invalid_argument");
}

TEST_F(ConnectorRoutesTest, TheConfigIsServedAsTheDaemonDescribesIt) {
  auto response = api_->Handle({.method = "GET", .target = "/v1/config"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "tenant: acme\n");
  EXPECT_EQ(http::FindHeader(response.headers, "Content-Type"), "application/yaml; charset=utf-8");
}

}  // namespace
}  // namespace tributary::admin
