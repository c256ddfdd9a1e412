// The Atradius double's buyers and covers: lookup, the cover state machine with its scripted
// underwriter, the list and the decision feed.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "gateway/common/time_format.h"
#include "tests/testing/atradius_double.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using namespace std::chrono;

constexpr int64_t kAmountStep = 1000;

// "YYYY-MM-DDThh:mm:ss", as Atradius writes its date-times (UTC, no zone).
std::string DateTime(system_clock::time_point at) {
  std::string text = FormatRfc3339(at);
  if (text.ends_with('Z')) text.pop_back();
  return text;
}

std::optional<system_clock::time_point> ParseDateTime(const std::string& text) {
  std::tm tm{};
  char tail = 0;
  if (text.size() != 19 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                       &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &tail) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return system_clock::from_time_t(timegm(&tm));
}

std::optional<int64_t> PositiveInteger(const std::map<std::string, std::string>& query, const std::string& name,
                                       int64_t fallback, int64_t max) {
  auto found = query.find(name);
  if (found == query.end()) return fallback;
  const std::string& text = found->second;
  if (text.empty() || text.size() > 6 || !std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const int64_t value = std::stoll(text);
  if (value < 1 || value > max) return std::nullopt;
  return value;
}

std::string Text(const json& body, const char* name) {
  auto found = body.find(name);
  return found != body.end() && found->is_string() ? found->get<std::string>() : "";
}

}  // namespace

AtradiusCover* AtradiusDouble::Active(const std::string& buyer_id) {
  for (AtradiusCover& cover : covers_) {
    if (cover.buyer_id == buyer_id && (cover.status == "REFERRED" || cover.status == "DECISION")) return &cover;
  }
  return nullptr;
}

std::optional<AtradiusCover> AtradiusDouble::CoverOf(const std::string& buyer_id) {
  std::lock_guard lock(mutex_);
  Underwrite();  // as Atradius would show it now
  for (const AtradiusCover& cover : covers_) {
    if (cover.buyer_id == buyer_id && (cover.status == "REFERRED" || cover.status == "DECISION")) return cover;
  }
  return std::nullopt;
}

std::string AtradiusDouble::AddCover(const std::string& buyer_id, int64_t amount) {
  std::lock_guard lock(mutex_);
  AtradiusCover cover{.cover_id = "C" + std::to_string(100000 + next_cover_++), .buyer_id = buyer_id};
  cover.requested = amount;
  Decide(cover, {}, clock_.Now());
  covers_.push_back(cover);
  return cover.cover_id;
}

void AtradiusDouble::Reduce(const std::string& buyer_id, int64_t amount, const std::string& reason) {
  std::lock_guard lock(mutex_);
  Underwrite();
  if (AtradiusCover* cover = Active(buyer_id)) {
    cover->status = "DECISION";
    cover->decided = amount;
    cover->reason = reason;
    cover->decided_at = cover->changed_at = clock_.Now();
  }
}

void AtradiusDouble::Withdraw(const std::string& buyer_id, const std::string& reason) {
  std::lock_guard lock(mutex_);
  Underwrite();
  if (AtradiusCover* cover = Active(buyer_id)) {
    cover->status = "WITHDRAWN";
    cover->decided = 0;
    cover->reason = reason;
    cover->decided_at = cover->changed_at = clock_.Now();
  }
}

void AtradiusDouble::Decide(AtradiusCover& cover, const UnderwriterScript& script, system_clock::time_point at) {
  cover.status = "DECISION";
  switch (script.outcome) {
    case UnderwriterScript::Outcome::kFull: cover.decided = cover.requested; break;
    case UnderwriterScript::Outcome::kPartial: cover.decided = script.amount; break;
    case UnderwriterScript::Outcome::kConditional:
      cover.decided = script.amount > 0 ? script.amount : cover.requested;
      cover.conditions = script.conditions;
      cover.expiry = script.expiry;
      break;
    case UnderwriterScript::Outcome::kZero: cover.decided = 0; break;
  }
  cover.reason = script.reason;
  cover.decided_at = cover.changed_at = at;
}

void AtradiusDouble::Underwrite() {
  const auto now = clock_.Now();
  for (AtradiusCover& cover : covers_) {
    if (cover.status == "REFERRED" && cover.decide_due <= now) Decide(cover, cover.script, cover.decide_due);
  }
}

ordered_json AtradiusDouble::Amount(int64_t major) const {
  if (!amounts_as_strings_) return major;
  return std::to_string(major) + ".00";
}

