#include <gtest/gtest.h>

#include <sqlite3.h>

#include <filesystem>

#include "gateway/store/migrations.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

// Runs `sql` on the database file through a connection of its own.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

// The first column of the first row of `sql`, as text.
std::string RawQuery(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string value;
  if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return value;
}

TEST_F(StoreTest, OpenCreatesTheFolderAndRunsMigrationsOnce) {
  EXPECT_TRUE(std::filesystem::exists(path()));
  const std::string latest = std::to_string(AllMigrations().back().version);
  EXPECT_EQ(RawQuery(path(), "SELECT MAX(version) FROM schema_migrations"), latest);
  const std::string applied_at =
      RawQuery(path(), "SELECT applied_at FROM schema_migrations WHERE version = 1");
  EXPECT_EQ(RawQuery(path(), "PRAGMA journal_mode"), "wal");

  Reopen();
  auto second = Store::Open(path());  // a second connection at the same time
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(RawQuery(path(), "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(AllMigrations().size()));
  EXPECT_EQ(RawQuery(path(), "SELECT applied_at FROM schema_migrations WHERE version = 1"),
            applied_at);
}

TEST_F(StoreTest, DatabaseNewerThanTheCodeIsRefused) {
  store_.reset();
  RawExec(path(), "INSERT INTO schema_migrations VALUES (999, 'from the future', 'x')");
  auto opened = Store::Open(path());
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kConflict);
  EXPECT_NE(opened.error().message.find("schema version 999"), std::string::npos);
}

TEST_F(StoreTest, UnopenableDatabaseIsAnIoError) {
  auto opened = Store::Open(dir_.File("state"));  // a folder, not a file
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::kIo);
}

