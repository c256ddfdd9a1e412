// Runs the sync::Pusher on its own thread, with its own store connection and HTTP client.
#pragma once

#include <memory>

#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/common/result.h"
#include "gateway/config/config.h"

namespace tributary::app {

class PusherService {
 public:
  virtual ~PusherService() = default;  // stops after the batch in flight and joins
  virtual void Notify() = 0;           // new changes are in the outbox (thread-safe)
  virtual void PublishMetrics(Metrics& metrics) = 0;  // thread-safe
};

// Starts pushing the outbox to config.push (which must be set).
Result<std::unique_ptr<PusherService>> StartPusherService(const config::Config& config, const Clock& clock,
                                                         Metrics* metrics);

}  // namespace tributary::app
