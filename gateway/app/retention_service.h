// Applies the store's retention (`retention:` of the config) on its own thread, with its
// own store connection: once at start, then every retention.schedule.
#pragma once

#include <memory>

#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/common/result.h"
#include "gateway/config/config.h"
#include "gateway/store/retention.h"

namespace tributary::app {

// The store's rules from the config: an undelivered change is kept when push is on.
store::RetentionPolicy RetentionPolicyOf(const config::Config& config);

class RetentionService {
 public:
  // Asks the pass in flight to stop after its batch and joins (at most one batch's wait for
  // the write lock).
  virtual ~RetentionService() = default;
};

// Counts what it removes in `metrics` (tributary_retention_removed_total{kind}) and logs
// each pass that removed something. A failed pass is logged and tried again next time.
Result<std::unique_ptr<RetentionService>> StartRetentionService(const config::Config& config, const Clock& clock,
                                                               Metrics* metrics);

}  // namespace tributary::app
