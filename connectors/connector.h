// What every source connector is to the daemon, and what the daemon gives it.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "gateway/common/metrics.h"
#include "gateway/common/result.h"
#include "gateway/config/config.h"

namespace tributary::connectors {

// Shared services a connector may use. All are thread-safe and outlive the connector.
struct ConnectorContext {
  std::string tenant;
  std::string state_path;   // the SQLite store; a connector opens its own Store on it
  bool push_enabled = false;  // archive only after the core has acknowledged the changes
  Metrics* metrics = nullptr;
  // Called after a commit that appended changes to the outbox (wakes long polls and the
  // pusher). Thread-safe.
  std::function<void()> notify_changes;
  // Requested when the daemon's stop budget is spent: the work in flight (a file being
  // downloaded or mapped) is abandoned and rolled back. A Poll's own `stop` only means
  // "start nothing new"; a default token is never requested.
  std::stop_token abandon;
};

// A source connector. Poll() is called by the daemon on the connector's own thread, on
// its schedule and when an admin action concerns it; never concurrently for one connector.
class Connector {
 public:
  virtual ~Connector() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;
  // One pass: pick up what is complete, apply it, archive what is safe to archive.
  // Idempotent and resumable: after a crash at any instant, the next Poll() finishes the
  // work without loss or duplicates. An error means the pass could not run (e.g. the
  // drop folder is missing); per-file problems are handled inside and do not fail it.
  virtual Status Poll(std::stop_token stop) = 0;
};

// One entry of the explicit connector list (registry.cc).
struct ConnectorFactory {
  config::ConnectorType config_type;  // type name + parser of its config section
  std::function<Result<std::unique_ptr<Connector>>(const config::ConnectorConfig&, const ConnectorContext&)> make;
};

// Every connector type this build knows, in one reviewed list.
const std::vector<ConnectorFactory>& RegisteredConnectors();
// The config types of RegisteredConnectors(), for config::LoadConfig.
std::vector<config::ConnectorType> RegisteredConfigTypes();

}  // namespace tributary::connectors
