// Runs one connector on its own thread: Poll() on its schedule, sooner when woken,
// reporting each pass to the status board. A paused runner polls nothing until resumed
// (the poll in flight when it is paused finishes). On RequestStop or destruction, the poll in
// flight is asked to start nothing new (its `stop`); the file it is handling is finished
// unless the connector's ConnectorContext::abandon is requested as well.
//
// The connector's `last_error` on the board: the error of the last poll when it failed;
// after a successful poll, the last file the connector moved to its error folder, until a
// later file of the connector is applied (BoardReporter). A poll that keeps failing with
// the same message is logged once, then again after a growing interval with a count
// (RepeatedErrorLog), and its recovery once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "connectors/kit/connector.h"
#include "connectors/kit/connector_reporter.h"
#include "gateway/admin/connector_status.h"
#include "gateway/app/repeated_error.h"
#include "gateway/common/secret_redactor.h"

namespace tributary::app {

// What one connector reports (connectors/kit/connector_reporter.h), passed on to the status
// board at once (the file in progress, unmatched files) or kept for the connector's runner
// (the file error). Thread-safe.
class BoardReporter final : public connectors::ConnectorReporter {
 public:
  struct FileError {
    std::string file;
    std::string reason;
    std::string at;  // RFC 3339
  };

  BoardReporter(std::string connector, admin::ConnectorStatusBoard* board)
      : connector_(std::move(connector)), board_(board) {}

  void SetCurrentFile(std::optional<admin::FileProgress> progress) override;
  void SetUnmatchedFiles(std::vector<admin::UnmatchedFile> files) override;
  void FileFailed(const std::string& file, const std::string& reason) override;
  void FileApplied(const std::string& file) override;

  // The last file moved to the error folder since a file was last applied; nullopt when none.
  [[nodiscard]] std::optional<FileError> file_error() const;

 private:
  const std::string connector_;
  admin::ConnectorStatusBoard* const board_;
  mutable std::mutex mutex_;
  std::optional<FileError> file_error_;  // guarded by mutex_
};

class ConnectorRunner {
 public:
  // `redactor` (may be null) takes the config's secrets out of the errors the status
  // board shows. `reporter` (may be null) is the one the connector was given in its
  // context; it must outlive the runner.
  ConnectorRunner(std::unique_ptr<connectors::Connector> connector, std::string type,
                  std::chrono::milliseconds schedule, admin::ConnectorStatusBoard* board,
                  SharedRedactor redactor = nullptr, const BoardReporter* reporter = nullptr,
                  bool paused = false);
  ~ConnectorRunner();  // requests stop and joins

  // Asks the poll in flight to finish its file and start nothing new; returns at once
  // (thread-safe, idempotent).
  void RequestStop();

  // Makes the next poll start now (thread-safe); nothing while paused.
  void Wake();

  // Pauses or resumes polling (thread-safe, idempotent); a resume polls at once.
  void SetPaused(bool paused);

 private:
  void Loop(std::stop_token stop);
  void Report(const Status& polled, std::chrono::system_clock::time_point now);
  std::string Redacted(const std::string& text) const;

  std::unique_ptr<connectors::Connector> connector_;
  std::chrono::milliseconds schedule_;
  admin::ConnectorStatusBoard* board_;
  SharedRedactor redactor_;
  const BoardReporter* reporter_;
  admin::ConnectorStatus status_;
  RepeatedErrorLog repeated_;  // the runner thread's
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool woken_ = false;   // guarded by mutex_
  bool paused_ = false;  // guarded by mutex_
  std::jthread thread_;  // last: starts after every member above exists
};

}  // namespace tributary::app
