#include <gtest/gtest.h>

#include <regex>

#include <nlohmann/json.hpp>

#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

TEST_F(StoreTest, NewUnchangedAndChangedRecordsGetVersions) {
  ApplyOutcome first = Apply(File("day 1"), Delta(),
                             {Receivable("A", "10.00"), Receivable("B", "20.00")});
  EXPECT_EQ(first.created, 2);
  EXPECT_EQ(first.updated, 0);
  EXPECT_EQ(first.first_seq, 1);
  EXPECT_EQ(first.last_seq, 2);

  ApplyOutcome second = Apply(File("day 2"), Delta(),
                              {Receivable("A", "10.00", "EUR", 7), Receivable("B", "15.00")});
  EXPECT_EQ(second.created, 0);
  EXPECT_EQ(second.unchanged, 1);
  EXPECT_EQ(second.updated, 1);
  EXPECT_EQ(second.first_seq, 3);
  EXPECT_EQ(second.last_seq, 3);

  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].key, "erp:receivable:A");
  EXPECT_EQ(changes[0].version, 1);
  EXPECT_EQ(changes[1].key, "erp:receivable:B");
  EXPECT_EQ(changes[1].version, 1);
  EXPECT_EQ(changes[2].key, "erp:receivable:B");
  EXPECT_EQ(changes[2].op, "upsert");
  EXPECT_EQ(changes[2].version, 2);
  const model::CanonicalRecord expected = Receivable("B", "15.00");
  EXPECT_EQ(changes[2].hash, expected.hash);
  EXPECT_EQ(changes[2].data, expected.data.dump());
  EXPECT_EQ(changes[2].entity, "receivable");
  // UTC RFC 3339 with milliseconds.
  EXPECT_TRUE(std::regex_match(changes[2].created_at,
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
      << changes[2].created_at;
}

TEST_F(StoreTest, ReapplyingTheSameContentProducesNoChange) {
  Apply(File("monday"), Snapshot(), Invoices(10));
  const int64_t last = store_->LastSeq().value();

  // The same content under another name, then again: nothing new either time.
  for (const char* name : {"open_items_copy.csv", "open_items.csv"}) {
    ApplyOutcome again = Apply(File("monday", name), Snapshot(), Invoices(10));
    EXPECT_EQ(again.created + again.updated + again.closed, 0);
    EXPECT_EQ(again.unchanged, 10);
    EXPECT_EQ(again.first_seq, 0);
  }
  EXPECT_EQ(store_->LastSeq().value(), last);
}

TEST_F(StoreTest, LedgerRecordsTheAppliedFile) {
  std::vector<model::Reject> rejects = {{.file = "open_items.csv", .line = 9, .column = 4,
                                         .field = "due_date", .reason = "invalid date",
                                         .raw = "x;y;31/02/2026"}};
  ApplyOutcome outcome =
      Apply(File("with a reject"), Delta(), {Receivable("A", "1.00")}, std::move(rejects));
  EXPECT_EQ(outcome.rejects, 1);

  auto entry = store_->FindFile("erp", File("with a reject").sha256);
  ASSERT_TRUE(entry.has_value() && entry->has_value());
  const FileEntry& file = **entry;
  EXPECT_EQ(file.state, FileState::kApplied);
  EXPECT_EQ(file.identity.name, "open_items.csv");
  EXPECT_EQ(file.identity.size, 13);
  EXPECT_EQ(file.rows, 2);
  EXPECT_EQ(file.rejects, 1);
  EXPECT_EQ(file.changes, 1);
  EXPECT_EQ(file.last_seq, outcome.last_seq);

  auto listed = store_->ListRejects("erp", 0, 10);
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  const Reject& reject = listed->front();
  EXPECT_EQ(reject.connector, "erp");
  EXPECT_EQ(reject.file_sha256, File("with a reject").sha256);
  EXPECT_EQ(reject.reject.line, 9);
  EXPECT_EQ(reject.reject.column, 4);
  EXPECT_EQ(reject.reject.field, "due_date");
  EXPECT_EQ(reject.reject.reason, "invalid date");
  EXPECT_EQ(reject.reject.raw, "x;y;31/02/2026");
  EXPECT_TRUE(store_->ListRejects("other", 0, 10)->empty());
  EXPECT_EQ(store_->ListRejects("", 0, 10)->size(), 1u);
  EXPECT_TRUE(store_->ListRejects("", reject.id, 10)->empty());
}

TEST_F(StoreTest, DuplicateKeyOfANonRepeatableEntityIsRejected) {
  ApplyOutcome outcome = Apply(File("dup"), Delta(),
                               {Customer("C1", "Acme", 2), Receivable("A", "10.00", "EUR", 2),
                                Customer("C1", "Acme", 3), Receivable("A", "99.00", "EUR", 3)});
  EXPECT_EQ(outcome.created, 2);
  EXPECT_EQ(outcome.unchanged, 1);  // the customer repeated on line 3
  EXPECT_EQ(outcome.updated, 0);
  EXPECT_EQ(outcome.rejects, 1);

  auto rejects = store_->ListRejects("erp", 0, 10);
  ASSERT_TRUE(rejects.has_value());
  ASSERT_EQ(rejects->size(), 1u);
  EXPECT_EQ(rejects->front().reject.line, 3);
  EXPECT_EQ(rejects->front().reject.reason,
            "duplicate key erp:receivable:A (first seen at line 2)");
  EXPECT_EQ(rejects->front().reject.raw, "row 3;A;99.00");

  // The first version stands.
  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_NE(changes[1].data.find("\"10.00\""), std::string::npos);
  EXPECT_EQ(store_->FindFile("erp", File("dup").sha256).value()->rejects, 1);
}

TEST_F(StoreTest, RepeatableEntityChangingWithinAFileGetsANewVersion) {
  ApplyOutcome outcome = Apply(File("customers"), Delta(),
                               {Customer("C1", "Acme", 2), Customer("C1", "Acme SA", 3)});
  EXPECT_EQ(outcome.created, 1);
  EXPECT_EQ(outcome.updated, 1);
  EXPECT_EQ(outcome.rejects, 0);
  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].version, 2);
}

