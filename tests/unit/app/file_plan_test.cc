// `tributary plan`'s engine against a real SQLite store: a file A is applied, then file B
// is planned read-only and the plan's numbers are checked by hand, then B is applied for
// real and the store's outcome must match the plan.
#include "gateway/app/file_plan.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gateway/model/canonical.h"
#include "tests/testing/temp_dir.h"

namespace tributary::app {
namespace {

const std::string kGenericMapping = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml";
const std::string kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

std::string Row(const std::string& account, const std::string& name, const std::string& number,
                const std::string& kind, const std::string& currency, const std::string& total,
                const std::string& open) {
  return account + ";" + name + ";" + number + ";" + kind + ";2026-10-01;" + (kind == "invoice" ? "2026-10-31" : "") +
         ";" + currency + ";" + total + ";" + open + "\n";
}

const std::string kFileA = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                           Row("C1", "Alpha", "A-2", "invoice", "EUR", "50.00", "50.00") +
                           Row("C1", "Alpha", "A-3", "credit_note", "EUR", "30.00", "30.00") +
                           Row("C2", "Beta", "B-1", "invoice", "USD", "20.00", "20.00") +
                           Row("C2", "Beta", "B-2", "invoice", "EUR", "500.00", "500.00");

// A-1 and B-1 unchanged, A-2 half paid (50.00 → 20.00), customer C2 renamed, C3 and G-1
// new, a row with a bad total, A-1 again (a duplicate key); A-3 and B-2 absent.
const std::string kFileB = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                           Row("C1", "Alpha", "A-2", "invoice", "EUR", "50.00", "20.00") +
                           Row("C2", "Beta Ltd", "B-1", "invoice", "USD", "20.00", "20.00") +
                           Row("C3", "Gamma", "G-1", "invoice", "EUR", "70.00", "70.00") +
                           Row("C3", "Gamma", "G-2", "invoice", "EUR", "ten", "1.00") +
                           Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00");

class FilePlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_path_ = scratch_.File("state.db");
    auto loaded = mapping::Mapping::Load(kGenericMapping);
    ASSERT_TRUE(loaded);
    mapping_ = std::move(*loaded);
    target_.mapping = mapping_.get();
    target_.connector = "erp-drop";
    target_.options.feed = "erp-drop/open_items*.csv";
    target_.options.mode = store::SyncMode::kSnapshot;
    target_.options.max_close_ratio = 0.5;
    for (const mapping::EntityInfo& info : mapping_->entities()) {
      if (info.closes_by_absence) target_.options.closing_entities.push_back(info.entity);
      if (info.repeatable) target_.options.repeatable_entities.push_back(info.entity);
    }
    target_.context.tenant = "acme";
    target_.context.source = "erp-drop";
    target_.context.legal_entity = "FR01";
    target_.context.source_updated_at = "2026-11-23T06:00:00Z";
  }

  PlanTarget TargetFor(const std::string& name, const std::string& content) const {
    PlanTarget target = target_;
    target.context.file_name = name;
    target.context.file_sha256 = model::Sha256Hex(content);
    return target;
  }

  store::ApplyOutcome Apply(const std::string& name, const std::string& content) {
    auto opened = store::Store::Open(db_path_);
    if (!opened) {
      ADD_FAILURE() << opened.error().message;
      return {};
    }
    const PlanTarget target = TargetFor(name, content);
    store::FileIdentity identity{"erp-drop", name, target.context.file_sha256, static_cast<int64_t>(content.size())};
    auto application = (*opened)->BeginFile(identity, target.options);
    if (!application) {
      ADD_FAILURE() << application.error().message;
      return {};
    }
    std::istringstream input(content);
    auto stats = mapping_->Run(input, target.context, **application);
    EXPECT_TRUE(stats) << stats.error().message;
    auto outcome = (*application)->Commit();
    if (!outcome) {
      ADD_FAILURE() << outcome.error().message;
      return {};
    }
    return *outcome;
  }

  FilePlan Plan(const std::string& name, const std::string& content, bool with_store = true) {
    std::unique_ptr<store::StoreSnapshot> snapshot;
    if (with_store) {
      auto opened = store::StoreSnapshot::Open(db_path_);
      if (!opened) {
        ADD_FAILURE() << opened.error().message;
        return {};
      }
      snapshot = std::move(*opened);
    }
    std::istringstream input(content);
    auto plan = PlanFile(input, TargetFor(name, content), snapshot.get());
    if (!plan) {
      ADD_FAILURE() << plan.error().message;
      return {};
    }
    return *plan;
  }

