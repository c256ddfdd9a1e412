// The Creditsafe double's data endpoints: company search, reports and Global Monitoring.
#include <algorithm>
#include <cctype>

#include "gateway/common/time_format.h"
#include "tests/testing/creditsafe_double.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;

// The integer parameter `name` in [min, max], `fallback` when absent; nullopt when invalid.
std::optional<int64_t> ParseInt(const std::map<std::string, std::string>& query, const std::string& name,
                                 int64_t fallback, int64_t min, int64_t max) {
  auto found = query.find(name);
  if (found == query.end() || found->second.empty()) return fallback;
  const std::string& text = found->second;
  if (text.size() > 9 || !std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
  const int64_t value = std::stoll(text);
  if (value < min || value > max) return std::nullopt;
  return value;
}

std::string Upper(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string Param(const std::map<std::string, std::string>& query, const std::string& name) {
  auto found = query.find(name);
  return found == query.end() ? "" : found->second;
}

// Upper case without spaces: "fr 85 494814452" and "FR85494814452" are one number.
std::string Compact(std::string text) {
  std::erase_if(text, [](unsigned char c) { return std::isspace(c) != 0; });
  return Upper(text);
}

ordered_json OrNull(const std::string& text) { return text.empty() ? ordered_json() : ordered_json(text); }

}  // namespace

ordered_json CreditsafeDouble::ReportOf(const CreditsafeCompany& company) const {
  const std::string vat = company.vat_numbers.empty() ? "" : company.vat_numbers.front();
  ordered_json rating = {{"commonValue", company.common_value},
                         {"commonDescription", company.common_description},
                         {"creditLimit", {{"currency", company.limit_currency}, {"value", company.limit_value}}},
                         {"providerValue",
                          {{"maxValue", company.provider_max}, {"minValue", company.provider_min}, {"value", company.provider_value}}},
                         {"providerDescription", company.common_description}};
  return {{"companyId", company.id},
          {"language", "EN"},
          {"companySummary",
           {{"businessName", company.name},
            {"country", company.country},
            {"companyRegistrationNumber", company.reg_no},
            {"companyStatus", {{"status", company.status}, {"description", company.status == "Active" ? "Active" : "Closed"}}},
            {"latestTurnoverFigure", {{"currency", company.limit_currency}, {"value", 226415}}},
            {"creditRating", {{"commonValue", company.common_value}, {"commonDescription", company.common_description}}}}},
          {"companyIdentification",
           {{"basicInformation",
             {{"registeredCompanyName", company.name},
              {"vatRegistrationNumber", OrNull(vat)},
              {"legalForm", {{"description", "Limited company"}}}}}}},
          {"creditScore",
           {{"currentCreditRating", rating},
            {"currentContractLimit", {{"currency", company.limit_currency}, {"value", 30000}}},
            {"previousCreditRating", {{"commonValue", "C"}, {"commonDescription", "Moderate Risk"}}},
            {"latestRatingChangeDate", company.latest_rating_change}}},
          {"directors", {{"currentDirectors", ordered_json::array()}}},
          {"financialStatements", ordered_json::array()},
          {"negativeInformation", ordered_json::object()},
          {"paymentData", ordered_json::object()}};
}

http::Response CreditsafeDouble::Search(const std::map<std::string, std::string>& query) {
  const std::string countries = Upper(Param(query, "countries"));
  if (countries.empty()) return Error(400, "Invalid request", "countries is required");
  const std::string reg_no = Compact(Param(query, "regNo"));
  const std::string vat_no = Compact(Param(query, "vatNo"));
  const std::string safe_no = Compact(Param(query, "safeNo"));
  const std::string name = Upper(Param(query, "name"));
  if (reg_no.empty() && vat_no.empty() && safe_no.empty() && name.empty()) {
    return Error(400, "Invalid request", "at least one search criterion is required");
  }
  const std::optional<int64_t> page = ParseInt(query, "page", 1, 1, 100000);
  const std::optional<int64_t> page_size = ParseInt(query, "pageSize", 10, 1, 100);
  if (!page || !page_size) return Error(400, "Invalid request", "page must be >= 1 and pageSize 1 to 100");
  std::vector<const CreditsafeCompany*> matches;
  for (const auto& [id, company] : companies_) {
    if (countries.find(Upper(company.country)) == std::string::npos) continue;
    if (!reg_no.empty() && !Compact(company.reg_no).starts_with(reg_no)) continue;
    if (!vat_no.empty() && std::ranges::none_of(company.vat_numbers, [&](const std::string& vat) { return Compact(vat) == vat_no; })) {
      continue;
    }
    if (!safe_no.empty() && Compact(company.safe_no) != safe_no) continue;
    if (!name.empty() && Upper(company.name).find(name) == std::string::npos) continue;
    matches.push_back(&company);
  }
  ordered_json companies = ordered_json::array();
  const size_t first = static_cast<size_t>((*page - 1) * *page_size);
  for (size_t i = first; i < matches.size() && i < first + static_cast<size_t>(*page_size); ++i) {
    const CreditsafeCompany& company = *matches[i];
    companies.push_back({{"id", company.id},
                         {"country", company.country},
                         {"regNo", company.reg_no},
                         {"safeNo", company.safe_no},
                         {"name", company.name},
                         {"address",
                          {{"simpleValue", company.post_code + " " + company.city},
                           {"city", company.city},
                           {"postCode", company.post_code}}},
                         {"status", company.status},
                         {"type", "Ltd"},
                         {"officeType", company.office_type},
                         {"vatNo", company.vat_numbers},
                         {"dateOfLatestChange", company.latest_rating_change}});
  }
  return Json(200, {{"correlationId", CorrelationId()},
                    {"totalSize", static_cast<int64_t>(matches.size())},
                    {"companies", std::move(companies)}});
}

http::Response CreditsafeDouble::Report(const std::string& id, const std::map<std::string, std::string>& query) {
  const std::string language = Param(query, "language");
  if (!language.empty() && (language.size() != 2 || !std::ranges::all_of(language, [](unsigned char c) { return std::isalpha(c); }))) {
    return Error(400, "Invalid request", "language must be a two-letter code");
  }
  if (auto verbatim = reports_.find(id); verbatim != reports_.end()) {
    return {.status = 200, .headers = {{"Content-Type", "application/json; charset=utf-8"}}, .body = verbatim->second};
  }
  auto company = companies_.find(id);
  if (company == companies_.end()) return Error(404, "Company not found", "No company with connectId " + id);
  return Json(200, {{"correlationId", CorrelationId()}, {"report", ReportOf(company->second)}});
}

http::Response CreditsafeDouble::Watch(int64_t portfolio_id, const std::string& body) {
  auto portfolio = portfolios_.find(portfolio_id);
  if (portfolio == portfolios_.end()) return Error(404, "Portfolio not found");
  const nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
  if (!request.is_object() || !request.contains("id") || !request["id"].is_string() || request["id"].get<std::string>().empty()) {
    return Error(400, "Invalid request", "id is required");
  }
  const std::string id = request["id"];
  if (!companies_.contains(id)) return Error(404, "Company not found", "No company with connectId " + id);
  if (!portfolio->second.companies.insert(id).second) return Error(409, "Company already exists in portfolio");
  return Json(201, {{"correlationId", CorrelationId()}, {"message", "Company added to portfolio"}});
}

http::Response CreditsafeDouble::Events(int64_t portfolio_id, const std::map<std::string, std::string>& query) {
  auto portfolio = portfolios_.find(portfolio_id);
  if (portfolio == portfolios_.end()) return Error(404, "Portfolio not found");
  const std::string sort_by = Param(query, "sortBy").empty() ? "companyName" : Param(query, "sortBy");
  const std::string sort_dir = Param(query, "sortDir").empty() ? "asc" : Param(query, "sortDir");
  if (sort_by != "companyName" && sort_by != "countryCode" && sort_by != "eventId" && sort_by != "eventDate") {
    return Error(400, "Invalid request", "sortBy must be companyName, countryCode, eventId or eventDate");
  }
  if (sort_dir != "asc" && sort_dir != "desc") return Error(400, "Invalid request", "sortDir must be asc or desc");
  const std::optional<int64_t> page = ParseInt(query, "page", 0, 0, 100000);
  const std::optional<int64_t> page_size = ParseInt(query, "pageSize", 50, 1, 1000);
  if (!page || !page_size) return Error(400, "Invalid request", "page must be >= 0 and pageSize 1 to 1000");
  std::vector<Event> events = portfolio->second.events;
  auto company_of = [&](const Event& event) -> const CreditsafeCompany* {
    auto found = companies_.find(event.company_id);
    return found == companies_.end() ? nullptr : &found->second;
  };
  auto key_less = [&](const Event& a, const Event& b) {
    if (sort_by == "eventId") return a.event_id < b.event_id;
    if (sort_by == "eventDate") return a.date < b.date;
    const CreditsafeCompany* ca = company_of(a);
    const CreditsafeCompany* cb = company_of(b);
    const std::string ka = ca == nullptr ? "" : sort_by == "countryCode" ? ca->country : ca->name;
    const std::string kb = cb == nullptr ? "" : sort_by == "countryCode" ? cb->country : cb->name;
    return ka < kb;
  };
  std::ranges::stable_sort(events, [&](const Event& a, const Event& b) {
    return sort_dir == "asc" ? key_less(a, b) : key_less(b, a);
  });
  const int64_t total = static_cast<int64_t>(events.size());
  ordered_json data = ordered_json::array();
  for (int64_t i = *page * *page_size; i < total && i < (*page + 1) * *page_size; ++i) {
    const Event& event = events[static_cast<size_t>(i)];
    const CreditsafeCompany* company = company_of(event);
    data.push_back({{"company",
                     {{"id", event.company_id},
                      {"safeNumber", company == nullptr ? "" : company->safe_no},
                      {"name", company == nullptr ? "" : company->name},
                      {"countryCode", company == nullptr ? "" : company->country},
                      {"portfolioId", portfolio_id},
                      {"portfolioName", portfolio->second.name}}},
                    {"eventId", event.event_id},
                    {"eventDate", FormatRfc3339(event.date)},
                    {"newValue", event.new_value},
                    {"oldValue", event.old_value},
                    {"notificationEventId", event.notification_event_id},
                    {"ruleCode", event.rule_code},
                    {"ruleName", event.rule_code == 101 ? "International Rating Band Change" : "Rule " + std::to_string(event.rule_code)},
                    {"isProcessed", false}});
  }
  const int64_t last = total == 0 ? 0 : (total - 1) / *page_size;
  return Json(200, {{"correlationId", CorrelationId()},
                    {"totalCount", total},
                    {"data", std::move(data)},
                    {"paging",
                     {{"size", *page_size},
                      {"prev", *page > 0 ? ordered_json(*page - 1) : ordered_json()},
                      {"next", *page < last ? ordered_json(*page + 1) : ordered_json()},
                      {"last", last}}}});
}

}  // namespace tributary::testing
