// The shared file-picking loop against an in-memory drop site (tests/testing/fake_drop_site.h)
// and a real SQLite store: completeness rules, hostile names, failing moves and reads,
// after_processing, trigger files, sub-directories.
#include "connectors/common/file_pickup.h"

#include <gtest/gtest.h>

#include "connectors/common/content_hash.h"

#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_drop_site.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeDropSite;

constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

// One customer with one invoice per number: 1 + numbers.size() changes when new.
std::string OpenItems(const std::vector<std::string>& numbers, const std::string& open_amount = "100.00") {
  std::string csv = kHeader;
  for (const std::string& number : numbers) {
    csv += "C001;Dupont SA;" + number + ";invoice;2026-10-01;2026-10-31;EUR;100.00;" + open_amount + "\n";
  }
  return csv;
}

struct RuleSpec {
  std::string pattern = "open_items*.csv";
  config::FeedMode mode = config::FeedMode::kDelta;
  std::string trigger_file;
};

class FilePickupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open(scratch_.File("state.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    fs::create_directories(spool_dir());
  }

  fs::path spool_dir() const { return scratch_.path() / "spool"; }

  // A pickup over /drop, archiving into /archive, failing into /error.
  void Configure(PickupSettings settings = {}, std::vector<RuleSpec> specs = {RuleSpec{}}, bool push = false) {
    if (settings.drop_dir.empty()) settings.drop_dir = "/drop";
    if (settings.archive_dir.empty() && settings.after_processing == AfterProcessing::kArchive) {
      settings.archive_dir = "/archive";
    }
    if (settings.error_dir.empty()) settings.error_dir = "/error";
    settings.spool_dir = spool_dir();
    site_.MakeFolder(settings.drop_dir);
    site_.MakeFolder("/error");
    if (!settings.archive_dir.empty()) site_.MakeFolder(settings.archive_dir);
    config::ConnectorConfig connector{.name = "erp", .type = "test"};
    for (const RuleSpec& spec : specs) {
      connector.files.push_back(config::FileRule{
          .pattern = spec.pattern,
          .mapping_path = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml",
          .mode = spec.mode,
          .trigger_file = spec.trigger_file});
    }
    auto rules = PrepareFileRules(connector);
    ASSERT_TRUE(rules.has_value()) << rules.error().message;
    ConnectorContext context{.tenant = "acme",
                             .state_path = scratch_.File("state.db"),
                             .push_enabled = push,
                             .metrics = &metrics_,
                             .notify_changes = [this] {
                               if (after_apply_) std::exchange(after_apply_, nullptr)();
                             },
                             .abandon = abandon_.get_token(),
                             .services = {.clock = &clock_}};
    pickup_ = std::make_unique<FilePickup>("erp", "FR01", settings, context, std::move(*rules));
  }

  Status Pass() { return pickup_->RunPass(site_, *store_, {}); }

  // Runs passes with the clock moving on by `step` until `condition` holds (at most 10).
  bool PassUntil(const std::function<bool()>& condition, milliseconds step = seconds(3)) {
    for (int i = 0; i < 10; ++i) {
      Status pass = Pass();
      EXPECT_TRUE(pass.has_value()) << pass.error().message;
      if (condition()) return true;
      Advance(step);
    }
    return false;
  }

  void Advance(milliseconds step) {
    clock_.Advance(step);
    wall_ += step;
  }

  // A file written `age` ago by the ERP.
  void Put(const std::string& path, const std::string& content, milliseconds age = seconds(60)) {
    site_.PutFile(path, content, wall_ - age);
  }

  int64_t Changes() {
    auto last = store_->LastSeq();
    EXPECT_TRUE(last.has_value());
    return last.value_or(-1);
  }

  void DeliverEverything() {
    auto last = store_->LastSeq();
    auto delivered = store_->DeliveredThrough();
    ASSERT_TRUE(last && delivered);
    if (*last <= *delivered) return;
    store::PushBatch batch{.batch_id = "b" + std::to_string(*last), .first_seq = *delivered + 1, .last_seq = *last};
    ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());
    ASSERT_TRUE(store_->AcknowledgeBatch(batch, {}).has_value());
  }

  int64_t FilesCounted(const std::string& outcome) {
    return metrics_.Get("tributary_files_total", {{"connector", "erp"}, {"outcome", outcome}});
  }

  testing::TempDir scratch_;
  std::unique_ptr<store::Store> store_;
  FakeDropSite site_;
  Metrics metrics_;
  std::chrono::system_clock::time_point wall_{seconds(1795435200)};  // 2026-11-23T08:00:00Z, moves with clock_
  testing::FakeClock clock_{wall_};
  std::unique_ptr<FilePickup> pickup_;
  std::function<void()> after_apply_;  // run once, right after a file's changes are committed
  std::stop_source abandon_;           // ConnectorContext::abandon
};

