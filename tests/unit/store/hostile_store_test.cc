// The store against values and settings that broke it: open balances past int64, and the
// database's mode whatever the umask.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "gateway/model/money.h"
#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

TEST_F(StoreTest, OpenBalancesAddUpPastInt64) {
  // 200 receivables at the largest amount one may have: 2 * 10^19 cents, past int64.
  std::vector<model::CanonicalRecord> records;
  for (int i = 0; i < 200; ++i) {
    records.push_back(Receivable("BIG-" + std::to_string(i), "999999999999999.99", "EUR", i + 2));
  }
  records.push_back(Receivable("CN-1", "0.99", "EUR", 300, "credit_note"));
  ASSERT_EQ(Apply(File("big"), Delta(), std::move(records)).created, 201);
  auto balances = store_->OpenBalances();
  ASSERT_TRUE(balances.has_value()) << balances.error().ToString();
  ASSERT_EQ(balances->size(), 1u);
  EXPECT_EQ(model::FormatMinorUnits(balances->front().open_minor, 2), "199999999999999997.01");
  EXPECT_EQ(balances->front().open_items, 201);
}

TEST(StorePrivacy, ANewDatabaseIsReadableByItsOwnerAloneWhateverTheUmask) {
  tributary::testing::TempDir dir;
  const mode_t previous = ::umask(0);  // the most permissive umask there is
  auto store = Store::Open(dir.File("var/state/tributary.db"));
  ::umask(previous);
  ASSERT_TRUE(store.has_value()) << store.error().ToString();
  // A write, so that the -wal file exists too.
  auto application = (*store)->BeginFile(File("one"), Delta());
  ASSERT_TRUE(application.has_value()) << application.error().ToString();
  ASSERT_TRUE((*application)->OnRecord(Receivable("INV-1", "10.00")).has_value());
  ASSERT_TRUE((*application)->Commit().has_value());
  auto mode_of = [](const std::string& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 0777;
  };
  EXPECT_EQ(mode_of(dir.File("var/state/tributary.db")), 0600u);
  EXPECT_EQ(mode_of(dir.File("var/state/tributary.db-wal")), 0600u);
  EXPECT_EQ(mode_of(dir.File("var/state")), 0700u);
  EXPECT_EQ(mode_of(dir.File("var")), 0700u);
}

}  // namespace
}  // namespace tributary::store::test
