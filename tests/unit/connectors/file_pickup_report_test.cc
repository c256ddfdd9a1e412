// What the file-picking loop tells beside its work (file_pickup.h): the file in flight and
// its progress, files matching no pattern, files sent to the error folder, through a
// recording ConnectorReporter, the log and the metrics.
#include <gtest/gtest.h>

#include "connectors/common/file_pickup.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_drop_site.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using testing::FakeDropSite;

constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

std::string OpenItems(int count) {
  std::string csv = kHeader;
  for (int i = 0; i < count; ++i) {
    csv += "C001;Dupont SA;F-" + std::to_string(i) + ";invoice;2026-10-01;2026-10-31;EUR;100.00;100.00\n";
  }
  return csv;
}

// Records every report. Each SetCurrentFile moves the clock on by a second, so the next
// progress check of the mapping (every mapping::kProgressRows records) finds the
// reporting interval elapsed: progress is reported every kProgressRows records.
class RecordingReporter final : public ConnectorReporter {
 public:
  explicit RecordingReporter(testing::FakeClock& clock) : clock_(clock) {}
  void SetCurrentFile(std::optional<admin::FileProgress> progress) override {
    current.push_back(std::move(progress));
    clock_.Advance(seconds(1));
  }
  void SetUnmatchedFiles(std::vector<admin::UnmatchedFile> files) override { unmatched.push_back(std::move(files)); }
  void FileFailed(const std::string& file, const std::string& reason) override {
    events.push_back("failed " + file + ": " + reason);
  }
  void FileApplied(const std::string& file) override { events.push_back("applied " + file); }

  std::vector<std::optional<admin::FileProgress>> current;
  std::vector<std::vector<admin::UnmatchedFile>> unmatched;
  std::vector<std::string> events;

 private:
  testing::FakeClock& clock_;
};

class FilePickupReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open(scratch_.File("state.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    store_ = std::move(*opened);
    fs::create_directories(scratch_.path() / "spool");
    site_.MakeFolder("/drop");
    site_.MakeFolder("/archive");
    site_.MakeFolder("/error");
    config::ConnectorConfig connector{.name = "erp", .type = "test"};
    for (const char* pattern : {"open_items*.csv", "ar_*.csv"}) {
      connector.files.push_back(config::FileRule{
          .pattern = pattern,
          .mapping_path = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml"});
    }
    auto rules = PrepareFileRules(connector);
    ASSERT_TRUE(rules.has_value()) << rules.error().message;
    ConnectorContext context{.tenant = "acme",
                             .state_path = scratch_.File("state.db"),
                             .metrics = &metrics_,
                             .services = {.clock = &clock_},
                             .reporter = &reporter_};
    PickupSettings settings{.drop_dir = "/drop",
                            .archive_dir = "/archive",
                            .error_dir = "/error",
                            .stable_for = seconds(1),
                            .spool_dir = scratch_.path() / "spool"};
    pickup_ = std::make_unique<FilePickup>("erp", "FR01", settings, context, std::move(*rules));
  }

  // Two passes, the clock moving on between them: a remote file is taken at the second.
  void TwoPasses() {
    for (int i = 0; i < 2; ++i) {
      Status pass = pickup_->RunPass(site_, *store_, {});
      ASSERT_TRUE(pass.has_value()) << pass.error().message;
      clock_.Advance(seconds(2));
    }
  }

  int64_t Gauge(const std::string& name) { return metrics_.Get(name, {{"connector", "erp"}}); }

  testing::TempDir scratch_;
  std::unique_ptr<store::Store> store_;
  FakeDropSite site_;
  Metrics metrics_;
  std::chrono::system_clock::time_point wall_{seconds(1795435200)};
  testing::FakeClock clock_{wall_};
  RecordingReporter reporter_{clock_};
  std::unique_ptr<FilePickup> pickup_;
};

TEST_F(FilePickupReportTest, TheFileInFlightIsReportedWithItsProgressAndClearedWhenItEnds) {
  const std::string content = OpenItems(1000);
  site_.PutFile("/drop/open_items_1.csv", content, wall_ - seconds(60));
  reporter_.current.clear();  // the constructor's "no file"
  TwoPasses();
  ASSERT_FALSE(site_.Exists("/drop/open_items_1.csv"));
  ASSERT_GE(reporter_.current.size(), 3u);
  // Started: name, size, nothing read yet.
  ASSERT_TRUE(reporter_.current.front().has_value());
  EXPECT_EQ(reporter_.current.front()->name, "open_items_1.csv");
  EXPECT_EQ(reporter_.current.front()->size, static_cast<int64_t>(content.size()));
  EXPECT_EQ(reporter_.current.front()->rows_read, 0);
  EXPECT_NE(reporter_.current.front()->started_at, "");
  // Progress while mapping: rows and bytes grow, never per row.
  int64_t last_rows = 0;
  int64_t last_bytes = 0;
  size_t progress_reports = 0;
  for (size_t i = 1; i + 1 < reporter_.current.size(); ++i) {
    ASSERT_TRUE(reporter_.current[i].has_value());
    EXPECT_GE(reporter_.current[i]->rows_read, last_rows);
    EXPECT_GE(reporter_.current[i]->bytes_read, last_bytes);
    EXPECT_LE(reporter_.current[i]->bytes_read, static_cast<int64_t>(content.size()));
    last_rows = reporter_.current[i]->rows_read;
    last_bytes = reporter_.current[i]->bytes_read;
    ++progress_reports;
  }
  EXPECT_GE(last_rows, 512);
  EXPECT_LT(last_rows, 1000);
  EXPECT_GT(last_bytes, 0);
  EXPECT_LE(progress_reports, 1000u / mapping::kProgressRows + 1) << "reported more often than every batch of rows";
  // Ended: no file in flight, gauges back to 0.
  EXPECT_FALSE(reporter_.current.back().has_value());
  EXPECT_EQ(Gauge("tributary_file_rows_read"), 0);
  EXPECT_EQ(Gauge("tributary_file_bytes_read"), 0);
  EXPECT_EQ(reporter_.events, std::vector<std::string>{"applied open_items_1.csv"});
}

TEST_F(FilePickupReportTest, AFileMatchingNoPatternIsListedCountedAndLeftInPlace) {
  site_.PutFile("/drop/invoices.xlsx", "not ours", wall_ - seconds(60));
  site_.PutFile("/drop/.hidden.csv", "hidden", wall_ - seconds(60));
  site_.PutFile("/drop/open_items_1.csv.done", "", wall_ - seconds(60));  // a marker, not data
  TwoPasses();
  EXPECT_TRUE(site_.Exists("/drop/invoices.xlsx"));
  ASSERT_FALSE(reporter_.unmatched.empty());
  ASSERT_EQ(reporter_.unmatched.back().size(), 1u);
  EXPECT_EQ(reporter_.unmatched.back()[0].name, "invoices.xlsx");
  EXPECT_EQ(reporter_.unmatched.back()[0].size, 8);
  EXPECT_NE(reporter_.unmatched.back()[0].seen_at, "");
  EXPECT_EQ(reporter_.unmatched.size(), 1u) << "reported again while nothing changed";
  EXPECT_EQ(Gauge("tributary_unmatched_files"), 1);

  // Gone: no longer listed.
  ASSERT_TRUE(site_.Remove("/drop/invoices.xlsx").has_value());
  TwoPasses();
  ASSERT_EQ(reporter_.unmatched.size(), 2u);
  EXPECT_TRUE(reporter_.unmatched.back().empty());
  EXPECT_EQ(Gauge("tributary_unmatched_files"), 0);
}

TEST_F(FilePickupReportTest, AFileSentToTheErrorFolderIsReportedAndALaterAppliedFileClearsIt) {
  site_.PutFile("/drop/open_items_bad.csv", "no;header;we;know\n1;2;3;4\n", wall_ - seconds(60));
  TwoPasses();
  ASSERT_TRUE(site_.Exists("/error/open_items_bad.csv"));
  ASSERT_EQ(reporter_.events.size(), 1u);
  EXPECT_TRUE(reporter_.events[0].starts_with("failed open_items_bad.csv: ")) << reporter_.events[0];
  EXPECT_FALSE(reporter_.current.back().has_value());

  site_.PutFile("/drop/ar_2.csv", OpenItems(2), wall_ - seconds(60));
  TwoPasses();
  ASSERT_EQ(reporter_.events.size(), 2u);
  EXPECT_EQ(reporter_.events[1], "applied ar_2.csv");
}

}  // namespace
}  // namespace tributary::connectors
