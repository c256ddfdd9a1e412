#include "gateway/store/rejected_keys.h"

#include <algorithm>

namespace tributary::store {
namespace {

constexpr std::string_view kCustomer = "customer";

// "line 7" / "lines 14, 90, …" for `rows` rows of which `lines` are listed.
std::string LinesText(int64_t rows, const std::vector<int64_t>& lines) {
  std::string text = lines.size() == 1 ? "line " : "lines ";
  for (size_t i = 0; i < lines.size(); ++i) text += (i == 0 ? "" : ", ") + std::to_string(lines[i]);
  if (rows > static_cast<int64_t>(lines.size())) text += ", …";
  return text;
}

}  // namespace

void RejectedKeys::Rows::Add(int64_t line) {
  if (last_line == line) return;
  last_line = line;
  ++records;
  if (lines.size() < kMaxWithheldLines) lines.push_back(line);
}

void RejectedKeys::Add(const model::Reject& reject, std::span<const std::string> closing) {
  // The customer entity of the same record, when its key was computed.
  const std::string* row_customer = nullptr;
  for (const model::RejectedEntity& entity : reject.entities) {
    if (entity.entity == kCustomer && entity.key) row_customer = &*entity.key;
  }
  for (const model::RejectedEntity& entity : reject.entities) {
    if (std::ranges::find(closing, entity.entity) == closing.end()) continue;
    if (entity.key) {
      kept_.insert(*entity.key);
      continue;
    }
    Keyless& keyless = keyless_[entity.entity];
    const std::string* customer = entity.customer ? &*entity.customer : row_customer;
    if (customer == nullptr || customer->empty()) {
      keyless.unreadable.Add(reject.line);
      continue;
    }
    keyless.of_customers.Add(reject.line);
    keyless.customers.insert(*customer);
  }
}

bool RejectedKeys::WithholdsClose(std::string_view entity, std::string_view customer) const {
  auto it = keyless_.find(entity);
  if (it == keyless_.end() || it->second.customers.empty()) return false;
  return customer.empty() || it->second.customers.contains(std::string(customer));
}

bool RejectedKeys::HasUnreadable(std::string_view entity) const {
  auto it = keyless_.find(entity);
  return it != keyless_.end() && it->second.unreadable.records > 0;
}

WithheldCloses MakeWithheld(const RejectedKeys& keys, const std::string& entity, int64_t closes) {
  WithheldCloses withheld{.entity = entity, .closes = closes};
  if (auto it = keys.keyless().find(entity); it != keys.keyless().end()) {
    withheld.keyless_rejects = it->second.of_customers.records;
    withheld.lines = it->second.of_customers.lines;
    withheld.customer_count = static_cast<int64_t>(it->second.customers.size());
    for (const std::string& customer : it->second.customers) {
      if (withheld.customers.size() == kMaxWithheldCustomers) break;
      withheld.customers.push_back(customer);
    }
  }
  return withheld;
}

std::string WithheldReason(std::span<const WithheldCloses> withheld) {
  std::string reason;
  for (const WithheldCloses& item : withheld) {
    if (!reason.empty()) reason += "; ";
    reason += std::to_string(item.closes) + (item.closes == 1 ? " close" : " closes");
    if (!item.customers.empty()) {
      reason += item.customer_count == 1 ? " of customer " : " of customers ";
      for (size_t i = 0; i < item.customers.size(); ++i) reason += (i == 0 ? "" : ", ") + item.customers[i];
      if (item.customer_count > static_cast<int64_t>(item.customers.size())) reason += ", …";
    }
    reason += " withheld: " + std::to_string(item.keyless_rejects) + " rejected " + item.entity +
              (item.keyless_rejects == 1 ? " row has" : " rows have") + " no key (" +
              LinesText(item.keyless_rejects, item.lines) + ")";
  }
  return reason;
}

UnreadableRejects MakeUnreadable(const RejectedKeys& keys, const std::string& entity, int64_t closes) {
  UnreadableRejects unreadable{.entity = entity, .closes = closes};
  if (auto it = keys.keyless().find(entity); it != keys.keyless().end()) {
    unreadable.rows = it->second.unreadable.records;
    unreadable.lines = it->second.unreadable.lines;
  }
  return unreadable;
}

}  // namespace tributary::store