ordered_json AtradiusDouble::CoverJson(const AtradiusCover& cover) const {
  ordered_json out = {{"coverId", cover.cover_id}, {"policyId", options_.policy}, {"buyerId", cover.buyer_id}};
  if (auto buyer = buyers_.find(cover.buyer_id); buyer != buyers_.end()) out["buyerName"] = buyer->second.name;
  out["coverType"] = cover.cover_type;
  out["coverStatus"] = cover.status;
  out["customerRefNumber"] = cover.reference;
  out["currencyCode"] = options_.currency;
  out["creditLimitApplicationAmountInPolicyCurrency"] = Amount(cover.requested);
  if (cover.status == "REFERRED") return out;
  out["totalDecision"] = {{"decisionAmtInPolicyCurrency", Amount(cover.decided)},
                          {"decisionDate", DateTime(cover.decided_at)},
                          {"decisionEffectiveDate", DateTime(cover.decided_at).substr(0, 10)},
                          {"decisionReasonDescription", cover.reason}};
  ordered_json first = {{"decisionAmtInPolicyCurrency", Amount(cover.decided)}};
  if (!cover.expiry.empty()) first["decisionExpiryDate"] = cover.expiry;
  ordered_json conditions = ordered_json::array();
  for (const std::string& condition : cover.conditions) conditions.push_back({{"conditionDescription", condition}});
  first["decisionConditions"] = conditions;
  out["firstAmtDecision"] = first;
  return out;
}

http::Response AtradiusDouble::Buyers(const std::map<std::string, std::string>& query) {
  auto value = [&](const char* name) {
    auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  };
  if (value("customerId") != options_.customer_id) return Error(403, "Access denied for this customerId", "customerId");
  if (value("policyId") != options_.policy) return Error(403, "Access denied for this policyId", "policyId");
  const std::string country = value("country");
  if (country.size() != 3 || !std::ranges::all_of(country, [](unsigned char c) { return std::isupper(c); })) {
    return Error(400, "country must be an ISO 3166-1 alpha-3 code", "country");
  }
  const std::string uid = value("uid");
  const std::string uid_type = value("uidType");
  if (uid.empty()) return Error(400, "uid is required", "uid");
  if (uid_type != "SN" && uid_type != "VAT" && uid_type != "CRN" && uid_type != "DUNS") {
    return Error(400, "Invalid uidType", "uidType");
  }
  ordered_json data = ordered_json::array();
  for (const auto& [id, buyer] : buyers_) {
    if (buyer.country != country || buyer.uid != uid || buyer.uid_type != uid_type) continue;
    data.push_back({{"buyerId", id},
                    {"buyerName", buyer.name},
                    {"country", buyer.country},
                    {"uid", buyer.uid},
                    {"uidType", buyer.uid_type},
                    {"buyerStatus", buyer.status}});
  }
  if (data.empty()) return Error(404, "No buyer match found", "uid");
  return Json(200, {{"data", data}});
}

http::Response AtradiusDouble::ListCovers(const std::map<std::string, std::string>& query) {
  auto value = [&](const char* name) {
    auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  };
  if (value("customerId") != options_.customer_id) return Error(403, "Access denied for this customerId", "customerId");
  if (value("policyId") != options_.policy) return Error(403, "Access denied for this policyId", "policyId");
  std::optional<system_clock::time_point> from;
  if (query.contains("fromDate")) {
    from = ParseDateTime(value("fromDate"));
    if (!from) return Error(400, "fromDate must be written YYYY-MM-DDThh:mm:ss", "fromDate");
  }
  const auto page = PositiveInteger(query, "page", 1, 100000);
  if (!page) return Error(400, "page must be a positive integer", "page");
  const auto page_size = PositiveInteger(query, "pageSize", 100, 500);
  if (!page_size) return Error(400, "pageSize must be from 1 to 500", "pageSize");
  const std::string buyer_id = value("buyerId");
  std::vector<const AtradiusCover*> selected;
  for (const AtradiusCover& cover : covers_) {
    if (!buyer_id.empty() && cover.buyer_id != buyer_id) continue;
    if (from ? cover.changed_at < *from : cover.status != "REFERRED" && cover.status != "DECISION") continue;
    selected.push_back(&cover);
  }
  const int64_t total = static_cast<int64_t>(selected.size());
  const int64_t total_pages = std::max<int64_t>(1, (total + *page_size - 1) / *page_size);
  ordered_json data = ordered_json::array();
  for (int64_t i = (*page - 1) * *page_size; i < std::min(total, *page * *page_size); ++i) {
    data.push_back(CoverJson(*selected[static_cast<size_t>(i)]));
  }
  return Json(200, {{"data", data},
                    {"meta", {{"page", *page}, {"pageSize", *page_size}, {"totalPages", total_pages},
                              {"totalItems", total}}}});
}