  std::vector<store::Store::OpenBalance> Balances() {
    auto opened = store::Store::Open(db_path_);
    if (!opened) {
      ADD_FAILURE() << opened.error().message;
      return {};
    }
    auto balances = (*opened)->OpenBalances();
    if (!balances) {
      ADD_FAILURE() << balances.error().message;
      return {};
    }
    return *balances;
  }

  testing::TempDir scratch_;
  std::string db_path_;
  std::unique_ptr<mapping::Mapping> mapping_;
  PlanTarget target_;
};

const EntityPlan& Entity(const FilePlan& plan, const std::string& name) {
  for (const EntityPlan& entity : plan.entities) {
    if (entity.entity == name) return entity;
  }
  static const EntityPlan kNone{"none"};
  return kNone;
}

TEST_F(FilePlanTest, WithoutADatabaseEverythingIsCreated) {
  const FilePlan plan = Plan("open_items_1.csv", kFileA, /*with_store=*/false);
  EXPECT_FALSE(plan.store_exists);
  EXPECT_EQ(plan.stats.rows, 5);
  EXPECT_EQ(plan.records, 10);
  EXPECT_EQ(plan.rejects, 0);
  const EntityPlan& customers = Entity(plan, "customer");
  EXPECT_EQ(customers.created, 2) << "two distinct customers, each on several rows";
  EXPECT_EQ(Entity(plan, "receivable").created, 5);
  ASSERT_EQ(plan.balances.size(), 2u);
  EXPECT_EQ(plan.balances[0].currency, "EUR");
  EXPECT_EQ(plan.balances[0].before_minor, 0);
  EXPECT_EQ(plan.balances[0].after_minor, 62000);  // 100 + 50 - 30 + 500
  EXPECT_EQ(plan.balances[1].currency, "USD");
  EXPECT_EQ(plan.balances[1].after_minor, 2000);
  EXPECT_FALSE(plan.guard) << "no active items to guard without a store";
}

TEST_F(FilePlanTest, PlansTheSecondFileExactlyAndWritesNothing) {
  Apply("open_items_1.csv", kFileA);
  const std::vector<store::Store::OpenBalance> before = Balances();

  const FilePlan plan = Plan("open_items_2.csv", kFileB);
  EXPECT_TRUE(plan.store_exists);
  EXPECT_FALSE(plan.known);
  EXPECT_EQ(plan.stats.rows, 6);
  EXPECT_EQ(plan.rejects, 2);
  ASSERT_EQ(plan.reject_samples.size(), 2u);
  EXPECT_EQ(plan.reject_samples[0].line, 6);
  EXPECT_EQ(plan.reject_samples[0].field, "total");
  EXPECT_EQ(plan.reject_samples[1].line, 7);
  EXPECT_EQ(plan.reject_samples[1].reason, "duplicate key erp-drop:receivable:FR01-A-1 (first seen at line 2)");

  const EntityPlan& customers = Entity(plan, "customer");
  EXPECT_EQ(customers.created, 1);  // C3
  EXPECT_EQ(customers.updated, 1);  // C2 renamed
  EXPECT_EQ(customers.unchanged, 1);  // C1
  EXPECT_EQ(customers.closed, 0);
  const EntityPlan& receivables = Entity(plan, "receivable");
  EXPECT_EQ(receivables.created, 1);    // G-1
  EXPECT_EQ(receivables.updated, 1);
  EXPECT_EQ(receivables.unchanged, 2);  // A-1, B-1
  EXPECT_EQ(receivables.closed, 2);     // A-3, B-2

  ASSERT_EQ(plan.balances.size(), 2u);
  EXPECT_EQ(plan.balances[0].currency, "EUR");
  EXPECT_EQ(plan.balances[0].before_minor, 62000);
  EXPECT_EQ(plan.balances[0].after_minor, 19000);  // A-1 100 + A-2 20 + G-1 70
  EXPECT_EQ(plan.balances[1].currency, "USD");
  EXPECT_EQ(plan.balances[1].before_minor, 2000);
  EXPECT_EQ(plan.balances[1].after_minor, 2000);

  ASSERT_EQ(plan.biggest.size(), 4u);
  EXPECT_EQ(plan.biggest[0].change, "closed");
  EXPECT_EQ(plan.biggest[0].key, "erp-drop:receivable:FR01-B-2");
  EXPECT_EQ(plan.biggest[0].before_minor, 50000);
  EXPECT_EQ(plan.biggest[0].after_minor, 0);
  EXPECT_EQ(plan.biggest[1].change, "created");
  EXPECT_EQ(plan.biggest[1].key, "erp-drop:receivable:FR01-G-1");
  EXPECT_EQ(plan.biggest[1].line, 5);
  EXPECT_EQ(plan.biggest[2].change, "updated");
  EXPECT_EQ(plan.biggest[2].key, "erp-drop:receivable:FR01-A-2");
  EXPECT_EQ(plan.biggest[2].before_minor, 5000);
  EXPECT_EQ(plan.biggest[2].after_minor, 2000);
  EXPECT_EQ(plan.biggest[3].change, "closed");
  EXPECT_EQ(plan.biggest[3].key, "erp-drop:receivable:FR01-A-3");
  EXPECT_EQ(plan.biggest[3].before_minor, -3000) << "a credit note lowers the balance";

  ASSERT_TRUE(plan.guard);
  EXPECT_EQ(plan.guard->active, 5);
  EXPECT_EQ(plan.guard->would_close, 2);
  EXPECT_FALSE(plan.guard->trips) << "40% is within 50%";

  // Nothing was written: the same plan again, and the store as it was.
  const FilePlan again = Plan("open_items_2.csv", kFileB);
  EXPECT_EQ(Entity(again, "receivable").created, 1);
  const std::vector<store::Store::OpenBalance> unchanged = Balances();
  ASSERT_EQ(unchanged.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(unchanged[i].open_minor, before[i].open_minor);

  // Applying B for real does what the plan said.
  const store::ApplyOutcome outcome = Apply("open_items_2.csv", kFileB);
  EXPECT_EQ(outcome.created, customers.created + receivables.created);
  EXPECT_EQ(outcome.updated, customers.updated + receivables.updated);
  EXPECT_EQ(outcome.closed, receivables.closed);
  EXPECT_EQ(outcome.rejects, plan.rejects);
  const std::vector<store::Store::OpenBalance> after = Balances();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].open_minor, plan.balances[0].after_minor);
  EXPECT_EQ(after[1].open_minor, plan.balances[1].after_minor);
}

