#include "connectors/creditsafe/creditsafe_wire.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "gateway/common/quote.h"

namespace tributary::connectors::creditsafe {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// The member at `path` ({"a","b"} for a.b); null when any step is missing.
const json* At(const json& root, std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* name : path) {
    if (!node->is_object()) return nullptr;
    auto found = node->find(name);
    if (found == node->end()) return nullptr;
    node = &*found;
  }
  return node;
}

// A value Creditsafe writes as a string, sometimes as a number: its text ("" when absent,
// null or of another kind). Integers keep their digits; nothing goes through a double.
std::string TextAt(const json& root, std::initializer_list<const char*> path) {
  const json* node = At(root, path);
  if (node == nullptr) return "";
  if (node->is_string()) return std::string(Trim(node->get<std::string>()));
  if (node->is_number_integer()) return node->dump();
  if (node->is_number_unsigned()) return node->dump();
  return "";
}

// An integer written as [-]digits (at most 15); nullopt otherwise.
std::optional<int64_t> Integer(std::string_view text) {
  text = Trim(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 15) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

bool IsDecimal(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  auto digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  };
  if (whole.empty() || !digits(whole)) return false;
  return dot == std::string_view::npos || (!fraction.empty() && digits(fraction));
}

Result<json> ParseObject(std::string_view body, const char* what) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Fail(ErrorCode::kParse, std::string("the Creditsafe ") + what + " is not a JSON object");
  return parsed;
}

}  // namespace

Result<SearchPage> ParseSearchPage(std::string_view body) {
  auto parsed = ParseObject(body, "search answer");
  if (!parsed) return std::unexpected(parsed.error());
  SearchPage page;
  if (auto total = Integer(TextAt(*parsed, {"totalSize"}))) page.total_size = *total;
  const json* companies = At(*parsed, {"companies"});
  if (companies == nullptr || companies->is_null()) return page;
  if (!companies->is_array()) return Fail(ErrorCode::kParse, "the Creditsafe search answer's companies is not a list");
  for (const json& company : *companies) {
    FoundCompany found;
    found.match.id = TextAt(company, {"id"});
    if (found.match.id.empty()) return Fail(ErrorCode::kParse, "a company of the Creditsafe search answer has no id");
    found.match.name = TextAt(company, {"name"});
    found.match.country = TextAt(company, {"country"});
    found.match.registration_number = TextAt(company, {"regNo"});
    found.match.status = TextAt(company, {"status"});
    found.office_type = TextAt(company, {"officeType"});
    if (const json* vat = At(company, {"vatNo"}); vat != nullptr) {
      if (vat->is_array() && !vat->empty() && vat->front().is_string()) found.match.vat_number = vat->front();
      if (vat->is_string()) found.match.vat_number = vat->get<std::string>();
    }
    page.companies.push_back(std::move(found));
  }
  return page;
}

Result<std::optional<int64_t>> NormaliseScore(std::string_view value, std::string_view min, std::string_view max) {
  const std::optional<int64_t> score = Integer(value);
  if (!score) return std::optional<int64_t>();  // "Not Rated" and the like
  if (Trim(min).empty() && Trim(max).empty()) return std::optional<int64_t>();
  const std::optional<int64_t> low = Integer(min);
  const std::optional<int64_t> high = Integer(max);
  if (!low || !high || *low >= *high) {
    return Fail(ErrorCode::kParse, "the Creditsafe score scale " + QuoteForMessage(std::string(Trim(min))) + "-" +
                                       QuoteForMessage(std::string(Trim(max))) + " is not two integers min < max");
  }
  if (*score < *low || *score > *high) {
    return Fail(ErrorCode::kParse, "the Creditsafe score " + std::to_string(*score) + " is outside its scale " +
                                       std::to_string(*low) + "-" + std::to_string(*high));
  }
  // Round half up: floor((2n + d) / 2d) with n, d >= 0.
  const int64_t numerator = (*score - *low) * 100;
  const int64_t range = *high - *low;
  return std::optional<int64_t>((2 * numerator + range) / (2 * range));
}

