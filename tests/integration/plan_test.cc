// `tributary plan` end to end: the real daemon ingests file A from its drop folder; then
// file B is planned against the daemon's store, while the daemon is stopped and while it
// runs, with exact figures; the store is not modified; and applying B for real does what
// the plan said.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tests/integration/command_runner.h"
#include "tests/integration/daemon_harness.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

using CommandResult = CommandOutcome;

CommandResult RunTributary(const std::string& arguments) { return RunTributaryCommand(arguments); }

std::string Sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[digest[i] >> 4];
    hex += kDigits[digest[i] & 0xF];
  }
  return hex;
}

// File A: INV-1..INV-20 over customers C1..C4, 10.00 + 0.37 × i EUR each: 270.30 EUR.
std::vector<OpenItem> FileA() { return GenerateOpenItems(20, 4); }

// File B: INV-4 (11.11) and INV-12 (14.07) gone, INV-6 paid down from 11.85 to 5.00, and
// INV-100 of a new customer C9 for 123.45.
std::vector<OpenItem> FileB() {
  std::vector<OpenItem> items;
  for (OpenItem item : FileA()) {
    if (item.number == "INV-4" || item.number == "INV-12") continue;
    if (item.number == "INV-6") item.open_amount = "5.00";
    items.push_back(item);
  }
  items.push_back({.account = "C9", .customer_name = "Customer 9", .number = "INV-100", .total = "123.45",
                   .open_amount = "123.45"});
  return items;
}

// The figures a person computed by hand for B after A.
void ExpectThePlanOfB(const nlohmann::json& plan) {
  ASSERT_TRUE(plan.is_object()) << plan.dump();
  EXPECT_EQ(plan["connector"], "erp-drop");
  EXPECT_EQ(plan["rule"], "open_items*.csv");
  EXPECT_EQ(plan["mode"], "snapshot");
  EXPECT_EQ(plan["rows"], 19);
  EXPECT_EQ(plan["rejects"], 0);
  EXPECT_TRUE(plan["known_file"].is_null());
  EXPECT_EQ(plan["entities"], nlohmann::json::parse(R"([
      {"entity":"customer","created":1,"updated":0,"unchanged":4,"closed":0},
      {"entity":"receivable","created":1,"updated":1,"unchanged":17,"closed":2}])"));
  // 270.30 - 11.11 - 14.07 - (11.85 - 5.00) + 123.45 = 361.72
  EXPECT_EQ(plan["open_balance"], nlohmann::json::parse(R"([
      {"currency":"EUR","before":"270.30","after":"361.72","delta":"91.42"}])"));
  ASSERT_EQ(plan["biggest_changes"].size(), 4u) << plan.dump();
  EXPECT_EQ(plan["biggest_changes"][0], nlohmann::json::parse(R"(
      {"change":"created","entity":"receivable","key":"erp-drop:receivable:FR01-INV-100","currency":"EUR",
       "before":"0.00","after":"123.45","delta":"123.45","line":20})"));
  EXPECT_EQ(plan["biggest_changes"][1]["key"], "erp-drop:receivable:FR01-INV-12");
  EXPECT_EQ(plan["biggest_changes"][1]["delta"], "-14.07");
  EXPECT_EQ(plan["biggest_changes"][1]["change"], "closed");
  EXPECT_EQ(plan["biggest_changes"][2]["key"], "erp-drop:receivable:FR01-INV-4");
  EXPECT_EQ(plan["biggest_changes"][2]["delta"], "-11.11");
  EXPECT_EQ(plan["biggest_changes"][3]["key"], "erp-drop:receivable:FR01-INV-6");
  EXPECT_EQ(plan["biggest_changes"][3]["change"], "updated");
  EXPECT_EQ(plan["biggest_changes"][3]["before"], "11.85");
  EXPECT_EQ(plan["biggest_changes"][3]["after"], "5.00");
  EXPECT_EQ(plan["guard"], nlohmann::json::parse(R"(
      {"would_close":2,"active":20,"max_close_ratio":"0.200","trips":false,"reason":""})"));
}

class PlanTest : public ::testing::Test {
 protected:
  void IngestA() {
    daemon_.Start();
    daemon_.Drop("open_items_1.csv", OpenItemsCsv(FileA()));
    ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon_.archive_dir()) == 1; }, seconds(20))) << daemon_.Log();
  }

  std::string PlanArguments(const fs::path& file, bool json) const {
    return "plan --config " + daemon_.config_path().string() + " --connector erp-drop " + (json ? "--json " : "") +
           file.string();
  }

  fs::path WriteB() const {
    const fs::path file = scratch_.path() / "open_items_2.csv";
    std::ofstream(file, std::ios::binary) << OpenItemsCsv(FileB());
    return file;
  }

  fs::path Database() const { return daemon_.root() / "var/tributary.db"; }

  DaemonHarness daemon_{HarnessOptions{}};
  TempDir scratch_;
};

TEST_F(PlanTest, PlansAgainstTheStoppedDaemonsStoreWithoutModifyingIt) {
  IngestA();
  ASSERT_EQ(daemon_.StopWith(SIGTERM), 0) << daemon_.Log();
  const fs::path b = WriteB();
  const std::string database_before = Sha256(ReadBytes(Database()));

  CommandResult result = RunTributary(PlanArguments(b, /*json=*/true));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.err, "");
  ExpectThePlanOfB(nlohmann::json::parse(result.out, nullptr, false));

  // The plain-text form says the same in words.
  result = RunTributary(PlanArguments(b, /*json=*/false));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("  receivable         1         1        17         2\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("  EUR          270.30 →           361.72  (+91.42)\n"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("guard: would close 2 of 20 (10.0%), within the guard of 20%\n"), std::string::npos)
      << result.out;

  EXPECT_EQ(Sha256(ReadBytes(Database())), database_before) << "the plan wrote to the database";
  std::error_code error;
  const auto wal_size = fs::file_size(fs::path(Database().string() + "-wal"), error);
  EXPECT_TRUE(error || wal_size == 0) << "the plan wrote " << wal_size << " bytes of WAL";
}