TEST_F(FilePlanTest, TheGuardTripsAsTheStoreWould) {
  Apply("open_items_1.csv", kFileA);
  target_.options.max_close_ratio = 0.2;
  const FilePlan plan = Plan("open_items_2.csv", kFileB);
  ASSERT_TRUE(plan.guard);
  EXPECT_TRUE(plan.guard->trips);
  EXPECT_EQ(plan.guard->reason, "snapshot would close 2 of 5 open items (40%), above the guard of 20%");
  const store::ApplyOutcome outcome = Apply("open_items_2.csv", kFileB);
  EXPECT_TRUE(outcome.quarantined);
  EXPECT_EQ(outcome.quarantine_reason, plan.guard->reason);
}

TEST_F(FilePlanTest, AFileAlreadyAppliedIsKnownAndChangesNothing) {
  Apply("open_items_1.csv", kFileA);
  const FilePlan plan = Plan("open_items_1.csv", kFileA);
  ASSERT_TRUE(plan.known);
  EXPECT_EQ(plan.known->state, store::FileState::kApplied);
  EXPECT_EQ(Entity(plan, "receivable").unchanged, 5);
  EXPECT_EQ(Entity(plan, "receivable").closed, 0);
  EXPECT_EQ(Entity(plan, "customer").unchanged, 2);
  EXPECT_TRUE(plan.biggest.empty());
  ASSERT_EQ(plan.balances.size(), 2u);
  EXPECT_EQ(plan.balances[0].before_minor, plan.balances[0].after_minor);
}

TEST_F(FilePlanTest, ADeltaFeedClosesNothing) {
  Apply("open_items_1.csv", kFileA);
  target_.options.mode = store::SyncMode::kDelta;
  const FilePlan plan = Plan("open_items_2.csv", kFileB);
  EXPECT_EQ(Entity(plan, "receivable").closed, 0);
  EXPECT_FALSE(plan.guard);
  ASSERT_EQ(plan.balances.size(), 2u);
  EXPECT_EQ(plan.balances[0].after_minor, 62000 - 3000 + 7000);  // A-2 paid down, G-1 new
}

TEST_F(FilePlanTest, TheSnapshotRefusesADatabaseOfAnotherSchema) {
  { std::ofstream(db_path_) << ""; }  // an empty file is an SQLite database without tables
  auto opened = store::StoreSnapshot::Open(db_path_);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kConflict);
  EXPECT_NE(opened.error().message.find("has schema version 0, older than this build's"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(store::StoreSnapshot::Open(scratch_.File("absent.db")).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(scratch_.File("absent.db")));
}

TEST_F(FilePlanTest, TheSnapshotWillNotCreateSqliteFilesForAnotherUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the database another owner";
  Apply("open_items_1.csv", kFileA);  // the store closed: no -shm left
  ASSERT_FALSE(std::filesystem::exists(db_path_ + "-shm"));
  ASSERT_EQ(::chown(db_path_.c_str(), 4242, 4242), 0);
  auto opened = store::StoreSnapshot::Open(db_path_);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find("run as the database's owner"), std::string::npos) << opened.error().message;
  EXPECT_FALSE(std::filesystem::exists(db_path_ + "-shm"));
}

