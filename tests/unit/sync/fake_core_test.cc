// The fake core must itself speak the contract right, or the pusher tests prove nothing.
#include "tests/testing/fake_core.h"

#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"
#include "tests/testing/wait.h"

namespace tributary::testing {
namespace {

using nlohmann::json;

class FakeCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = FakeCore::Start();
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    core_ = std::move(*started);
    client_ = http::MakeCurlClient({});
  }

  Result<http::Response> Post(const json& body, const std::string& key,
                              const std::string& token = "") {
    http::Request request;
    request.method = "POST";
    request.target = core_->base_url() + "/batches";
    request.headers = {{"Authorization", "Bearer " + (token.empty() ? core_->token() : token)},
                       {"Idempotency-Key", key},
                       {"Content-Type", "application/json"}};
    request.body = body.dump();
    return client_->Send(request);
  }

  static json Upsert(int64_t seq, const std::string& key, int64_t version, json data = {{"n", 1}}) {
    return {{"seq", seq}, {"op", "upsert"}, {"entity", "receivable"}, {"key", key},
            {"version", version}, {"hash", "sha256:00"}, {"data", std::move(data)}};
  }
  static json Close(int64_t seq, const std::string& key, int64_t version) {
    return {{"seq", seq}, {"op", "close"}, {"entity", "receivable"}, {"key", key},
            {"version", version}, {"reason", "absent_from_snapshot"}};
  }
  static json Batch(const std::string& id, json changes) {
    return {{"batch_id", id}, {"tenant", "acme"}, {"changes", std::move(changes)}};
  }
  static std::vector<std::string> Statuses(const http::Response& response) {
    std::vector<std::string> out;
    const json answer = json::parse(response.body);
    for (const auto& result : answer["results"]) {
      out.push_back(result["status"].get<std::string>());
    }
    return out;
  }

  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<http::HttpClient> client_;
};

TEST_F(FakeCoreTest, AppliesUpsertsAndClosesAndAnswersPerChange) {
  auto answer = Post(Batch("b1", {Upsert(1, "k1", 1, {{"total", "10.00"}}), Upsert(2, "k2", 1),
                                  Close(3, "k2", 2)}),
                     "b1");
  ASSERT_TRUE(answer.has_value()) << answer.error().ToString();
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_EQ(Statuses(*answer), (std::vector<std::string>{"applied", "applied", "applied"}));
  EXPECT_EQ(json::parse(answer->body)["results"][2]["seq"], 3);
  EXPECT_EQ(core_->applied_count(), 3);
  auto k1 = core_->entity("k1");
  ASSERT_TRUE(k1.has_value());
  EXPECT_EQ(k1->version, 1);
  EXPECT_EQ(k1->data["total"], "10.00");
  EXPECT_FALSE(k1->closed);
  auto k2 = core_->entity("k2");
  ASSERT_TRUE(k2.has_value());
  EXPECT_TRUE(k2->closed);
  EXPECT_EQ(k2->version, 2);
  EXPECT_EQ(core_->batch_ids(), std::vector<std::string>{"b1"});
  EXPECT_EQ(core_->batches()[0].tenant, "acme");
  EXPECT_EQ(core_->batches()[0].seqs, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FALSE(core_->order_violated());
}

TEST_F(FakeCoreTest, OlderOrEqualVersionIsDuplicate) {
  ASSERT_TRUE(Post(Batch("b1", {Upsert(1, "k", 2)}), "b1").has_value());
  auto answer = Post(Batch("b2", {Upsert(5, "k", 2)}), "b2");
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(Statuses(*answer), std::vector<std::string>{"duplicate"});
  EXPECT_EQ(core_->duplicate_count(), 1);
  EXPECT_EQ(core_->applied_count(), 1);
  EXPECT_FALSE(core_->order_violated());
}

TEST_F(FakeCoreTest, ReplayedKeyReturnsStoredAnswerAndAppliesNothing) {
  const json batch = Batch("b1", {Upsert(1, "k", 1)});
  auto first = Post(batch, "b1");
  auto second = Post(batch, "b1");
  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ(first->body, second->body);
  EXPECT_EQ(core_->applied_count(), 1);
  EXPECT_EQ(core_->duplicate_count(), 0);
  EXPECT_EQ(core_->replay_count(), 1);
  EXPECT_FALSE(core_->idempotency_mismatch());
  ASSERT_TRUE(Post(Batch("b1", {Upsert(1, "k", 1), Upsert(2, "j", 1)}), "b1").has_value());
  EXPECT_TRUE(core_->idempotency_mismatch());
}

TEST_F(FakeCoreTest, RecordsOutOfOrderDelivery) {
  ASSERT_TRUE(Post(Batch("b1", {Upsert(7, "k", 3)}), "b1").has_value());
  EXPECT_FALSE(core_->order_violated());
  ASSERT_TRUE(Post(Batch("b2", {Upsert(6, "k", 2)}), "b2").has_value());
  EXPECT_TRUE(core_->order_violated());
  EXPECT_NE(core_->order_violation().find("seq 6"), std::string::npos) << core_->order_violation();
}

TEST_F(FakeCoreTest, ChecksTokenAndIdempotencyKey) {
  auto wrong_token = Post(Batch("b1", {Upsert(1, "k", 1)}), "b1", "nope");
  ASSERT_TRUE(wrong_token.has_value());
  EXPECT_EQ(wrong_token->status, 401);
  EXPECT_EQ(json::parse(wrong_token->body)["error"]["code"], "unauthorized");
  auto wrong_key = Post(Batch("b1", {Upsert(1, "k", 1)}), "other");
  ASSERT_TRUE(wrong_key.has_value());
  EXPECT_EQ(wrong_key->status, 400);
  auto no_tenant = Post(json{{"batch_id", "b2"}, {"changes", json::array()}}, "b2");
  ASSERT_TRUE(no_tenant.has_value());
  EXPECT_EQ(no_tenant->status, 400);
  EXPECT_EQ(core_->applied_count(), 0);
  EXPECT_EQ(core_->request_count(), 3);
}

TEST_F(FakeCoreTest, InjectedFailuresAreConsumedInOrder) {
  core_->FailNextRequests(1, 503);
  core_->ThrottleNextRequests(1, "2");
  const json batch = Batch("b1", {Upsert(1, "k", 1)});
  auto failed = Post(batch, "b1");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->status, 503);
  auto throttled = Post(batch, "b1");
  ASSERT_TRUE(throttled.has_value());
  EXPECT_EQ(throttled->status, 429);
  EXPECT_EQ(http::FindHeader(throttled->headers, "Retry-After"), "2");
  core_->RefuseNextBatch(422, "tenant unknown");
  auto refused = Post(batch, "b1");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 422);
  EXPECT_EQ(json::parse(refused->body)["error"]["message"], "tenant unknown");
  auto ok = Post(batch, "b1");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(core_->applied_count(), 1);
  EXPECT_EQ(core_->batch_ids(), (std::vector<std::string>{"b1", "b1", "b1", "b1"}));
}

