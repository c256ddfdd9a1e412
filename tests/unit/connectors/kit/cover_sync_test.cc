// The kit's covers source over a scripted insurer and a real store: the full list at the
// first poll and once per full_sync_every, a cover that vanished stored withdrawn (never
// dropped), a unilateral reduction, a feed that repeats itself making no new version, and
// the cuts counted.
#include <functional>
#include <utility>

#include <gtest/gtest.h>

#include "connectors/kit/cover_action.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"

namespace tributary::connectors::kit {
namespace {

struct ListedCovers {
  InsurerRules rules{.policy = "P-1", .currencies = {"EUR"}, .amount_step = 1000};
  std::vector<Cover> covers;  // the list, two per page
  std::vector<Cover> feed;    // the decision feed, one page, repeated at every read
  bool has_feed = false;
  int lists = 0;
  std::function<void()> while_listing;  // runs once, as the first page is read
};

class ListingProvider final : public InsurerProvider {
 public:
  explicit ListingProvider(ListedCovers& insurer) : insurer_(insurer) {}
  [[nodiscard]] std::string provider() const override { return "insurer"; }
  [[nodiscard]] const InsurerRules& rules() const override { return insurer_.rules; }
  Result<std::vector<CompanyMatch>> FindBuyer(const CompanyQuery&, std::stop_token) override { return {}; }
  Result<Submission> Submit(const CoverRequest&, std::stop_token) override {
    return Fail(ErrorCode::kInternal, "not in this test");
  }
  Result<std::optional<Submission>> FindSubmission(const CoverRequest&, std::stop_token) override {
    return std::optional<Submission>{};
  }
  Result<Cover> Follow(const CoverRequest&, const std::string&, std::stop_token) override {
    return Fail(ErrorCode::kInternal, "not in this test");
  }
  Result<CoverPage> Covers(const std::string& policy, const std::string& cursor, std::stop_token) override {
    EXPECT_EQ(policy, "P-1");
    if (cursor.empty()) ++insurer_.lists;
    if (insurer_.while_listing) std::exchange(insurer_.while_listing, nullptr)();
    const size_t start = cursor.empty() ? 0 : std::stoul(cursor);
    CoverPage page;
    for (size_t i = start; i < insurer_.covers.size() && i < start + 2; ++i) page.covers.push_back(insurer_.covers[i]);
    page.more = start + 2 < insurer_.covers.size();
    page.next_cursor = std::to_string(start + 2);
    return page;
  }
  [[nodiscard]] bool HasDecisionFeed() const override { return insurer_.has_feed; }
  Result<CoverPage> DecisionsSince(const std::string&, const std::string&, std::stop_token) override {
    return CoverPage{.covers = insurer_.feed, .next_cursor = "2026-12-07T00:00:00"};
  }

 private:
  ListedCovers& insurer_;
};

Cover Decided(const std::string& buyer, int64_t requested, int64_t granted) {
  return Cover{.buyer = {.id = buyer, .name = "Buyer " + buyer},
               .cover_id = "C-" + buyer,
               .state = CoverState::kDecided,
               .currency = "EUR",
               .requested_minor = requested,
               .granted_minor = granted,
               .decided_at = "2026-11-01T09:00:00Z"};
}

class CoverSyncTest : public ::testing::Test {
 protected:
  CoverSync Sync() {
    ConnectorContext context{.tenant = "t1", .state_path = dir_.File("state.db"), .metrics = &metrics_};
    context.services.clock = &clock_;
    return CoverSync({.connector = "cover", .tenant = "t1", .full_sync_every = std::chrono::hours(24)},
                     std::make_unique<ListingProvider>(insurer_), context);
  }
  nlohmann::json Entity(const std::string& buyer) {
    auto store = store::Store::Open(dir_.File("state.db"));
    EXPECT_TRUE(store.has_value());
    auto entity = (*store)->GetEntity("cover:credit_limit:P-1/" + buyer);
    if (!entity) return nullptr;
    return nlohmann::json::parse(entity->data);
  }
  int64_t Version(const std::string& buyer) {
    auto store = store::Store::Open(dir_.File("state.db"));
    auto entity = (*store)->GetEntity("cover:credit_limit:P-1/" + buyer);
    return entity ? entity->version : 0;
  }

  // Stores `cover` as a credit-limit job does when the insurer grants it at once.
  void StoreAsAJobWould(Cover cover) {
    cover.policy = "P-1";
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value());
    auto record = CreditLimitRecord({.connector = "cover", .tenant = "t1"}, "insurer", cover, "", std::nullopt,
                                    clock_.Now());
    ASSERT_TRUE(record.has_value()) << record.error().message;
    auto batch = (*store)->api().BeginBatch({.connector = "cover",
                                             .call = "job",
                                             .sha256 = "job-" + cover.buyer.id,
                                             .size = 1,
                                             .repeatable_entities = {"credit_limit"}});
    ASSERT_TRUE(batch.has_value());
    ASSERT_TRUE((*batch)->OnRecord(std::move(*record)).has_value());
    ASSERT_TRUE((*batch)->Commit().has_value());
  }

