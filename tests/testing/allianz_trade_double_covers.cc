// The covers side of the Allianz Trade double: requests, the scripted underwriter, jobs,
// the covers list. Every function here runs under mutex_.
#include <algorithm>
#include <cstdio>

#include "tests/testing/allianz_trade_double.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr int kMaxPageSize = 100;

bool InForce(const std::string& status) {
  return status == "Pending" || status == "Agreement" || status == "PartialAgreement";
}

// A JSON integer or a string of digits, as a positive amount; nullopt otherwise.
std::optional<int64_t> AmountOf(const nlohmann::json& value) {
  if (value.is_number_integer() && value.get<int64_t>() > 0) return value.get<int64_t>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (!text.empty() && text.size() < 16 && std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); })) {
      const int64_t amount = std::stoll(text);
      if (amount > 0) return amount;
    }
  }
  return std::nullopt;
}

std::string Text(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const auto& value = object[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  return "";
}

}  // namespace

std::string AllianzTradeDouble::Today() const {
  const auto day = floor<days>(clock_.Now());
  const year_month_day date{day};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()));
  return text;
}

std::string AllianzTradeDouble::NewJob(Job job) {
  const std::string id = "job-" + std::to_string(next_job_++);
  job.pending_polls = options_.job_pending_polls;
  jobs_[id] = std::move(job);
  return id;
}

void AllianzTradeDouble::Decide(Cover& cover, const AllianzTradeUnderwriting& underwriting) {
  using Outcome = AllianzTradeUnderwriting::Outcome;
  cover.decide_at.reset();
  cover.decision_date = Today();
  cover.effective_date = Today();
  cover.conditions.clear();
  cover.expiry_date.clear();
  cover.reason.clear();
  switch (underwriting.outcome) {
    case Outcome::kFull:
      cover.status = "Agreement";
      cover.permanent = cover.requested;
      break;
    case Outcome::kPartial:
      cover.status = "PartialAgreement";
      cover.permanent = underwriting.partial_amount;
      cover.reason = underwriting.reason;
      break;
    case Outcome::kConditional:
      cover.status = "Agreement";
      cover.permanent = cover.requested;
      cover.conditions = {underwriting.condition};
      cover.expiry_date = underwriting.expiry_date;
      break;
    case Outcome::kZero:
      cover.status = "Refusal";
      cover.permanent = 0;
      cover.reason = underwriting.reason;
      break;
  }
}

void AllianzTradeDouble::DecideDue() {
  const auto now = clock_.Now();
  for (Cover& cover : covers_) {
    if (cover.decide_at && *cover.decide_at <= now) Decide(cover, cover.underwriting);
  }
}

