// The pusher against the real SQLite store (temp file) and the fake core (loopback).
#include "gateway/sync/pusher.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <sstream>
#include <thread>

#include "gateway/model/canonical.h"
#include "tests/unit/sync/pusher_fixture.h"
#include "tests/testing/wait.h"

namespace tributary::sync {
namespace {

using namespace std::chrono_literals;
using testing::FakeCore;
using testing::WaitUntil;

TEST_F(PusherTest, DeliversEverythingInBatchesInSeqOrder) {
  Seed(7);
  Pusher pusher(*store_, *client_, Options(/*batch_size=*/3));
  EXPECT_EQ(StepOk(pusher).changes, 3);
  EXPECT_EQ(StepOk(pusher).changes, 3);
  const StepOutcome last = StepOk(pusher);
  EXPECT_EQ(last.kind, StepKind::kDelivered);
  EXPECT_EQ(last.changes, 1);
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kIdle);

  const auto batches = core_->batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].seqs, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(batches[1].seqs, (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(batches[2].seqs, (std::vector<int64_t>{7}));
  for (const auto& batch : batches) {
    EXPECT_EQ(batch.status, 200);
    EXPECT_EQ(batch.tenant, "acme");
    EXPECT_EQ(batch.idempotency_key, batch.batch_id);
    EXPECT_EQ(batch.batch_id.size(), 36u);
    EXPECT_EQ(batch.batch_id[14], '7');  // UUIDv7
  }
  EXPECT_NE(batches[0].batch_id, batches[1].batch_id);
  EXPECT_EQ(core_->applied_count(), 7);
  EXPECT_EQ(Delivered(), 7);
  auto c3 = core_->entity("erp:customer:c3");
  ASSERT_TRUE(c3.has_value());
  EXPECT_EQ(c3->data["name"], "Customer 3");
  EXPECT_EQ(c3->version, 1);
  EXPECT_EQ(pusher.stats().batches_sent.load(), 3);
  EXPECT_EQ(pusher.stats().changes_applied.load(), 7);
  EXPECT_GT(pusher.stats().last_success_unix_ms.load(), 0);

  // An update and closes (a snapshot without c1..c5) follow, still in seq order per key.
  ApplyFile(*store_, {{"c6", "Customer 6 renamed"}, {"c7", "Customer 7"}}, store::SyncMode::kSnapshot);
  while (StepOk(pusher).kind == StepKind::kDelivered) {
  }
  EXPECT_EQ(core_->applied_count(), 7 + 1 + 5);
  auto c1 = core_->entity("erp:customer:c1");
  ASSERT_TRUE(c1.has_value());
  EXPECT_TRUE(c1->closed);
  EXPECT_EQ(c1->version, 2);
  EXPECT_EQ(core_->entity("erp:customer:c6")->data["name"], "Customer 6 renamed");
  EXPECT_FALSE(core_->order_violated()) << core_->order_violation();
  EXPECT_FALSE(core_->idempotency_mismatch());
}

TEST_F(PusherTest, ServerErrorResendsTheSameBatch) {
  Seed(4);
  core_->FailNextRequests(2, 503);
  Pusher pusher(*store_, *client_, Options(/*batch_size=*/3));
  const StepOutcome first = StepOk(pusher);
  EXPECT_EQ(first.kind, StepKind::kRetry);
  EXPECT_NE(first.reason.find("503"), std::string::npos) << first.reason;
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
  EXPECT_EQ(pusher.stats().consecutive_failures.load(), 2);
  EXPECT_EQ(Delivered(), 0);
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kDelivered);
  EXPECT_EQ(pusher.stats().consecutive_failures.load(), 0);
  EXPECT_EQ(pusher.stats().retries.load(), 2);

  const auto batches = core_->batches();
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].batch_id, first.batch_id);
  EXPECT_EQ(batches[1].batch_id, first.batch_id);
  EXPECT_EQ(batches[2].batch_id, first.batch_id);
  EXPECT_EQ(batches[2].seqs, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Delivered(), 3);
}

TEST_F(PusherTest, WrongTokenOrUrlIsRetriedNotParked) {
  Seed(2);
  core_->RefuseNextBatch(401, "who are you");
  Pusher pusher(*store_, *client_, Options());
  const StepOutcome first = StepOk(pusher);
  EXPECT_EQ(first.kind, StepKind::kRetry);
  EXPECT_NE(first.reason.find("401"), std::string::npos) << first.reason;
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kDelivered);
  EXPECT_EQ(pusher.stats().batches_parked.load(), 0);
  EXPECT_EQ(store_->DeadLetterCount(), 0);
  EXPECT_EQ(core_->batch_ids().size(), 2u);
  EXPECT_EQ(core_->batch_ids()[0], core_->batch_ids()[1]);
}