  testing::TempDir dir_;
  Metrics metrics_;
  testing::FakeClock clock_{std::chrono::sys_days{std::chrono::year{2026} / 12 / 7}};
  ListedCovers insurer_;
};

TEST_F(CoverSyncTest, TheFirstPollListsEveryCoverAndTheListIsReadOncePerPeriod) {
  insurer_.covers = {Decided("B-1", 5000000, 5000000), Decided("B-2", 5000000, 2000000), Decided("B-3", 1000000, 0)};
  auto sync = Sync();
  ASSERT_TRUE(sync.Poll({}).has_value());
  EXPECT_EQ(insurer_.lists, 1);
  EXPECT_EQ(Entity("B-1")["decision"], "approved");
  EXPECT_EQ(Entity("B-2")["decision"], "partially_approved");
  EXPECT_EQ(Entity("B-2")["granted"], "20000.00");
  EXPECT_EQ(Entity("B-3")["decision"], "refused");
  EXPECT_EQ(Entity("B-1")["custom"]["cover_id"], "C-B-1");
  ASSERT_TRUE(sync.Poll({}).has_value());
  EXPECT_EQ(insurer_.lists, 1);
  clock_.Advance(std::chrono::hours(24));
  ASSERT_TRUE(sync.Poll({}).has_value());
  EXPECT_EQ(insurer_.lists, 2);
  EXPECT_EQ(Version("B-1"), 1);  // the same cover read again is no new version
}

TEST_F(CoverSyncTest, ACoverThatVanishesIsWithdrawnAndACutIsAReduction) {
  insurer_.covers = {Decided("B-1", 5000000, 5000000), Decided("B-2", 5000000, 5000000), Decided("B-3", 5000000, 0)};
  ASSERT_TRUE(Sync().Poll({}).has_value());
  insurer_.covers = {Decided("B-2", 5000000, 3000000)};
  clock_.Advance(std::chrono::hours(25));
  ASSERT_TRUE(Sync().Poll({}).has_value());
  const auto withdrawn = Entity("B-1");
  EXPECT_EQ(withdrawn["decision"], "withdrawn");
  EXPECT_EQ(withdrawn["granted"], "0.00");
  EXPECT_EQ(withdrawn["reason"], "no longer in insurer's list of covers in force");
  EXPECT_EQ(withdrawn["buyer"]["name"], "Buyer B-1");
  EXPECT_EQ(withdrawn["requested"], "50000.00");
  EXPECT_EQ(Entity("B-2")["decision"], "reduced");
  EXPECT_EQ(Entity("B-3")["decision"], "refused");  // nothing to withdraw
  EXPECT_EQ(Version("B-3"), 1);
  EXPECT_EQ(metrics_.Get("tributary_credit_limit_changes_total", {{"connector", "cover"}, {"decision", "withdrawn"}}), 1);
  EXPECT_EQ(metrics_.Get("tributary_credit_limit_changes_total", {{"connector", "cover"}, {"decision", "reduced"}}), 1);
  // The next full list changes nothing and counts nothing again.
  clock_.Advance(std::chrono::hours(25));
  ASSERT_TRUE(Sync().Poll({}).has_value());
  EXPECT_EQ(Version("B-1"), 2);
  EXPECT_EQ(Version("B-2"), 2);
  EXPECT_EQ(metrics_.Get("tributary_credit_limit_changes_total", {{"connector", "cover"}, {"decision", "withdrawn"}}), 1);
}

TEST_F(CoverSyncTest, ACoverGrantedWhileTheListIsReadIsNotTakenForAWithdrawal) {
  insurer_.covers = {Decided("B-1", 5000000, 5000000)};
  // The list was read before the insurer granted B-2, and a job stored the grant meanwhile.
  insurer_.while_listing = [&] { StoreAsAJobWould(Decided("B-2", 3000000, 3000000)); };
  ASSERT_TRUE(Sync().Poll({}).has_value());
  EXPECT_EQ(Entity("B-2")["decision"], "approved");
  EXPECT_EQ(Version("B-2"), 1);
  EXPECT_EQ(metrics_.Get("tributary_credit_limit_changes_total", {{"connector", "cover"}, {"decision", "withdrawn"}}), 0);
  // The next list names it: still nothing to withdraw.
  insurer_.covers.push_back(Decided("B-2", 3000000, 3000000));
  clock_.Advance(std::chrono::hours(25));
  ASSERT_TRUE(Sync().Poll({}).has_value());
  EXPECT_EQ(Version("B-2"), 1);
}

TEST_F(CoverSyncTest, AFeedThatRepeatsItsEventsMakesNoNewVersion) {
  insurer_.has_feed = true;
  Cover referred = Decided("B-9", 5000000, 0);
  referred.state = CoverState::kReferred;
  referred.granted_minor.reset();
  insurer_.feed = {referred, Decided("B-9", 5000000, 4000000)};
  insurer_.covers = {Decided("B-9", 5000000, 4000000)};
  auto sync = Sync();
  ASSERT_TRUE(sync.Poll({}).has_value());
  EXPECT_EQ(Entity("B-9")["decision"], "partially_approved");
  const int64_t version = Version("B-9");
  ASSERT_TRUE(sync.Poll({}).has_value());
  ASSERT_TRUE(sync.Poll({}).has_value());
  EXPECT_EQ(Version("B-9"), version);
}

}  // namespace
}  // namespace tributary::connectors::kit
