// The conformance suite every source connector type passes, through a fake of its remote
// side (source_remote.h), on the real daemon reading the pull feed:
// - a load brings every record exactly once;
// - a second pass over unchanged data appends no change;
// - changes and deletes are reconciled;
// - kill -9 during a load, then a restart: nothing lost, nothing applied twice;
// - a remote that fails shows its error in /v1/connectors, and the error clears once the
//   remote is back.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/conformance/source_remote.h"

namespace tributary::testing::conformance {
namespace {

using std::chrono::seconds;

// The pull feed, folded: the latest change of every key, how many upserts each key got,
// and the keys that got the same content twice in a row (a change that changed nothing).
struct Feed {
  std::map<std::string, nlohmann::json> latest;
  std::map<std::string, int> upserts;
  std::set<std::string> repeated;
  int64_t last_seq = 0;
};

Feed Fold(const std::vector<nlohmann::json>& changes) {
  Feed feed;
  std::map<std::string, std::string> last_hash;
  for (const auto& change : changes) {
    const std::string key = change.value("key", "");
    const std::string hash = change.value("hash", "");
    if (change.value("op", "") == "upsert") {
      ++feed.upserts[key];
      if (!hash.empty() && last_hash[key] == hash) feed.repeated.insert(key);
      last_hash[key] = hash;
    }
    feed.latest[key] = change;
    feed.last_seq = std::max(feed.last_seq, change.value("seq", int64_t{0}));
  }
  return feed;
}

std::string OpenAmount(const nlohmann::json& change) {
  if (!change.contains("data") || !change["data"].is_object()) return "";
  return change["data"].value("open_amount", "");
}

std::string Number(int n) { return "INV-" + std::to_string(n); }
std::string Amount(int n) { return std::to_string(100 + n) + "." + std::to_string(10 + n % 90); }

class SourceConformance : public ::testing::TestWithParam<RemoteMaker> {
 protected:
  void SetUp() override {
    if (std::string why = GetParam().unavailable(); !why.empty()) GTEST_SKIP() << why;
    remote_ = GetParam().make();
    daemon_ = std::make_unique<DaemonHarness>(HarnessOptions{});
    daemon_->Reconfigure(remote_->ConnectorsYaml(*daemon_));
    remote_->Prepare(*daemon_);
  }

  // Receivables 1..count at Amount(n), published.
  void Seed(int count) {
    for (int n = 1; n <= count; ++n) {
      remote_->Put(Number(n), Amount(n));
      expected_[Number(n)] = Amount(n);
    }
    remote_->Publish();
  }

  Feed ReadFeed() { return Fold(daemon_->AllChanges()); }

  // True once the feed holds every expected receivable at its expected amount, and the
  // removed ones closed.
  bool Converged(const Feed& feed) {
    for (const auto& [number, amount] : expected_) {
      auto it = feed.latest.find(remote_->KeyOf(number));
      if (it == feed.latest.end() || it->second.value("op", "") != "upsert" || OpenAmount(it->second) != amount) {
        return false;
      }
    }
    for (const std::string& key : removed_keys_) {
      auto it = feed.latest.find(key);
      if (it == feed.latest.end() || it->second.value("op", "") != "close") return false;
    }
    return true;
  }

  ::testing::AssertionResult WaitConverged(seconds timeout = seconds(60)) {
    Feed feed;
    if (WaitUntil([&] { return Converged(feed = ReadFeed()); }, timeout)) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "the feed did not converge; " << feed.latest.size()
                                         << " keys seen\n" << daemon_->Log();
  }

  nlohmann::json Status() {
    auto list = daemon_->Get("/v1/connectors");
    if (!list.is_object()) return nullptr;
    for (const auto& connector : list["connectors"]) {
      if (connector["name"] == "src") return connector;
    }
    return nullptr;
  }
  int64_t Polls() {
    auto status = Status();
    return status.is_object() ? status.value("polls", int64_t{0}) : 0;
  }

