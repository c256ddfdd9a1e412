#include <gtest/gtest.h>

#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

class PushTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // seq 1..5: INV-000..INV-004
    ASSERT_EQ(Apply(File("day 1"), Snapshot(), Invoices(5)).last_seq, 5);
  }

  Change ChangeAtSeq(int64_t seq) {
    auto changes = store_->ChangesAfter(seq - 1, 1);
    EXPECT_TRUE(changes.has_value() && changes->size() == 1u);
    return changes->front();
  }
};

TEST_F(PushTest, PendingBatchSurvivesARestartAndIsSavedOnce) {
  EXPECT_EQ(store_->DeliveredThrough().value(), 0);
  EXPECT_FALSE(store_->PendingBatch().value().has_value());

  const PushBatch batch{"b-1", 1, 3};
  ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());
  ASSERT_TRUE(store_->SavePendingBatch(batch).has_value());  // a retried save
  EXPECT_EQ(store_->SavePendingBatch({"b-2", 1, 3}).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->SavePendingBatch({"b-1", 1, 4}).error().code, ErrorCode::kConflict);

  Reopen();
  auto pending = store_->PendingBatch().value();
  ASSERT_TRUE(pending.has_value());
  EXPECT_EQ(pending->batch_id, "b-1");
  EXPECT_EQ(pending->first_seq, 1);
  EXPECT_EQ(pending->last_seq, 3);
}