TEST_F(FakeCoreTest, LostAnswerIsAppliedAndReplayedFromMemory) {
  core_->LoseNextResponses(1);
  const json batch = Batch("b1", {Upsert(1, "k", 1)});
  auto lost = Post(batch, "b1");
  ASSERT_TRUE(lost.has_value());
  EXPECT_EQ(lost->status, 500);
  EXPECT_EQ(core_->applied_count(), 1);
  auto again = Post(batch, "b1");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(Statuses(*again), std::vector<std::string>{"applied"});
  EXPECT_EQ(core_->applied_count(), 1);
}

TEST_F(FakeCoreTest, RejectsMatchingKeysWithoutApplying) {
  core_->RejectKeys([](std::string_view key) { return key.starts_with("bad"); }, "invalid_customer",
                    "customer unknown");
  auto answer = Post(Batch("b1", {Upsert(1, "good", 1), Upsert(2, "bad-1", 1)}), "b1");
  ASSERT_TRUE(answer.has_value());
  const json results = json::parse(answer->body)["results"];
  EXPECT_EQ(results[0]["status"], "applied");
  EXPECT_EQ(results[1]["status"], "rejected");
  EXPECT_EQ(results[1]["error"]["code"], "invalid_customer");
  EXPECT_EQ(results[1]["error"]["message"], "customer unknown");
  EXPECT_FALSE(core_->entity("bad-1").has_value());
  EXPECT_EQ(core_->rejected_count(), 1);
}

TEST_F(FakeCoreTest, StopAndRestartOnTheSamePortKeepState) {
  ASSERT_TRUE(Post(Batch("b1", {Upsert(1, "k", 1)}), "b1").has_value());
  const uint16_t port = core_->port();
  core_->Stop();
  EXPECT_FALSE(core_->running());
  auto down = Post(Batch("b2", {Upsert(2, "k", 2)}), "b2");
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(core_->Restart().has_value());
  EXPECT_EQ(core_->port(), port);
  auto replay = Post(Batch("b1", {Upsert(1, "k", 1)}), "b1");
  ASSERT_TRUE(replay.has_value());
  EXPECT_EQ(replay->status, 200);
  EXPECT_EQ(core_->replay_count(), 1);
  EXPECT_EQ(core_->applied_count(), 1);
}

TEST_F(FakeCoreTest, StopCutsAnInjectedDelayShort) {
  core_->SetDelay(std::chrono::minutes(5));
  auto pending = std::async(std::launch::async, [&] {
    return http::MakeCurlClient({})->Send(
        {"POST", core_->base_url() + "/batches", {}, "{}"});
  });
  ASSERT_TRUE(WaitUntil([&] { return core_->request_count() == 1; }));
  const auto begin = std::chrono::steady_clock::now();
  core_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
  pending.get();
}

TEST_F(FakeCoreTest, UnknownPathsAndMethods) {
  auto missing = client_->Send({"POST", "http://127.0.0.1:" + std::to_string(core_->port()) + "/x", {}, ""});
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  auto get = client_->Send({"GET", core_->base_url() + "/batches", {}, ""});
  ASSERT_TRUE(get.has_value());
  EXPECT_EQ(get->status, 405);
}

}  // namespace
}  // namespace tributary::testing
