// ApiState: batches of API records with deletes and their cursor in one transaction,
// OAuth grants locked for a refresh, pending consents.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

ApiBatchOptions Batch(const std::string& call) {
  return ApiBatchOptions{.connector = "erp", .call = call, .sha256 = model::Sha256Hex(call),
                         .size = static_cast<int64_t>(call.size())};
}

class ApiStateTest : public StoreTest {
 protected:
  std::unique_ptr<ApiBatch> Begin(const std::string& call) {
    auto batch = store_->api().BeginBatch(Batch(call));
    EXPECT_TRUE(batch.has_value()) << batch.error().ToString();
    return batch ? std::move(*batch) : nullptr;
  }
  std::optional<std::string> Cursor(const std::string& name) {
    auto cursor = store_->api().GetCursor("erp", name);
    EXPECT_TRUE(cursor.has_value()) << cursor.error().ToString();
    return cursor.value_or(std::nullopt);
  }
};

TEST_F(ApiStateTest, RecordsDeletesAndCursorCommitTogether) {
  auto batch = Begin("query Invoice 1-1000");
  ASSERT_TRUE(batch->OnRecord(Receivable("1", "10.00")).has_value());
  ASSERT_TRUE(batch->OnRecord(Receivable("2", "20.00")).has_value());
  ASSERT_TRUE(batch->SetCursor("sync", "since-1").has_value());
  auto outcome = batch->Commit();
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  EXPECT_EQ(outcome->created, 2);
  EXPECT_EQ(Cursor("sync"), "since-1");

  batch = Begin("cdc since-1");
  ASSERT_TRUE(batch->OnRecord(Receivable("1", "5.00")).has_value());
  auto deleted = batch->Delete("erp:receivable:2");
  ASSERT_TRUE(deleted.has_value());
  EXPECT_TRUE(*deleted);
  // A key never seen and a key already deleted are no news.
  EXPECT_EQ(batch->Delete("erp:receivable:404").value_or(true), false);
  EXPECT_EQ(batch->Delete("erp:receivable:2").value_or(true), false);
  ASSERT_TRUE(batch->SetCursor("sync", "since-2").has_value());
  outcome = batch->Commit();
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  EXPECT_EQ(outcome->updated, 1);
  EXPECT_EQ(outcome->deleted, 1);
  EXPECT_EQ(outcome->first_seq, 3);
  EXPECT_EQ(outcome->last_seq, 4);

  std::vector<Change> changes = AllChanges();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[3].op, "close");
  EXPECT_EQ(changes[3].key, "erp:receivable:2");
  EXPECT_EQ(changes[3].version, 2);
  EXPECT_EQ(changes[3].reason, kCloseReasonDeletedInSource);
  auto entity = store_->GetEntity("erp:receivable:2");
  ASSERT_TRUE(entity.has_value());
  EXPECT_EQ(entity->lifecycle, "deleted");
  EXPECT_EQ(nlohmann::json::parse(entity->data)["lifecycle"], "deleted");
  EXPECT_EQ(Cursor("sync"), "since-2");
  // A deleted receivable no longer counts in the open balance.
  auto balances = store_->OpenBalances();
  ASSERT_TRUE(balances.has_value());
  ASSERT_EQ(balances->size(), 1u);
  EXPECT_EQ((*balances)[0].open_minor, 500);
}

TEST_F(ApiStateTest, AnUncommittedBatchLeavesNothing) {
  {
    auto batch = Begin("query Invoice 1-1000");
    ASSERT_TRUE(batch->OnRecord(Receivable("1", "10.00")).has_value());
    ASSERT_TRUE(batch->SetCursor("sync", "since-1").has_value());
  }
  EXPECT_EQ(Cursor("sync"), std::nullopt);
  EXPECT_TRUE(AllChanges().empty());
  EXPECT_EQ(store_->GetEntity("erp:receivable:1").error().code, ErrorCode::kNotFound);
}

TEST_F(ApiStateTest, LiveKeysWithPrefixSkipsDeletedAndOtherPrefixes) {
  auto batch = Begin("load");
  for (const char* id : {"7-a", "7-b", "70-a", "8-a"}) ASSERT_TRUE(batch->OnRecord(Receivable(id, "1.00")).has_value());
  ASSERT_TRUE(batch->Delete("erp:receivable:7-b").has_value());
  auto keys = batch->LiveKeysWithPrefix("erp:receivable:7-");
  ASSERT_TRUE(keys.has_value());
  EXPECT_EQ(*keys, (std::vector<std::string>{"erp:receivable:7-a"}));
  ASSERT_TRUE(batch->Commit().has_value());
}

TEST_F(ApiStateTest, ADeletedKeyComesBackWithTheNextUpsert) {
  auto batch = Begin("one");
  ASSERT_TRUE(batch->OnRecord(Receivable("1", "10.00")).has_value());
  ASSERT_TRUE(batch->Commit().has_value());
  batch = Begin("two");
  ASSERT_TRUE(batch->Delete("erp:receivable:1").has_value());
  ASSERT_TRUE(batch->Commit().has_value());
  batch = Begin("three");
  ASSERT_TRUE(batch->OnRecord(Receivable("1", "10.00")).has_value());
  auto outcome = batch->Commit();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->updated, 1);
  EXPECT_EQ(store_->GetEntity("erp:receivable:1")->lifecycle, "active");
  EXPECT_EQ(store_->GetEntity("erp:receivable:1")->version, 3);
}