TEST_F(PusherTest, LostAnswerIsResentAndNotAppliedTwice) {
  Seed(3);
  core_->LoseNextResponses(1);
  Pusher pusher(*store_, *client_, Options());
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kDelivered);
  EXPECT_EQ(core_->applied_count(), 3);
  EXPECT_EQ(core_->replay_count(), 1);
  EXPECT_FALSE(core_->idempotency_mismatch());
  EXPECT_EQ(pusher.stats().changes_applied.load(), 3);
}

TEST_F(PusherTest, TooManyRequestsHonoursRetryAfter) {
  Seed(2);
  core_->ThrottleNextRequests(1, "3");
  Pusher pusher(*store_, *client_, Options());
  const StepOutcome throttled = StepOk(pusher);
  EXPECT_EQ(throttled.kind, StepKind::kRetry);
  ASSERT_TRUE(throttled.retry_after.has_value());
  EXPECT_EQ(*throttled.retry_after, 3000ms);
  // The backoff proper is at most 10 ms here: the core's wish wins.
  EXPECT_EQ(pusher.Backoff(1, throttled.retry_after), 3000ms);
  EXPECT_EQ(pusher.Backoff(1, std::chrono::hours(48)), std::chrono::hours(1));

  // Through Run(): the recorded wait before the resend is the Retry-After.
  core_->ThrottleNextRequests(1, "2");
  Seed(1, "late");
  std::jthread runner([&](std::stop_token stop) { pusher.Run(stop); });
  ASSERT_TRUE(WaitUntil([&] { return Delivered() == 3; }));
  runner.request_stop();
  runner.join();
  const auto delays = clock_.Waited();
  ASSERT_EQ(delays.size(), 1u);
  EXPECT_EQ(delays[0], 2000ms);
}

TEST_F(PusherTest, HttpDateRetryAfter) {
  Seed(1);
  const auto when = std::chrono::system_clock::now() + std::chrono::seconds(30);
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  char date[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  core_->ThrottleNextRequests(1, date);
  Pusher pusher(*store_, *client_, Options());
  const StepOutcome throttled = StepOk(pusher);
  ASSERT_TRUE(throttled.retry_after.has_value());
  EXPECT_GE(*throttled.retry_after, 28s);
  EXPECT_LE(*throttled.retry_after, 31s);
}

TEST_F(PusherTest, RejectedChangeBecomesADeadLetter) {
  Seed(3);
  core_->RejectKeys([](std::string_view key) { return key == "erp:customer:c2"; }, "unknown_legal_entity",
                    "legal entity FR01 is not set up");
  Pusher pusher(*store_, *client_, Options());
  const StepOutcome outcome = StepOk(pusher);
  EXPECT_EQ(outcome.kind, StepKind::kDelivered);
  EXPECT_EQ(Delivered(), 3);
  const auto letters = DeadLetters();
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].key, "erp:customer:c2");
  EXPECT_EQ(letters[0].seq, 2);
  EXPECT_EQ(letters[0].batch_id, outcome.batch_id);
  EXPECT_EQ(letters[0].code, "unknown_legal_entity");
  EXPECT_EQ(letters[0].message, "legal entity FR01 is not set up");
  EXPECT_EQ(pusher.stats().rejected.load(), 1);
  EXPECT_EQ(pusher.stats().changes_applied.load(), 2);
}

TEST_F(PusherTest, BadRequestParksTheBatchAndMovesOn) {
  Seed(5);
  core_->RefuseNextBatch(400, "changes[0].data.name: too long");
  Pusher pusher(*store_, *client_, Options(/*batch_size=*/3));
  const StepOutcome parked = StepOk(pusher);
  EXPECT_EQ(parked.kind, StepKind::kParked);
  EXPECT_EQ(parked.reason, "http_400: changes[0].data.name: too long");
  EXPECT_EQ(Delivered(), 3);
  auto letters = DeadLetters();
  ASSERT_EQ(letters.size(), 3u);
  for (const auto& letter : letters) {
    EXPECT_EQ(letter.code, "http_400");
    EXPECT_EQ(letter.message, "changes[0].data.name: too long");
    EXPECT_EQ(letter.batch_id, parked.batch_id);
  }
  EXPECT_EQ(pusher.stats().batches_parked.load(), 1);
  EXPECT_EQ(pusher.stats().consecutive_failures.load(), 0);
  const StepOutcome next = StepOk(pusher);
  EXPECT_EQ(next.kind, StepKind::kDelivered);
  EXPECT_NE(next.batch_id, parked.batch_id);
  EXPECT_EQ(Delivered(), 5);
  EXPECT_EQ(core_->applied_count(), 2);
}