TEST_F(StoreTest, OutboxSeqIsMonotonicAcrossReopen) {
  Apply(File("a"), Delta(), Invoices(3));
  Reopen();
  EXPECT_EQ(store_->LastSeq().value(), 3);
  Apply(File("b"), Delta(), {Receivable("INV-001", "1.00"), Receivable("NEW", "2.00")});

  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 5u);
  for (size_t i = 0; i < changes.size(); ++i) EXPECT_EQ(changes[i].seq, int64_t(i) + 1);
  EXPECT_EQ(changes[3].key, "erp:receivable:INV-001");
  EXPECT_EQ(changes[4].key, "erp:receivable:NEW");

  // Paging follows seq.
  auto page = store_->ChangesAfter(2, 2).value();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 3);
  EXPECT_EQ(page[1].seq, 4);
  EXPECT_TRUE(store_->ChangesAfter(5, 10).value().empty());
  EXPECT_EQ(store_->ChangesAfter(0, 0).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(StoreTest, OpenBalancesPerCurrency) {
  Apply(File("mixed"), Snapshot(),
        {Receivable("E1", "100.00"), Receivable("E2", "20.50"),
         Receivable("CN1", "30.00", "EUR", 4, "credit_note"), Receivable("E3", "0.00"),
         Receivable("J1", "2700", "JPY"), Receivable("K1", "12.345", "KWD"),
         Customer("C1", "Acme")});
  Apply(File("mixed, E2 gone"), Snapshot(),
        {Receivable("E1", "100.00"), Receivable("CN1", "30.00", "EUR", 4, "credit_note"),
         Receivable("E3", "0.00"), Receivable("J1", "2700", "JPY"),
         Receivable("K1", "12.345", "KWD"), Customer("C1", "Acme")});

  auto balances = store_->OpenBalances();
  ASSERT_TRUE(balances.has_value()) << balances.error().ToString();
  ASSERT_EQ(balances->size(), 3u);
  // A credit note lowers the balance; a paid item is not open; E2 was closed.
  EXPECT_EQ((*balances)[0].currency, "EUR");
  EXPECT_EQ((*balances)[0].open_minor, 10000 - 3000);
  EXPECT_EQ((*balances)[0].open_items, 2);
  EXPECT_EQ((*balances)[1].currency, "JPY");
  EXPECT_EQ((*balances)[1].open_minor, 2700);
  EXPECT_EQ((*balances)[1].open_items, 1);
  EXPECT_EQ((*balances)[2].currency, "KWD");
  EXPECT_EQ((*balances)[2].open_minor, 12345);
}

TEST_F(StoreTest, OpenBalancesPerCurrencyAndLegalEntity) {
  ApplyOptions fr = Delta();
  fr.legal_entity = "FR01";
  ApplyOptions de = Delta();
  de.feed = "erp-de/changes_*.csv";
  de.legal_entity = "DE01";
  Apply(File("fr"), fr, {Receivable("F1", "100.00"), Receivable("F2", "1.50")});
  Apply(File("de"), de, {Receivable("D1", "20.00")});
  Apply(File("none"), Delta(), {Receivable("N1", "3.00")});
  auto balances = store_->OpenBalances();
  ASSERT_TRUE(balances.has_value()) << balances.error().ToString();
  ASSERT_EQ(balances->size(), 3u);
  EXPECT_EQ((*balances)[0].legal_entity, "");
  EXPECT_EQ((*balances)[0].open_minor, 300);
  EXPECT_EQ((*balances)[1].legal_entity, "DE01");
  EXPECT_EQ((*balances)[1].open_minor, 2000);
  EXPECT_EQ((*balances)[2].legal_entity, "FR01");
  EXPECT_EQ((*balances)[2].currency, "EUR");
  EXPECT_EQ((*balances)[2].open_minor, 10150);
  EXPECT_EQ((*balances)[2].open_items, 2);
}

TEST_F(StoreTest, TheLegalEntityMigrationFillsEntitiesWrittenBeforeIt) {
  Apply(File("before"), Delta(), {Receivable("F1", "100.00")});  // wire object: legal_entity FR01
  store_.reset();
  RawExec(path(), "ALTER TABLE entities DROP COLUMN legal_entity; DELETE FROM schema_migrations WHERE version = 10");
  Reopen();
  auto balances = store_->OpenBalances();
  ASSERT_TRUE(balances.has_value()) << balances.error().ToString();
  ASSERT_EQ(balances->size(), 1u);
  EXPECT_EQ((*balances)[0].legal_entity, "FR01");
  EXPECT_EQ((*balances)[0].open_minor, 10000);
}

TEST_F(StoreTest, ReaderRunsBesideAWriterHoldingATransaction) {
  Apply(File("a"), Delta(), {Receivable("A", "1.00")});
  auto reader = Store::Open(path(), StoreOptions{.busy_timeout = std::chrono::milliseconds(50)});
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();

  auto application = store_->BeginFile(File("b"), Delta());
  ASSERT_TRUE(application.has_value());
  ASSERT_TRUE((*application)->OnRecord(Receivable("B", "2.00")));
  EXPECT_EQ(store_->LastSeq().value(), 2);

  // The reader sees the last committed state and is not blocked.
  EXPECT_EQ((*reader)->LastSeq().value(), 1);
  EXPECT_EQ((*reader)->ChangesAfter(0, 10).value().size(), 1u);
  EXPECT_EQ((*reader)->GetEntity("erp:receivable:B").error().code, ErrorCode::kNotFound);
  // A second writer waits the busy timeout, then gives up with a retryable error.
  auto blocked = (*reader)->BeginFile(File("c"), Delta());
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(blocked.error().Retryable());
  EXPECT_EQ((*reader)->SavePendingBatch({"b", 1, 1}).error().code, ErrorCode::kUnavailable);

  ASSERT_TRUE((*application)->Commit());
  EXPECT_EQ((*reader)->LastSeq().value(), 2);
  EXPECT_EQ((*reader)->GetEntity("erp:receivable:B").value().version, 1);
  EXPECT_TRUE((*reader)->SavePendingBatch({"b", 1, 2}));
}

TEST_F(StoreTest, LedgerKeepsFailedFilesAndStates) {
  auto failed = store_->RecordFailedFile(File("garbage", "bad.csv"), "not UTF-8 at byte 12");
  ASSERT_TRUE(failed.has_value()) << failed.error().ToString();
  auto entry = store_->FindFile("erp", File("garbage").sha256).value();
  ASSERT_TRUE(entry.has_value());
  EXPECT_EQ(entry->id, *failed);
  EXPECT_EQ(entry->state, FileState::kFailed);
  EXPECT_EQ(entry->error, "not UTF-8 at byte 12");
  EXPECT_EQ(entry->identity.name, "bad.csv");
  EXPECT_FALSE(store_->FindFile("other", File("garbage").sha256).value().has_value());

  Apply(File("good"), Delta(), {Receivable("A", "1.00")});
  const int64_t good = store_->FindFile("erp", File("good").sha256).value()->id;
  ASSERT_TRUE(store_->SetFileState(good, FileState::kArchived));
  EXPECT_EQ(store_->FindFile("erp", File("good").sha256).value()->state, FileState::kArchived);
  auto archived = store_->FilesInState("erp", FileState::kArchived).value();
  ASSERT_EQ(archived.size(), 1u);
  EXPECT_EQ(archived[0].id, good);
  EXPECT_EQ(store_->FilesInState("erp", FileState::kFailed).value().size(), 1u);
  EXPECT_EQ(store_->SetFileState(12345, FileState::kArchived).error().code, ErrorCode::kNotFound);

  // Applying the same content again adds a newer ledger row, which FindFile returns.
  Apply(File("good"), Delta(), {Receivable("A", "1.00")});
  auto latest = store_->FindFile("erp", File("good").sha256).value();
  EXPECT_GT(latest->id, good);
  EXPECT_EQ(latest->state, FileState::kApplied);
  EXPECT_EQ(latest->changes, 0);
}

TEST(FileStateName, NamesEveryState) {
  EXPECT_EQ(FileStateName(FileState::kApplied), "applied");
  EXPECT_EQ(FileStateName(FileState::kArchived), "archived");
  EXPECT_EQ(FileStateName(FileState::kQuarantined), "quarantined");
  EXPECT_EQ(FileStateName(FileState::kReleased), "released");
  EXPECT_EQ(FileStateName(FileState::kDiscarded), "discarded");
  EXPECT_EQ(FileStateName(FileState::kFailed), "failed");
}

}  // namespace
}  // namespace tributary::store::test
