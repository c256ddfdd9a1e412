#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

TEST_F(StoreTest, SnapshotClosesExactlyTheAbsentItems) {
  ASSERT_EQ(Apply(File("day 1"), Snapshot(0.2), Invoices(50)).created, 50);
  const int64_t before = store_->LastSeq().value();

  // INV-010..INV-014 are missing from the next day's file: 5 of 50 (10%) passes the guard.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(0.2), Invoices(50, 10, 15));
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 5);
  EXPECT_EQ(outcome.unchanged, 45);
  EXPECT_EQ(outcome.first_seq, before + 1);
  EXPECT_EQ(outcome.last_seq, before + 5);

  auto changes = store_->ChangesAfter(before, 100).value();
  ASSERT_EQ(changes.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const Change& change = changes[i];
    EXPECT_EQ(change.op, "close");
    EXPECT_EQ(change.key, "erp:receivable:INV-01" + std::to_string(i));
    EXPECT_EQ(change.version, 2);
    EXPECT_EQ(change.reason, "absent_from_snapshot");
    EXPECT_TRUE(change.data.empty());
  }
  auto closed = store_->GetEntity("erp:receivable:INV-012").value();
  EXPECT_EQ(closed.lifecycle, "closed_by_absence");
  EXPECT_EQ(closed.version, 2);
  auto data = nlohmann::json::parse(closed.data);
  EXPECT_EQ(data["lifecycle"], "closed_by_absence");
  EXPECT_EQ(data["status"], "open");  // status stays as the source last said
  EXPECT_EQ(store_->GetEntity("erp:receivable:INV-015").value().lifecycle, "active");

  auto balances = store_->OpenBalances().value();
  ASSERT_EQ(balances.size(), 1u);
  EXPECT_EQ(balances[0].open_items, 45);
  EXPECT_EQ(balances[0].open_minor, 45 * 1000);

  // The next identical snapshot closes nothing more.
  EXPECT_EQ(Apply(File("day 3"), Snapshot(0.2), Invoices(50, 10, 15)).closed, 0);
}

TEST_F(StoreTest, SnapshotClosesOnlyItsFeedAndClosingEntities) {
  Apply(File("other feed"), Delta(), {Receivable("X", "5.00")});
  Apply(File("day 1"), Snapshot(), {Customer("C1", "Acme"), Receivable("A", "1.00")});
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(), {});
  EXPECT_EQ(outcome.closed, 1);
  EXPECT_EQ(store_->GetEntity("erp:receivable:A").value().lifecycle, "closed_by_absence");
  EXPECT_EQ(store_->GetEntity("erp:customer:C1").value().lifecycle, "active");
  EXPECT_EQ(store_->GetEntity("erp:receivable:X").value().lifecycle, "active");
}

TEST_F(StoreTest, GuardQuarantinesAndNothingOfTheFileIsApplied) {
  Apply(File("day 1"), Snapshot(0.2), Invoices(10));
  const int64_t before = store_->LastSeq().value();

  // Only INV-000..INV-003 survive (6 of 10 would close), plus a changed and a new item.
  std::vector<model::CanonicalRecord> records = Invoices(3);
  records.push_back(Receivable("INV-003", "7.50", "EUR", 5));
  records.push_back(Receivable("NEW-1", "3.00", "EUR", 6));
  auto application = store_->BeginFile(File("truncated"), Snapshot(0.2));
  ASSERT_TRUE(application.has_value());
  for (auto& record : records) ASSERT_TRUE((*application)->OnRecord(std::move(record)));
  ASSERT_TRUE((*application)->OnReject({.line = 7, .reason = "bad amount"}));
  auto outcome = (*application)->Commit();
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  application->reset();

  EXPECT_TRUE(outcome->quarantined);
  EXPECT_GT(outcome->quarantine_id, 0);
  const std::string reason =
      "snapshot would close 6 of 10 open items (60%), above the guard of 20%";
  EXPECT_EQ(outcome->quarantine_reason, reason);
  EXPECT_EQ(outcome->closed + outcome->created + outcome->updated, 0);

  // Nothing applied, not even the reject.
  EXPECT_EQ(store_->LastSeq().value(), before);
  EXPECT_TRUE(store_->ListRejects("", 0, 10).value().empty());
  EXPECT_EQ(store_->GetEntity("erp:receivable:INV-003").value().version, 1);
  EXPECT_EQ(store_->GetEntity("erp:receivable:NEW-1").error().code, ErrorCode::kNotFound);

  auto file = store_->FindFile("erp", File("truncated").sha256).value();
  ASSERT_TRUE(file.has_value());
  EXPECT_EQ(file->state, FileState::kQuarantined);
  EXPECT_EQ(file->changes, 0);

  auto quarantine = store_->GetQuarantine(outcome->quarantine_id);
  ASSERT_TRUE(quarantine.has_value()) << quarantine.error().ToString();
  EXPECT_EQ(quarantine->state, "pending");
  EXPECT_EQ(quarantine->reason, reason);
  EXPECT_EQ(quarantine->connector, "erp");
  EXPECT_EQ(quarantine->feed, "erp/open_items_*.csv");
  EXPECT_EQ(quarantine->file.sha256, File("truncated").sha256);
  auto diff = nlohmann::json::parse(quarantine->diff_json);
  EXPECT_EQ(diff["would_close"], 6);
  EXPECT_EQ(diff["active"], 10);
  EXPECT_EQ(diff["ratio"], "0.600");
  EXPECT_EQ(diff["max_close_ratio"], "0.200");
  EXPECT_EQ(diff["would_create"], 1);
  EXPECT_EQ(diff["would_update"], 1);
  ASSERT_EQ(diff["sample"].size(), 6u);
  EXPECT_EQ(diff["sample"][0],
            nlohmann::json({{"key", "erp:receivable:INV-004"}, {"open_amount", "10.00"},
                            {"currency", "EUR"}}));
  EXPECT_EQ(store_->ListQuarantine(true).value().size(), 1u);

  // The same content cannot be applied while its quarantine is pending.
  EXPECT_EQ(store_->BeginFile(File("truncated"), Snapshot(0.2)).error().code,
            ErrorCode::kConflict);
}