TEST_F(FilePickupTest, RemoteFileIsTakenOnlyAfterTwoUnchangedObservations) {
  Configure({.stable_for = seconds(2)});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(3600));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 0) << "taken at the first sight: a remote mtime alone proves nothing";
  Advance(seconds(1));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 0) << "taken before stable_for elapsed between observations";
  Advance(seconds(1));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 2);
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_EQ(site_.Content("/archive/open_items_1.csv"), OpenItems({"F-1"}));
  EXPECT_EQ(FilesCounted("applied"), 1);
  EXPECT_EQ(FilesCounted("archived"), 1);
  EXPECT_TRUE(fs::is_empty(spool_dir()));
}

TEST_F(FilePickupTest, AFileThatChangesBetweenObservationsWaitsAgain) {
  Configure({.stable_for = seconds(2)});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(3600));
  ASSERT_TRUE(Pass().has_value());
  Advance(seconds(2));
  Put("/drop/open_items_1.csv", OpenItems({"F-1", "F-2"}), seconds(0));  // still being written
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 0);
  Advance(seconds(2));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 3);
}

TEST_F(FilePickupTest, LocalClockSiteTakesAnOldFileAtOnceButNotAFreshOne) {
  site_ = FakeDropSite(/*shares_local_clock=*/true);
  Configure({.stable_for = seconds(2)});
  Put("/drop/open_items_fresh.csv", OpenItems({"F-2"}), milliseconds(500));
  Put("/drop/open_items_old.csv", OpenItems({"F-1"}), seconds(10));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 2);
  EXPECT_TRUE(site_.Exists("/drop/open_items_fresh.csv"));
}

TEST_F(FilePickupTest, DoneMarkerTakesAFileAtOnceAndTravelsWithIt) {
  Configure({.stable_for = seconds(600)});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(0));
  Put("/drop/open_items_1.csv.done", "", seconds(0));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 2);
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv"));
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv.done"));
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv.done"));
}

std::vector<std::string> Numbers(int from, int to) {
  std::vector<std::string> numbers;
  for (int i = from; i < to; ++i) numbers.push_back("F-" + std::to_string(i));
  return numbers;
}

std::string Sha256(const std::string& content) {
  ContentHasher hasher;
  hasher.Update(content);
  return hasher.HexDigest();
}

TEST_F(FilePickupTest, AFileGrownAfterItWasReadIsNotArchivedAndNoRowIsLost) {
  Configure({.stable_for = seconds(2)});
  // A done marker written when 5,000 of 20,000 rows were there; the ERP goes on writing
  // while the pickup applies what it read.
  Put("/drop/open_items_1.csv", OpenItems(Numbers(0, 5000)), seconds(0));
  Put("/drop/open_items_1.csv.done", "", seconds(0));
  const std::string whole = OpenItems(Numbers(0, 20000));
  after_apply_ = [&] { site_.PutFile("/drop/open_items_1.csv", whole, wall_ + milliseconds(1)); };
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_1.csv"); }));
  EXPECT_EQ(Changes(), 1 + 20000) << "rows of the grown file were archived without being applied";
  ASSERT_EQ(site_.Content("/archive/open_items_1.csv"), whole);
  auto entry = store_->FindFile("erp", Sha256(whole));
  ASSERT_TRUE(entry.has_value() && entry->has_value()) << "the archived content is not in the ledger";
  EXPECT_EQ((*entry)->state, store::FileState::kArchived);
  EXPECT_EQ((*entry)->identity.size, static_cast<int64_t>(whole.size()));
  EXPECT_EQ(FilesCounted("changed"), 1);
}

