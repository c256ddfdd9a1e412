// A directory connector on a real SQLite store pushing to a test core: a snapshot's
// rejected row keeps its receivable open and unchanged; a rejected row without a key
// withholds its customer's closes (log, metric, ledger); one with neither key nor customer
// quarantines the file, whose release is refused once a newer file was applied; and a
// files rule's `parameters` change what its mapping computes.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "gateway/store/store.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"

namespace tributary::testing {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

OpenItem Item(const std::string& number, const std::string& open_amount = "100.00") {
  OpenItem item;
  item.number = number;
  item.open_amount = open_amount;
  return item;
}

std::string Key(const std::string& number) { return "erp-drop:receivable:FR01-" + number; }

// stdout and stderr of `tributary ARGUMENTS`, and whether it exited 0.
std::pair<bool, std::string> RunTributary(const std::string& arguments, const std::string& environment = "") {
  const std::string command = environment + " " + std::string(TRIBUTARY_BINARY) + " " + arguments + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {false, "popen failed"};
  std::string output;
  char buffer[512];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  return {pclose(pipe) == 0, output};
}

TEST(SnapshotRejects, ARejectedRowNeverClosesItsReceivable) {
  auto core = FakeCore::Start();
  ASSERT_TRUE(core.has_value());
  HarnessOptions options;
  options.push_url = (*core)->base_url();
  options.push_token = (*core)->token();
  options.max_close_ratio.reset();  // one close in three would trip a 20% guard
  DaemonHarness daemon(options);
  daemon.Start();
  auto archived = [&](int count) {
    return WaitUntil([&] { return CountFiles(daemon.archive_dir()) == count; }, seconds(30));
  };

  daemon.Drop("open_items_1.csv", OpenItemsCsv({Item("A"), Item("B"), Item("C")}));
  ASSERT_TRUE(archived(1)) << daemon.Log();
  // The plan announces what the next two snapshots do (read-only, beside the daemon).
  OpenItem keyless = Item("");
  {
    std::ofstream(daemon.root() / "open_items_2.csv") << OpenItemsCsv({Item("A"), Item("B", "12,x")});
    std::ofstream(daemon.root() / "open_items_3.csv") << OpenItemsCsv({Item("A"), keyless});
    const std::string plan = " plan --config " + daemon.config_path().string() + " --connector erp-drop ";
    // The config reads the core's token from the environment.
    const std::string token = "TEST_CORE_TOKEN=" + (*core)->token();
    auto [ok2, json2] = RunTributary(plan + "--json " + (daemon.root() / "open_items_2.csv").string(), token);
    EXPECT_FALSE(ok2);  // a plan with rejects exits 1
    auto second = nlohmann::json::parse(json2, nullptr, false);
    ASSERT_TRUE(second.is_object()) << json2;
    EXPECT_EQ(second["kept"], 1);
    EXPECT_EQ(second["entities"][1]["closed"], 1);  // C
    EXPECT_TRUE(second["closes_withheld"].empty());
    auto [ok3, text3] = RunTributary(plan + (daemon.root() / "open_items_3.csv").string(), token);
    EXPECT_FALSE(ok3);
    EXPECT_NE(text3.find("withheld: 2 closes of customer erp-drop:customer:FR01-C001 withheld: 1 rejected receivable "
                         "row has no key (line 3); the other records of the feed close normally"),
              std::string::npos)
        << text3;
    auto [ok3j, json3] = RunTributary(plan + "--json " + (daemon.root() / "open_items_3.csv").string(), token);
    EXPECT_FALSE(ok3j);
    auto third = nlohmann::json::parse(json3, nullptr, false);
    ASSERT_TRUE(third.is_object()) << json3;
    EXPECT_EQ(third["closes_withheld"],
              nlohmann::json::parse(R"([{"entity":"receivable","closes":2,"rejects_without_key":1,"lines":[3],)"
                                    R"("customers":["erp-drop:customer:FR01-C001"]}])"));
    EXPECT_EQ(third["entities"][1]["closed"], 0);
  }
  const nlohmann::json b_before = (*core)->entities().at(Key("B")).data;
  const int64_t b_version = (*core)->entities().at(Key("B")).version;

  // Snapshot 2: B's amount is malformed (line 3), C is absent.
  daemon.Drop("open_items_2.csv", OpenItemsCsv({Item("A"), Item("B", "12,x")}));
  ASSERT_TRUE(archived(2)) << daemon.Log();
  auto entities = (*core)->entities();
  EXPECT_FALSE(entities.at(Key("B")).closed);
  EXPECT_EQ(entities.at(Key("B")).version, b_version);
  EXPECT_EQ(entities.at(Key("B")).data, b_before);
  EXPECT_TRUE(entities.at(Key("C")).closed);
  EXPECT_FALSE(entities.at(Key("A")).closed);
  auto rejects = daemon.Get("/v1/rejects");
  ASSERT_EQ(rejects["rejects"].size(), 1u) << rejects.dump();
  EXPECT_EQ(rejects["rejects"][0]["line"], 3);

  // Snapshot 3: B is absent, and the row on line 3 (customer C001) has no document number:
  // none of C001's receivables closes.
  daemon.Drop("open_items_3.csv", OpenItemsCsv({Item("A"), keyless}));
  ASSERT_TRUE(archived(3)) << daemon.Log();
  EXPECT_FALSE((*core)->entities().at(Key("B")).closed);
  EXPECT_NE(daemon.Log().find("open_items_3.csv: 1 close of customer erp-drop:customer:FR01-C001 withheld: 1 "
                              "rejected receivable row has no key (line 3)"),
            std::string::npos)
      << daemon.Log();
  EXPECT_NE(daemon.GetText("/metrics").find(
                "tributary_snapshot_closes_withheld_total{connector=\"erp-drop\",entity=\"receivable\"} 1"),
            std::string::npos)
      << daemon.GetText("/metrics");

  // Snapshot 4, clean: B closes now.
  daemon.Drop("open_items_4.csv", OpenItemsCsv({Item("A")}));
  ASSERT_TRUE(archived(4)) << daemon.Log();
  EXPECT_TRUE((*core)->entities().at(Key("B")).closed);
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);

