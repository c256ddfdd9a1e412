// The whole daemon against values from a careless ERP: characters outside ASCII in a
// rejected amount, and a plan run where the core's token is not set.
#include <stdio.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;

TEST(HostileValues, RejectsQuotingNonAsciiCharactersAreServedAsValidJson) {
  DaemonHarness daemon(HarnessOptions{});
  daemon.Start();
  OpenItem french;  // a French export's amounts: a no-break space, a minus sign, a euro sign
  french.number = "F-1";
  french.open_amount = "1\u00a0234.56";
  OpenItem minus;
  minus.number = "F-2";
  minus.open_amount = "\u221212.00";
  OpenItem euro;
  euro.number = "F-3";
  euro.open_amount = "12.00\u20ac";
  daemon.Drop("open_items_1.csv", OpenItemsCsv({french, minus, euro}));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(30))) << daemon.Log();
  int status = 0;
  nlohmann::json page = daemon.Get("/v1/rejects", &status);
  ASSERT_EQ(status, 200) << page.dump();
  ASSERT_EQ(page["rejects"].size(), 3u) << page.dump();
  EXPECT_EQ(page["rejects"][0]["reason"], "invalid amount \"1\u00a0234.56\": unexpected character \"\u00a0\"");
  EXPECT_EQ(page["rejects"][1]["reason"], "invalid amount \"\u221212.00\": unexpected character \"\u2212\"");
  EXPECT_EQ(page["rejects"][2]["reason"], "invalid amount \"12.00\u20ac\": unexpected character \"\u20ac\"");
}

TEST(HostileValues, APlanNeedsNoTokenItNeverUses) {
  auto core = FakeCore::Start();
  ASSERT_TRUE(core.has_value());
  HarnessOptions options;
  options.push_url = (*core)->base_url();
  options.push_token = (*core)->token();
  DaemonHarness daemon(options);  // its config reads the core's token from TEST_CORE_TOKEN
  OpenItem item;
  item.number = "INV-1";
  const auto input = daemon.root() / "open_items_1.csv";
  std::ofstream(input) << OpenItemsCsv({item});
  // Run where the variable is not set, as an admin would on another shell.
  const std::string command = "env -u TEST_CORE_TOKEN " + std::string(TRIBUTARY_BINARY) + " plan --config " +
                              daemon.config_path().string() + " --connector erp-drop " + input.string() + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find("rows: 1 read, 2 records, 0 rejects"), std::string::npos) << output;
}

}  // namespace
}  // namespace tributary::testing
