#include "gateway/app/connector_runner.h"

#include <spdlog/spdlog.h>

#include "gateway/common/time_format.h"
#include "gateway/config/values.h"

namespace tributary::app {

ConnectorRunner::ConnectorRunner(std::unique_ptr<connectors::Connector> connector, std::string type,
                                 std::chrono::milliseconds schedule, admin::ConnectorStatusBoard* board,
                                 SharedRedactor redactor, bool paused)
    : connector_(std::move(connector)),
      schedule_(schedule),
      board_(board),
      redactor_(std::move(redactor)),
      paused_(paused) {
  status_.name = connector_->name();
  status_.type = std::move(type);
  status_.schedule = config::FormatDuration(schedule);
  if (paused) status_.state = "paused";
  board_->Put(status_);
  thread_ = std::jthread([this](std::stop_token stop) { Loop(stop); });
}

ConnectorRunner::~ConnectorRunner() {
  RequestStop();
  if (thread_.joinable()) thread_.join();
  status_.state = "stopped";
  board_->Put(status_);
}

void ConnectorRunner::RequestStop() {
  thread_.request_stop();
  wake_.notify_all();
}

void ConnectorRunner::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void ConnectorRunner::SetPaused(bool paused) {
  {
    std::lock_guard lock(mutex_);
    if (paused_ == paused) return;
    paused_ = paused;
    woken_ = true;
  }
  wake_.notify_all();
}

void ConnectorRunner::Loop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    {
      std::unique_lock lock(mutex_);
      if (paused_) {
        status_.state = "paused";
        board_->Put(status_);
        wake_.wait(lock, stop, [this] { return !paused_; });
        woken_ = false;
        continue;
      }
    }
    status_.state = "polling";
    status_.last_run_at = FormatRfc3339(std::chrono::system_clock::now());
    board_->Put(status_);
    Status polled = connector_->Poll(stop);
    ++status_.polls;
    if (polled) {
      status_.state = "idle";
      status_.last_success_at = status_.last_run_at;
      status_.last_error.clear();
      status_.last_error_at.clear();
    } else {
      ++status_.failures;
      status_.state = "failing";
      status_.last_error = redactor_ != nullptr ? redactor_->Redact(polled.error().message) : polled.error().message;
      status_.last_error_at = status_.last_run_at;
      spdlog::error("[{}] poll failed: {}", status_.name, polled.error().message);
    }
    board_->Put(status_);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, schedule_, [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace tributary::app
