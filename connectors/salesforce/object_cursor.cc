#include "connectors/salesforce/object_cursor.h"

#include <nlohmann/json.hpp>

namespace tributary::connectors::salesforce {
namespace {

const char* PhaseName(ObjectCursor::Phase phase) {
  switch (phase) {
    case ObjectCursor::Phase::kCount: return "count";
    case ObjectCursor::Phase::kBulk: return "bulk";
    case ObjectCursor::Phase::kChanges: return "changes";
  }
  return "count";
}

}  // namespace

std::string ObjectCursor::ToJson() const {
  nlohmann::json json = {{"phase", PhaseName(phase)}, {"stamp", stamp},           {"id", id},
                         {"caught_up", caught_up},   {"job", job},               {"locator", locator},
                         {"load_start", load_start}, {"deleted_since", deleted_since}};
  return json.dump();
}

Result<ObjectCursor> ObjectCursor::FromJson(const std::string& text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object()) return Fail(ErrorCode::kParse, "unreadable Salesforce cursor: " + text);
  ObjectCursor cursor;
  const std::string phase = json.value("phase", "count");
  if (phase == "bulk") {
    cursor.phase = Phase::kBulk;
  } else if (phase == "changes") {
    cursor.phase = Phase::kChanges;
  } else if (phase != "count") {
    return Fail(ErrorCode::kParse, "unknown phase in a Salesforce cursor: " + phase);
  }
  cursor.stamp = json.value("stamp", "");
  cursor.id = json.value("id", "");
  cursor.caught_up = json.value("caught_up", false);
  cursor.job = json.value("job", "");
  cursor.locator = json.value("locator", "");
  cursor.load_start = json.value("load_start", "");
  cursor.deleted_since = json.value("deleted_since", "");
  return cursor;
}

}  // namespace tributary::connectors::salesforce
