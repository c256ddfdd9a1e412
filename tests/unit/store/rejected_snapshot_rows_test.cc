// A snapshot's rejected rows never close their receivable: a reject with a key keeps that
// key as stored; a reject without one withholds the entity's closes for that file.
#include <gtest/gtest.h>

#include "gateway/store/rejected_keys.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

model::Reject RejectOf(int64_t line, std::optional<std::string> source_key, const std::string& entity = "receivable") {
  model::Reject reject{.file = "open_items.csv", .line = line, .column = 8, .field = "open_amount",
                       .reason = "invalid amount \"12,x\"", .raw = "row", .location = ""};
  std::optional<std::string> key;
  if (source_key) key = model::MakeKey("erp", entity, *source_key);
  reject.entities.push_back({entity, key});
  return reject;
}

std::vector<model::CanonicalRecord> Items(std::initializer_list<std::string> keys) {
  std::vector<model::CanonicalRecord> records;
  int64_t line = 2;
  for (const std::string& key : keys) records.push_back(Receivable(key, "10.00", "EUR", line++));
  return records;
}

TEST_F(StoreTest, RejectedRowWithAKeyKeepsItsReceivableAsStored) {
  Apply(File("day 1"), Snapshot(), Items({"A", "B", "C"}));
  const EntityVersion b_before = store_->GetEntity("erp:receivable:B").value();
  const int64_t before = store_->LastSeq().value();

  // Day 2: B's row is rejected (its key is known), C is absent.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(), Items({"A"}), {RejectOf(3, "B")});
  EXPECT_EQ(outcome.closed, 1);
  EXPECT_EQ(outcome.kept, 1);
  EXPECT_EQ(outcome.closes_withheld, 0);
  EXPECT_TRUE(outcome.withheld_reason.empty());

  const EntityVersion b_after = store_->GetEntity("erp:receivable:B").value();
  EXPECT_EQ(b_after.lifecycle, "active");
  EXPECT_EQ(b_after.version, b_before.version);
  EXPECT_EQ(b_after.hash, b_before.hash);
  EXPECT_EQ(b_after.data, b_before.data);
  EXPECT_EQ(store_->GetEntity("erp:receivable:C").value().lifecycle, "closed_by_absence");
  auto changes = store_->ChangesAfter(before, 100).value();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].key, "erp:receivable:C");

  // Day 3: B is absent and nothing is rejected: now it closes.
  EXPECT_EQ(Apply(File("day 3"), Snapshot(), Items({"A"})).closed, 1);
  EXPECT_EQ(store_->GetEntity("erp:receivable:B").value().lifecycle, "closed_by_absence");
}

TEST_F(StoreTest, RejectedRowAndAValidRowOfTheSameKeyIsNoDuplicate) {
  Apply(File("day 1"), Snapshot(), Items({"A", "B"}));
  auto application = store_->BeginFile(File("day 2"), Snapshot());
  ASSERT_TRUE(application.has_value());
  ASSERT_TRUE((*application)->OnReject(RejectOf(2, "B")).has_value());
  ASSERT_TRUE((*application)->OnRecord(Receivable("B", "7.00", "EUR", 3)).has_value());
  ApplyOutcome outcome = (*application)->Commit().value();
  EXPECT_EQ(outcome.rejects, 1);
  EXPECT_EQ(outcome.updated, 1);
  EXPECT_EQ(outcome.kept, 0);  // carried by its valid row
  EXPECT_EQ(outcome.closed, 1);  // A
}

TEST_F(StoreTest, RejectedRowWithoutAKeyWithholdsEveryCloseOfItsEntity) {
  Apply(File("day 1"), Snapshot(0.2), Items({"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"}));
  const int64_t before = store_->LastSeq().value();

  // Two rows without a key (three rejects: line 14 has two problems); 9 of 10 absent,
  // which would also trip the guard if they were closes.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(0.2), Items({"A"}),
                               {RejectOf(14, std::nullopt), RejectOf(14, std::nullopt), RejectOf(90, std::nullopt)});
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 0);
  EXPECT_EQ(outcome.closes_withheld, 9);
  ASSERT_EQ(outcome.withheld.size(), 1u);
  EXPECT_EQ(outcome.withheld[0].entity, "receivable");
  EXPECT_EQ(outcome.withheld[0].keyless_rejects, 2);
  EXPECT_EQ(outcome.withheld[0].lines, (std::vector<int64_t>{14, 90}));
  EXPECT_EQ(outcome.withheld_reason, "9 closes withheld: 2 rejected receivable rows have no key (lines 14, 90)");
  EXPECT_EQ(store_->LastSeq().value(), before);
  EXPECT_EQ(store_->GetEntity("erp:receivable:J").value().lifecycle, "active");

  auto ledger = store_->FindFile("erp", File("day 2").sha256).value();
  ASSERT_TRUE(ledger.has_value());
  EXPECT_EQ(ledger->closes_withheld, 9);
  EXPECT_EQ(ledger->note, outcome.withheld_reason);

  // The next clean snapshot closes normally (and the guard sees all 9).
  ApplyOutcome clean = Apply(File("day 3"), Snapshot(), Items({"A"}));
  EXPECT_EQ(clean.closed, 9);
  EXPECT_EQ(clean.closes_withheld, 0);
  EXPECT_EQ(store_->FindFile("erp", File("day 3").sha256).value()->closes_withheld, 0);
}

TEST_F(StoreTest, KeylessRejectOfAnEntityThatDoesNotCloseWithholdsNothing) {
  Apply(File("day 1"), Snapshot(), {Customer("C1", "Acme"), Receivable("A", "1.00"), Receivable("B", "1.00")});
  ApplyOutcome outcome =
      Apply(File("day 2"), Snapshot(), Items({"A"}), {RejectOf(5, std::nullopt, "customer")});
  EXPECT_EQ(outcome.closed, 1);
  EXPECT_EQ(outcome.closes_withheld, 0);
}

TEST_F(StoreTest, DeltaFilesIgnoreTheKeysOfRejects) {
  Apply(File("delta 1"), Delta(), Items({"A"}));
  ApplyOutcome outcome = Apply(File("delta 2"), Delta(), {}, {RejectOf(2, std::nullopt)});
  EXPECT_EQ(outcome.closes_withheld, 0);
  EXPECT_EQ(outcome.kept, 0);
  EXPECT_TRUE(outcome.withheld_reason.empty());
}

TEST(WithheldReasonTest, NamesCountsAndLines) {
  EXPECT_EQ(WithheldReason(std::vector<WithheldCloses>{{"receivable", 1, 1, {7}}}),
            "1 close withheld: 1 rejected receivable row has no key (line 7)");
  EXPECT_EQ(WithheldReason(std::vector<WithheldCloses>{{"receivable", 3, 25, {1, 2}}, {"payment", 2, 1, {9}}}),
            "3 closes withheld: 25 rejected receivable rows have no key (lines 1, 2, …); "
            "2 closes withheld: 1 rejected payment row has no key (line 9)");
  EXPECT_EQ(WithheldReason({}), "");
}

}  // namespace
}  // namespace tributary::store::test
