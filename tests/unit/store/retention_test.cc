// Retention: the outbox compacted to each key's latest change, rejects and ledger rows
// deleted, on a real SQLite file. Time is driven by the explicit `now` of ApplyRetention.
#include <chrono>
#include <map>
#include <set>

#include "gateway/model/canonical.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

using std::chrono::days;

std::chrono::system_clock::time_point In(days from_now) { return std::chrono::system_clock::now() + from_now; }

RetentionPolicy Pull() { return RetentionPolicy{.changes_max_age = days(30), .require_delivered = false}; }

class RetentionTest : public StoreTest {
 protected:
  RetentionReport Compact(const RetentionPolicy& policy, std::chrono::system_clock::time_point now) {
    auto report = store_->ApplyRetention(policy, now, {});
    EXPECT_TRUE(report.has_value()) << report.error().ToString();
    return report.value_or(RetentionReport{});
  }

  std::set<int64_t> Seqs() {
    std::set<int64_t> seqs;
    for (const Change& change : AllChanges()) seqs.insert(change.seq);
    return seqs;
  }

  // Three files: a snapshot of 5 invoices and a customer, a second one changing two
  // amounts and dropping INV-004 (closed), a delta reopening INV-004.
  void ApplyHistory() {
    auto first = Invoices(5);
    first.push_back(Customer("C1", "Acme"));
    Apply(File("s1"), Snapshot(), std::move(first));
    auto second = Invoices(4);
    second[0] = Receivable("INV-000", "5.00", "EUR", 2);
    second[1] = Receivable("INV-001", "7.00", "EUR", 3);
    second.push_back(Customer("C1", "Acme Corp"));
    Apply(File("s2"), Snapshot(), std::move(second));
    Apply(File("d1", "changes_1.csv"), Delta(), {Receivable("INV-004", "1.00")});
  }

  // The feed from seq 0 rebuilds the live state: for every key, its last change is the
  // entity's current version (an upsert of its current data, or a close).
  void ExpectFeedRebuildsState() {
    std::map<std::string, Change> last;
    int64_t previous = 0;
    for (Change& change : AllChanges()) {
      EXPECT_GT(change.seq, previous);
      previous = change.seq;
      last[change.key] = std::move(change);
    }
    for (const auto& [key, change] : last) {
      auto entity = store_->GetEntity(key);
      ASSERT_TRUE(entity.has_value()) << key;
      EXPECT_EQ(change.version, entity->version) << key;
      if (entity->lifecycle == "active") {
        EXPECT_EQ(change.op, "upsert") << key;
        EXPECT_EQ(change.data, entity->data) << key;
      } else {
        EXPECT_EQ(change.op, "close") << key;
      }
    }
    EXPECT_EQ(last.size(), 6u);  // INV-000..004 and C1
  }
};

TEST_F(RetentionTest, CompactedFeedFromZeroEqualsTheLiveState) {
  ApplyHistory();
  const size_t before = AllChanges().size();
  ASSERT_EQ(before, 6u + 3u + 1u + 1u);  // 6 creates; 2 updates + customer; close; reopen
  const int64_t last_seq = store_->LastSeq().value_or(0);

  // Within the retention nothing goes.
  EXPECT_EQ(Compact(Pull(), In(days(29))).changes_removed, 0);
  EXPECT_EQ(AllChanges().size(), before);

  const RetentionReport report = Compact(Pull(), In(days(31)));
  EXPECT_EQ(report.changes_removed, 5);  // INV-000, INV-001, C1 v1; INV-004 v1 and its close
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(AllChanges().size(), 6u);
  ExpectFeedRebuildsState();
  // The seq is never reused and the newest change stays.
  EXPECT_EQ(store_->LastSeq().value_or(-1), last_seq);

  // Idempotent.
  EXPECT_EQ(Compact(Pull(), In(days(31))).changes_removed, 0);
}

TEST_F(RetentionTest, TheNewestChangesKeptWhateverTheirAge) {
  ApplyHistory();
  RetentionPolicy policy = Pull();
  policy.changes_kept = 100;
  EXPECT_EQ(Compact(policy, In(days(400))).changes_removed, 0);
  policy.changes_kept = 2;  // the last two (the close and the reopen of INV-004) stay
  EXPECT_EQ(Compact(policy, In(days(400))).changes_removed, 4);
  EXPECT_TRUE(Seqs().contains(10));
  ExpectFeedRebuildsState();
}

