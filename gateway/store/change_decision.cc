#include "gateway/store/change_decision.h"

#include "gateway/model/canonical.h"

namespace tributary::store {

RecordDecision DecideRecord(const std::optional<KnownContent>& known, std::string_view hash,
                            std::string_view lifecycle, bool repeatable) {
  if (!known) return RecordDecision::kCreate;
  if (known->seen_in_this_file && !repeatable) return RecordDecision::kDuplicate;
  // A key closed by absence keeps the hash of its last content, so when it comes back
  // unchanged the lifecycle differs and it is reopened.
  if (known->hash == hash && known->lifecycle == lifecycle) return RecordDecision::kUnchanged;
  return RecordDecision::kUpdate;
}

std::string_view RecordLifecycle(const model::CanonicalRecord& record) {
  if (!record.lifecycle.empty()) return record.lifecycle;
  if (record.data.is_object()) {
    auto it = record.data.find("lifecycle");
    if (it != record.data.end() && it->is_string()) return it->get_ref<const std::string&>();
  }
  return model::kLifecycleActive;
}

std::string DuplicateKeyReason(std::string_view key, int64_t first_line) {
  return "duplicate key " + std::string(key) + " (first seen at line " + std::to_string(first_line) + ")";
}

int64_t SignedOpenAmount(std::string_view kind, int64_t magnitude) {
  return kind == "credit_note" || kind == "payment_on_account" ? -magnitude : magnitude;
}

}  // namespace tributary::store
