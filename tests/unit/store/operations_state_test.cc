// What the admin API's operations keep in the store: paused connectors (across a reopen),
// where a file was moved, and the newest rejects first.
#include "tests/unit/store/store_test_support.h"

#include <gtest/gtest.h>

namespace tributary::store::test {
namespace {

class OperationsStateTest : public StoreTest {};

TEST_F(OperationsStateTest, APauseOutlivesAReopenAndAResumeEndsIt) {
  ASSERT_TRUE(store_->SetConnectorPaused("erp", true, "ops").has_value());
  ASSERT_TRUE(store_->SetConnectorPaused("erp", true, "someone-else").has_value());  // idempotent: the first stays
  ASSERT_TRUE(store_->SetConnectorPaused("bank", true, "").has_value());
  Reopen();
  auto paused = store_->PausedConnectors();
  ASSERT_TRUE(paused.has_value());
  ASSERT_EQ(paused->size(), 2u);
  EXPECT_EQ((*paused)[0].connector, "bank");
  EXPECT_EQ((*paused)[1].connector, "erp");
  EXPECT_EQ((*paused)[1].paused_by, "ops");
  EXPECT_FALSE((*paused)[1].paused_at.empty());
  ASSERT_TRUE(store_->SetConnectorPaused("erp", false, "ops").has_value());
  ASSERT_TRUE(store_->SetConnectorPaused("erp", false, "ops").has_value());
  paused = store_->PausedConnectors();
  ASSERT_EQ(paused->size(), 1u);
  EXPECT_EQ((*paused)[0].connector, "bank");
}

TEST_F(OperationsStateTest, TheLedgerKeepsWhereTheLatestEntryOfAContentWent) {
  const FileIdentity file = File("a,b\n", "open_items_1.csv");
  ASSERT_TRUE(store_->RecordFailedFile(file, "unreadable").has_value());
  ASSERT_TRUE(store_->RecordFailedFile(file, "unreadable").has_value());  // the same content again
  ASSERT_TRUE(store_->SetFileMovedTo("erp", file.sha256, "/srv/archive/open_items_1.csv.1").has_value());
  auto files = store_->ListFiles({.connector = "erp"});
  ASSERT_TRUE(files.has_value());
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].moved_to, "/srv/archive/open_items_1.csv.1");
  EXPECT_EQ((*files)[1].moved_to, "");
  EXPECT_FALSE((*files)[0].created_at.empty());
}

TEST_F(OperationsStateTest, TheLatestRejectsComeNewestFirst) {
  Apply(File("1", "a.csv"), Delta(), {},
        {{.file = "a.csv", .line = 2, .reason = "first"}, {.file = "a.csv", .line = 3, .reason = "second"}});
  Apply(File("2", "b.csv"), Delta(), {}, {{.file = "b.csv", .line = 2, .reason = "third"}});
  auto latest = store_->LatestRejects(2);
  ASSERT_TRUE(latest.has_value());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].reject.reason, "third");
  EXPECT_EQ((*latest)[1].reject.reason, "second");
}

}  // namespace
}  // namespace tributary::store::test