TEST_F(StoreTest, DeltaNeverCloses) {
  Apply(File("d1"), Delta(), Invoices(5));
  ApplyOutcome outcome = Apply(File("d2"), Delta(), {Receivable("INV-000", "10.00", "EUR", 2)});
  EXPECT_EQ(outcome.closed, 0);
  EXPECT_EQ(outcome.unchanged, 1);
  for (const Change& change : AllChanges()) EXPECT_EQ(change.op, "upsert");
  EXPECT_EQ(store_->OpenBalances().value().front().open_items, 5);
}

TEST_F(StoreTest, DestroyedWithoutCommitLeavesNothing) {
  {
    auto application = store_->BeginFile(File("abandoned"), Snapshot());
    ASSERT_TRUE(application.has_value());
    ASSERT_TRUE((*application)->OnRecord(Receivable("A", "1.00")).has_value());
    ASSERT_TRUE((*application)->OnReject({.line = 3, .reason = "bad"}).has_value());
    // Inside the transaction this connection sees its own work.
    EXPECT_EQ(store_->LastSeq().value(), 1);
    // The store refuses other writes while the file is open.
    EXPECT_EQ(store_->BeginFile(File("other"), Delta()).error().code, ErrorCode::kConflict);
    EXPECT_EQ(store_->SetFileState(1, FileState::kArchived).error().code, ErrorCode::kConflict);
  }
  EXPECT_EQ(store_->LastSeq().value(), 0);
  EXPECT_FALSE(store_->FindFile("erp", File("abandoned").sha256).value().has_value());
  EXPECT_TRUE(store_->ListRejects("", 0, 10).value().empty());
  EXPECT_TRUE(store_->OpenBalances().value().empty());
  // And the store takes writes again.
  EXPECT_EQ(Apply(File("next"), Delta(), {Receivable("A", "1.00")}).created, 1);
}

TEST_F(StoreTest, ApplicationIsSpentAfterCommit) {
  auto application = store_->BeginFile(File("once"), Delta());
  ASSERT_TRUE(application.has_value());
  ASSERT_TRUE((*application)->Commit().has_value());
  EXPECT_EQ((*application)->Commit().error().code, ErrorCode::kConflict);
  EXPECT_EQ((*application)->OnRecord(Receivable("A", "1.00")).error().code, ErrorCode::kConflict);
  // An empty file is still a ledger entry.
  EXPECT_EQ(store_->FindFile("erp", File("once").sha256).value()->state, FileState::kApplied);
}

TEST_F(StoreTest, RecordWithoutKeySpoilsTheApplication) {
  auto application = store_->BeginFile(File("broken"), Delta());
  ASSERT_TRUE(application.has_value());
  ASSERT_TRUE((*application)->OnRecord(Receivable("A", "1.00")).has_value());
  model::CanonicalRecord keyless = Receivable("B", "1.00");
  keyless.key.clear();
  EXPECT_EQ((*application)->OnRecord(std::move(keyless)).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE((*application)->Commit().has_value());
  application->reset();
  EXPECT_EQ(store_->LastSeq().value(), 0);
}

TEST_F(StoreTest, ProvenanceAndLifecycleAreStoredWithTheEntity) {
  Apply(File("p"), Delta(), {Receivable("A", "1.00", "EUR", 42)});
  auto entity = store_->GetEntity("erp:receivable:A");
  ASSERT_TRUE(entity.has_value()) << entity.error().ToString();
  EXPECT_EQ(entity->entity, "receivable");
  EXPECT_EQ(entity->feed, "erp/changes_*.csv");
  EXPECT_EQ(entity->version, 1);
  EXPECT_EQ(entity->lifecycle, "active");
  EXPECT_EQ(entity->open_amount_minor, 100);
  EXPECT_EQ(entity->currency, "EUR");
  EXPECT_EQ(entity->file_id, store_->FindFile("erp", File("p").sha256).value()->id);
  EXPECT_EQ(entity->line, 42);
  EXPECT_EQ(entity->mapping, "sap-fbl5n@3");
  // The stored data and the outbox data are the record's wire object, raw included.
  EXPECT_EQ(entity->data, AllChanges().front().data);
  auto data = nlohmann::json::parse(entity->data);
  EXPECT_EQ(data["lifecycle"], "active");
  EXPECT_EQ(data["raw"], "row 42;A;1.00");
  EXPECT_EQ(data["status"], "open");
  EXPECT_EQ(store_->GetEntity("erp:receivable:nope").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tributary::store::test