TEST_F(FilePickupTest, ADoneMarkerWhoseFileIsGoneIsRemoved) {
  Configure({.stable_for = seconds(600)});
  Put("/drop/open_items_1.csv.done", "", seconds(60));
  Put("/drop/unrelated.txt.done", "", seconds(60));  // no rule takes unrelated.txt: not ours
  ASSERT_TRUE(Pass().has_value());
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv.done"));
  EXPECT_TRUE(site_.Exists("/drop/unrelated.txt.done"));
  // The next file of that name is not announced complete by a stale marker.
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(0));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 0);
}

TEST_F(FilePickupTest, ADoneMarkerOlderThanItsFileIsNotTrusted) {
  Configure({.stable_for = seconds(2)});
  Put("/drop/open_items_1.csv.done", "", seconds(10));
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(0));  // written after its marker
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 0) << "taken on a marker written before the file was complete";
  ASSERT_TRUE(PassUntil([&] { return Changes() > 0; }));  // once stable
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv.done"));
}

TEST_F(FilePickupTest, AStopDuringAFileFinishesThatFileAndStartsNoOther) {
  Configure();
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(120));
  Put("/drop/open_items_2.csv", OpenItems({"F-2"}), seconds(60));
  Put("/drop/open_items_1.csv.done", "", seconds(0));
  Put("/drop/open_items_2.csv.done", "", seconds(0));
  std::stop_source stop;
  site_.OnNextOpen([&] { stop.request_stop(); });  // SIGTERM while the first file is read
  Status pass = pickup_->RunPass(site_, *store_, stop.get_token());
  ASSERT_TRUE(pass.has_value()) << pass.error().message;
  EXPECT_EQ(Changes(), 2) << "the file in flight was rolled back";
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv"));
  EXPECT_TRUE(site_.Exists("/drop/open_items_2.csv"));
}

TEST_F(FilePickupTest, AnAbandonStopsTheFileInFlightAndItIsTakenWholeLater) {
  Configure();
  Put("/drop/open_items_1.csv", OpenItems(Numbers(0, 100)));
  Put("/drop/open_items_1.csv.done", "", seconds(0));
  site_.OnNextOpen([&] { abandon_.request_stop(); });  // the stop budget ran out
  Status pass = Pass();
  ASSERT_FALSE(pass.has_value());
  EXPECT_EQ(pass.error().code, ErrorCode::kCancelled);
  EXPECT_EQ(Changes(), 0);
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_TRUE(fs::is_empty(spool_dir()));
  abandon_ = std::stop_source();
  Configure();  // the next start
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 101);
}

TEST_F(FilePickupTest, HostileNamesAreRefusedAndNothingOutsideTheFoldersIsTouched) {
  Configure({.stable_for = seconds(1), .recursion = {.recursive = true, .max_depth = 8}});
  // What a naive loop would reach by joining the names below to /drop.
  site_.PutFile("/secret/open_items_stolen.csv", OpenItems({"STOLEN"}), wall_ - seconds(600));
  site_.PutFile("/open_items_root.csv", OpenItems({"ROOT"}), wall_ - seconds(600));
  using K = DropEntryKind;
  for (auto [name, kind] : std::vector<std::pair<std::string, K>>{{"../secret/open_items_stolen.csv", K::kFile},
                                                                  {"../open_items_root.csv", K::kFile},
                                                                  {"..", K::kDirectory},
                                                                  {".", K::kDirectory},
                                                                  {"../secret", K::kDirectory},
                                                                  {"sub/../../secret", K::kDirectory},
                                                                  {"/secret", K::kDirectory},
                                                                  {"", K::kFile},
                                                                  {std::string("open_items_\0.csv", 16), K::kFile}}) {
    site_.ListExtra("/drop", DropEntry{.name = name, .kind = kind, .size = 10, .mtime = wall_ - seconds(600)});
  }
  Put("/drop/open_items_ok.csv", OpenItems({"F-1"}));
  ASSERT_TRUE(PassUntil([&] { return Changes() > 0; }));
  for (int i = 0; i < 3; ++i) {
    Advance(seconds(5));
    ASSERT_TRUE(Pass().has_value());
  }
  EXPECT_EQ(Changes(), 2);  // the legitimate file only
  EXPECT_TRUE(site_.Exists("/secret/open_items_stolen.csv"));
  EXPECT_TRUE(site_.Exists("/open_items_root.csv"));
  for (const std::string& path : site_.touched()) {
    EXPECT_TRUE(path.starts_with("/drop") || path.starts_with("/archive") || path.starts_with("/error")) << path;
  }
}

