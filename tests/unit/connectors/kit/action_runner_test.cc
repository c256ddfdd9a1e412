// The kit's job runner, one step at a time (RunNextDueJob) on a real store and a fake
// clock: what each outcome does to the job, backoff and Retry-After, a provider's
// decision awaited, a result dropped when the job was cancelled while it ran, and several
// workers never running one job twice.
#include "connectors/kit/action_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait.h"

namespace tributary::connectors::kit {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int64_t Ms(std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

class ScriptedAction final : public ActionConnector {
 public:
  std::function<ActionOutcome(const ActionJob&, JobStoreView&)> script;
  std::vector<ActionJob> runs;
  [[nodiscard]] const std::string& name() const override { return name_; }
  ActionOutcome Run(const ActionJob& job, JobStoreView& store, std::stop_token) override {
    runs.push_back(job);
    return script(job, store);
  }

 private:
  std::string name_ = "agency";
};

class ActionRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value());
    store_ = std::move(*store);
    options_ = {.state_path = dir_.File("state.db"), .clock = &clock_};
  }

  std::string Create(const std::string& key) {
    auto created = store_->actions().Create(
        {.id = "job-" + key, .kind = "score", .connector = "agency", .idempotency_key = key, .request = "{}"},
        Ms(clock_.Now()));
    EXPECT_TRUE(created.has_value());
    return created->second.id;
  }

  bool Step() {
    auto ran = RunNextDueJob(action_, *store_, options_, backoff_, {});
    EXPECT_TRUE(ran.has_value()) << ran.error().ToString();
    return ran.value_or(false);
  }

  store::Job Job(const std::string& id) { return *store_->actions().Get(id); }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  ActionRunnerOptions options_;
  http::Backoff backoff_{http::BackoffPolicy{.initial = seconds(2), .max = seconds(8)}};
  ScriptedAction action_;
};

TEST_F(ActionRunnerTest, AThrottledJobWaitsItsBackoffOrTheProvidersRetryAfter) {
  const std::string id = Create("k1");
  action_.script = [&](const ActionJob&, JobStoreView&) {
    return ActionOutcome::RetryLater("agency answered 429", clock_.Now() + seconds(30));
  };
  ASSERT_TRUE(Step());
  store::Job job = Job(id);
  EXPECT_EQ(job.status, store::JobStatus::kQueued);
  EXPECT_EQ(job.waiting_for, "agency answered 429");
  EXPECT_EQ(job.next_run_at_ms, Ms(clock_.Now() + seconds(30)));  // longer than the backoff
  EXPECT_FALSE(Step());  // not due yet

  clock_.Advance(seconds(30));
  action_.script = [&](const ActionJob&, JobStoreView&) { return ActionOutcome::RetryLater("agency down"); };
  ASSERT_TRUE(Step());
  job = Job(id);
  EXPECT_EQ(job.attempts, 2);
  EXPECT_LE(job.next_run_at_ms, Ms(clock_.Now() + seconds(4)));  // the backoff of the 2nd failure: at most 4 s
  EXPECT_GE(job.next_run_at_ms, Ms(clock_.Now()));
}

TEST_F(ActionRunnerTest, AFailureIsFinalWithItsReason) {
  const std::string id = Create("k1");
  action_.script = [](const ActionJob&, JobStoreView&) { return ActionOutcome::Failed("no company matches"); };
  ASSERT_TRUE(Step());
  EXPECT_EQ(Job(id).status, store::JobStatus::kFailed);
  EXPECT_EQ(Job(id).error, "no company matches");
  EXPECT_FALSE(Step());
}

TEST_F(ActionRunnerTest, AJobWaitingForItsProviderRunsAgainAtItsTimeWithItsReference) {
  const std::string id = Create("k1");
  action_.script = [&](const ActionJob& job, JobStoreView& store) {
    if (!job.waiting_provider) {
      EXPECT_TRUE(store.CommitIntent("REF-1").has_value());
      ActionOutcome outcome;
      outcome.kind = ActionOutcome::Kind::kWaitingProvider;
      outcome.reason = "referred to an underwriter";
      outcome.provider_ref = "REF-1";
      outcome.next_run = clock_.Now() + seconds(60);
      return outcome;
    }
    EXPECT_EQ(job.provider_ref, "REF-1");
    return ActionOutcome::Failed("refused by the underwriter");
  };
  ASSERT_TRUE(Step());
  store::Job job = Job(id);
  EXPECT_EQ(job.status, store::JobStatus::kWaitingProvider);
  EXPECT_TRUE(job.irreversible);
  EXPECT_EQ(store_->actions().Cancel(id).error().code, ErrorCode::kConflict);
  EXPECT_FALSE(Step());
  clock_.Advance(seconds(60));
  ASSERT_TRUE(Step());
  EXPECT_EQ(Job(id).error, "refused by the underwriter");
}

TEST_F(ActionRunnerTest, TheResultOfAJobCancelledWhileItRanIsDropped) {
  const std::string id = Create("k1");
  action_.script = [&](const ActionJob&, JobStoreView&) {
    EXPECT_TRUE(store_->actions().Cancel(id).has_value());  // the core cancels meanwhile
    return ActionOutcome::Succeeded("agency:risk_score:X");
  };
  ASSERT_TRUE(Step());
  store::Job job = Job(id);
  EXPECT_EQ(job.status, store::JobStatus::kCancelled);
  EXPECT_EQ(job.result_key, "");
}

// A connector whose every run takes a while, counting the runs of each job.
class SlowAction final : public ActionConnector {
 public:
  explicit SlowAction(std::mutex& mutex, std::multiset<std::string>& runs, std::atomic<int>& at_once,
                      std::atomic<int>& most)
      : mutex_(mutex), runs_(runs), at_once_(at_once), most_(most) {}
  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] int workers() const override { return 3; }
  ActionOutcome Run(const ActionJob& job, JobStoreView&, std::stop_token) override {
    int now = ++at_once_;
    for (int seen = most_; now > seen && !most_.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(milliseconds(20));
    --at_once_;
    std::lock_guard lock(mutex_);
    runs_.insert(job.id);
    return ActionOutcome::Failed("done");
  }

 private:
  std::string name_ = "agency";
  std::mutex& mutex_;
  std::multiset<std::string>& runs_;
  std::atomic<int>& at_once_;
  std::atomic<int>& most_;
};

TEST_F(ActionRunnerTest, WorkersRunJobsAtOnceAndNeverOneJobTwice) {
  for (int i = 0; i < 12; ++i) Create("k" + std::to_string(i));
  std::mutex mutex;
  std::multiset<std::string> runs;
  std::atomic<int> at_once = 0, most = 0;
  std::vector<std::unique_ptr<ActionConnector>> workers;
  for (int i = 0; i < 3; ++i) workers.push_back(std::make_unique<SlowAction>(mutex, runs, at_once, most));
  ActionRunnerOptions options = options_;
  options.clock = &MachineClock();
  {
    ActionRunner runner(std::move(workers), options);
    ASSERT_TRUE(testing::WaitUntil([&] {
      std::lock_guard lock(mutex);
      return runs.size() == 12;
    }));
  }
  std::set<std::string> distinct(runs.begin(), runs.end());
  EXPECT_EQ(distinct.size(), 12u);
  EXPECT_GE(most.load(), 2);
}

}  // namespace
}  // namespace tributary::connectors::kit