TEST_F(PlanTest, PlansBesideTheRunningDaemonAndTheDaemonThenDoesWhatThePlanSaid) {
  IngestA();
  const fs::path b = WriteB();
  const size_t changes_before = daemon_.AllChanges().size();
  EXPECT_EQ(changes_before, 24u);  // 4 customers + 20 receivables

  CommandResult result = RunTributary(PlanArguments(b, /*json=*/true));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  ExpectThePlanOfB(nlohmann::json::parse(result.out, nullptr, false));
  EXPECT_EQ(daemon_.AllChanges().size(), changes_before);

  // Dropped for real: one customer and one receivable created, one updated, two closed.
  daemon_.Drop("open_items_2.csv", ReadBytes(b));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon_.archive_dir()) == 2; }, seconds(20))) << daemon_.Log();
  const std::vector<nlohmann::json> changes = daemon_.AllChanges();
  ASSERT_EQ(changes.size(), changes_before + 5);
  int upserts = 0, closes = 0;
  for (size_t i = changes_before; i < changes.size(); ++i) (changes[i]["op"] == "close" ? closes : upserts)++;
  EXPECT_EQ(upserts, 3);
  EXPECT_EQ(closes, 2);

  // Planning B again: the ledger knows it, nothing would change, the balance is the one
  // the first plan announced.
  result = RunTributary(PlanArguments(b, /*json=*/true));
  const nlohmann::json again = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_TRUE(again.is_object()) << result.out << result.err;
  EXPECT_EQ(again["known_file"]["daemon_action"], "archive");
  EXPECT_EQ(again["open_balance"][0]["before"], "361.72");
  EXPECT_EQ(again["open_balance"][0]["delta"], "0.00");
  EXPECT_EQ(daemon_.StopWith(SIGTERM), 0) << daemon_.Log();
}

TEST_F(PlanTest, ATruncatedSnapshotIsAnnouncedAsAQuarantine) {
  IngestA();
  ASSERT_EQ(daemon_.StopWith(SIGTERM), 0) << daemon_.Log();
  std::vector<OpenItem> items = FileA();
  items.resize(5);  // would close 15 of 20
  const fs::path file = scratch_.path() / "open_items_3.csv";
  std::ofstream(file, std::ios::binary) << OpenItemsCsv(items);
  const CommandResult result = RunTributary(PlanArguments(file, /*json=*/false));
  EXPECT_EQ(result.exit_code, 1) << "a quarantine makes the exit code 1\n" << result.out << result.err;
  EXPECT_NE(result.out.find("guard: QUARANTINE: snapshot would close 15 of 20 open items (75%), above the guard of "
                            "20%; nothing of the file applies until an admin releases it\n"),
            std::string::npos)
      << result.out;
}

TEST_F(PlanTest, ASubDirectoryIsItsOwnSnapshot) {
  IngestA();
  ASSERT_EQ(daemon_.StopWith(SIGTERM), 0) << daemon_.Log();
  const CommandResult result = RunTributary("plan --config " + daemon_.config_path().string() +
                                            " --connector erp-drop --folder eu/ --json " + WriteB().string());
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  const nlohmann::json plan = nlohmann::json::parse(result.out, nullptr, false);
  ASSERT_TRUE(plan.is_object()) << result.out;
  EXPECT_EQ(plan["feed"], "erp-drop/eu/open_items*.csv");
  EXPECT_EQ(plan["entities"][1]["closed"], 0) << "nothing of the top folder's feed closes";
  EXPECT_EQ(plan["guard"]["active"], 0);
}

TEST_F(PlanTest, WithoutADatabaseEverythingWouldBeNew) {
  const fs::path b = WriteB();
  const CommandResult result = RunTributary(PlanArguments(b, /*json=*/false));
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("note: there is no database yet: everything in the file would be new\n"),
            std::string::npos)
      << result.out;
  EXPECT_FALSE(fs::exists(Database())) << "the plan created the database";
}

TEST_F(PlanTest, UsageErrors) {
  const fs::path b = WriteB();
  const std::string config = daemon_.config_path().string();
  CommandResult result = RunTributary("plan --config " + config + " " + b.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("tributary: plan needs --connector NAME"), std::string::npos) << result.err;

  result = RunTributary("plan --config " + config + " --connector nope " + b.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("tributary: no connector named nope in " + config + " (connectors: erp-drop)"),
            std::string::npos)
      << result.err;

  result = RunTributary("plan --config " + config + " --connector erp-drop --folder ../up " + b.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("--folder must be a sub-directory of the drop folder, without . or .., got ../up"),
            std::string::npos)
      << result.err;

  const fs::path other = scratch_.path() / "payments.csv";
  std::ofstream(other) << "x\n";
  result = RunTributary("plan --config " + config + " --connector erp-drop " + other.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err,
            "tributary: no files rule of connector erp-drop matches payments.csv (patterns: open_items*.csv)\n");

  const fs::path unusable = scratch_.path() / "open_items_bad.csv";
  std::ofstream(unusable) << "account_number;customer_name\nC1;Alpha\n";
  result = RunTributary("plan --config " + config + " --connector erp-drop " + unusable.string());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("tributary: " + unusable.string() + ": the header has no column"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace tributary::testing