  std::unique_ptr<SourceRemote> remote_;
  std::unique_ptr<DaemonHarness> daemon_;
  std::map<std::string, std::string> expected_;  // number -> open amount
  std::set<std::string> removed_keys_;
};

TEST_P(SourceConformance, LoadBringsEveryRecordOnce) {
  Seed(60);
  daemon_->Start();
  ASSERT_TRUE(WaitConverged());
  Feed feed = ReadFeed();
  for (const auto& [number, amount] : expected_) {
    EXPECT_EQ(feed.upserts[remote_->KeyOf(number)], 1) << number;
  }
  EXPECT_TRUE(feed.repeated.empty());
}

TEST_P(SourceConformance, SecondPassOverUnchangedDataAppendsNothing) {
  Seed(30);
  daemon_->Start();
  ASSERT_TRUE(WaitConverged());
  const int64_t seq = ReadFeed().last_seq;
  // The same content again (a file source gets the same snapshot under a new name).
  remote_->Publish();
  const int64_t polls = Polls();
  ASSERT_TRUE(WaitUntil([&] { return Polls() >= polls + 4; }, seconds(30))) << daemon_->Log();
  EXPECT_EQ(ReadFeed().last_seq, seq);
}

TEST_P(SourceConformance, ChangesAndDeletesAreReconciled) {
  Seed(20);
  daemon_->Start();
  ASSERT_TRUE(WaitConverged());
  remote_->Put(Number(3), "0.50");
  expected_[Number(3)] = "0.50";
  remote_->Put(Number(21), "21.21");
  expected_[Number(21)] = "21.21";
  removed_keys_.insert(remote_->KeyOf(Number(5)));
  remote_->Remove(Number(5));
  expected_.erase(Number(5));
  remote_->Publish();
  ASSERT_TRUE(WaitConverged());
  auto entity = ReadFeed().latest[remote_->KeyOf(Number(5))];
  EXPECT_EQ(entity.value("op", ""), "close");
  // What a later pass sees stays: the delete is not undone, nothing is re-sent.
  const int64_t seq = ReadFeed().last_seq;
  const int64_t polls = Polls();
  ASSERT_TRUE(WaitUntil([&] { return Polls() >= polls + 3; }, seconds(30)));
  EXPECT_EQ(ReadFeed().last_seq, seq);
}

TEST_P(SourceConformance, KillDashNineDuringALoadLosesAndDuplicatesNothing) {
  Seed(400);
  daemon_->Start();
  // Killed as soon as the first changes are committed, then again half-way if still loading.
  ASSERT_TRUE(WaitUntil([&] { return !daemon_->AllChanges().empty(); }, seconds(60))) << daemon_->Log();
  daemon_->Kill();
  daemon_->Start();
  WaitUntil([&] { return daemon_->AllChanges().size() >= 200; }, seconds(60));
  daemon_->Kill();
  daemon_->Start();
  ASSERT_TRUE(WaitConverged(seconds(120)));
  Feed feed = ReadFeed();
  for (const auto& [number, amount] : expected_) {
    EXPECT_EQ(feed.upserts[remote_->KeyOf(number)], 1) << number;
  }
  EXPECT_TRUE(feed.repeated.empty());
}

TEST_P(SourceConformance, AFailingRemoteShowsInConnectorsUntilRepaired) {
  Seed(5);
  daemon_->Start();
  ASSERT_TRUE(WaitConverged());
  remote_->Break();
  ASSERT_TRUE(WaitUntil([&] {
    auto status = Status();
    return status.is_object() && !status.value("last_error", "").empty() && status.value("state", "") == "failing";
  }, seconds(60))) << daemon_->Log();
  remote_->Repair();
  remote_->Put(Number(6), "6.06");
  expected_[Number(6)] = "6.06";
  remote_->Publish();
  ASSERT_TRUE(WaitConverged());
  ASSERT_TRUE(WaitUntil([&] {
    auto status = Status();
    return status.is_object() && status.value("last_error", "x").empty();
  }, seconds(30))) << daemon_->Log();
}

INSTANTIATE_TEST_SUITE_P(Sources, SourceConformance, ::testing::ValuesIn(AllSourceRemotes()),
                         [](const ::testing::TestParamInfo<RemoteMaker>& info) { return info.param.name; });

}  // namespace
}  // namespace tributary::testing::conformance
