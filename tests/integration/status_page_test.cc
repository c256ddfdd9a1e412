// The status page in a real browser (headless Chromium) against a daemon with a real
// connector, a reject and a quarantined snapshot: what it renders, a screenshot kept as a
// test artifact (build/tests/artifacts/status_page.png), and what it shows without JavaScript.
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

// What Chromium renders of `url` (the DOM after load), with `flags`.
std::string Browse(const std::string& url, const std::string& flags, const fs::path& scratch) {
  const fs::path out = scratch / "dom.html";
  const std::string command = "timeout 120 chromium --headless=new --no-sandbox --disable-gpu --no-first-run "
                              "--user-data-dir=" + (scratch / "profile").string() + " " + flags + " '" + url +
                              "' >" + out.string() + " 2>" + (scratch / "chromium.log").string();
  const int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class StatusPageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v chromium >/dev/null") != 0) GTEST_FAIL() << "chromium is not installed (scripts/setup.sh installs it)";
    daemon_ = std::make_unique<DaemonHarness>(HarnessOptions{});
    daemon_->Start();
    // 40 open items, one of them with an amount that is no number: a reject.
    auto items = GenerateOpenItems(40, 4);
    items[7].open_amount = "12,5O";
    int64_t cents = 0;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i == 7) continue;
      const std::string& amount = items[i].open_amount;  // "123.45"
      const size_t dot = amount.find('.');
      cents += std::stoll(amount.substr(0, dot)) * 100 + std::stoll(amount.substr(dot + 1));
    }
    applied_total_ = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
    daemon_->Drop("open_items_1.csv", OpenItemsCsv(items));
    ASSERT_TRUE(WaitUntil([&] { return daemon_->Get("/v1/rejects")["rejects"].size() == 1; }, seconds(20)))
        << daemon_->Log();
    // A snapshot cut after 10 rows would close most of them: quarantined.
    items.resize(10);
    daemon_->Drop("open_items_2.csv", OpenItemsCsv(items));
    ASSERT_TRUE(WaitUntil([&] { return daemon_->Get("/v1/quarantine")["quarantine"].size() == 1; }, seconds(20)))
        << daemon_->Log();
    url_ = "http://127.0.0.1:" + std::to_string(daemon_->admin_port()) + "/";
  }

  TempDir scratch_;
  std::unique_ptr<DaemonHarness> daemon_;
  std::string url_;
  std::string applied_total_;  // the open amount of the rows applied, as the page writes it
};

TEST_F(StatusPageTest, ABrowserShowsTheConnectorTheRejectAndTheQuarantineWithItsButtons) {
  const std::string dom = Browse(url_, "--dump-dom", scratch_.path());
  EXPECT_NE(dom.find("<html lang=\"en\" class=\"js\">"), std::string::npos) << "the script ran";
  EXPECT_NE(dom.find("data-connector=\"erp-drop\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("<span class=\"state idle\">idle</span>"), std::string::npos) << dom;
  // The reject, with its file, line and reason.
  EXPECT_NE(dom.find("open_items_1.csv</td><td class=\"num\">9</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("12,5O"), std::string::npos) << dom;
  // The quarantined snapshot, its diff and its buttons.
  EXPECT_NE(dom.find("<tr data-quarantine=\"1\"><td>open_items_2.csv</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("close 30 of 39 active"), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-post=\"/v1/quarantine/1/release\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("data-post=\"/v1/connectors/erp-drop/pause\""), std::string::npos) << dom;
  // The open amount of the 39 items applied.
  EXPECT_NE(dom.find("<td>EUR</td><td class=\"num\">" + applied_total_ + "</td><td class=\"num\">39</td>"),
            std::string::npos)
      << applied_total_ << "\n" << dom;

  fs::create_directories("artifacts");
  const fs::path screenshot = fs::absolute("artifacts/status_page.png");
  fs::remove(screenshot);
  Browse(url_, "--window-size=1280,1600 --screenshot=" + screenshot.string(), scratch_.path());
  ASSERT_TRUE(fs::exists(screenshot));
  EXPECT_GT(fs::file_size(screenshot), 10000u);
}

// Without JavaScript a browser shows the page as served: the state must be in that HTML,
// not added by the script. (Headless Chromium renders nothing at all with scripting
// disabled: --dump-dom, --screenshot and --print-to-pdf each need it; so this reads the
// HTML the browser would display.)
TEST_F(StatusPageTest, WithJavaScriptOffThePageStillReads) {
  const std::string served = daemon_->GetText("/");
  const size_t script = served.find("<script>");
  ASSERT_NE(script, std::string::npos);
  const std::string before_script = served.substr(0, script);
  EXPECT_NE(before_script.find("data-connector=\"erp-drop\""), std::string::npos) << served;
  EXPECT_NE(before_script.find("12,5O"), std::string::npos);
  EXPECT_NE(before_script.find("<tr data-quarantine=\"1\"><td>open_items_2.csv</td>"), std::string::npos);
  EXPECT_NE(before_script.find("<td>EUR</td><td class=\"num\">" + applied_total_ + "</td>"), std::string::npos);
  // Its buttons need the script: hidden until it runs.
  EXPECT_NE(before_script.find(".js-only { display: none; }"), std::string::npos);
  // A wall display without JavaScript asks for reloads.
  const std::string reloading = daemon_->GetText("/?refresh=30");
  EXPECT_NE(reloading.find("<noscript><meta http-equiv=\"refresh\" content=\"30\"></noscript>"), std::string::npos);
  EXPECT_EQ(served.find("http-equiv"), std::string::npos);
}

}  // namespace
}  // namespace tributary::testing