TEST_F(RetentionTest, NeverWithoutAnAge) {
  ApplyHistory();
  RetentionPolicy policy = Pull();
  policy.changes_max_age.reset();
  EXPECT_EQ(Compact(policy, In(days(4000))).changes_removed, 0);
}

TEST_F(RetentionTest, UndeliveredChangesAreNeverRemoved) {
  ApplyHistory();
  RetentionPolicy push = Pull();
  push.require_delivered = true;
  const size_t before = AllChanges().size();
  EXPECT_EQ(Compact(push, In(days(400))).changes_removed, 0);
  EXPECT_EQ(AllChanges().size(), before);

  // The core acknowledged the first file's changes only (seq 1..6): of those, what a later
  // change replaced goes; nothing after the cursor does.
  const PushBatch batch{"b1", 1, 6};
  ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());
  ASSERT_TRUE(store_->AcknowledgeBatch(batch, {}).has_value());
  EXPECT_EQ(Compact(push, In(days(400))).changes_removed, 4);  // INV-000, 001, 004 v1 and C1 v1
  const std::set<int64_t> seqs = Seqs();
  for (int64_t seq = 7; seq <= 11; ++seq) EXPECT_TRUE(seqs.contains(seq)) << seq;
  ExpectFeedRebuildsState();
}

TEST_F(RetentionTest, TheRowAnEntityReadsItsDataFromStays) {
  Apply(File("a"), Delta(), {Receivable("INV-1", "1.00")});
  // A dead letter replayed: the same version again, at a later seq. The first row is what
  // the entity's data_seq names.
  const PushBatch batch{"b1", 1, 1};
  ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());
  ASSERT_TRUE(store_->AcknowledgeBatch(batch, {{.seq = 1, .status = "rejected", .code = "x"}}).has_value());
  auto letters = store_->ListDeadLetters(true, 0, 10);
  ASSERT_TRUE(letters.has_value());
  ASSERT_EQ(letters->size(), 1u);
  ASSERT_TRUE(store_->ReplayDeadLetter(letters->front().id).has_value());
  const std::string data = store_->GetEntity("erp:receivable:INV-1")->data;

  EXPECT_EQ(Compact(Pull(), In(days(400))).changes_removed, 0);
  EXPECT_EQ(Seqs(), (std::set<int64_t>{1, 2}));
  auto entity = store_->GetEntity("erp:receivable:INV-1");
  ASSERT_TRUE(entity.has_value());
  EXPECT_EQ(entity->data, data);
  EXPECT_FALSE(entity->data.empty());
}

TEST_F(RetentionTest, APendingDeadLettersChangeStaysUntilReplayed) {
  Apply(File("a"), Delta(), {Receivable("INV-1", "1.00")});
  const PushBatch batch{"b1", 1, 1};
  ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());
  ASSERT_TRUE(store_->AcknowledgeBatch(batch, {{.seq = 1, .status = "rejected", .code = "x"}}).has_value());
  Apply(File("b"), Delta(), {Receivable("INV-1", "2.00")});  // seq 2 replaces seq 1

  EXPECT_EQ(Compact(Pull(), In(days(400))).changes_removed, 0);
  EXPECT_TRUE(Seqs().contains(1));

  auto letters = store_->ListDeadLetters(true, 0, 10);
  ASSERT_TRUE(letters.has_value());
  ASSERT_TRUE(store_->ReplayDeadLetter(letters->front().id).has_value());
  // Seq 2 stays: the entity reads its data from it (and the replay has its version).
  EXPECT_EQ(Compact(Pull(), In(days(400))).changes_removed, 1);
  EXPECT_EQ(Seqs(), (std::set<int64_t>{2, 3}));
}

TEST_F(RetentionTest, SmallBatchesRemoveTheSame) {
  ApplyHistory();
  RetentionPolicy policy = Pull();
  policy.batch_rows = 1;
  EXPECT_EQ(Compact(policy, In(days(31))).changes_removed, 5);
  ExpectFeedRebuildsState();
}