TEST_F(PusherTest, UnusableSuccessAnswersAreRetried) {
  Seed(2);
  core_->AnswerNextWith(1, http::Response{200, {}, R"({"results":[{"seq":1,"status":"applied"}]})"});
  Pusher pusher(*store_, *client_, Options());
  StepOutcome outcome = StepOk(pusher);
  EXPECT_EQ(outcome.kind, StepKind::kRetry);
  EXPECT_NE(outcome.reason.find("no result for seq 2"), std::string::npos) << outcome.reason;
  core_->AnswerNextWith(1, http::Response{200, {}, "<html>maintenance</html>"});
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
  core_->AnswerNextWith(1, http::Response{302, {{"Location", "/elsewhere"}}, ""});
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kRetry);
  EXPECT_EQ(Delivered(), 0);
  EXPECT_TRUE(DeadLetters().empty());
  EXPECT_EQ(StepOk(pusher).kind, StepKind::kDelivered);
  EXPECT_EQ(core_->applied_count(), 2);
  const auto ids = core_->batch_ids();
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], ids[3]);
}

TEST_F(PusherTest, CoreDownThenUp) {
  Seed(4);
  core_->Stop();
  PushOptions options = Options(/*batch_size=*/2);
  options.clock = &MachineClock();  // real, short waits: Run() keeps knocking until the core is back
  Pusher pusher(*store_, *client_, options);
  std::jthread runner([&](std::stop_token stop) { pusher.Run(stop); });
  ASSERT_TRUE(WaitUntil([&] { return pusher.stats().retries.load() >= 3; }));
  EXPECT_EQ(pusher.stats().batches_sent.load(), 0);
  ASSERT_TRUE(core_->Restart().has_value());
  ASSERT_TRUE(WaitUntil([&] { return core_->applied_count() == 4; }));
  ASSERT_TRUE(WaitUntil([&] { return pusher.stats().batches_sent.load() == 2; }));
  runner.request_stop();
  runner.join();
  EXPECT_EQ(Delivered(), 4);
  EXPECT_EQ(core_->batches().size(), 2u);  // nothing reached a stopped core
  EXPECT_FALSE(core_->order_violated());
}

TEST_F(PusherTest, PendingBatchSurvivesARestart) {
  Seed(3);
  core_->LoseNextResponses(1);
  std::string first_id;
  {
    Pusher pusher(*store_, *client_, Options());
    const StepOutcome lost = StepOk(pusher);
    ASSERT_EQ(lost.kind, StepKind::kRetry);
    first_id = lost.batch_id;
  }
  // A new process: new store connection, new client, new pusher.
  OpenStore();
  auto pending = store_->PendingBatch();
  ASSERT_TRUE(pending.has_value() && pending->has_value());
  EXPECT_EQ((*pending)->batch_id, first_id);
  Seed(2, "new");  // later changes must not join the saved batch
  auto client = http::MakeCurlClient({});
  Pusher pusher(*store_, *client, Options(/*batch_size=*/100));
  const StepOutcome resent = StepOk(pusher);
  EXPECT_EQ(resent.kind, StepKind::kDelivered);
  EXPECT_EQ(resent.batch_id, first_id);
  EXPECT_EQ(resent.changes, 3);
  EXPECT_EQ(core_->replay_count(), 1);
  EXPECT_FALSE(core_->idempotency_mismatch());
  EXPECT_EQ(core_->applied_count(), 3);
  EXPECT_EQ(StepOk(pusher).changes, 2);
  EXPECT_EQ(core_->applied_count(), 5);
  EXPECT_EQ(Delivered(), 5);
}

TEST_F(PusherTest, BatchesStayUnderTheByteLimit) {
  Seed(6);
  PushOptions options = Options();
  const size_t one_change = store::ChangeToJson(store_->ChangesAfter(0, 1).value()[0]).size();
  options.max_batch_bytes = 100 + 2 * one_change + 20;  // two changes fit, three do not
  Pusher pusher(*store_, *client_, options);
  while (StepOk(pusher).kind == StepKind::kDelivered) {
  }
  const auto batches = core_->batches();
  ASSERT_EQ(batches.size(), 3u);
  for (const auto& batch : batches) EXPECT_EQ(batch.seqs.size(), 2u);
  EXPECT_EQ(Delivered(), 6);
}

