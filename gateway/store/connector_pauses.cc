// SqliteStore: the connectors an admin paused (table connector_pauses, migration 9).
#include "gateway/store/sqlite_store.h"

namespace tributary::store {

Result<std::vector<ConnectorPause>> SqliteStore::PausedConnectors() {
  auto stmt = db_->Prepare("SELECT connector, paused_at, paused_by FROM connector_pauses ORDER BY connector");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<ConnectorPause> pauses;
  while (true) {
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return pauses;
    pauses.push_back({stmt->Text(0), stmt->Text(1), stmt->Text(2)});
  }
}

Status SqliteStore::SetConnectorPaused(const std::string& connector, bool paused, const std::string& by) {
  auto stmt = paused ? db_->Prepare("INSERT INTO connector_pauses (connector, paused_at, paused_by) VALUES (?, ?, ?) "
                                    "ON CONFLICT (connector) DO NOTHING")
                     : db_->Prepare("DELETE FROM connector_pauses WHERE connector = ?");
  if (!stmt) return std::unexpected(stmt.error());
  if (paused) return stmt->Bind(connector, UtcNowRfc3339(), by).Run();
  return stmt->Bind(connector).Run();
}

}  // namespace tributary::store
