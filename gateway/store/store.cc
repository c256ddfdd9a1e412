#include "gateway/store/store.h"

#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "gateway/store/migrations.h"
#include "gateway/store/sqlite_store.h"

namespace tributary::store {
namespace {

constexpr std::array<std::pair<FileState, std::string_view>, 6> kFileStateNames = {{
    {FileState::kApplied, "applied"},
    {FileState::kArchived, "archived"},
    {FileState::kQuarantined, "quarantined"},
    {FileState::kReleased, "released"},
    {FileState::kDiscarded, "discarded"},
    {FileState::kFailed, "failed"},
}};

void AppendJsonString(std::string& out, std::string_view text) {
  // `replace` keeps a key with broken UTF-8 from throwing here; keys come from mappings
  // that already produced valid JSON, so this is a last resort.
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string_view FileStateName(FileState state) {
  for (const auto& [value, name] : kFileStateNames) {
    if (value == state) return name;
  }
  return "unknown";
}

std::optional<FileState> ParseFileState(std::string_view name) {
  for (const auto& [value, known] : kFileStateNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string ChangeToJson(const Change& change) {
  std::string out;
  out.reserve(160 + change.key.size() + change.data.size());
  out += "{\"seq\":" + std::to_string(change.seq) + ",\"op\":";
  AppendJsonString(out, change.op);
  out += ",\"entity\":";
  AppendJsonString(out, change.entity);
  out += ",\"key\":";
  AppendJsonString(out, change.key);
  out += ",\"version\":" + std::to_string(change.version);
  if (change.op == "close") {
    out += ",\"reason\":";
    AppendJsonString(out, change.reason);
  } else {
    out += ",\"hash\":";
    AppendJsonString(out, change.hash);
    // The stored text is already the wire object: spliced, never re-parsed.
    out += ",\"data\":";
    out += change.data.empty() ? std::string_view("null") : std::string_view(change.data);
  }
  out += '}';
  return out;
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  return Open(path, StoreOptions{});
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  auto db = Database::Open(path, options.busy_timeout);
  if (!db) return std::unexpected(db.error());
  if (auto status = ApplyMigrations(**db); !status) return std::unexpected(status.error());
  return std::make_unique<SqliteStore>(std::move(*db));
}

}  // namespace tributary::store
