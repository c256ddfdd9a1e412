#include "gateway/app/compact_command.h"

#include "connectors/kit/connector.h"
#include "gateway/app/retention_service.h"
#include "gateway/config/config.h"
#include "gateway/store/store.h"

namespace tributary::app {

int RunCompactCommand(const std::string& config_path, std::ostream& out, std::ostream& err, const Clock& clock) {
  auto types = connectors::RegisteredConfigTypes();
  // Compaction needs no secret: none is resolved.
  auto config = config::LoadConfig(config_path, types, {}, [](std::string_view) { return false; });
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    return 1;
  }
  // Waits for a file the daemon is applying (one batch at a time).
  auto store = store::Store::Open(config->state_path, store::StoreOptions{.busy_timeout = std::chrono::minutes(5)});
  if (!store) {
    err << "tributary: " << store.error().message << "\n";
    return 2;
  }
  auto report = (*store)->ApplyRetention(RetentionPolicyOf(*config), clock.Now(), {});
  if (!report) {
    err << "tributary: " << config->state_path << ": " << report.error().message << "\n";
    return 2;
  }
  out << config->state_path << ": " << store::DescribeRetention(*report) << "\n";
  return 0;
}

}  // namespace tributary::app
