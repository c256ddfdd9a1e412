// A snapshot's rejected rows never close their receivable: a reject with a key keeps that
// key as stored; one without a key but with a customer withholds that customer's closes
// for that file; one with neither quarantines the file's closes (release or discard).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/store/rejected_keys.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

model::Reject RejectOf(int64_t line, std::optional<std::string> source_key, const std::string& entity = "receivable",
                       std::optional<std::string> customer = std::nullopt) {
  model::Reject reject{.file = "open_items.csv", .line = line, .column = 8, .field = "open_amount",
                       .reason = "invalid amount \"12,x\"", .raw = "row", .location = ""};
  std::optional<std::string> key;
  if (source_key) key = model::MakeKey("erp", entity, *source_key);
  if (customer) customer = model::MakeKey("erp", "customer", *customer);
  reject.entities.push_back({entity, key, customer});
  return reject;
}

// `record` referencing customer `customer` of source "erp".
model::CanonicalRecord Of(const std::string& customer, model::CanonicalRecord record) {
  record.data["customer"] = model::MakeKey("erp", "customer", customer);
  EXPECT_TRUE(model::Finalize(*model::FindEntitySchema("receivable"), record).has_value());
  return record;
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

TEST_F(StoreTest, RejectedRowWithNeitherKeyNorCustomerQuarantinesTheClosesUntilReleased) {
  Apply(File("day 1"), Snapshot(0.2), Items({"A", "B", "C", "D", "E", "F", "G", "H", "I", "J"}));
  const int64_t before = store_->LastSeq().value();

  // Two rows with neither key nor customer (three rejects: line 14 has two problems); 9
  // of 10 absent. Any of them may be one of those two rows: nothing is closed silently.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(0.2), Items({"A"}),
                               {RejectOf(14, std::nullopt), RejectOf(14, std::nullopt), RejectOf(90, std::nullopt)});
  ASSERT_TRUE(outcome.quarantined);
  EXPECT_EQ(outcome.quarantine_reason,
            "snapshot would close 9 receivables, but 2 rejected receivable rows have neither key nor customer "
            "(lines 14, 90); snapshot would close 9 of 10 open items (90%), above the guard of 20%");
  EXPECT_EQ(store_->LastSeq().value(), before);
  EXPECT_EQ(store_->GetEntity("erp:receivable:J").value().lifecycle, "active");
  auto ledger = store_->FindFile("erp", File("day 2").sha256).value();
  ASSERT_TRUE(ledger.has_value());
  EXPECT_EQ(ledger->state, FileState::kQuarantined);
  EXPECT_EQ(ledger->closes_withheld, 0);
  auto quarantine = store_->GetQuarantine(outcome.quarantine_id).value();
  auto diff = nlohmann::json::parse(quarantine.diff_json);
  EXPECT_EQ(diff["would_close"], 9);
  EXPECT_EQ(diff["sample"].size(), 9u);
  EXPECT_EQ(diff["unreadable_rejects"],
            nlohmann::json::parse(R"([{"entity":"receivable","closes":9,"rows":2,"lines":[14,90]}])"));

  // Released: the file applies with its closes, once.
  ASSERT_TRUE(store_->ReleaseQuarantine(outcome.quarantine_id).has_value());
  ApplyOutcome released = Apply(File("day 2"), Snapshot(0.2), Items({"A"}),
                                {RejectOf(14, std::nullopt), RejectOf(14, std::nullopt), RejectOf(90, std::nullopt)});
  EXPECT_FALSE(released.quarantined);
  EXPECT_EQ(released.closed, 9);
  EXPECT_EQ(released.closes_withheld, 0);
  EXPECT_EQ(store_->GetEntity("erp:receivable:J").value().lifecycle, "closed_by_absence");
  EXPECT_EQ(store_->FindFile("erp", File("day 2").sha256).value()->state, FileState::kApplied);
}

TEST_F(StoreTest, UnreadableRejectWithoutGuardIsQuarantinedAndDiscardLeavesTheStoreAsItWas) {
  Apply(File("day 1"), Snapshot(), Items({"A", "B"}));
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(), Items({"A"}), {RejectOf(7, std::nullopt)});
  ASSERT_TRUE(outcome.quarantined);
  EXPECT_EQ(outcome.quarantine_reason,
            "snapshot would close 1 receivable, but 1 rejected receivable row has neither key nor customer (line 7)");
  auto diff = nlohmann::json::parse(store_->GetQuarantine(outcome.quarantine_id).value().diff_json);
  EXPECT_TRUE(diff["active"].is_null());
  EXPECT_TRUE(diff["max_close_ratio"].is_null());
  ASSERT_TRUE(store_->DiscardQuarantine(outcome.quarantine_id).has_value());
  EXPECT_EQ(store_->GetEntity("erp:receivable:B").value().lifecycle, "active");
  EXPECT_EQ(store_->FindFile("erp", File("day 2").sha256).value()->state, FileState::kDiscarded);
}