TEST_F(RetentionTest, AStopEndsThePassBetweenBatches) {
  ApplyHistory();
  std::stop_source stop;
  stop.request_stop();
  auto report = store_->ApplyRetention(Pull(), In(days(31)), stop.get_token());
  ASSERT_TRUE(report.has_value());
  EXPECT_FALSE(report->complete);
  EXPECT_EQ(report->changes_removed, 0);
}

TEST_F(RetentionTest, OldRejectsAreDeleted) {
  std::vector<model::Reject> rejects;
  for (int line = 2; line < 7; ++line) {
    rejects.push_back({.file = "open_items.csv", .line = line, .column = 3, .field = "open_amount",
                       .reason = "bad amount", .raw = "x"});
  }
  Apply(File("r"), Delta(), {Receivable("INV-1", "1.00")}, rejects);
  RetentionPolicy policy = Pull();
  policy.batch_rows = 2;
  EXPECT_EQ(Compact(policy, In(days(89))).rejects_removed, 0);
  EXPECT_EQ(store_->ListRejects("", 0, 100)->size(), 5u);
  EXPECT_EQ(Compact(policy, In(days(91))).rejects_removed, 5);
  EXPECT_TRUE(store_->ListRejects("", 0, 100)->empty());
}

TEST_F(RetentionTest, FinishedLedgerRowsNothingRefersToAreDeleted) {
  Apply(File("one"), Snapshot(), Invoices(3));
  Apply(File("two"), Snapshot(), {Receivable("INV-000", "1.00", "EUR", 2), Receivable("INV-001", "1.00", "EUR", 3),
                                  Receivable("INV-002", "1.00", "EUR", 4)});
  Apply(File("three"), Delta(), {Receivable("INV-009", "1.00")});  // stays `applied`
  auto failed = store_->RecordFailedFile(File("bad"), "unreadable");
  ASSERT_TRUE(failed.has_value());
  const int64_t one = (*store_->FindFile("erp", File("one").sha256))->id;
  const int64_t two = (*store_->FindFile("erp", File("two").sha256))->id;
  ASSERT_TRUE(store_->SetFileState(one, FileState::kArchived).has_value());
  ASSERT_TRUE(store_->SetFileState(two, FileState::kArchived).has_value());

  RetentionPolicy keep_changes = Pull();
  keep_changes.changes_max_age.reset();
  EXPECT_EQ(Compact(keep_changes, In(days(364))).files_removed, 0);
  // Past the retention: the failed file; `one` stays while its changes refer to it.
  EXPECT_EQ(Compact(keep_changes, In(days(366))).files_removed, 1);
  EXPECT_FALSE(store_->FindFile("erp", File("bad").sha256)->has_value());
  EXPECT_TRUE(store_->FindFile("erp", File("one").sha256)->has_value());

  // Once its changes are compacted (in the same pass), `one` goes; `two` stays (the
  // entities name it), `three` too (not finished).
  const RetentionReport report = Compact(Pull(), In(days(366)));
  EXPECT_EQ(report.changes_removed, 3);
  EXPECT_EQ(report.files_removed, 1);
  EXPECT_FALSE(store_->FindFile("erp", File("one").sha256)->has_value());
  EXPECT_TRUE(store_->FindFile("erp", File("two").sha256)->has_value());
  EXPECT_TRUE(store_->FindFile("erp", File("three").sha256)->has_value());
}

TEST_F(RetentionTest, RefusedWhileAFileIsBeingApplied) {
  auto application = store_->BeginFile(File("x"), Delta());
  ASSERT_TRUE(application.has_value());
  auto report = store_->ApplyRetention(Pull(), In(days(31)), {});
  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
}

TEST(RetentionDescribe, SaysWhatWasRemoved) {
  EXPECT_EQ(DescribeRetention({.changes_removed = 1, .rejects_removed = 2, .files_removed = 0}),
            "removed 1 change, 2 rejects, 0 ledger rows");
  EXPECT_EQ(DescribeRetention({.files_removed = 1, .complete = false}),
            "removed 0 changes, 0 rejects, 1 ledger row (stopped before the end)");
}

}  // namespace
}  // namespace tributary::store::test