  // The ledger says what the third file withheld.
  auto store = store::Store::Open((daemon.root() / "var/tributary.db").string());
  ASSERT_TRUE(store.has_value());
  auto third = (*store)->FindFile("erp-drop", model::Sha256Hex(OpenItemsCsv({Item("A"), keyless})));
  ASSERT_TRUE(third.has_value() && third->has_value());
  EXPECT_EQ((*third)->closes_withheld, 1);
  EXPECT_EQ((*third)->note,
            "1 close of customer erp-drop:customer:FR01-C001 withheld: 1 rejected receivable row has no key (line 3)");
}

TEST(SnapshotRejects, AnUnreadableRowQuarantinesTheFileAndItsStaleReleaseIsRefused) {
  HarnessOptions options;
  options.max_close_ratio.reset();  // only the unreadable row quarantines
  DaemonHarness daemon(options);
  daemon.Start();
  daemon.Drop("open_items_1.csv", OpenItemsCsv({Item("A"), Item("B"), Item("C")}));
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 1; }, seconds(30))) << daemon.Log();
  const size_t before = daemon.AllChanges().size();

  // Day 2: C is absent, and line 4 has neither account nor document number.
  OpenItem nobody = Item("");
  nobody.account = "";
  daemon.Drop("open_items_2.csv", OpenItemsCsv({Item("A"), Item("B"), nobody}));
  nlohmann::json quarantine;
  ASSERT_TRUE(WaitUntil(
      [&] {
        quarantine = daemon.Get("/v1/quarantine");
        return quarantine.is_object() && quarantine["quarantine"].size() == 1;
      },
      seconds(30)))
      << daemon.Log();
  const nlohmann::json entry = quarantine["quarantine"][0];
  EXPECT_EQ(entry["reason"],
            "snapshot would close 1 receivable, but 1 rejected receivable row has neither key nor customer (line 4)");
  EXPECT_EQ(entry["diff"]["unreadable_rejects"][0]["lines"], nlohmann::json::parse("[4]"));
  EXPECT_EQ(daemon.AllChanges().size(), before) << "nothing of a quarantined file is applied";

  // Day 3 is applied meanwhile: B's row is cut short (it keeps B open), C is closed.
  daemon.Drop("open_items_3.csv", OpenItemsCsv({Item("A")}) + "C001;Dupont SA;B;invoice;2026-10-01\n");
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.archive_dir()) == 2; }, seconds(30))) << daemon.Log();
  std::map<std::string, std::string> last_op;
  for (const nlohmann::json& change : daemon.AllChanges()) last_op[change["key"]] = change["op"];
  EXPECT_EQ(last_op[Key("C")], "close");
  EXPECT_EQ(last_op[Key("B")], "upsert") << "the short row keeps B as stored";

  // Releasing day 2 now would apply older data over day 3: refused.
  int status = 0;
  const std::string id = std::to_string(entry["id"].get<int64_t>());
  nlohmann::json refused = daemon.Post("/v1/quarantine/" + id + "/release", &status);
  EXPECT_EQ(status, 409) << refused.dump();
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("open_items_3.csv"), std::string::npos)
      << refused.dump();
  daemon.Post("/v1/quarantine/" + id + "/discard", &status);
  EXPECT_EQ(status, 200);
  ASSERT_TRUE(WaitUntil([&] { return CountFiles(daemon.error_dir()) >= 1; }, seconds(30))) << daemon.Log();
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST(RuleParameters, AFilesRuleParameterChangesWhatTheMappingComputes) {
  const fs::path fec_input = fs::path(TRIBUTARY_SOURCE_DIR) / "tests/data/mapping/fec/debit_credit_tab/input.txt";
  HarnessOptions options;
  options.connectors_yaml =
      "  - name: fec-default\n"
      "    type: directory\n"
      "    schedule: 200ms\n"
      "    directory: {path: ../var/drop, archive_dir: ../var/archive, error_dir: ../var/error, stable_for: 100ms}\n"
      "    files:\n"
      "      - {pattern: \"FEC*.txt\", mapping: ../mappings/fec/open_items.yaml}\n"
      "  - name: fec-45\n"
      "    type: directory\n"
      "    schedule: 200ms\n"
      "    directory: {path: ../var/drop45, archive_dir: ../var/archive45, error_dir: ../var/error45, "
      "stable_for: 100ms}\n"
      "    files:\n"
      "      - pattern: \"FEC*.txt\"\n"
      "        mapping: ../mappings/fec/open_items.yaml\n"
      "        parameters: {payment_terms_days: 45, sales_journals: [VE, VEN]}\n";
  DaemonHarness daemon(options);
  fs::create_directories(daemon.root() / "mappings/fec");
  fs::copy_file(fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/fec/open_items.yaml",
                daemon.root() / "mappings/fec/open_items.yaml");
  fs::create_directories(daemon.root() / "var/drop45");
  daemon.Start();
  fs::copy_file(fec_input, daemon.drop_dir() / "FEC2026.txt");
  fs::copy_file(fec_input, daemon.root() / "var/drop45/FEC2026.txt");
  ASSERT_TRUE(WaitUntil(
      [&] { return CountFiles(daemon.archive_dir()) == 1 && CountFiles(daemon.root() / "var/archive45") == 1; },
      seconds(30)))
      << daemon.Log();

  std::map<std::string, std::string> due;
  for (const nlohmann::json& change : daemon.AllChanges()) {
    if (change["entity"] == "receivable") due[change["key"]] = change["data"]["due_date"];
  }
  // Issued 2026-01-05: 30 days by the mapping's default, 45 by the files rule.
  EXPECT_EQ(due["fec-default:receivable:-C001-F2026-001"], "2026-02-04") << nlohmann::json(due).dump();
  EXPECT_EQ(due["fec-45:receivable:-C001-F2026-001"], "2026-02-19") << nlohmann::json(due).dump();
  EXPECT_EQ(daemon.StopWith(SIGTERM), 0);
}

TEST(RuleParameters, CheckRefusesAParameterTheMappingDoesNotDeclare) {
  HarnessOptions options;
  DaemonHarness daemon(options);
  // `tributary check` refuses the config with the parameter's position (the daemon loads
  // its config through the same check).
  std::ofstream(daemon.root() / "bad.yaml")
      << "tenant: acme\nstate: sqlite:var/x.db\nconnectors:\n"
         "  - name: erp\n    type: directory\n"
         "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
         "    files:\n"
         "      - {pattern: \"*.txt\", mapping: " +
             (fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/fec/open_items.yaml").string() +
             ", parameters: {terms: 45}}\n";
  auto [ok, output] = RunTributary("check --config " + (daemon.root() / "bad.yaml").string());
  EXPECT_FALSE(ok);
  EXPECT_NE(output.find(":8:"), std::string::npos) << output;
  EXPECT_NE(output.find("connectors[0].files[0].parameters.terms: mapping fec-open-items has no parameter \"terms\" "
                        "(it declares: sales_journals, payment_terms_days, currency, customer_account_prefixes)"),
            std::string::npos)
      << output;
}

}  // namespace
}  // namespace tributary::testing