TEST_F(FilePickupTest, FailedArchiveIsRetriedWithoutReadingOrApplyingTheFileAgain) {
  Configure();
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  site_.FailRenames(1);
  ASSERT_TRUE(PassUntil([&] { return Changes() > 0; }));
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv"));
  EXPECT_EQ(Changes(), 2);
  EXPECT_EQ(site_.opened_reads(), 1);  // the hash was remembered
}

TEST_F(FilePickupTest, ArchiveNeverOverwritesAnArchivedFile) {
  Configure();
  site_.PutFile("/archive/open_items_1.csv", "older", wall_ - seconds(9000));
  site_.PutFile("/archive/open_items_1.csv.1", "older still", wall_ - seconds(9000));
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_1.csv"); }));
  EXPECT_EQ(site_.Content("/archive/open_items_1.csv"), "older");
  EXPECT_EQ(site_.Content("/archive/open_items_1.csv.1"), "older still");
  EXPECT_EQ(site_.Content("/archive/open_items_1.csv.2"), OpenItems({"F-1"}));
}

TEST_F(FilePickupTest, ConnectionDroppedMidReadAppliesNothingAndTheNextPassTakesTheFileOnce) {
  Configure({.stable_for = seconds(1)});
  Put("/drop/open_items_1.csv", OpenItems({"F-1", "F-2", "F-3"}));
  ASSERT_TRUE(Pass().has_value());  // first observation
  Advance(seconds(2));
  site_.DropNextReadAfter(40);
  Status pass = Pass();
  ASSERT_FALSE(pass.has_value());
  EXPECT_EQ(pass.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(pass.error().message.find("interrupted"), std::string::npos) << pass.error().message;
  EXPECT_EQ(Changes(), 0);
  EXPECT_TRUE(fs::is_empty(spool_dir())) << "a partial download was kept";
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 4);
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv"));
}

TEST_F(FilePickupTest, UnreadableFileIsSkippedAndTheOthersGoThrough) {
  Configure({.stable_for = seconds(1)});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(120));
  Put("/drop/open_items_2.csv", OpenItems({"F-2"}), seconds(60));
  site_.RefuseReads("/drop/open_items_1.csv");
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_2.csv"); }));
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_EQ(Changes(), 2);
}

TEST_F(FilePickupTest, UnusableFileGoesToTheErrorFolderWithAReason) {
  Configure();
  Put("/drop/open_items_bad.csv", "no;header;we;know\n1;2;3;4\n");
  ASSERT_TRUE(PassUntil([&] { return site_.Exists("/error/open_items_bad.csv"); }));
  EXPECT_NE(site_.Content("/error/open_items_bad.csv.reason"), "");
  EXPECT_EQ(FilesCounted("failed"), 1);
}

TEST_F(FilePickupTest, DeleteRemovesTheFileOnceDurableAndRetriesAFailedDelete) {
  Configure({.stable_for = seconds(1), .after_processing = AfterProcessing::kDelete});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  site_.FailRemoves(2);
  ASSERT_TRUE(PassUntil([&] { return Changes() > 0; }));
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));  // first delete failed
  ASSERT_TRUE(Pass().has_value());
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));  // second one too
  ASSERT_TRUE(Pass().has_value());
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_EQ(Changes(), 2);
  EXPECT_EQ(site_.opened_reads(), 1);
  EXPECT_FALSE(site_.Exists("/archive"));
  EXPECT_EQ(FilesCounted("deleted"), 1);
  auto entry = store_->FindFile("erp", store_->FilesInState("erp", store::FileState::kArchived)->at(0).identity.sha256);
  ASSERT_TRUE(entry && *entry);
  EXPECT_EQ((*entry)->identity.name, "open_items_1.csv");
}

TEST_F(FilePickupTest, DeletedFileUploadedAgainIsNeverProcessedTwiceEvenAfterARestart) {
  Configure({.stable_for = seconds(1), .after_processing = AfterProcessing::kDelete});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_1.csv"); }));
  ASSERT_EQ(Changes(), 2);
  // A fresh pickup (the daemon restarted) and the ERP uploads the same bytes again.
  Configure({.stable_for = seconds(1), .after_processing = AfterProcessing::kDelete});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_1.csv"); }));
  EXPECT_EQ(Changes(), 2);
  EXPECT_EQ(FilesCounted("duplicate"), 1);
}

