// The conformance suite every action connector type passes, through a double of its
// provider (action_remote.h), on the real daemon:
// - a request runs to its result entity, which reaches the change feed, its proofs kept;
// - the same Idempotency-Key and body is the same job; another body is a 409;
// - a provider that is down leaves the job waiting, not failed, and it ends once back;
// - a request the provider cannot answer fails with a reason;
// - kill -9 during the billed call, then a restart: the job ends once, one version;
// - a job cancelled before it ends never ends otherwise, and leaves no result;
// - a job whose connector left the config fails with a reason.
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/conformance/action_remote.h"
#include "tests/testing/wait.h"

namespace tributary::testing::conformance {
namespace {

using std::chrono::seconds;

constexpr const char* kOtherConnectors =
    "  - name: erp-drop\n    type: directory\n    schedule: 200ms\n"
    "    directory: {path: ../var/drop, archive_dir: ../var/archive, error_dir: ../var/error, stable_for: 100ms}\n"
    "    files:\n      - pattern: \"open_items*.csv\"\n        mapping: ../mappings/generic/open_items.yaml\n";

class ActionConformanceTest : public ::testing::TestWithParam<ActionRemoteMaker> {
 protected:
  void SetUp() override {
    remote_ = GetParam().make();
    daemon_ = std::make_unique<DaemonHarness>(HarnessOptions{.connectors_yaml = std::string()});
    daemon_->Reconfigure(remote_->ConnectorsYaml(*daemon_));
    daemon_->Start();
  }

  std::string Target() { return "/v1/actions/" + remote_->Kind(); }

  // Posts `body` under `key`; the job, and the status code in `status`.
  nlohmann::json Ask(const nlohmann::json& body, const std::string& key, int* status = nullptr) {
    return daemon_->PostJson(Target(), body.dump(), {{"Idempotency-Key", key}}, status);
  }

  nlohmann::json Job(const std::string& id) { return daemon_->Get("/v1/actions/" + id); }

  // Waits until the job's status is `status`; the job.
  nlohmann::json WaitForStatus(const std::string& id, const std::string& status, seconds timeout = seconds(20)) {
    nlohmann::json job;
    bool reached = WaitUntil(
        [&] {
          job = Job(id);
          return job.is_object() && job.value("status", "") == status;
        },
        timeout);
    EXPECT_TRUE(reached) << "job " << id << " never became " << status << ": " << job.dump() << "\n"
                         << daemon_->Log();
    return job;
  }

  int UpsertsOf(const std::string& key) {
    int upserts = 0;
    for (const auto& change : daemon_->AllChanges()) {
      if (change.value("key", "") == key && change.value("op", "") == "upsert") ++upserts;
    }
    return upserts;
  }

  std::unique_ptr<ActionRemote> remote_;
  std::unique_ptr<DaemonHarness> daemon_;
};

TEST_P(ActionConformanceTest, ARequestRunsToItsResultInTheChangeFeed) {
  int status = 0;
  auto job = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202) << job.dump();
  job = WaitForStatus(job["id"], "succeeded");
  const std::string key = job.value("result_key", "");
  ASSERT_FALSE(key.empty()) << job.dump();
  EXPECT_EQ(job["result_entity"], remote_->ResultEntity());
  EXPECT_EQ(UpsertsOf(key), 1);
  for (const auto& change : daemon_->AllChanges()) {
    if (change.value("key", "") != key) continue;
    EXPECT_EQ(change["entity"], remote_->ResultEntity());
    for (const auto& [name, value] : change["data"].items()) {
      if (!name.ends_with("sha256") || !value.is_string()) continue;
      int proof_status = 0;
      daemon_->Get("/v1/proofs/" + value.get<std::string>(), &proof_status);
      EXPECT_NE(proof_status, 404) << "proof " << name << " is not kept";
    }
  }
}

TEST_P(ActionConformanceTest, TheSameKeyIsTheSameJobAndAnotherBodyIsAConflict) {
  int status = 0;
  auto first = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202);
  auto again = Ask(remote_->Request(0), "k-1", &status);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(again["id"], first["id"]);
  auto other = Ask(remote_->Request(1), "k-1", &status);
  EXPECT_EQ(status, 409) << other.dump();
  auto body = remote_->Request(0);
  body["connector"] = "nobody";
  Ask(body, "k-2", &status);
  EXPECT_EQ(status, 422);
  WaitForStatus(first["id"], "succeeded");
  EXPECT_EQ(remote_->BilledCalls(), 1);
}