// A day of open items: two customers' invoices and one of customer C00003.
const std::string kDay1 = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                          Row("C1", "Alpha", "A-2", "invoice", "EUR", "50.00", "50.00") +
                          Row("C2", "Beta", "B-1", "invoice", "EUR", "20.00", "20.00") +
                          Row("C00003", "Short Row SA", "BAD-000003", "invoice", "EUR", "9.00", "9.00");

TEST_F(FilePlanTest, AShortRowKeepsItsReceivableAndThePaidOnesClose) {
  Apply("open_items_1.csv", kDay1);
  // Day 2: A-2 and B-1 were paid; the export cut BAD-000003's row short.
  const std::string day2 = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                           "C00003;Short Row SA;BAD-000003;invoice;2026-01-10\n";
  const FilePlan plan = Plan("open_items_2.csv", day2);
  EXPECT_EQ(plan.rejects, 1);
  EXPECT_EQ(plan.kept, 1);
  EXPECT_EQ(Entity(plan, "receivable").closed, 2);
  EXPECT_TRUE(plan.withheld.empty());
  EXPECT_TRUE(plan.unreadable.empty());

  const store::ApplyOutcome outcome = Apply("open_items_2.csv", day2);
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.rejects, 1);
  EXPECT_EQ(outcome.kept, 1);
  EXPECT_EQ(outcome.closed, 2);
  EXPECT_EQ(outcome.closes_withheld, 0);
  auto store = store::Store::Open(db_path_);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-BAD-000003").value().lifecycle, "active");
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-A-2").value().lifecycle, "closed_by_absence");
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-B-1").value().lifecycle, "closed_by_absence");
}

TEST_F(FilePlanTest, ARowWithoutAKeyWithholdsOnlyItsCustomersCloses) {
  Apply("open_items_1.csv", kDay1);
  // Day 2: C2's row lost its document number; A-2 and BAD-000003 are paid.
  const std::string day2 = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                           Row("C2", "Beta", "", "invoice", "EUR", "20.00", "20.00");
  const FilePlan plan = Plan("open_items_2.csv", day2);
  EXPECT_EQ(Entity(plan, "receivable").closed, 2);
  ASSERT_EQ(plan.withheld.size(), 1u);
  EXPECT_EQ(plan.withheld[0].closes, 1);
  EXPECT_EQ(plan.withheld[0].customers, (std::vector<std::string>{"erp-drop:customer:FR01-C2"}));
  EXPECT_EQ(plan.withheld_reason,
            "1 close of customer erp-drop:customer:FR01-C2 withheld: 1 rejected receivable row has no key (line 3)");
  EXPECT_TRUE(plan.unreadable.empty());

  const store::ApplyOutcome outcome = Apply("open_items_2.csv", day2);
  EXPECT_FALSE(outcome.quarantined);
  EXPECT_EQ(outcome.closed, 2);
  EXPECT_EQ(outcome.closes_withheld, 1);
  EXPECT_EQ(outcome.withheld_reason, plan.withheld_reason);
  auto store = store::Store::Open(db_path_);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-B-1").value().lifecycle, "active");
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-A-2").value().lifecycle, "closed_by_absence");
}

TEST_F(FilePlanTest, ARowWithNeitherKeyNorCustomerQuarantinesAsThePlanSays) {
  Apply("open_items_1.csv", kDay1);
  // Day 2: B-1 is paid, and a row has neither account nor document number.
  const std::string day2 = kHeader + Row("C1", "Alpha", "A-1", "invoice", "EUR", "100.00", "100.00") +
                           Row("C1", "Alpha", "A-2", "invoice", "EUR", "50.00", "50.00") +
                           Row("", "Nobody", "", "invoice", "EUR", "20.00", "20.00") +
                           Row("C00003", "Short Row SA", "BAD-000003", "invoice", "EUR", "9.00", "9.00");
  const FilePlan plan = Plan("open_items_2.csv", day2);
  ASSERT_EQ(plan.unreadable.size(), 1u);
  EXPECT_EQ(plan.unreadable_reason,
            "snapshot would close 1 receivable, but 1 rejected receivable row has neither key nor customer (line 4)");
  const store::ApplyOutcome outcome = Apply("open_items_2.csv", day2);
  EXPECT_TRUE(outcome.quarantined);
  EXPECT_EQ(outcome.quarantine_reason, plan.unreadable_reason);
  auto store = store::Store::Open(db_path_);
  ASSERT_TRUE(store.has_value());
  EXPECT_EQ((*store)->GetEntity("erp-drop:receivable:FR01-B-1").value().lifecycle, "active");
}

}  // namespace
}  // namespace tributary::app