TEST_F(FilePickupTest, DeleteWaitsForTheCoreWhenPushIsOn) {
  Configure({.stable_for = seconds(1), .after_processing = AfterProcessing::kDelete}, {RuleSpec{}}, /*push=*/true);
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  ASSERT_TRUE(PassUntil([&] { return Changes() > 0; }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Pass().has_value());
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv")) << "deleted before the core acknowledged its changes";
  DeliverEverything();
  ASSERT_TRUE(Pass().has_value());
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_EQ(Changes(), 2);
}

TEST_F(FilePickupTest, TriggerFileGatesTheBatchAndIsArchivedWhenTheBatchIsDone) {
  Configure({.stable_for = seconds(1)}, {RuleSpec{.trigger_file = "READY"}});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}), seconds(600));
  Put("/drop/open_items_2.csv", OpenItems({"F-2"}), seconds(500));
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Pass().has_value());
    Advance(seconds(10));
  }
  EXPECT_EQ(Changes(), 0) << "taken without the trigger";
  Put("/drop/READY", "", seconds(0));
  Put("/drop/open_items_3.csv", OpenItems({"F-3"}), seconds(-5));  // written after READY: next batch
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 3);  // customer + F-1 + F-2, in one pass, no stability wait
  EXPECT_TRUE(site_.Exists("/archive/open_items_1.csv"));
  EXPECT_TRUE(site_.Exists("/archive/open_items_2.csv"));
  EXPECT_TRUE(site_.Exists("/drop/open_items_3.csv"));
  EXPECT_FALSE(site_.Exists("/drop/READY"));
  EXPECT_TRUE(site_.Exists("/archive/READY"));
  for (int i = 0; i < 3; ++i) {
    Advance(seconds(10));
    ASSERT_TRUE(Pass().has_value());
  }
  EXPECT_TRUE(site_.Exists("/drop/open_items_3.csv")) << "taken without a new trigger";
  Put("/drop/READY", "", seconds(0));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_FALSE(site_.Exists("/drop/open_items_3.csv"));
  EXPECT_TRUE(site_.Exists("/archive/READY.1"));
}

TEST_F(FilePickupTest, TriggerStaysWhileAFileOfItsBatchWaitsForTheCore) {
  Configure({.after_processing = AfterProcessing::kDelete}, {RuleSpec{.trigger_file = "READY"}}, /*push=*/true);
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  Put("/drop/READY", "");
  ASSERT_TRUE(Pass().has_value());
  ASSERT_EQ(Changes(), 2);
  ASSERT_TRUE(Pass().has_value());
  EXPECT_TRUE(site_.Exists("/drop/READY"));
  EXPECT_TRUE(site_.Exists("/drop/open_items_1.csv"));
  DeliverEverything();
  ASSERT_TRUE(Pass().has_value());
  EXPECT_FALSE(site_.Exists("/drop/open_items_1.csv"));
  EXPECT_FALSE(site_.Exists("/drop/READY"));
  EXPECT_EQ(Changes(), 2);
}

TEST_F(FilePickupTest, TriggerOfOneRuleDoesNotReleaseAnotherRulesFiles) {
  Configure({.stable_for = seconds(1)},
            {RuleSpec{.pattern = "open_items*.csv", .trigger_file = "READY"},
             RuleSpec{.pattern = "other*.csv", .trigger_file = "GO"}});
  Put("/drop/open_items_1.csv", OpenItems({"F-1"}));
  Put("/drop/other_1.csv", OpenItems({"O-1"}));
  Put("/drop/READY", "", seconds(0));
  ASSERT_TRUE(Pass().has_value());
  EXPECT_EQ(Changes(), 2);
  EXPECT_TRUE(site_.Exists("/drop/other_1.csv"));
  EXPECT_FALSE(site_.Exists("/drop/READY"));
}