TEST_F(ApiStateTest, AReplayedDeleteIsSentAgainAsADelete) {
  auto batch = Begin("load");
  ASSERT_TRUE(batch->OnRecord(Receivable("1", "10.00")).has_value());
  ASSERT_TRUE(batch->Commit().has_value());
  batch = Begin("cdc");
  ASSERT_TRUE(batch->Delete("erp:receivable:1").has_value());
  ASSERT_TRUE(batch->Commit().has_value());
  // The core refuses both changes; they become dead letters.
  const PushBatch pushed{.batch_id = "b1", .first_seq = 1, .last_seq = 2};
  ASSERT_TRUE(store_->SavePendingBatch(pushed).has_value());
  ASSERT_TRUE(store_->ParkBatch(pushed, "http_400", "refused").has_value());
  auto letters = store_->ListDeadLetters(true, 0, 10);
  ASSERT_TRUE(letters.has_value());
  ASSERT_EQ(letters->size(), 2u);
  auto seq = store_->ReplayDeadLetter((*letters)[1].id);
  ASSERT_TRUE(seq.has_value()) << seq.error().ToString();
  std::vector<Change> changes = AllChanges();
  EXPECT_EQ(changes.back().op, "close");
  EXPECT_EQ(changes.back().reason, kCloseReasonDeletedInSource);
}

const GrantId kGrant{.provider = "quickbooks", .client_id = "app", .account = "realm-1"};

TEST_F(ApiStateTest, GrantSavesBumpTheGeneration) {
  EXPECT_EQ(store_->api().GetGrant(kGrant).value(), std::nullopt);
  {
    auto update = store_->api().LockGrant(kGrant);
    ASSERT_TRUE(update.has_value()) << update.error().ToString();
    EXPECT_FALSE((*update)->current().has_value());
    auto saved = (*update)->Save({.refresh_token = "r1", .access_token = "a1", .access_expires_at = 100});
    ASSERT_TRUE(saved.has_value()) << saved.error().ToString();
    EXPECT_EQ(saved->generation, 1);
  }
  {
    auto update = store_->api().LockGrant(kGrant);
    ASSERT_TRUE(update.has_value());
    ASSERT_TRUE((*update)->current().has_value());
    EXPECT_EQ((*update)->current()->refresh_token, "r1");
    OAuthGrant next = *(*update)->current();
    next.refresh_token = "r2";
    next.state = GrantState::kConsentNeeded;
    next.problem = "invalid_grant";
    ASSERT_TRUE((*update)->Save(next).has_value());
  }
  {
    // Destroyed without saving: nothing changes.
    auto update = store_->api().LockGrant(kGrant);
    ASSERT_TRUE(update.has_value());
  }
  Reopen();
  auto grant = store_->api().GetGrant(kGrant);
  ASSERT_TRUE(grant.has_value() && grant->has_value());
  EXPECT_EQ((*grant)->generation, 2);
  EXPECT_EQ((*grant)->refresh_token, "r2");
  EXPECT_EQ((*grant)->state, GrantState::kConsentNeeded);
  EXPECT_EQ((*grant)->problem, "invalid_grant");
}

TEST_F(ApiStateTest, AGrantLockExcludesASecondConnection) {
  auto other = Store::Open(path(), StoreOptions{.busy_timeout = std::chrono::milliseconds(5000)});
  ASSERT_TRUE(other.has_value());
  auto update = store_->api().LockGrant(kGrant);
  ASSERT_TRUE(update.has_value());
  std::atomic<bool> second_locked{false};
  std::atomic<int64_t> generation_seen{-1};
  std::thread second([&] {
    auto locked = (*other)->api().LockGrant(kGrant);
    second_locked = true;
    if (locked && (*locked)->current()) generation_seen = (*locked)->current()->generation;
  });
  // The second lock waits for the first to be released, so it sees the first's save (had
  // it read concurrently, it would have found no grant).
  ASSERT_TRUE((*update)->Save({.refresh_token = "r1", .access_token = "a1"}).has_value());
  second.join();
  EXPECT_TRUE(second_locked.load());
  EXPECT_EQ(generation_seen.load(), 1);
}

TEST_F(ApiStateTest, APendingConsentIsUsableOnceAndExpires) {
  ASSERT_TRUE(store_->api().SavePendingConsent({.state = "s1", .connector = "qbo", .expires_at = 1000}).has_value());
  ASSERT_TRUE(store_->api().SavePendingConsent({.state = "s2", .connector = "qbo", .expires_at = 1000}).has_value());
  auto taken = store_->api().TakePendingConsent("s1", 999);
  ASSERT_TRUE(taken.has_value());
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->connector, "qbo");
  EXPECT_EQ(store_->api().TakePendingConsent("s1", 999).value(), std::nullopt);
  EXPECT_EQ(store_->api().TakePendingConsent("s2", 1001).value(), std::nullopt);
  EXPECT_EQ(store_->api().TakePendingConsent("unknown", 0).value(), std::nullopt);
}

}  // namespace
}  // namespace tributary::store::test
