// The status page as rendered: hostile text escaped, buttons only for a token that may
// operate, and served at / with a policy that lets it load nothing from elsewhere.
#include "gateway/admin/status_page.h"

#include <gtest/gtest.h>

#include "gateway/admin/admin_api.h"
#include "tests/testing/temp_dir.h"

namespace tributary::admin {
namespace {

StatusPageData Sample() {
  StatusPageData data{.tenant = "acme", .version = "1.2.3", .now = "2026-12-08T01:00:00Z", .now_unix = 1000};
  data.connectors.push_back({.name = "erp", .type = "directory", .state = "polling", .schedule = "30s",
                             .last_error = "file <b>x</b> & \"y\"",
                             .current_file = FileProgress{.name = "big.csv", .size = 2048, .bytes_read = 1024, .rows_read = 7},
                             .unmatched_files = {{.name = "notes.txt", .size = 3}}});
  data.freshness.push_back({"erp", 880});
  data.open_amounts.push_back({.legal_entity = "FR01", .currency = "EUR", .amount = "1200.50", .items = 3});
  store::Reject reject;
  reject.connector = "erp";
  reject.reject = {.file = "in.csv", .line = 4, .column = 2, .field = "amount", .reason = "<script>alert(1)</script>"};
  data.rejects.push_back(reject);
  data.quarantine.push_back({.id = 5, .connector = "erp", .file = {.name = "open_items_2.csv"}, .reason = "guard",
                             .diff_json = R"({"would_close":30,"active":40,"ratio":"0.750","max_close_ratio":"0.200",)"
                                          R"("would_create":0,"would_update":0,"sample":[{"key":"acme:receivable:X","open_amount":"10.00","currency":"EUR"}]})"});
  return data;
}

TEST(StatusPage, EscapesWhatItShowsAndOffersButtonsOnlyToOperators) {
  StatusPageData data = Sample();
  std::string page = RenderStatusPage(data);
  EXPECT_EQ(page.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page.find("file &lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"), std::string::npos);
  EXPECT_NE(page.find("big.csv<br><progress max=\"2048\" value=\"1024\"></progress> 7 rows, 1024 B of 2048 B"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("notes.txt"), std::string::npos);
  EXPECT_NE(page.find("<td>2 min</td>"), std::string::npos) << "data age: 120 s";
  EXPECT_NE(page.find("<td>FR01</td><td>EUR</td><td class=\"num\">1200.50</td>"), std::string::npos);
  EXPECT_NE(page.find("close 30 of 40 active (ratio 0.750, limit 0.200)"), std::string::npos) << page;
  EXPECT_EQ(page.find("data-post="), std::string::npos) << "a read-only token gets no button";

  data.can_operate = true;
  page = RenderStatusPage(data);
  EXPECT_NE(page.find("data-post=\"/v1/quarantine/5/release\""), std::string::npos);
  EXPECT_NE(page.find("data-post=\"/v1/quarantine/5/discard\" data-confirm="), std::string::npos);
  EXPECT_NE(page.find("data-post=\"/v1/connectors/erp/pause\""), std::string::npos);
}

TEST(StatusPage, IsServedAtTheRootWithAStrictPolicy) {
  testing::TempDir dir;
  Metrics metrics;
  ConnectorStatusBoard board;
  ChangeSignal changes;
  board.Put({.name = "erp", .type = "directory", .state = "idle"});
  AdminApi api({.state_path = dir.File("state.db"),
                .tokens = {{.name = "monitoring", .token = "read-token", .scopes = {Scope::kRead}}},
                .tenant = "acme",
                .version = "1.2.3"},
               {.metrics = &metrics, .connectors = &board, .changes = &changes, .ready = [] { return true; }});
  http::Request request{.method = "GET", .target = "/", .headers = {{"Authorization", "Bearer read-token"}}};
  auto page = api.Handle(request);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(http::FindHeader(page.headers, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(http::FindHeader(page.headers, "Content-Security-Policy").find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.body.find("data-connector=\"erp\""), std::string::npos);
  EXPECT_NE(page.body.find("version 1.2.3"), std::string::npos);
  EXPECT_EQ(page.body.find("data-post="), std::string::npos);
  EXPECT_EQ(page.body.find("src=\"http"), std::string::npos) << "nothing loaded from elsewhere";
  EXPECT_EQ(page.body.find("href=\"http"), std::string::npos);
}

}  // namespace
}  // namespace tributary::admin
