// The pusher's test fixture: a real SQLite store (temp file), the fake core (loopback) and
// functions that put changes in the outbox. Shared by pusher_test.cc and pusher_tls_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gateway/model/canonical.h"
#include "gateway/sync/pusher.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/temp_dir.h"

namespace tributary::sync {

using namespace std::chrono_literals;
using testing::FakeCore;

class PusherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto core = FakeCore::Start();
    ASSERT_TRUE(core.has_value()) << core.error().ToString();
    core_ = std::move(*core);
    OpenStore();
    client_ = http::MakeCurlClient({});
  }

  // The pusher's connection, and a second one the test thread reads through while Run()
  // uses the first (a Store is not thread-safe).
  void OpenStore() {
    store_.reset();
    observer_.reset();
    auto store = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(store.has_value()) << store.error().ToString();
    store_ = std::move(*store);
    auto observer = store::Store::Open(dir_.File("state.db"));
    ASSERT_TRUE(observer.has_value()) << observer.error().ToString();
    observer_ = std::move(*observer);
  }

  PushOptions Options(int batch_size = 500) {
    PushOptions options;
    options.url = core_->base_url();
    options.token = core_->token();
    options.tenant = "acme";
    options.batch_size = batch_size;
    options.initial_backoff = 1ms;
    options.max_backoff = 10ms;
    options.clock = &clock_;
    return options;
  }

  // Applies one file of customers `names` (key suffix -> name) to `store`. In snapshot
  // mode, customers of the feed absent from the file are closed.
  void ApplyFile(store::Store& store, const std::vector<std::pair<std::string, std::string>>& names,
                 store::SyncMode mode = store::SyncMode::kDelta) {
    const int file_number = ++files_;
    store::FileIdentity file{"erp", "customers-" + std::to_string(file_number) + ".csv",
                             model::Sha256Hex("file " + std::to_string(file_number)), 100};
    store::ApplyOptions options;
    options.feed = "erp/customers-*.csv";
    options.mode = mode;
    options.closing_entities = {"customer"};
    auto application = store.BeginFile(file, options);
    ASSERT_TRUE(application.has_value()) << application.error().ToString();
    int line = 1;
    for (const auto& [suffix, name] : names) {
      model::CanonicalRecord record;
      record.entity = "customer";
      record.source_key = suffix;
      record.key = model::MakeKey("erp", "customer", suffix);
      record.data = {{"key", record.key}, {"tenant", "acme"}, {"source", "erp"},
                     {"source_key", suffix}, {"lifecycle", "active"}, {"name", name}};
      record.hash = model::ContentHash(record.data);
      record.provenance = {file.name, file.sha256, ++line, "test", "1"};
      ASSERT_TRUE((*application)->OnRecord(std::move(record)).has_value());
    }
    auto outcome = (*application)->Commit();
    ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  }
  void Seed(int count, const std::string& prefix = "c") {
    std::vector<std::pair<std::string, std::string>> names;
    for (int i = 1; i <= count; ++i) names.emplace_back(prefix + std::to_string(i), "Customer " + std::to_string(i));
    ApplyFile(*store_, names);
  }

  StepOutcome StepOk(Pusher& pusher) {
    auto outcome = pusher.Step();
    EXPECT_TRUE(outcome.has_value()) << outcome.error().ToString();
    return outcome.value_or(StepOutcome{});
  }
  int64_t Delivered() { return observer_->DeliveredThrough().value_or(-1); }
  std::vector<store::DeadLetter> DeadLetters() {
    return observer_->ListDeadLetters(false, 0, 1000).value_or(std::vector<store::DeadLetter>{});
  }

  testing::TempDir dir_;
  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Store> observer_;
  std::unique_ptr<http::HttpClient> client_;
  testing::FakeClock clock_;  // records the waits and returns at once
  int files_ = 0;
};

}  // namespace tributary::sync