TEST_F(PushTest, SaveRefusesABatchOutsideTheUndeliveredOutbox) {
  EXPECT_EQ(store_->SavePendingBatch({"b", 0, 2}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->SavePendingBatch({"b", 3, 2}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->SavePendingBatch({"b", 4, 6}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->SavePendingBatch({"", 1, 2}).error().code, ErrorCode::kInvalidArgument);
  ASSERT_TRUE(store_->SavePendingBatch({"b", 1, 2}));
  ASSERT_TRUE(store_->AcknowledgeBatch({"b", 1, 2}, {}));
  EXPECT_EQ(store_->SavePendingBatch({"c", 2, 3}).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(PushTest, AcknowledgeRecordsRejectedChangesAndAdvancesTheCursor) {
  const PushBatch batch{"b-1", 1, 3};
  ASSERT_TRUE(store_->SavePendingBatch(batch));
  std::vector<ChangeResult> results = {
      {.seq = 1, .status = "applied"},
      {.seq = 2, .status = "rejected", .code = "unknown_customer",
       .message = "receivable references unknown customer"},
      {.seq = 3, .status = "duplicate"},
      {.seq = 9, .status = "rejected", .code = "not_ours"},  // not in the batch: ignored
  };
  ASSERT_TRUE(store_->AcknowledgeBatch(batch, results));

  EXPECT_EQ(store_->DeliveredThrough().value(), 3);
  EXPECT_FALSE(store_->PendingBatch().value().has_value());
  auto letters = store_->ListDeadLetters(true, 0, 10).value();
  ASSERT_EQ(letters.size(), 1u);
  const DeadLetter& letter = letters[0];
  EXPECT_EQ(letter.batch_id, "b-1");
  EXPECT_EQ(letter.seq, 2);
  EXPECT_EQ(letter.entity, "receivable");
  EXPECT_EQ(letter.key, "erp:receivable:INV-001");
  EXPECT_EQ(letter.code, "unknown_customer");
  EXPECT_EQ(letter.message, "receivable references unknown customer");
  EXPECT_EQ(letter.change_json, ChangeToJson(ChangeAtSeq(2)));
  EXPECT_FALSE(letter.replayed_at.has_value());
  EXPECT_EQ(store_->DeadLetterCount().value(), 1);

  // Acknowledging twice is a bug of the caller, not a second cursor move.
  EXPECT_EQ(store_->AcknowledgeBatch(batch, results).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->DeadLetterCount().value(), 1);
}

TEST_F(PushTest, ParkTurnsEveryChangeOfTheBatchIntoADeadLetter) {
  ASSERT_TRUE(store_->SavePendingBatch({"b-1", 1, 3}));
  EXPECT_EQ(store_->ParkBatch({"b-other", 1, 3}, "http_422", "x").error().code,
            ErrorCode::kConflict);
  ASSERT_TRUE(store_->ParkBatch({"b-1", 1, 3}, "http_422", "unprocessable batch"));

  EXPECT_EQ(store_->DeliveredThrough().value(), 3);
  EXPECT_FALSE(store_->PendingBatch().value().has_value());
  auto letters = store_->ListDeadLetters(false, 0, 10).value();
  ASSERT_EQ(letters.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(letters[i].seq, i + 1);
    EXPECT_EQ(letters[i].code, "http_422");
    EXPECT_EQ(letters[i].message, "unprocessable batch");
    EXPECT_EQ(letters[i].change_json, ChangeToJson(ChangeAtSeq(i + 1)));
  }
  EXPECT_EQ(store_->ListDeadLetters(false, letters[0].id, 1).value().front().seq, 2);
  EXPECT_EQ(store_->ParkBatch({"b-1", 1, 3}, "http_422", "again").error().code,
            ErrorCode::kConflict);
}

TEST_F(PushTest, ReplaySendsTheCurrentVersionOnce) {
  ASSERT_TRUE(store_->SavePendingBatch({"b-1", 1, 5}));
  ASSERT_TRUE(store_->ParkBatch({"b-1", 1, 5}, "http_400", "bad batch"));
  auto letters = store_->ListDeadLetters(true, 0, 10).value();
  ASSERT_EQ(letters.size(), 5u);

  // INV-001 changed since it was refused; INV-002 was closed by the next snapshot.
  std::vector<model::CanonicalRecord> records = Invoices(5, 1, 3);
  records.push_back(Receivable("INV-001", "4.00"));
  ApplyOutcome day2 = Apply(File("day 2"), Snapshot(), std::move(records));
  ASSERT_EQ(day2.updated, 1);
  ASSERT_EQ(day2.closed, 1);
  const int64_t last = store_->LastSeq().value();

  auto replayed = store_->ReplayDeadLetter(letters[1].id);  // INV-001
  ASSERT_TRUE(replayed.has_value()) << replayed.error().ToString();
  EXPECT_EQ(*replayed, last + 1);
  Change upsert = ChangeAtSeq(*replayed);
  EXPECT_EQ(upsert.op, "upsert");
  EXPECT_EQ(upsert.key, "erp:receivable:INV-001");
  EXPECT_EQ(upsert.version, 2);
  EXPECT_EQ(upsert.hash, Receivable("INV-001", "4.00").hash);
  EXPECT_EQ(upsert.data, store_->GetEntity("erp:receivable:INV-001")->data);

  auto closed = store_->ReplayDeadLetter(letters[2].id);  // INV-002
  ASSERT_TRUE(closed.has_value());
  Change close = ChangeAtSeq(*closed);
  EXPECT_EQ(close.op, "close");
  EXPECT_EQ(close.key, "erp:receivable:INV-002");
  EXPECT_EQ(close.version, 2);
  EXPECT_EQ(close.reason, "absent_from_snapshot");

  EXPECT_EQ(store_->ReplayDeadLetter(letters[1].id).error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->ReplayDeadLetter(999).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->DeadLetterCount().value(), 3);
  auto pending = store_->ListDeadLetters(true, 0, 10).value();
  ASSERT_EQ(pending.size(), 3u);
  EXPECT_EQ(pending[0].id, letters[0].id);
  auto all = store_->ListDeadLetters(false, 0, 10).value();
  ASSERT_TRUE(all[1].replayed_at.has_value());
  EXPECT_EQ(all[1].replayed_at->size(), 24u);  // 2026-11-23T12:00:00.123Z
}

}  // namespace
}  // namespace tributary::store::test
