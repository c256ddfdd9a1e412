#include "gateway/app/connector_runner.h"

#include <spdlog/spdlog.h>

#include "gateway/common/log_event.h"
#include "gateway/common/time_format.h"
#include "gateway/config/values.h"

namespace tributary::app {

void BoardReporter::SetCurrentFile(std::optional<admin::FileProgress> progress) {
  board_->SetCurrentFile(connector_, std::move(progress));
}

void BoardReporter::SetUnmatchedFiles(std::vector<admin::UnmatchedFile> files) {
  board_->SetUnmatchedFiles(connector_, std::move(files));
}

void BoardReporter::FileFailed(const std::string& file, const std::string& reason) {
  std::lock_guard lock(mutex_);
  file_error_ = FileError{.file = file, .reason = reason, .at = FormatRfc3339(std::chrono::system_clock::now())};
}

void BoardReporter::FileApplied(const std::string& file) {
  (void)file;
  std::lock_guard lock(mutex_);
  file_error_.reset();
}

std::optional<BoardReporter::FileError> BoardReporter::file_error() const {
  std::lock_guard lock(mutex_);
  return file_error_;
}

ConnectorRunner::ConnectorRunner(std::unique_ptr<connectors::Connector> connector, std::string type,
                                 std::chrono::milliseconds schedule, admin::ConnectorStatusBoard* board,
                                 SharedRedactor redactor, const BoardReporter* reporter, bool paused)
    : connector_(std::move(connector)),
      schedule_(schedule),
      board_(board),
      redactor_(std::move(redactor)),
      reporter_(reporter),
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

std::string ConnectorRunner::Redacted(const std::string& text) const {
  return redactor_ != nullptr ? redactor_->Redact(text) : text;
}

void ConnectorRunner::Report(const Status& polled, std::chrono::system_clock::time_point now) {
  const std::string& name = status_.name;
  if (polled) {
    status_.state = "idle";
    status_.last_success_at = status_.last_run_at;
    // The pass ran; a file it sent to the error folder is still the connector's problem.
    std::optional<BoardReporter::FileError> file_error =
        reporter_ != nullptr ? reporter_->file_error() : std::nullopt;
    if (file_error) {
      status_.last_error = Redacted(file_error->file + ": moved to the error folder: " + file_error->reason);
      status_.last_error_at = file_error->at;
    } else {
      status_.last_error.clear();
      status_.last_error_at.clear();
    }
    if (auto recovered = repeated_.Succeeded()) {
      LogEvent(spdlog::level::info,
               fmt::format("[{}] poll succeeded again after {} failed poll{} since {}", name, recovered->failures,
                           recovered->failures == 1 ? "" : "s", FormatRfc3339(recovered->since)),
               {{"connector", name}, {"event", "poll_recovered"}, {"failures", recovered->failures}});
    }
    return;
  }
  ++status_.failures;
  status_.state = "failing";
  status_.last_error = Redacted(polled.error().message);
  status_.last_error_at = FormatRfc3339(now);
  if (auto line = repeated_.Failed(polled.error().message, now)) {
    std::string message = fmt::format("[{}] poll failed: {}", name, polled.error().message);
    if (line->repeated) {
      message += fmt::format(" (failed {} times since {})", line->failures, FormatRfc3339(line->since));
    }
    LogEvent(spdlog::level::err, message,
             {{"connector", name},
              {"event", "poll_failed"},
              {"error", polled.error().message},
              {"failures", line->failures},
              {"since", FormatRfc3339(line->since)}});
  }
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
    Report(polled, std::chrono::system_clock::now());
    board_->Put(status_);
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, schedule_, [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace tributary::app