TEST_F(StoreTest, ReleasedQuarantineIsAppliedWithoutTheGuard) {
  Apply(File("day 1"), Snapshot(0.2), Invoices(10));
  ApplyOutcome quarantined = Apply(File("truncated"), Snapshot(0.2), Invoices(4));
  ASSERT_TRUE(quarantined.quarantined);
  const int64_t file_id = store_->FindFile("erp", File("truncated").sha256).value()->id;

  ASSERT_TRUE(store_->ReleaseQuarantine(quarantined.quarantine_id).has_value());
  EXPECT_EQ(store_->GetQuarantine(quarantined.quarantine_id)->state, "released");
  EXPECT_EQ(store_->FindFile("erp", File("truncated").sha256).value()->state,
            FileState::kReleased);
  EXPECT_EQ(store_->FilesInState("erp", FileState::kReleased).value().size(), 1u);
  EXPECT_TRUE(store_->ListQuarantine(true).value().empty());
  EXPECT_EQ(store_->ReleaseQuarantine(quarantined.quarantine_id).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(store_->DiscardQuarantine(quarantined.quarantine_id).error().code,
            ErrorCode::kConflict);
  EXPECT_EQ(store_->ReleaseQuarantine(999).error().code, ErrorCode::kNotFound);

  ApplyOutcome applied = Apply(File("truncated"), Snapshot(0.2), Invoices(4));
  EXPECT_FALSE(applied.quarantined);
  EXPECT_EQ(applied.closed, 6);
  auto file = store_->FindFile("erp", File("truncated").sha256).value();
  EXPECT_EQ(file->id, file_id);  // the same ledger row, now applied
  EXPECT_EQ(file->state, FileState::kApplied);
  EXPECT_EQ(file->changes, 6);
  EXPECT_EQ(store_->OpenBalances().value().front().open_items, 4);
}

TEST_F(StoreTest, ReleaseAfterANewerSnapshotOfTheFeedIsRefused) {
  Apply(File("day 1", "open_items_1.csv"), Snapshot(0.2), Invoices(10));
  ApplyOutcome quarantined = Apply(File("truncated", "open_items_2.csv"), Snapshot(0.2), Invoices(4));
  ASSERT_TRUE(quarantined.quarantined);
  // Another feed's file does not make it stale.
  ApplyOptions other = Snapshot(0.2);
  other.feed = "erp/other_*.csv";
  Apply(File("other feed", "other_1.csv"), other, {Receivable("X-1", "1.00")});
  const int64_t quarantined_file = store_->FindFile("erp", File("truncated").sha256).value()->id;
  // Day 3 is applied while day 2 waits.
  Apply(File("day 3", "open_items_3.csv"), Snapshot(0.2), Invoices(10, 0, 1));
  const int64_t newer = store_->FindFile("erp", File("day 3").sha256).value()->id;

  auto refused = store_->ReleaseQuarantine(quarantined.quarantine_id);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(refused.error().message,
            "quarantine " + std::to_string(quarantined.quarantine_id) +
                " cannot be released: a newer snapshot of feed erp/open_items_*.csv, open_items_3.csv (file " +
                std::to_string(newer) + "), was applied since; releasing would apply stale data over it. "
                "Discard it instead");
  EXPECT_EQ(store_->GetQuarantine(quarantined.quarantine_id)->state, "pending");
  EXPECT_EQ(store_->FindFile("erp", File("truncated").sha256).value()->state, FileState::kQuarantined);
  EXPECT_EQ(store_->FindFile("erp", File("truncated").sha256).value()->id, quarantined_file);
  // Discarding it is still possible.
  ASSERT_TRUE(store_->DiscardQuarantine(quarantined.quarantine_id).has_value());
  EXPECT_EQ(store_->GetEntity("erp:receivable:INV-009").value().lifecycle, "active");
}

TEST_F(StoreTest, DiscardedQuarantineLeavesTheStoreAsItWas) {
  Apply(File("day 1"), Snapshot(0.5), Invoices(4));
  ApplyOutcome quarantined = Apply(File("empty"), Snapshot(0.5), {});
  ASSERT_TRUE(quarantined.quarantined);
  EXPECT_EQ(quarantined.quarantine_reason,
            "snapshot would close 4 of 4 open items (100%), above the guard of 50%");

  ASSERT_TRUE(store_->DiscardQuarantine(quarantined.quarantine_id).has_value());
  EXPECT_EQ(store_->GetQuarantine(quarantined.quarantine_id)->state, "discarded");
  EXPECT_EQ(store_->FindFile("erp", File("empty").sha256).value()->state, FileState::kDiscarded);
  EXPECT_TRUE(store_->ListQuarantine(true).value().empty());
  EXPECT_EQ(store_->ListQuarantine(false).value().size(), 1u);
  EXPECT_EQ(store_->OpenBalances().value().front().open_items, 4);
  EXPECT_EQ(store_->ReleaseQuarantine(quarantined.quarantine_id).error().code,
            ErrorCode::kConflict);
}

TEST_F(StoreTest, GuardComparesExactly) {
  Apply(File("day 1"), Snapshot(0.2), Invoices(10));
  // 2 of 10 is exactly the guard, not above it.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(0.2), Invoices(10, 0, 2));
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 2);
  // 1 of 8 (12.5%) is above a guard of 0.1249.
  outcome = Apply(File("day 3"), Snapshot(0.1249), Invoices(10, 0, 3));
  EXPECT_TRUE(outcome.quarantined);
  EXPECT_EQ(outcome.quarantine_reason,
            "snapshot would close 1 of 8 open items (12.5%), above the guard of 12.49%");
}

