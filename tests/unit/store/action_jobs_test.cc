// ActionJobs: idempotent creation, claims, the stale claim of a cancelled job, success
// with records, proofs and lookups in one transaction, restart recovery, orphans.
#include <gtest/gtest.h>

#include "tests/unit/store/store_test_support.h"

namespace tributary::store::test {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;

NewJob Score(const std::string& id, const std::string& key, const std::string& request = R"({"company":{}})",
             const std::string& connector = "creditsafe") {
  return NewJob{.id = id, .kind = "score", .connector = connector, .idempotency_key = key, .request = request};
}

class ActionJobsTest : public StoreTest {
 protected:
  ActionJobs& jobs() { return store_->actions(); }

  Job Create(const NewJob& job) {
    auto created = jobs().Create(job, kNow);
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    EXPECT_EQ(created->first, CreateOutcome::kCreated);
    return created->second;
  }

  Job Claim(const std::string& connector = "creditsafe", int64_t now = kNow) {
    auto claimed = jobs().ClaimDue(connector, now);
    EXPECT_TRUE(claimed.has_value()) << claimed.error().ToString();
    EXPECT_TRUE(claimed->has_value());
    return claimed->value_or(Job{});
  }
};

TEST_F(ActionJobsTest, TheSameKeyFindsTheSameJobAndAnotherRequestIsTold) {
  Job job = Create(Score("j1", "k1"));
  EXPECT_EQ(job.status, JobStatus::kQueued);
  EXPECT_EQ(job.number, 1);

  auto again = jobs().Create(Score("j2", "k1"), kNow);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->first, CreateOutcome::kSameRequest);
  EXPECT_EQ(again->second.id, "j1");

  auto other = jobs().Create(Score("j3", "k1", R"({"company":{"x":1}})"), kNow);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->first, CreateOutcome::kOtherRequest);
  EXPECT_EQ(other->second.id, "j1");

  // Same body, same key, another connector: another request.
  auto elsewhere = jobs().Create(Score("j4", "k1", R"({"company":{}})", "dnb"), kNow);
  ASSERT_TRUE(elsewhere.has_value());
  EXPECT_EQ(elsewhere->first, CreateOutcome::kOtherRequest);

  auto listed = jobs().List(std::nullopt, 0, 10);
  ASSERT_TRUE(listed.has_value());
  EXPECT_EQ(listed->size(), 1u);
}

TEST_F(ActionJobsTest, ClaimsTheEarliestDueJobOfItsConnectorOnly) {
  Create(Score("j1", "k1"));
  Create(Score("j2", "k2", R"({})", "dnb"));
  Job claimed = Claim();
  EXPECT_EQ(claimed.id, "j1");
  EXPECT_EQ(claimed.status, JobStatus::kRunning);
  EXPECT_EQ(claimed.attempts, 1);
  auto none = jobs().ClaimDue("creditsafe", kNow);
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());

  // A retry waits: not due before its time, due after.
  ASSERT_TRUE(jobs().Reschedule(claimed, JobStatus::kQueued, kNow + 5000, "Creditsafe answered 429", "").has_value());
  auto early = jobs().ClaimDue("creditsafe", kNow + 4999);
  ASSERT_TRUE(early.has_value());
  EXPECT_FALSE(early->has_value());
  auto next = jobs().NextDue("creditsafe");
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->value_or(0), kNow + 5000);
  Job again = Claim("creditsafe", kNow + 5000);
  EXPECT_EQ(again.attempts, 2);
}

TEST_F(ActionJobsTest, AWaitingJobWokenByItsProviderIsDueNowAndOthersAreNot) {
  Create(Score("j1", "k1"));
  Job claimed = Claim();
  ASSERT_TRUE(jobs().Reschedule(claimed, JobStatus::kWaitingProvider, kNow + 900000, "referred", "ref").has_value());
  ASSERT_TRUE(jobs().WakeWaiting("nobody").has_value());
  EXPECT_EQ(jobs().NextDue("creditsafe")->value_or(0), kNow + 900000);
  ASSERT_TRUE(jobs().WakeWaiting("j1").has_value());
  Job woken = Claim("creditsafe", kNow);
  EXPECT_EQ(woken.id, "j1");
  EXPECT_EQ(woken.provider_ref, "ref");
  // A job that is not waiting is left alone.
  ASSERT_TRUE(jobs().Reschedule(woken, JobStatus::kQueued, kNow + 5000, "429", "").has_value());
  ASSERT_TRUE(jobs().WakeWaiting("j1").has_value());
  EXPECT_EQ(jobs().NextDue("creditsafe")->value_or(0), kNow + 5000);
}

