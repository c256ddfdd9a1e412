// The status page in a real browser (headless Chromium) against a daemon with a real
// connector, a reject and a quarantined snapshot: what it renders with JavaScript on and
// off, and a screenshot kept as a test artifact (build/tests/artifacts/status_page.png).
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
  // The open amounts of the 39 items applied.
  EXPECT_NE(dom.find("<td>EUR</td><td class=\"num\">3900.00</td><td class=\"num\">39</td>"), std::string::npos)
      << dom;

  fs::create_directories("artifacts");
  const fs::path screenshot = fs::absolute("artifacts/status_page.png");
  fs::remove(screenshot);
  Browse(url_, "--window-size=1280,1600 --screenshot=" + screenshot.string(), scratch_.path());
  ASSERT_TRUE(fs::exists(screenshot));
  EXPECT_GT(fs::file_size(screenshot), 10000u);
}

TEST_F(StatusPageTest, WithJavaScriptOffThePageStillReadsAndReloadsItself) {
  const std::string dom = Browse(url_, "--blink-settings=scriptEnabled=false --dump-dom", scratch_.path());
  EXPECT_EQ(dom.find("class=\"js\""), std::string::npos) << "no script ran";
  EXPECT_NE(dom.find("data-connector=\"erp-drop\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("12,5O"), std::string::npos) << dom;
  EXPECT_NE(dom.find("<tr data-quarantine=\"1\"><td>open_items_2.csv</td>"), std::string::npos) << dom;
  EXPECT_NE(dom.find("http-equiv=\"refresh\""), std::string::npos) << dom;
}

}  // namespace
}  // namespace tributary::testing
