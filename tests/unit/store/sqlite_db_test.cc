#include "gateway/store/sqlite_db.h"

#include <gtest/gtest.h>

#include <regex>

#include "tests/testing/temp_dir.h"

namespace tributary::store {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("db/test.db"), std::chrono::milliseconds(50));
    ASSERT_TRUE(db.has_value()) << db.error().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"));
  }

  tributary::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, CachedStatementCannotBeBorrowedTwice) {
  {
    auto first = db_->Prepare("SELECT id FROM t");
    ASSERT_TRUE(first.has_value());
    ASSERT_EQ(first->Step().value(), false);  // done, but still borrowed
    auto second = db_->Prepare("SELECT id FROM t");
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, ErrorCode::kInternal);
  }
  EXPECT_TRUE(db_->Prepare("SELECT id FROM t").has_value());
}

TEST_F(DatabaseTest, BindsInOrderAndReadsBack) {
  auto insert = db_->Prepare("INSERT INTO t (id, name) VALUES (?, ?)");
  ASSERT_TRUE(insert.has_value());
  ASSERT_TRUE(insert->Bind(int64_t{7}, std::string("seven")).Run());
  EXPECT_EQ(db_->LastInsertRowId(), 7);
  EXPECT_EQ(db_->Changes(), 1);
  auto select = db_->Prepare("SELECT name, NULL FROM t WHERE id = ?");
  ASSERT_TRUE(select.has_value());
  select->Bind(7);
  ASSERT_TRUE(select->StepRow("row"));
  EXPECT_EQ(select->Text(0), "seven");
  EXPECT_EQ(select->OptionalText(1), std::nullopt);
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM t").value(), 1);
}

TEST_F(DatabaseTest, ConstraintFailureIsAnIoErrorWithSqlitesMessage) {
  ASSERT_TRUE(db_->Exec("INSERT INTO t (name) VALUES ('a')"));
  auto insert = db_->Prepare("INSERT INTO t (name) VALUES (?)");
  ASSERT_TRUE(insert.has_value());
  auto status = insert->Bind("a").Run();
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(status.error().message.find("UNIQUE constraint failed: t.name"), std::string::npos)
      << status.error().message;
  auto bad_sql = db_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad_sql.has_value());
  EXPECT_EQ(bad_sql.error().code, ErrorCode::kIo);
}

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    auto txn = Transaction::Begin(*db_);
    ASSERT_TRUE(txn.has_value());
    ASSERT_TRUE(db_->Exec("INSERT INTO t (name) VALUES ('gone')"));
  }
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM t").value(), 0);
  auto txn = Transaction::Begin(*db_);
  ASSERT_TRUE(txn.has_value());
  ASSERT_TRUE(db_->Exec("INSERT INTO t (name) VALUES ('kept')"));
  ASSERT_TRUE(txn->Commit());
  EXPECT_FALSE(txn->Commit().has_value());
  EXPECT_EQ(db_->QueryInt("SELECT COUNT(*) FROM t").value(), 1);
}

TEST_F(DatabaseTest, BusyWriterIsUnavailable) {
  auto other = Database::Open(dir_.File("db/test.db"), std::chrono::milliseconds(20));
  ASSERT_TRUE(other.has_value());
  auto held = Transaction::Begin(*db_);
  ASSERT_TRUE(held.has_value());
  auto blocked = Transaction::Begin(**other);
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
  held->Rollback();
  EXPECT_TRUE(Transaction::Begin(**other).has_value());
}

TEST(UtcNowRfc3339, HasMilliseconds) {
  EXPECT_TRUE(std::regex_match(UtcNowRfc3339(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

}  // namespace
}  // namespace tributary::store