TEST_F(StoreTest, UnreadableRejectThatWouldCloseNothingQuarantinesNothing) {
  Apply(File("day 1"), Snapshot(), Items({"A", "B"}));
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(), Items({"A", "B"}), {RejectOf(7, std::nullopt)});
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 0);
  EXPECT_EQ(outcome.closes_withheld, 0);
}

TEST_F(StoreTest, KeylessRejectWithACustomerWithholdsOnlyThatCustomersCloses) {
  Apply(File("day 1"), Snapshot(0.5),
        {Of("C1", Receivable("A1", "10.00")), Of("C1", Receivable("A2", "20.00")), Of("C2", Receivable("B1", "30.00")),
         Of("C2", Receivable("B2", "40.00")), Of("C3", Receivable("D1", "50.00"))});
  const int64_t before = store_->LastSeq().value();

  // Day 2: A1 and D1 are there; line 5 is a C1 row whose document number is unreadable.
  // A2 may be that row: withheld. B1 and B2 (customer C2) are paid: closed.
  ApplyOutcome outcome = Apply(File("day 2"), Snapshot(0.5),
                               {Of("C1", Receivable("A1", "10.00")), Of("C3", Receivable("D1", "50.00"))},
                               {RejectOf(5, std::nullopt, "receivable", "C1")});
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 2);
  EXPECT_EQ(outcome.closes_withheld, 1);
  ASSERT_EQ(outcome.withheld.size(), 1u);
  EXPECT_EQ(outcome.withheld[0].customers, (std::vector<std::string>{"erp:customer:C1"}));
  EXPECT_EQ(outcome.withheld_reason,
            "1 close of customer erp:customer:C1 withheld: 1 rejected receivable row has no key (line 5)");
  EXPECT_EQ(store_->GetEntity("erp:receivable:A2").value().lifecycle, "active");
  EXPECT_EQ(store_->GetEntity("erp:receivable:B1").value().lifecycle, "closed_by_absence");
  EXPECT_EQ(store_->GetEntity("erp:receivable:B2").value().lifecycle, "closed_by_absence");
  EXPECT_EQ(store_->LastSeq().value(), before + 2);
  auto ledger = store_->FindFile("erp", File("day 2").sha256).value();
  EXPECT_EQ(ledger->closes_withheld, 1);
  EXPECT_EQ(ledger->note, outcome.withheld_reason);

  // The customer entity of the same rejected row names it too (no `customer` on the
  // receivable); a stored receivable without a customer may be that row: withheld.
  Apply(File("day 3"), Snapshot(), {Of("C1", Receivable("A1", "10.00")), Receivable("N1", "5.00")});
  model::Reject reject = RejectOf(9, std::nullopt);
  reject.entities.insert(reject.entities.begin(), {"customer", model::MakeKey("erp", "customer", "C1")});
  ApplyOutcome day4 = Apply(File("day 4"), Snapshot(), {}, {reject});
  EXPECT_FALSE(day4.quarantined);
  EXPECT_EQ(day4.closed, 0);
  EXPECT_EQ(day4.closes_withheld, 2);  // A1 (customer C1) and N1 (no customer)
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

TEST(WithheldReasonTest, NamesCountsCustomersAndLines) {
  EXPECT_EQ(WithheldReason(std::vector<WithheldCloses>{{"receivable", 1, 1, {7}, {"erp:customer:C1"}, 1}}),
            "1 close of customer erp:customer:C1 withheld: 1 rejected receivable row has no key (line 7)");
  EXPECT_EQ(WithheldReason(std::vector<WithheldCloses>{{"receivable", 3, 25, {1, 2}, {"c:1", "c:2"}, 7},
                                                       {"payment", 2, 1, {9}, {"c:3"}, 1}}),
            "3 closes of customers c:1, c:2, … withheld: 25 rejected receivable rows have no key (lines 1, 2, …); "
            "2 closes of customer c:3 withheld: 1 rejected payment row has no key (line 9)");
  EXPECT_EQ(WithheldReason({}), "");
}

TEST(UnreadableRejectsReasonTest, NamesClosesRowsAndLines) {
  EXPECT_EQ(UnreadableRejectsReason(std::vector<UnreadableRejects>{{"receivable", 1, 1, {7}}}),
            "snapshot would close 1 receivable, but 1 rejected receivable row has neither key nor customer (line 7)");
  EXPECT_EQ(UnreadableRejectsReason(std::vector<UnreadableRejects>{{"receivable", 4, 30, {1, 2}}}),
            "snapshot would close 4 receivables, but 30 rejected receivable rows have neither key nor customer "
            "(lines 1, 2, …)");
}

}  // namespace
}  // namespace tributary::store::test
