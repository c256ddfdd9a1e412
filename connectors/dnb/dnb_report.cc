#include "connectors/dnb/dnb_report.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "gateway/common/quote.h"
#include "gateway/model/money.h"
#include "gateway/readers/json_document.h"

namespace tributary::connectors::dnb {
namespace {

using readers::JsonDocument;
using NodeId = JsonDocument::NodeId;

constexpr const char* kScale = "1-100 (D&B failure score national percentile)";

// --- the data-blocks answer, read with exact number text --------------------------------

NodeId At(const JsonDocument& document, NodeId node, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (node == JsonDocument::kNoNode || document.type(node) != JsonDocument::Type::kObject) return JsonDocument::kNoNode;
    node = document.Member(node, key);
  }
  return node;
}

// The text of a string, number or boolean node; "" otherwise.
std::string TextAt(const JsonDocument& document, NodeId node, std::initializer_list<std::string_view> keys = {}) {
  node = At(document, node, keys);
  if (node == JsonDocument::kNoNode) return "";
  const JsonDocument::Type type = document.type(node);
  if (type != JsonDocument::Type::kString && type != JsonDocument::Type::kNumber && type != JsonDocument::Type::kBool) {
    return "";
  }
  return std::string(document.text(node));
}

bool IsWholeNumber(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  return !text.empty() && text.size() <= 15 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsDecimal(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  auto digits = [](std::string_view part) {
    return !part.empty() && std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  return digits(whole) && digits(fraction);
}

std::string Trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

// A date (2026-05-01) as the instant it starts in UTC; a date-time as written.
std::string AsInstant(const std::string& text) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') return text + "T00:00:00Z";
  return text;
}

void ReadCompany(const JsonDocument& document, NodeId organization, kit::CompanyMatch& company) {
  company.duns = TextAt(document, organization, {"duns"});
  company.id = company.duns;
  company.name = TextAt(document, organization, {"primaryName"});
  company.country = TextAt(document, organization, {"countryISOAlpha2Code"});
  if (company.country.empty()) company.country = TextAt(document, organization, {"primaryAddress", "addressCountry", "isoAlpha2Code"});
  company.status = TextAt(document, organization, {"dunsControlStatus", "operatingStatus", "description"});
  const NodeId numbers = At(document, organization, {"registrationNumbers"});
  if (numbers != JsonDocument::kNoNode && document.type(numbers) == JsonDocument::Type::kArray) {
    for (NodeId number = document.FirstChild(numbers); number != JsonDocument::kNoNode;
         number = document.NextSibling(number)) {
      const std::string value = TextAt(document, number, {"registrationNumber"});
      if (value.empty()) continue;
      if (company.registration_number.empty() || TextAt(document, number, {"isPreferredRegistrationNumber"}) == "true") {
        company.registration_number = value;
      }
    }
  }
}

Status ReadScore(const JsonDocument& document, NodeId assessment, kit::ScoreReport& report) {
  const NodeId failure = At(document, assessment, {"failureScore"});
  const NodeId percentile = At(document, failure, {"nationalPercentile"});
  if (percentile != JsonDocument::kNoNode && document.type(percentile) != JsonDocument::Type::kNull) {
    const std::string text = Trimmed(TextAt(document, percentile));
    report.value_raw = text;
    if (IsWholeNumber(text)) {
      report.value_numeric = NormalisePercentile(std::stoll(text));
      if (!report.value_numeric) {
        return Fail(ErrorCode::kParse, "the D&B failure score nationalPercentile " + text + " is outside its scale 1-100");
      }
    } else if (document.type(percentile) == JsonDocument::Type::kNumber) {
      return Fail(ErrorCode::kParse, "the D&B failure score nationalPercentile " + text + " is not a whole number");
    }
  }
  report.scale = kScale;
  const std::string class_score = TextAt(document, failure, {"classScore"});
  if (!class_score.empty()) {
    if (!IsWholeNumber(class_score) || std::stoll(class_score) < 1 || std::stoll(class_score) > 5) {
      return Fail(ErrorCode::kParse, "the D&B failure score classScore " + QuoteForMessage(class_score) +
                                         " is outside its scale 1-5");
    }
    const std::string description = TextAt(document, failure, {"classScoreDescription"});
    report.band = description.empty() ? class_score : class_score + " (" + description + ")";
  } else {
    report.band = TextAt(document, assessment, {"standardRating", "rating"});
  }
  std::string as_of = TextAt(document, failure, {"scoreDate"});
  if (as_of.empty()) as_of = TextAt(document, assessment, {"creditLimitRecommendation", "assessmentDate"});
  report.as_of = AsInstant(as_of);
  return Ok();
}

Status ReadLimit(const JsonDocument& document, NodeId assessment, kit::ScoreReport& report) {
  const NodeId limit = At(document, assessment, {"creditLimitRecommendation", "maximumRecommendedLimit"});
  const NodeId value = At(document, limit, {"value"});
  if (value == JsonDocument::kNoNode || document.type(value) == JsonDocument::Type::kNull) return Ok();
  const std::string text = Trimmed(TextAt(document, value));
  if (!IsDecimal(text)) {
    if (document.type(value) == JsonDocument::Type::kString) return Ok();  // "Credit Limit not applicable"
    return Fail(ErrorCode::kParse, "the D&B recommended limit " + text + " is not a plain decimal number");
  }
  const std::string currency = TextAt(document, limit, {"currency"});
  const std::optional<int> exponent = model::CurrencyExponent(currency);
  if (!exponent) {
    return Fail(ErrorCode::kParse, "the D&B recommended limit's currency " + QuoteForMessage(currency) +
                                       " is not an ISO 4217 code");
  }
  auto minor = model::ParseMinorUnits(text, *exponent);
  if (!minor) {
    return Fail(ErrorCode::kParse, "the D&B recommended limit " + text + " " + currency + ": " + minor.error().message);
  }
  if (*minor < 0) return Fail(ErrorCode::kParse, "the D&B recommended limit " + text + " " + currency + " is negative");
  report.recommended_limit = model::Money{.minor = *minor, .currency = currency};
  return Ok();
}

// --- JSON read with nlohmann (no amounts) -----------------------------------------------

std::string StringAt(const nlohmann::json& node, std::initializer_list<const char*> keys) {
  const nlohmann::json* at = &node;
  for (const char* key : keys) {
    if (!at->is_object()) return "";
    auto found = at->find(key);
    if (found == at->end()) return "";
    at = &*found;
  }
  if (at->is_string()) return at->get<std::string>();
  if (at->is_number()) return at->dump();
  return "";
}

}  // namespace

std::optional<int64_t> NormalisePercentile(int64_t percentile) {
  if (percentile < 1 || percentile > 100) return std::nullopt;
  // (p - 1) * 100 / 99, rounded half up: floor(((p - 1) * 200 + 99) / 198).
  return ((percentile - 1) * 200 + 99) / 198;
}

Result<std::vector<Candidate>> ParseCandidates(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Fail(ErrorCode::kParse, "the D&B cleanseMatch answer is not a JSON object");
  std::vector<Candidate> candidates;
  auto list = parsed.find("matchCandidates");
  if (list == parsed.end() || list->is_null()) {
    if (parsed.value("candidatesMatchedQuantity", nlohmann::json(0)) == 0) return candidates;
    return Fail(ErrorCode::kParse, "the D&B cleanseMatch answer has no matchCandidates");
  }
  if (!list->is_array()) return Fail(ErrorCode::kParse, "the D&B cleanseMatch answer's matchCandidates is not an array");
  for (const nlohmann::json& entry : *list) {
    if (!entry.is_object()) continue;
    const nlohmann::json organization = entry.value("organization", nlohmann::json::object());
    Candidate candidate;
    kit::CompanyMatch& company = candidate.company;
    company.duns = StringAt(organization, {"duns"});
    if (company.duns.empty()) continue;
    company.id = company.duns;
    company.name = StringAt(organization, {"primaryName"});
    company.country = StringAt(organization, {"primaryAddress", "addressCountry", "isoAlpha2Code"});
    company.status = StringAt(organization, {"dunsControlStatus", "operatingStatus", "description"});
    if (auto numbers = organization.find("registrationNumbers"); numbers != organization.end() && numbers->is_array()) {
      for (const nlohmann::json& number : *numbers) {
        const std::string value = StringAt(number, {"registrationNumber"});
        if (!value.empty()) {
          company.registration_number = value;
          break;
        }
      }
    }
    const std::string confidence = StringAt(entry, {"matchQualityInformation", "confidenceCode"});
    candidate.confidence = IsWholeNumber(confidence) ? static_cast<int>(std::stoll(confidence)) : 0;
    candidate.match_grade = StringAt(entry, {"matchQualityInformation", "matchGrade"});
    candidates.push_back(std::move(candidate));
  }
  return candidates;
}

std::vector<kit::CompanyMatch> BestCandidates(const std::vector<Candidate>& candidates, int min_confidence) {
  int top = 0;
  for (const Candidate& candidate : candidates) {
    if (candidate.confidence >= min_confidence) top = std::max(top, candidate.confidence);
  }
  std::vector<kit::CompanyMatch> best;
  if (top == 0) return best;
  for (const Candidate& candidate : candidates) {
    const bool seen = std::any_of(best.begin(), best.end(), [&](const kit::CompanyMatch& match) {
      return match.duns == candidate.company.duns;
    });
    if (candidate.confidence == top && !seen) best.push_back(candidate.company);
  }
  return best;
}

Result<kit::ScoreReport> ParseReport(const std::string& body) {
  JsonDocument document;
  if (auto parsed = document.Parse(body); !parsed) {
    return Fail(ErrorCode::kParse, "the D&B data answer is not JSON: " + parsed.error().message);
  }
  const NodeId organization = At(document, document.root(), {"organization"});
  if (organization == JsonDocument::kNoNode || document.type(organization) != JsonDocument::Type::kObject) {
    return Fail(ErrorCode::kParse, "the D&B data answer has no organization");
  }
  kit::ScoreReport report;
  ReadCompany(document, organization, report.company);
  const NodeId assessment = At(document, organization, {"dnbAssessment"});
  if (auto read = ReadScore(document, assessment, report); !read) return std::unexpected(read.error());
  if (auto read = ReadLimit(document, assessment, report); !read) return std::unexpected(read.error());
  report.report = ProofDocument{.content = body,
                                .media_type = "application/json",
                                .filename = "dnb-" + (report.company.duns.empty() ? "report" : report.company.duns) +
                                            ".json"};
  return report;
}

Result<NotificationPage> ParseNotifications(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Fail(ErrorCode::kParse, "the D&B notifications answer is not a JSON object");
  auto list = parsed.find("notifications");
  if (list == parsed.end() || !list->is_array()) {
    return Fail(ErrorCode::kParse, "the D&B notifications answer has no notifications array");
  }
  NotificationPage page;
  page.notifications = list->size();
  page.timestamp = StringAt(parsed, {"transactionDetail", "transactionTimestamp"});
  for (const nlohmann::json& notification : *list) {
    std::string duns = StringAt(notification, {"organization", "duns"});
    if (duns.empty()) duns = StringAt(notification, {"duns"});
    if (duns.empty() || std::find(page.duns.begin(), page.duns.end(), duns) != page.duns.end()) continue;
    page.duns.push_back(std::move(duns));
  }
  return page;
}

}  // namespace tributary::connectors::dnb