http::Response AtradiusDouble::Submit(const std::string& method, const std::string& text, bool& hold) {
  const json body = json::parse(text, nullptr, false);
  if (!body.is_object()) return Error(400, "The request body is not valid JSON");
  if (Text(body, "customerId") != options_.customer_id) {
    return Error(403, "Access denied for this customerId", "customerId");
  }
  if (Text(body, "policyId") != options_.policy) return Error(403, "Access denied for this policyId", "policyId");
  const std::string buyer_id = Text(body, "buyerId");
  if (!buyers_.contains(buyer_id)) return Error(400, "No buyer match found", "buyerId");
  const std::string action = method == "PUT" ? Text(body, "action") : "";
  if (method == "PUT" && action != "supersede" && action != "reduce" && action != "cancel") {
    return Error(400, "Invalid action", "action");
  }
  AtradiusCover* active = Active(buyer_id);
  if (method == "PUT") {
    const std::string cover_id = Text(body, "coverId");
    if (active == nullptr) return Error(400, "No cover found for this buyer.", "buyerId");
    if (!cover_id.empty() && cover_id != active->cover_id) return Error(400, "No cover found for this buyer.", "coverId");
  }
  if (action == "cancel") {
    active->status = "CANCELLED";
    active->decided = 0;
    active->reference = Text(body, "customerRefNumber");
    active->decided_at = active->changed_at = clock_.Now();
    ++submits_;
    hold = true;
    return Json(200, {{"data", CoverJson(*active)}});
  }
  const std::string cover_type = method == "POST" ? Text(body, "coverType") : active->cover_type;
  if (cover_type != "credit-limit" && cover_type != "credit-check") return Error(400, "Invalid coverType", "coverType");
  auto amount_field = body.find("creditLimitAmount");
  if (amount_field == body.end() || !amount_field->is_number_integer() || amount_field->get<int64_t>() <= 0) {
    return Error(400, "creditLimitAmount must be a positive whole amount", "creditLimitAmount");
  }
  const int64_t amount = amount_field->get<int64_t>();
  if (amount % kAmountStep != 0) return Error(400, "Credit limit amount must be a multiple of 1000.", "creditLimitAmount");
  if (Text(body, "currencyCode") != options_.currency) {
    return Error(400, "currencyCode must be the policy currency " + options_.currency, "currencyCode");
  }
  if (method == "POST" && active != nullptr) {
    return Error(400, "Credit limit/credit check already exists for this buyer.", "buyerId");
  }
  if (action == "reduce") {
    if (active->status != "DECISION" || amount >= active->decided) {
      return Error(400, "Reduction amount must be below the current cover.", "creditLimitAmount");
    }
    active->decided = amount;
    active->requested = amount;
    active->reference = Text(body, "customerRefNumber");
    active->reason = "";
    active->decided_at = active->changed_at = clock_.Now();
    ++submits_;
    hold = true;
    return Json(200, {{"data", CoverJson(*active)}});
  }
  if (action == "supersede" && (active->status != "DECISION" || amount <= active->decided)) {
    return Error(400, "New Application cannot supersede existing cover", "creditLimitAmount");
  }
  // A new application, or one that supersedes the cover in force: the underwriter's turn.
  AtradiusCover* cover = active;
  if (cover == nullptr) {
    covers_.push_back({.cover_id = "C" + std::to_string(100000 + next_cover_++), .buyer_id = buyer_id,
                       .cover_type = cover_type});
    cover = &covers_.back();
  }
  cover->reference = Text(body, "customerRefNumber");
  cover->requested = amount;
  cover->conditions.clear();
  cover->expiry.clear();
  const UnderwriterScript script = scripts_.contains(buyer_id) ? scripts_[buyer_id] : UnderwriterScript{};
  ++submits_;
  hold = true;
  const auto now = clock_.Now();
  if (script.refer_days <= 0) {
    Decide(*cover, script, now);
    return Json(201, {{"data", CoverJson(*cover)}});
  }
  cover->status = "REFERRED";
  cover->script = script;
  cover->decide_due = now + hours(24 * script.refer_days);
  cover->changed_at = now;
  return Json(202, {{"data", CoverJson(*cover)}});
}

}  // namespace tributary::testing