http::Response AllianzTradeDouble::RequestCover(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("requestData") || !parsed["requestData"].is_object() ||
      !parsed.contains("policy") || !parsed["policy"].is_object()) {
    return Error(400, "INVALID_REQUEST", "requestData and policy are required");
  }
  if (Text(parsed, "coverTypeCode") != "CreditLimit") {
    return Error(400, "INVALID_COVER_TYPE", "coverTypeCode must be CreditLimit");
  }
  const nlohmann::json& policy = parsed["policy"];
  if (Text(policy, "policyId") != options_.policy_id || Text(policy, "businessUnitCode") != options_.business_unit) {
    return Error(400, "INVALID_POLICY", "The policy is unknown or not accessible with this API key.");
  }
  const nlohmann::json& data = parsed["requestData"];
  const std::string company_id = Text(data, "companyId");
  const std::string currency = Text(data, "currencyCode");
  if (currency.size() != 3) return Error(400, "INVALID_REQUEST", "currencyCode is required");
  const std::optional<int64_t> amount = data.contains("amount") ? AmountOf(data["amount"]) : std::nullopt;
  if (!amount) return Error(400, "INVALID_AMOUNT", "amount must be a positive whole number");
  if (!companies_.contains(company_id)) return Error(422, "COMPANY_NOT_FOUND", "No company found with this companyId.");
  if (*amount % options_.amount_multiple != 0) {
    return Error(422, "INVALID_AMOUNT", "The amount must be a multiple of " + std::to_string(options_.amount_multiple) + ".");
  }
  const std::string cover_id = Text(data, "coverId");
  auto current = std::ranges::find_if(covers_, [&](const Cover& cover) {
    return cover.company_id == company_id && InForce(cover.status);
  });
  if (cover_id.empty() && current != covers_.end()) {
    return Error(409, "COVER_ALREADY_EXISTS", "A cover already exists for this company on this policy.");
  }
  if (!cover_id.empty() && (current == covers_.end() || current->cover_id != cover_id)) {
    return Error(422, "COVER_NOT_FOUND", "The cover to amend does not exist.");
  }
  const AllianzTradeUnderwriting underwriting = scripts_.contains(company_id) ? scripts_[company_id]
                                                                              : AllianzTradeUnderwriting{};
  ++submits_;
  if (!underwriting.job_error.empty()) {
    return Json(202, {{"jobId", NewJob({.status = "failed", .error = underwriting.job_error})}, {"status", "pending"}});
  }
  Cover* cover = nullptr;
  if (current != covers_.end()) {
    cover = &*current;
  } else {
    covers_.push_back({.cover_id = std::to_string(next_cover_++), .company_id = company_id, .currency = currency});
    cover = &covers_.back();
  }
  const std::optional<int64_t> in_force = cover->permanent;
  cover->reference = Text(data, "customerReference");
  cover->requested = *amount;
  cover->currency = currency;
  if (in_force && *amount <= *in_force && cover->status != "Pending") {
    // A reduction the insured asks for is agreed at once.
    Decide(*cover, {});
  } else if (underwriting.refer_days == 0) {
    Decide(*cover, underwriting);
  } else {
    cover->status = "Pending";
    cover->decide_at = clock_.Now() + days(underwriting.refer_days);
    cover->underwriting = underwriting;
  }
  return Json(202, {{"jobId", NewJob({.status = "processed", .cover_id = cover->cover_id})}, {"status", "pending"}});
}

http::Response AllianzTradeDouble::CancelCover(const std::string& cover_id, const std::map<std::string, std::string>& query) {
  auto policy = query.find("policyId");
  auto unit = query.find("businessUnitCode");
  if (policy == query.end() || policy->second != options_.policy_id || unit == query.end() ||
      unit->second != options_.business_unit) {
    return Error(400, "INVALID_POLICY", "The policy is unknown or not accessible with this API key.");
  }
  auto cover = std::ranges::find_if(covers_, [&](const Cover& c) { return c.cover_id == cover_id; });
  if (cover == covers_.end()) return Error(404, "COVER_NOT_FOUND", "No cover found with this coverId.");
  if (cover->status == "Cancelled") return Error(409, "COVER_CANCELLED", "The cover is already cancelled.");
  ++submits_;
  cover->status = "Cancelled";
  cover->permanent = 0;
  cover->decide_at.reset();
  cover->decision_date = Today();
  return Json(202, {{"jobId", NewJob({.status = "processed", .cover_id = cover_id})}, {"status", "pending"}});
}

ordered_json AllianzTradeDouble::CoverJson(const Cover& cover) const {
  const AllianzTradeCompany& company = companies_.at(cover.company_id);
  ordered_json item = {{"coverId", cover.cover_id},
                       {"coverTypeCode", "CreditLimit"},
                       {"coverStatusCode", cover.status},
                       {"currencyCode", cover.currency},
                       {"requestedAmount", cover.requested},
                       {"customerReference", cover.reference},
                       {"company",
                        {{"companyId", company.company_id},
                         {"legalData", {{"companyName", company.name}}},
                         {"address", {{"countryCode", company.country}}}}},
                       {"policy", {{"policyId", options_.policy_id}, {"businessUnitCode", options_.business_unit}}}};
  if (cover.status != "Pending") {
    ordered_json decision = {{"decisionDate", cover.decision_date}, {"effectiveDate", cover.effective_date}};
    if (!cover.expiry_date.empty()) decision["expiryDate"] = cover.expiry_date;
    // Amounts come as JSON integers, and as strings on a partial agreement (both are seen).
    if (cover.status == "PartialAgreement") {
      decision["permanent"] = {{"permanentAmount", std::to_string(cover.permanent.value_or(0))}};
    } else {
      decision["permanent"] = {{"permanentAmount", cover.permanent.value_or(0)}};
    }
    ordered_json conditions = ordered_json::array();
    for (const std::string& condition : cover.conditions) conditions.push_back({{"description", condition}});
    if (!conditions.empty()) decision["conditions"] = conditions;
    if (!cover.reason.empty()) decision["reasonLabel"] = cover.reason;
    item["decision"] = decision;
  }
  return item;
}