Result<std::optional<model::Money>> ParseCreditLimit(const std::string& currency, const std::string& value) {
  const std::string_view text = Trim(value);
  if (std::none_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::optional<model::Money>();  // "Credit Limit not applicable", "", …
  }
  if (!IsDecimal(text)) {
    return Fail(ErrorCode::kParse, "the Creditsafe credit limit " + QuoteForMessage(std::string(text)) +
                                       " is not a decimal number");
  }
  const std::optional<int> exponent = model::CurrencyExponent(currency);
  if (!exponent) {
    return Fail(ErrorCode::kParse, "the Creditsafe credit limit's currency " + QuoteForMessage(currency) +
                                       " is not an ISO 4217 code");
  }
  auto minor = model::ParseMinorUnits(text, *exponent);
  if (!minor) {
    return Fail(ErrorCode::kParse, "the Creditsafe credit limit " + QuoteForMessage(std::string(text)) + " " +
                                       currency + ": " + minor.error().message);
  }
  return std::optional<model::Money>(model::Money{.minor = *minor, .currency = currency});
}

Result<kit::ScoreReport> ParseReport(std::string_view body, const std::string& requested_id) {
  auto parsed = ParseObject(body, "report");
  if (!parsed) return std::unexpected(parsed.error());
  const json* report = At(*parsed, {"report"});
  if (report == nullptr || !report->is_object()) {
    return Fail(ErrorCode::kParse, "the Creditsafe answer on " + requested_id + " holds no report");
  }
  kit::ScoreReport out;
  kit::CompanyMatch& company = out.company;
  company.id = TextAt(*report, {"companyId"});
  if (company.id.empty()) company.id = requested_id;
  company.name = TextAt(*report, {"companySummary", "businessName"});
  if (company.name.empty()) company.name = TextAt(*report, {"companyIdentification", "basicInformation", "registeredCompanyName"});
  company.country = TextAt(*report, {"companySummary", "country"});
  company.registration_number = TextAt(*report, {"companySummary", "companyRegistrationNumber"});
  company.vat_number = TextAt(*report, {"companyIdentification", "basicInformation", "vatRegistrationNumber"});
  company.status = TextAt(*report, {"companySummary", "companyStatus", "status"});

  const json* rating = At(*report, {"creditScore", "currentCreditRating"});
  if (rating != nullptr && rating->is_object()) {
    const std::string value = TextAt(*rating, {"providerValue", "value"});
    const std::string min = TextAt(*rating, {"providerValue", "minValue"});
    const std::string max = TextAt(*rating, {"providerValue", "maxValue"});
    auto numeric = NormaliseScore(value, min, max);
    if (!numeric) return std::unexpected(numeric.error());
    out.value_numeric = *numeric;
    out.value_raw = value;
    if (!min.empty() || !max.empty()) out.scale = min + "-" + max;
    const std::string band = TextAt(*rating, {"commonValue"});
    const std::string description = TextAt(*rating, {"commonDescription"});
    out.band = band.empty() ? description : description.empty() ? band : band + " (" + description + ")";
    auto limit = ParseCreditLimit(TextAt(*rating, {"creditLimit", "currency"}), TextAt(*rating, {"creditLimit", "value"}));
    if (!limit) return std::unexpected(limit.error());
    out.recommended_limit = *limit;
  }
  out.as_of = TextAt(*report, {"creditScore", "latestRatingChangeDate"});
  out.report = {.content = std::string(body),
                .media_type = "application/json",
                .filename = "creditsafe-" + company.id + ".json"};
  return out;
}

Result<EventsPage> ParseEventsPage(std::string_view body) {
  auto parsed = ParseObject(body, "notification events answer");
  if (!parsed) return std::unexpected(parsed.error());
  EventsPage page;
  if (auto total = Integer(TextAt(*parsed, {"totalCount"}))) page.total_count = *total;
  page.next_page = Integer(TextAt(*parsed, {"paging", "next"}));
  const json* data = At(*parsed, {"data"});
  if (data == nullptr || data->is_null()) return page;
  if (!data->is_array()) return Fail(ErrorCode::kParse, "the Creditsafe notification events are not a list");
  for (const json& item : *data) {
    NotificationEvent event;
    const std::optional<int64_t> id = Integer(TextAt(item, {"eventId"}));
    event.company_id = TextAt(item, {"company", "id"});
    if (!id || event.company_id.empty()) {
      return Fail(ErrorCode::kParse, "a Creditsafe notification event has no eventId or company id");
    }
    event.event_id = *id;
    page.events.push_back(std::move(event));
  }
  return page;
}

std::string ErrorMessage(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return "";
  return TextAt(parsed, {"message"});
}

std::string DescribeRefusal(const http::Response& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  json parsed = json::parse(response.body, nullptr, false);
  if (!parsed.is_object()) return text;
  const std::string message = TextAt(parsed, {"message"});
  const std::string details = TextAt(parsed, {"details"});
  if (!message.empty()) text += ": " + message;
  if (!details.empty() && details != message) text += " (" + details + ")";
  return text;
}

}  // namespace tributary::connectors::creditsafe
