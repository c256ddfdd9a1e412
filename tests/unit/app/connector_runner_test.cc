// ConnectorRunner and BoardReporter: a file sent to the error folder is the connector's
// last_error across successful polls, until a later file is applied.
#include "gateway/app/connector_runner.h"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "tests/testing/wait.h"

namespace tributary::app {
namespace {

using testing::WaitUntil;

// Poll number k runs step k (then nothing), on the runner's thread, once the test allowed
// it (Allow): the board is read between two polls without racing the schedule.
class ScriptedConnector final : public connectors::Connector {
 public:
  explicit ScriptedConnector(std::vector<std::function<Status()>> steps) : steps_(std::move(steps)) {}
  const std::string& name() const override { return name_; }
  Status Poll(std::stop_token stop) override {
    size_t step = 0;
    {
      std::unique_lock lock(mutex_);
      if (!allowed_.wait(lock, stop, [&] { return polls_ < allowed_polls_; })) return Ok();
      step = polls_++;
    }
    return step < steps_.size() ? steps_[step]() : Ok();
  }
  void Allow(size_t polls) {
    {
      std::lock_guard lock(mutex_);
      allowed_polls_ = polls;
    }
    allowed_.notify_all();
  }

 private:
  std::string name_ = "erp";
  std::vector<std::function<Status()>> steps_;
  std::mutex mutex_;
  std::condition_variable_any allowed_;
  size_t polls_ = 0;          // guarded by mutex_
  size_t allowed_polls_ = 0;  // guarded by mutex_
};

class ConnectorRunnerTest : public ::testing::Test {
 protected:
  // Starts a runner polling every millisecond (each poll waits for Allow).
  void Start(std::vector<std::function<Status()>> steps) {
    auto connector = std::make_unique<ScriptedConnector>(std::move(steps));
    connector_ = connector.get();
    runner_ = std::make_unique<ConnectorRunner>(std::move(connector), "directory", std::chrono::milliseconds(1),
                                                &board_, nullptr, &reporter_);
  }

  // The board's status once `polls` polls are done.
  admin::ConnectorStatus AfterPolls(int64_t polls) {
    connector_->Allow(static_cast<size_t>(polls));
    std::optional<admin::ConnectorStatus> status;
    bool done = WaitUntil([&] {
      status = board_.Get("erp");
      return status && status->polls >= polls;
    });
    EXPECT_TRUE(done) << "the runner did not reach " << polls << " polls";
    return status.value_or(admin::ConnectorStatus{});
  }

  void TearDown() override { runner_.reset(); }

  admin::ConnectorStatusBoard board_;
  BoardReporter reporter_{"erp", &board_};
  ScriptedConnector* connector_ = nullptr;
  std::unique_ptr<ConnectorRunner> runner_;
};

TEST_F(ConnectorRunnerTest, AFileErrorSurvivesSuccessfulPollsUntilAFileIsApplied) {
  std::vector<std::function<Status()>> steps = {
      [&] {
        reporter_.FileFailed("open_items_bad.csv", "column document_number is missing");
        return Ok();
      },
      [] { return Ok(); },
      [] { return Status(Fail(ErrorCode::kUnavailable, "connection refused")); },
      [] { return Ok(); },
      [&] {
        reporter_.FileApplied("open_items_2.csv");
        return Ok();
      },
  };
  Start(std::move(steps));
  auto first = AfterPolls(1);
  EXPECT_EQ(first.failures, 0);
  EXPECT_EQ(first.last_error, "open_items_bad.csv: moved to the error folder: column document_number is missing");
  EXPECT_NE(first.last_error_at, "");
  EXPECT_EQ(AfterPolls(2).last_error, first.last_error) << "cleared by a successful poll";
  auto failed = AfterPolls(3);
  EXPECT_EQ(failed.failures, 1);
  EXPECT_EQ(failed.last_error, "connection refused");
  EXPECT_EQ(AfterPolls(4).last_error, first.last_error) << "the file is still the connector's problem";
  auto applied = AfterPolls(5);
  EXPECT_EQ(applied.last_error, "");
  EXPECT_EQ(applied.last_error_at, "");
}

TEST_F(ConnectorRunnerTest, TheReporterShowsTheFileInFlightAndTheUnmatchedFilesBesideTheRunnersPart) {
  reporter_.SetCurrentFile(admin::FileProgress{.name = "big.csv", .size = 100, .bytes_read = 40, .rows_read = 7});
  reporter_.SetUnmatchedFiles({admin::UnmatchedFile{.name = "invoices.xlsx", .size = 8}});
  Start({});
  auto status = AfterPolls(1);
  ASSERT_TRUE(status.current_file);
  EXPECT_EQ(status.current_file->rows_read, 7);
  ASSERT_EQ(status.unmatched_files.size(), 1u);
  EXPECT_EQ(status.unmatched_files[0].name, "invoices.xlsx");
}

}  // namespace
}  // namespace tributary::app