TEST_F(FilePickupTest, SubDirectoriesKeepTheirRelativePathsAndTheDepthLimitHolds) {
  Configure({.archive_dir = "/drop/archive",
             .error_dir = "/drop/error",
             .stable_for = seconds(1),
             .recursion = {.recursive = true, .max_depth = 2}});
  Put("/drop/FR01/open_items_1.csv", OpenItems({"F-1"}));
  Put("/drop/DE01/2026/open_items_2.csv", OpenItems({"F-2"}));
  Put("/drop/a/b/c/open_items_3.csv", OpenItems({"F-3"}));         // depth 3: below the limit
  Put("/drop/.hidden/open_items_4.csv", OpenItems({"F-4"}));       // hidden folder
  Put("/drop/archive/open_items_5.csv", OpenItems({"F-5"}));       // the archive itself
  Put("/drop/FR01/bad/open_items_bad.csv", "no;header\n1;2\n");
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/DE01/2026/open_items_2.csv"); }));
  for (int i = 0; i < 3; ++i) {
    Advance(seconds(5));
    ASSERT_TRUE(Pass().has_value());
  }
  EXPECT_TRUE(site_.Exists("/drop/archive/FR01/open_items_1.csv"));
  EXPECT_TRUE(site_.Exists("/drop/archive/DE01/2026/open_items_2.csv"));
  EXPECT_TRUE(site_.Exists("/drop/error/FR01/bad/open_items_bad.csv"));
  EXPECT_TRUE(site_.Exists("/drop/error/FR01/bad/open_items_bad.csv.reason"));
  EXPECT_TRUE(site_.Exists("/drop/a/b/c/open_items_3.csv"));
  EXPECT_TRUE(site_.Exists("/drop/.hidden/open_items_4.csv"));
  EXPECT_TRUE(site_.Exists("/drop/archive/open_items_5.csv"));
  EXPECT_EQ(Changes(), 3);  // customer, F-1, F-2
  auto archived = store_->FilesInState("erp", store::FileState::kArchived);
  ASSERT_TRUE(archived.has_value());
  std::vector<std::string> names;
  for (const store::FileEntry& entry : *archived) names.push_back(entry.identity.name);
  // Same mtime: by path.
  EXPECT_EQ(names, (std::vector<std::string>{"DE01/2026/open_items_2.csv", "FR01/open_items_1.csv"}));
}

TEST_F(FilePickupTest, EachSubDirectoryIsItsOwnSnapshot) {
  Configure({.stable_for = seconds(1), .recursion = {.recursive = true, .max_depth = 8}},
            {RuleSpec{.mode = config::FeedMode::kSnapshot}});
  Put("/drop/FR01/open_items_1.csv", OpenItems({"F-1", "F-2"}), seconds(120));
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/FR01/open_items_1.csv"); }));
  int64_t before = Changes();
  Put("/drop/DE01/open_items_1.csv", OpenItems({"D-1"}), seconds(60));
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/DE01/open_items_1.csv"); }));
  auto changes = store_->ChangesAfter(before, 100);
  ASSERT_TRUE(changes.has_value());
  for (const store::Change& change : *changes) EXPECT_NE(change.op, "close") << change.key;
}

TEST_F(FilePickupTest, AnUnreadableSubDirectoryIsSkippedTheRestGoesOn) {
  Configure({.stable_for = seconds(1), .recursion = {.recursive = true, .max_depth = 8}});
  Put("/drop/locked/open_items_1.csv", OpenItems({"F-1"}));
  Put("/drop/open_items_2.csv", OpenItems({"F-2"}));
  site_.FailList("/drop/locked", ErrorCode::kRejected);
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/open_items_2.csv"); }));
  EXPECT_TRUE(site_.Exists("/drop/locked/open_items_1.csv"));
  site_.FailList("/drop/locked", std::nullopt);
  ASSERT_TRUE(PassUntil([&] { return !site_.Exists("/drop/locked/open_items_1.csv"); }));
  EXPECT_EQ(Changes(), 3);
}

TEST_F(FilePickupTest, MissingDropFolderOrLostConnectionFailsThePass) {
  Configure();
  site_.RemoveFolder("/drop");
  Status pass = Pass();
  ASSERT_FALSE(pass.has_value());
  EXPECT_EQ(pass.error().code, ErrorCode::kNotFound);
  EXPECT_NE(pass.error().message.find("/drop"), std::string::npos);
  site_.MakeFolder("/drop");
  site_.FailList("/drop", ErrorCode::kUnavailable);
  EXPECT_FALSE(Pass().has_value());
}

}  // namespace
}  // namespace tributary::connectors