TEST_F(ActionJobsTest, ASuccessStoresRecordsProofsLookupsAndStatusTogether) {
  Create(Score("j1", "k1"));
  Job claimed = Claim();
  auto completion = jobs().BeginCompletion(claimed, kNow);
  ASSERT_TRUE(completion.has_value()) << completion.error().ToString();
  ASSERT_TRUE((*completion)->OnRecord(Customer("C1", "Dupont")).has_value());
  ASSERT_TRUE((*completion)->SaveProof({.sha256 = "ab", .media_type = "application/pdf", .filename = "p.pdf",
                                        .content = std::string("%PDF\0\xff", 6)})
                  .has_value());
  ASSERT_TRUE((*completion)->RememberLookup("company:X", "erp:customer:C1").has_value());
  ASSERT_TRUE((*completion)->Commit("erp:customer:C1", false, true).has_value());

  auto job = jobs().Get("j1");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->status, JobStatus::kSucceeded);
  EXPECT_EQ(job->result_key, "erp:customer:C1");
  EXPECT_FALSE(job->finished_at.empty());
  EXPECT_TRUE(store_->GetEntity("erp:customer:C1").has_value());
  auto proof = jobs().GetProof("ab");
  ASSERT_TRUE(proof.has_value() && proof->has_value());
  EXPECT_EQ((*proof)->content, std::string("%PDF\0\xff", 6));  // bytes, not text
  auto lookup = jobs().RecentLookup("creditsafe", "company:X", kNow - 1000);
  ASSERT_TRUE(lookup.has_value());
  EXPECT_EQ(lookup->value_or(""), "erp:customer:C1");
  auto stale = jobs().RecentLookup("creditsafe", "company:X", kNow + 1);
  ASSERT_TRUE(stale.has_value());
  EXPECT_FALSE(stale->has_value());
}

TEST_F(ActionJobsTest, AnAbandonedCompletionStoresNothing) {
  Create(Score("j1", "k1"));
  Job claimed = Claim();
  {
    auto completion = jobs().BeginCompletion(claimed, kNow);
    ASSERT_TRUE(completion.has_value());
    ASSERT_TRUE((*completion)->OnRecord(Customer("C1", "Dupont")).has_value());
  }  // a crash before Commit
  EXPECT_FALSE(store_->GetEntity("erp:customer:C1").has_value());
  auto job = jobs().Get("j1");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->status, JobStatus::kRunning);
}

TEST_F(ActionJobsTest, ACancelledJobDropsTheResultOfItsRun) {
  Create(Score("j1", "k1"));
  Job claimed = Claim();
  auto cancelled = jobs().Cancel("j1");
  ASSERT_TRUE(cancelled.has_value()) << cancelled.error().ToString();
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);

  auto completion = jobs().BeginCompletion(claimed, kNow);
  ASSERT_FALSE(completion.has_value());
  EXPECT_EQ(completion.error().code, ErrorCode::kConflict);
  EXPECT_EQ(jobs().FailJob(claimed, "x").error().code, ErrorCode::kConflict);
  auto again = jobs().Cancel("j1");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(jobs().Cancel("nope").error().code, ErrorCode::kNotFound);
}

TEST_F(ActionJobsTest, AJobWithACommittedIntentCannotBeCancelled) {
  Create(Score("j1", "k1"));
  Job claimed = Claim();
  ASSERT_TRUE(jobs().CommitIntent(claimed, "ref-1").has_value());
  auto cancelled = jobs().Cancel("j1");
  ASSERT_FALSE(cancelled.has_value());
  EXPECT_EQ(cancelled.error().code, ErrorCode::kConflict);
  EXPECT_NE(cancelled.error().message.find("ref-1"), std::string::npos);
}

TEST_F(ActionJobsTest, ARestartRequeuesRunningJobsAndAsksAboutSentOnes) {
  Create(Score("j1", "k1"));
  Create(Score("j2", "k2", "{}"));
  Job first = Claim();
  Job second = Claim();
  ASSERT_TRUE(jobs().CommitIntent(second, "ref-2").has_value());
  auto requeued = jobs().RequeueInterrupted(kNow + 10);
  ASSERT_TRUE(requeued.has_value());
  EXPECT_EQ(*requeued, 2);
  EXPECT_EQ(jobs().Get(first.id)->status, JobStatus::kQueued);
  Job sent = *jobs().Get(second.id);
  EXPECT_EQ(sent.status, JobStatus::kWaitingProvider);
  EXPECT_EQ(sent.provider_ref, "ref-2");
  EXPECT_EQ(sent.next_run_at_ms, kNow + 10);
}

TEST_F(ActionJobsTest, JobsOfAConnectorNoLongerConfiguredFailWithAReason) {
  Create(Score("j1", "k1"));
  Create(Score("j2", "k2", "{}", "dnb"));
  auto failed = jobs().FailOrphans({"dnb"});
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(*failed, 1);
  Job orphan = *jobs().Get("j1");
  EXPECT_EQ(orphan.status, JobStatus::kFailed);
  EXPECT_EQ(orphan.error, "connector \"creditsafe\" is no longer configured as an action connector");
  EXPECT_EQ(jobs().Get("j2")->status, JobStatus::kQueued);
}

TEST_F(ActionJobsTest, ListsPageInCreationOrderAndFilterByStatus) {
  for (int i = 1; i <= 5; ++i) Create(Score("j" + std::to_string(i), "k" + std::to_string(i), std::to_string(i)));
  Job claimed = Claim();
  ASSERT_TRUE(jobs().FailJob(claimed, "no company matches SIREN 1 in FR").has_value());
  auto page = jobs().List(std::nullopt, 2, 2);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, "j3");
  EXPECT_EQ((*page)[1].id, "j4");
  auto failed = jobs().List(JobStatus::kFailed, 0, 10);
  ASSERT_TRUE(failed.has_value());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].error, "no company matches SIREN 1 in FR");
  auto counts = jobs().CountByStatus();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->size(), 2u);
}

}  // namespace
}  // namespace tributary::store::test