TEST_F(PusherTest, BackoffGrowsWithJitterUnderTheCap) {
  PushOptions options = Options();
  options.initial_backoff = 100ms;
  options.max_backoff = 1000ms;
  Pusher pusher(*store_, *client_, options);
  for (int64_t failures : {1, 2, 3, 4, 5, 60, 1000000}) {
    const auto ceiling = std::min<int64_t>(1000, 100LL << std::min<int64_t>(failures - 1, 20));
    std::chrono::milliseconds longest{0};
    for (int i = 0; i < 200; ++i) {
      const auto delay = pusher.Backoff(failures, std::nullopt);
      EXPECT_GE(delay.count(), 0);
      EXPECT_LE(delay.count(), ceiling) << failures;
      longest = std::max(longest, delay);
    }
    EXPECT_GT(longest.count(), ceiling / 2) << "jitter should spread up to the ceiling";
  }
}

TEST_F(PusherTest, RunWakesOnNotifyAndStopsPromptly) {
  PushOptions options = Options();
  options.idle_wait = std::chrono::minutes(10);
  Pusher pusher(*store_, *client_, options);
  std::jthread runner([&](std::stop_token stop) { pusher.Run(stop); });
  // Another connection writes, as the ingest threads do, then notifies.
  auto writer = store::Store::Open(dir_.File("state.db"));
  ASSERT_TRUE(writer.has_value());
  ApplyFile(**writer, {{"n1", "Notified"}});
  pusher.Notify();
  ASSERT_TRUE(WaitUntil([&] { return core_->applied_count() == 1; }, 5s));
  const auto begin = std::chrono::steady_clock::now();
  runner.request_stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
}

TEST_F(PusherTest, RunStopsPromptlyDuringALongBackoff) {
  Seed(1);
  core_->Stop();
  PushOptions options = Options();
  options.clock = &MachineClock();
  options.initial_backoff = std::chrono::minutes(5);
  options.max_backoff = std::chrono::minutes(5);
  Pusher pusher(*store_, *client_, options);
  std::jthread runner([&](std::stop_token stop) { pusher.Run(stop); });
  ASSERT_TRUE(WaitUntil([&] { return pusher.stats().retries.load() >= 1; }));
  const auto begin = std::chrono::steady_clock::now();
  runner.request_stop();
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
}

TEST_F(PusherTest, ACoreThatEchoesTheTokenGetsItRedactedFromDeadLettersAndLogs) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  Seed(2);
  core_->RefuseNextBatch(400, "bad batch; request headers: Authorization: Bearer " + core_->token());
  PushOptions options = Options();
  options.redactor = std::make_shared<const SecretRedactor>(std::vector<std::string>{core_->token()});
  Pusher pusher(*store_, *client_, options);
  const StepOutcome parked = StepOk(pusher);
  spdlog::set_default_logger(previous);
  EXPECT_EQ(parked.kind, StepKind::kParked);
  EXPECT_EQ(parked.reason, "http_400: bad batch; request headers: Authorization: Bearer <redacted>");
  auto letters = DeadLetters();
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[0].message, "bad batch; request headers: Authorization: Bearer <redacted>");
  EXPECT_EQ(captured.str().find(core_->token()), std::string::npos) << captured.str();
}

TEST_F(PusherTest, NeverLogsTheToken) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  {
    Seed(6);
    // First attempt 500 (retry), second 422 (batch c1,c2 parked), then c3..c6 with c4
    // rejected by the core.
    core_->FailNextRequests(1, 500);
    core_->RefuseNextBatch(422, "unprocessable");
    core_->RejectKeys([](std::string_view key) { return key.ends_with("c4"); }, "bad", "bad");
    PushOptions options = Options(/*batch_size=*/2);
    Pusher pusher(*store_, *client_, options);
    std::jthread runner([&](std::stop_token stop) { pusher.Run(stop); });
    ASSERT_TRUE(WaitUntil([&] { return Delivered() == 6; }));
    runner.request_stop();
    runner.join();
    EXPECT_EQ(pusher.stats().batches_parked.load(), 1);
    EXPECT_EQ(pusher.stats().rejected.load(), 1);
  }
  spdlog::set_default_logger(previous);
  const std::string logs = captured.str();
  EXPECT_NE(logs.find("delivered"), std::string::npos) << logs;
  EXPECT_NE(logs.find("retrying"), std::string::npos) << logs;
  EXPECT_NE(logs.find("parked"), std::string::npos) << logs;
  EXPECT_EQ(logs.find(core_->token()), std::string::npos) << logs;
}

}  // namespace
}  // namespace tributary::sync