TEST_F(StoreTest, FirstSnapshotOfAFeedNeverTrips) {
  ApplyOutcome outcome = Apply(File("first"), Snapshot(0.0), Invoices(3));
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.created, 3);
}

TEST_F(StoreTest, ClosedKeyThatReappearsIsReopened) {
  Apply(File("day 1"), Snapshot(), Invoices(3));
  Apply(File("day 2"), Snapshot(), Invoices(3, 1, 2));  // INV-001 closed
  ASSERT_EQ(store_->GetEntity("erp:receivable:INV-001").value().version, 2);

  ApplyOutcome outcome = Apply(File("day 3"), Snapshot(), Invoices(3));
  EXPECT_EQ(outcome.updated, 1);
  EXPECT_EQ(outcome.unchanged, 2);
  auto entity = store_->GetEntity("erp:receivable:INV-001").value();
  EXPECT_EQ(entity.version, 3);
  EXPECT_EQ(entity.lifecycle, "active");
  EXPECT_EQ(nlohmann::json::parse(entity.data)["lifecycle"], "active");
  const Change last = AllChanges().back();
  EXPECT_EQ(last.op, "upsert");
  EXPECT_EQ(last.key, "erp:receivable:INV-001");
  EXPECT_EQ(last.version, 3);
  EXPECT_EQ(last.hash, Receivable("INV-001", "10.00").hash);
}

TEST_F(StoreTest, RejectsMalformedOptions) {
  ApplyOptions no_feed = Snapshot();
  no_feed.feed.clear();
  EXPECT_EQ(store_->BeginFile(File("x"), no_feed).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(store_->BeginFile(File("x"), Snapshot(-0.1)).error().code,
            ErrorCode::kInvalidArgument);
  FileIdentity anonymous = File("x");
  anonymous.sha256.clear();
  EXPECT_EQ(store_->BeginFile(anonymous, Delta()).error().code, ErrorCode::kInvalidArgument);
  // None of them left a transaction open.
  EXPECT_EQ(Apply(File("y"), Delta(), {Receivable("A", "1.00")}).created, 1);
}

}  // namespace
}  // namespace tributary::store::test
