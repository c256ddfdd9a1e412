#include "gateway/store/rejected_keys.h"

#include <algorithm>

namespace tributary::store {

void RejectedKeys::Add(const model::Reject& reject, std::span<const std::string> closing) {
  for (const model::RejectedEntity& entity : reject.entities) {
    if (std::ranges::find(closing, entity.entity) == closing.end()) continue;
    if (entity.key) {
      kept_.insert(*entity.key);
      continue;
    }
    Keyless& keyless = keyless_[entity.entity];
    if (keyless.last_line == reject.line) continue;
    keyless.last_line = reject.line;
    ++keyless.records;
    if (keyless.lines.size() < kMaxWithheldLines) keyless.lines.push_back(reject.line);
  }
}

WithheldCloses MakeWithheld(const RejectedKeys& keys, const std::string& entity, int64_t closes) {
  WithheldCloses withheld{.entity = entity, .closes = closes, .keyless_rejects = 0, .lines = {}};
  if (auto it = keys.keyless().find(entity); it != keys.keyless().end()) {
    withheld.keyless_rejects = it->second.records;
    withheld.lines = it->second.lines;
  }
  return withheld;
}

std::string WithheldReason(std::span<const WithheldCloses> withheld) {
  std::string reason;
  for (const WithheldCloses& item : withheld) {
    if (!reason.empty()) reason += "; ";
    reason += std::to_string(item.closes) + (item.closes == 1 ? " close" : " closes") + " withheld: " +
              std::to_string(item.keyless_rejects) + " rejected " + item.entity +
              (item.keyless_rejects == 1 ? " row has" : " rows have") + " no key (line" +
              (item.lines.size() == 1 ? " " : "s ");
    for (size_t i = 0; i < item.lines.size(); ++i) reason += (i == 0 ? "" : ", ") + std::to_string(item.lines[i]);
    if (item.keyless_rejects > static_cast<int64_t>(item.lines.size())) reason += ", …";
    reason += ")";
  }
  return reason;
}

}  // namespace tributary::store
