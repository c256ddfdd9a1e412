// Runs one connector on its own thread: Poll() on its schedule, sooner when woken,
// reporting each pass to the status board. A paused runner polls nothing until resumed
// (the poll in flight when it is paused finishes). On RequestStop or destruction, the poll in
// flight is asked to start nothing new (its `stop`); the file it is handling is finished
// unless the connector's ConnectorContext::abandon is requested as well.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "connectors/kit/connector.h"
#include "gateway/admin/connector_status.h"
#include "gateway/common/secret_redactor.h"

namespace tributary::app {

class ConnectorRunner {
 public:
  // `redactor` (may be null) takes the config's secrets out of the errors the status
  // board shows.
  ConnectorRunner(std::unique_ptr<connectors::Connector> connector, std::string type,
                  std::chrono::milliseconds schedule, admin::ConnectorStatusBoard* board,
                  SharedRedactor redactor = nullptr, bool paused = false);
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

  std::unique_ptr<connectors::Connector> connector_;
  std::chrono::milliseconds schedule_;
  admin::ConnectorStatusBoard* board_;
  SharedRedactor redactor_;
  admin::ConnectorStatus status_;
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool woken_ = false;   // guarded by mutex_
  bool paused_ = false;  // guarded by mutex_
  std::jthread thread_;  // last: starts after every member above exists
};

}  // namespace tributary::app