http::Response AllianzTradeDouble::ListCovers(const std::map<std::string, std::string>& query) {
  auto policy = query.find("policyId");
  auto unit = query.find("businessUnitCode");
  if (policy == query.end() || unit == query.end()) {
    return Error(400, "INVALID_REQUEST", "policyId and businessUnitCode are required");
  }
  if (policy->second != options_.policy_id || unit->second != options_.business_unit) {
    return Error(403, "FORBIDDEN", "The policy is not accessible with this API key.");
  }
  ordered_json items = ordered_json::array();
  if (auto company = query.find("companyId"); company != query.end()) {
    for (const Cover& cover : covers_) {
      if (cover.company_id == company->second) items.push_back(CoverJson(cover));
    }
    return Json(200, items);
  }
  auto number = [&](const char* key, int fallback) -> std::optional<int> {
    auto found = query.find(key);
    if (found == query.end()) return fallback;
    const std::string& text = found->second;
    if (text.empty() || text.size() > 6 || !std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); })) {
      return std::nullopt;
    }
    return std::stoi(text);
  };
  const std::optional<int> page = number("page", 1);
  const std::optional<int> size = number("pageSize", kMaxPageSize);
  if (!page || *page < 1 || !size || *size < 1 || *size > kMaxPageSize) {
    return Error(400, "INVALID_REQUEST", "page must be 1 or more and pageSize from 1 to 100");
  }
  const size_t first = static_cast<size_t>(*page - 1) * static_cast<size_t>(*size);
  for (size_t i = first; i < covers_.size() && i < first + static_cast<size_t>(*size); ++i) items.push_back(CoverJson(covers_[i]));
  const bool whole = *page == 1 && covers_.size() <= static_cast<size_t>(*size);
  return Json(whole ? 200 : 206, items);
}

http::Response AllianzTradeDouble::ReadJob(const std::string& job_id) {
  auto found = jobs_.find(job_id);
  if (found == jobs_.end()) return Error(404, "JOB_NOT_FOUND", "No job found with this jobId.");
  Job& job = found->second;
  if (job.pending_polls > 0) {
    --job.pending_polls;
    return Json(200, {{"jobId", job_id}, {"status", "processing"}});
  }
  ordered_json body = {{"jobId", job_id}, {"status", job.status}};
  if (!job.cover_id.empty()) body["coverId"] = job.cover_id;
  if (job.status == "failed") {
    body["errors"] = ordered_json::array({{{"code", "REQUEST_REJECTED"}, {"message", job.error}}});
  }
  return Json(200, body);
}

std::string AllianzTradeDouble::AddCover(const std::string& company_id, const std::string& currency, int64_t amount) {
  std::lock_guard lock(mutex_);
  Cover cover{.cover_id = std::to_string(next_cover_++), .company_id = company_id, .currency = currency,
              .requested = amount};
  Decide(cover, {});
  covers_.push_back(cover);
  return cover.cover_id;
}

void AllianzTradeDouble::ReduceCover(const std::string& cover_id, int64_t amount, const std::string& reason) {
  std::lock_guard lock(mutex_);
  for (Cover& cover : covers_) {
    if (cover.cover_id != cover_id) continue;
    cover.decide_at.reset();
    cover.permanent = amount;
    cover.status = amount == 0 ? "Refusal" : "Agreement";
    cover.reason = reason;
    cover.decision_date = Today();
    cover.effective_date = Today();
  }
}

void AllianzTradeDouble::RemoveCover(const std::string& cover_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(covers_, [&](const Cover& cover) { return cover.cover_id == cover_id; });
}

std::string AllianzTradeDouble::CoverStatus(const std::string& cover_id) const {
  std::lock_guard lock(mutex_);
  for (const Cover& cover : covers_) {
    if (cover.cover_id == cover_id) return cover.status;
  }
  return "";
}

std::optional<int64_t> AllianzTradeDouble::CoverAmount(const std::string& cover_id) const {
  std::lock_guard lock(mutex_);
  for (const Cover& cover : covers_) {
    if (cover.cover_id == cover_id) return cover.permanent;
  }
  return std::nullopt;
}

}  // namespace tributary::testing
