#include "connectors/quickbooks/sync_cursor.h"

#include <nlohmann/json.hpp>

namespace tributary::connectors::quickbooks {

std::string_view PhaseName(SyncCursor::Phase phase) {
  switch (phase) {
    case SyncCursor::Phase::kLoad: return "load";
    case SyncCursor::Phase::kSweep: return "sweep";
    case SyncCursor::Phase::kCdc: return "cdc";
  }
  return "unknown";
}

std::string SyncCursor::ToJson() const {
  nlohmann::ordered_json out = {{"phase", PhaseName(phase)}, {"since", since}, {"entities", entities}};
  if (phase != Phase::kCdc) out["started"] = started;
  if (phase == Phase::kLoad) {
    out["entity"] = entity;
    out["after"] = after;
    out["skip"] = skip;
    out["sweep"] = sweep;
  }
  return out.dump();
}

Result<SyncCursor> SyncCursor::FromJson(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Fail(ErrorCode::kParse, "sync cursor is not a JSON object: " + text);
  SyncCursor cursor;
  try {
    const std::string phase = json.at("phase").get<std::string>();
    if (phase == "load") {
      cursor.phase = Phase::kLoad;
    } else if (phase == "sweep") {
      cursor.phase = Phase::kSweep;
    } else if (phase == "cdc") {
      cursor.phase = Phase::kCdc;
    } else {
      return Fail(ErrorCode::kParse, "sync cursor has an unknown phase: " + text);
    }
    cursor.since = json.value("since", "");
    cursor.started = json.value("started", "");
    cursor.entity = json.value("entity", "");
    cursor.after = json.value("after", "");
    cursor.skip = json.value("skip", int64_t{0});
    cursor.sweep = json.value("sweep", false);
    cursor.entities = json.value("entities", std::vector<std::string>{});
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kParse, "sync cursor is malformed (" + std::string(e.what()) + "): " + text);
  }
  if (cursor.phase == Phase::kCdc && cursor.since.empty()) return Fail(ErrorCode::kParse, "cdc cursor without since");
  return cursor;
}

SyncCursor SyncCursor::InitialLoad(const std::vector<std::string>& entities) {
  return SyncCursor{.phase = Phase::kLoad, .entity = entities.front(), .entities = entities};
}

SyncCursor SyncCursor::CatchUp(const std::string& since, const std::vector<std::string>& entities) {
  return SyncCursor{.phase = Phase::kLoad, .since = since, .entity = entities.front(), .sweep = true,
                    .entities = entities};
}

}  // namespace tributary::connectors::quickbooks