TEST_P(ActionConformanceTest, AProviderDownLeavesTheJobWaitingUntilItIsBack) {
  remote_->Break();
  int status = 0;
  auto job = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202);
  nlohmann::json seen;
  ASSERT_TRUE(WaitUntil(
      [&] {
        seen = Job(job["id"]);
        return seen.value("status", "") == "queued" && seen["waiting"].is_object() && seen.value("attempts", 0) >= 1;
      },
      seconds(20)))
      << seen.dump();
  EXPECT_FALSE(seen["waiting"].value("for", "").empty());
  remote_->Repair();
  WaitForStatus(job["id"], "succeeded", seconds(30));
}

TEST_P(ActionConformanceTest, ARequestTheProviderCannotAnswerFailsWithAReason) {
  int status = 0;
  auto job = Ask(remote_->UnanswerableRequest(), "k-1", &status);
  ASSERT_EQ(status, 202) << job.dump();
  job = WaitForStatus(job["id"], "failed");
  EXPECT_FALSE(job.value("error", "").empty());
  EXPECT_TRUE(job["result_key"].is_null());
}

TEST_P(ActionConformanceTest, AKillDuringTheBilledCallEndsTheJobOnceWithOneVersion) {
  remote_->Hold();
  int status = 0;
  auto job = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202);
  ASSERT_TRUE(WaitUntil([&] { return remote_->HeldCalls() >= 1; }, seconds(20))) << daemon_->Log();
  daemon_->Kill();
  remote_->Release();
  daemon_->Start();
  job = WaitForStatus(job["id"], "succeeded");
  EXPECT_EQ(UpsertsOf(job["result_key"]), 1);
  EXPECT_GE(job.value("attempts", 0), 2);
}

TEST_P(ActionConformanceTest, ACancelledJobLeavesNoResult) {
  remote_->Hold();
  int status = 0;
  auto kept = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202);
  ASSERT_TRUE(WaitUntil([&] { return remote_->HeldCalls() >= 1; }, seconds(20)));
  // Queued, or running beside the first on another worker: either way nothing irreversible
  // has happened yet.
  auto dropped = Ask(remote_->Request(1), "k-2", &status);
  ASSERT_EQ(status, 202);
  auto cancelled = daemon_->Post("/v1/actions/" + dropped["id"].get<std::string>() + "/cancel", &status);
  EXPECT_EQ(status, 200) << cancelled.dump();
  EXPECT_EQ(cancelled["status"], "cancelled");
  remote_->Release();
  auto done = WaitForStatus(kept["id"], "succeeded");
  EXPECT_EQ(Job(dropped["id"])["status"], "cancelled");
  int results = 0;
  for (const auto& change : daemon_->AllChanges()) {
    if (change.value("entity", "") == remote_->ResultEntity()) {
      ++results;
      EXPECT_EQ(change["key"], done["result_key"]);
    }
  }
  EXPECT_EQ(results, 1);
}

TEST_P(ActionConformanceTest, AJobWhoseConnectorLeftTheConfigFails) {
  remote_->Break();
  int status = 0;
  auto job = Ask(remote_->Request(0), "k-1", &status);
  ASSERT_EQ(status, 202);
  ASSERT_TRUE(WaitUntil([&] { return Job(job["id"]).value("attempts", 0) >= 1; }, seconds(20)));
  daemon_->Reconfigure(kOtherConnectors);
  job = WaitForStatus(job["id"], "failed");
  EXPECT_EQ(job["error"], "connector \"act\" is no longer configured as an action connector");
}

INSTANTIATE_TEST_SUITE_P(Connectors, ActionConformanceTest, ::testing::ValuesIn(AllActionRemotes()),
                         [](const ::testing::TestParamInfo<ActionRemoteMaker>& info) { return info.param.name; });

}  // namespace
}  // namespace tributary::testing::conformance
