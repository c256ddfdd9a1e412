#include "tests/testing/dnb_double.h"

#include <algorithm>
#include <cctype>

#include "gateway/common/time_format.h"
#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kRegistrations = "/v1/monitoring/registrations/";
constexpr const char* kFinancialBlock = "financialstrengthinsight_L2_v1";
constexpr const char* kIdentityBlock = "companyinfo_L2_v1";

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(separator, start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string KindOf(const std::string& path) {
  if (path == "/v1/token" || path == "/v2/token" || path == "/v3/token") return "token";
  if (path == "/v1/match/cleanseMatch") return "match";
  if (path.starts_with("/v1/data/duns/")) return "data";
  if (path.starts_with(kRegistrations) && path.find("/subjects/") != std::string::npos) return "subjects";
  if (path.starts_with(kRegistrations) && path.ends_with("/notifications")) return "notifications";
  return "other";
}

int IntegerOr(const std::map<std::string, std::string>& query, const std::string& name, int fallback) {
  auto found = query.find(name);
  if (found == query.end()) return fallback;
  try {
    return std::stoi(found->second);
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

Result<std::unique_ptr<DnbDouble>> DnbDouble::Start(const FakeClock& clock, DnbDoubleOptions options) {
  std::unique_ptr<DnbDouble> double_(new DnbDouble(clock, std::move(options)));
  auto server = http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                                      [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

DnbDouble::DnbDouble(const FakeClock& clock, DnbDoubleOptions options) : clock_(clock), options_(std::move(options)) {
  for (const std::string& reference : options_.registrations) registrations_[reference];
}

DnbDouble::~DnbDouble() {
  if (server_) server_->Stop();
}

std::string DnbDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

ordered_json DnbDouble::Amount(const std::string& decimal_text) { return qbo::ExactNumber(decimal_text); }

ordered_json DnbDouble::Assessment(const ordered_json& percentile, int class_score, const std::string& class_description,
                                   const std::string& limit, const std::string& currency, const std::string& score_date) {
  ordered_json failure = ordered_json::object();
  if (!percentile.is_null()) failure["nationalPercentile"] = percentile;
  if (class_score > 0) failure["classScore"] = class_score;
  if (!class_description.empty()) failure["classScoreDescription"] = class_description;
  failure["scoreDate"] = score_date;
  ordered_json assessment = {{"failureScore", failure}};
  if (!limit.empty()) {
    const bool numeric = std::all_of(limit.begin(), limit.end(), [](unsigned char c) { return std::isdigit(c) || c == '.' || c == '-'; });
    assessment["creditLimitRecommendation"] = {
        {"assessmentDate", score_date},
        {"maximumRecommendedLimit", {{"value", numeric ? Amount(limit) : ordered_json(limit)}, {"currency", currency}}}};
  }
  return assessment;
}

void DnbDouble::PutCompany(DnbCompany company) {
  std::lock_guard lock(mutex_);
  std::string duns = company.duns;
  companies_[duns] = std::move(company);
}

bool DnbDouble::Notify(const std::string& registration, const std::string& duns, const std::string& element,
                       const ordered_json& previous, const ordered_json& current) {
  std::lock_guard lock(mutex_);
  auto found = registrations_.find(registration);
  if (found == registrations_.end() || !found->second.subjects.contains(duns)) return false;
  found->second.pending.push_back(
      {.duns = duns,
       .element = {{"element", element},
                   {"previous", previous},
                   {"current", current},
                   {"timestamp", FormatRfc3339(clock_.Now(), true)}}});
  return true;
}

std::set<std::string> DnbDouble::Subjects(const std::string& registration) const {
  std::lock_guard lock(mutex_);
  auto found = registrations_.find(registration);
  return found == registrations_.end() ? std::set<std::string>{} : found->second.subjects;
}

size_t DnbDouble::PendingNotifications(const std::string& registration) const {
  std::lock_guard lock(mutex_);
  auto found = registrations_.find(registration);
  return found == registrations_.end() ? 0 : found->second.pending.size();
}

void DnbDouble::FailNext(int n) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
}

void DnbDouble::ThrottleNext(int n, const std::string& code) {
  std::lock_guard lock(mutex_);
  throttle_next_ = n;
  throttle_code_ = code;
}

void DnbDouble::ExpireTokens() {
  std::lock_guard lock(mutex_);
  for (auto& [token, state] : tokens_) state.expiry = clock_.Now();
}

void DnbDouble::RevokeTokens() {
  std::lock_guard lock(mutex_);
  revoked_ += static_cast<int>(tokens_.size());
  tokens_.clear();
}

int DnbDouble::TokensIssued() const {
  std::lock_guard lock(mutex_);
  return revoked_ + static_cast<int>(tokens_.size());
}

std::vector<DnbRequest> DnbDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int DnbDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const DnbRequest& request) {
    return request.kind == kind && (status == 0 || request.status == status);
  }));
}

// --- answers ---------------------------------------------------------------------------

ordered_json DnbDouble::TransactionDetail() {
  return {{"transactionID", "rrt-0d1b" + std::to_string(++serial_) + "-c-ea-17368-32348214-3"},
          {"transactionTimestamp", FormatRfc3339(clock_.Now(), true)},
          {"inLanguage", "en-US"},
          {"serviceVersion", "1"}};
}

http::Response DnbDouble::Json(int status, ordered_json body) {
  ordered_json framed = {{"transactionDetail", TransactionDetail()}};
  for (auto& [key, value] : body.items()) framed[key] = value;
  return {.status = status, .headers = {{"Content-Type", "application/json;charset=UTF-8"}}, .body = qbo::Dump(framed)};
}

http::Response DnbDouble::Error(int status, const std::string& code, const std::string& message) {
  return Json(status, {{"error", {{"errorCode", code}, {"errorMessage", message}}}});
}

http::Response DnbDouble::Handle(const http::Request& request) {
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : request.target.substr(question + 1);
  if (KindOf(path) == "data") faults_.WaitWhileHeld();  // before the lock: other calls go on
  std::lock_guard lock(mutex_);
  std::string kind = KindOf(path);
  http::Response response = faults_.broken() ? Error(503, "00002", "Timeout") : Route(request, path, query, kind);
  requests_.push_back({.method = request.method,
                       .path = path,
                       .query = query,
                       .headers = request.headers,
                       .body = request.body,
                       .status = response.status,
                       .kind = kind});
  return response;
}

http::Response DnbDouble::Route(const http::Request& request, const std::string& path, const std::string& query_text,
                                std::string& kind) {
  if (kind == "token") {
    if (request.method != "POST") return Error(405, "00003", "Method not allowed");
    return IssueToken(request, path.substr(1, 2));
  }
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  auto token = authorization.starts_with("Bearer ") ? tokens_.find(authorization.substr(7)) : tokens_.end();
  if (token == tokens_.end()) return Error(401, "00041", "Unauthorized");
  if (token->second.expiry <= clock_.Now()) return Error(401, "00040", "Token expired");
  if (fail_next_ > 0) {
    --fail_next_;
    return Error(503, "00002", "Timeout");
  }
  if (throttle_next_ > 0) {
    --throttle_next_;
    return Error(429, throttle_code_, "Too Many Requests");
  }
  if (options_.max_requests_per_second > 0) {
    const int64_t second = duration_cast<seconds>(clock_.Now().time_since_epoch()).count();
    if (second != rate_second_) {
      rate_second_ = second;
      rate_count_ = 0;
    }
    if (++rate_count_ > options_.max_requests_per_second) return Error(429, "00045", "Too Many Requests");
  }
  const std::map<std::string, std::string> query = qbo::ParseForm(query_text);
  if (kind == "match" && request.method == "GET") return Match(query);
  if (kind == "data" && request.method == "GET") return Data(path.substr(std::string("/v1/data/duns/").size()), query);
  if (kind == "subjects" || kind == "notifications") {
    const std::string rest = path.substr(kRegistrations.size());
    const std::string reference = qbo::UrlDecode(rest.substr(0, rest.find('/')));
    if (kind == "subjects" && request.method == "POST") return AddSubject(reference, rest.substr(rest.rfind('/') + 1));
    if (kind == "notifications" && request.method == "GET") return Pull(reference, query);
  }
  kind = "other";
  return Error(404, "00004", "Resource not found");
}

http::Response DnbDouble::IssueToken(const http::Request& request, const std::string& version) {
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  std::optional<std::string> credentials;
  if (authorization.starts_with("Basic ")) credentials = sfdc::Base64Decode(authorization.substr(6));
  if (!credentials || *credentials != options_.consumer_key + ":" + options_.consumer_secret) {
    return Error(401, "00041", "Invalid credentials");
  }
  const std::string content_type = Lower(http::FindHeader(request.headers, "Content-Type"));
  if (version == "v3") {
    if (!content_type.starts_with("application/x-www-form-urlencoded") ||
        qbo::ParseForm(request.body)["grant_type"] != "client_credentials") {
      return Error(400, "00003", "Missing or invalid grant_type");
    }
  } else {
    if (!content_type.starts_with("application/json")) return Error(400, "00003", "Content-Type must be application/json");
    const ordered_json body = ordered_json::parse(request.body, nullptr, false);
    if (body.is_discarded()) return Error(400, "00008", "Malformed payload");
    if (!body.is_object() || body.value("grant_type", "") != "client_credentials") {
      return Error(400, "00003", "Missing or invalid grant_type");
    }
  }
  const std::string token = "dnb-token-" + std::to_string(++serial_) + "-" + std::to_string(tokens_.size());
  tokens_[token] = {.expiry = clock_.Now() + seconds(options_.token_seconds)};
  if (version == "v3") {
    return Json(200, {{"access_token", token}, {"expires_in", options_.token_seconds}, {"token_type", "Bearer"}});
  }
  return Json(200, {{"access_token", token}, {"expiresIn", options_.token_seconds}});
}

ordered_json DnbDouble::Identity(const DnbCompany& company) const {
  return {{"duns", company.duns},
          {"primaryName", company.name},
          {"countryISOAlpha2Code", company.country},
          {"primaryAddress", {{"addressCountry", {{"isoAlpha2Code", company.country}}}}},
          {"registrationNumbers", company.registration_number.empty()
                                      ? ordered_json::array()
                                      : ordered_json::array({{{"registrationNumber", company.registration_number},
                                                              {"isPreferredRegistrationNumber", true}}})},
          {"dunsControlStatus",
           {{"operatingStatus",
             {{"description", company.status}, {"dnbCode", company.status == "Active" ? 9074 : 403}}}}}};
}

http::Response DnbDouble::Match(const std::map<std::string, std::string>& query) {
  auto get = [&](const char* name) {
    auto found = query.find(name);
    return found == query.end() ? std::string() : found->second;
  };
  const std::string country = get("countryISOAlpha2Code");
  const std::string registration = get("registrationNumber");
  const std::string name = Lower(get("name"));
  if (country.size() != 2) return Error(400, "00003", "countryISOAlpha2Code is required");
  if (registration.empty() && name.empty()) return Error(400, "00003", "name or registrationNumber is required");
  const int maximum = IntegerOr(query, "candidateMaximumQuantity", 5);
  const int threshold = IntegerOr(query, "confidenceLowerLevelThresholdValue", 1);
  if (maximum < 1 || threshold < 1 || threshold > 10) return Error(400, "00003", "Invalid parameter value");
  std::vector<std::pair<int, const DnbCompany*>> scored;
  for (const auto& [duns, company] : companies_) {
    if (company.country != country) continue;
    const std::string own = Lower(company.name);
    int confidence = 0;
    if (!registration.empty() && registration == company.registration_number) confidence = 10;
    else if (!name.empty() && own == name) confidence = 8;
    else if (!name.empty() && (own.find(name) != std::string::npos || name.find(own) != std::string::npos)) confidence = 6;
    if (confidence == 0) continue;
    if (company.confidence > 0) confidence = company.confidence;
    if (confidence >= threshold) scored.emplace_back(confidence, &company);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (scored.size() > static_cast<size_t>(maximum)) scored.resize(static_cast<size_t>(maximum));
  if (scored.empty() && options_.no_match_as_404) return Error(404, "20502", "No match found for the requested input");
  ordered_json candidates = ordered_json::array();
  int sequence = 0;
  for (const auto& [confidence, company] : scored) {
    const char* grade = confidence == 10 ? "AAAAAAAAFAA" : confidence >= 8 ? "AZZAAZZZFAZ" : "BZZAAZZZFAZ";
    candidates.push_back({{"displaySequence", ++sequence},
                          {"organization", Identity(*company)},
                          {"matchQualityInformation",
                           {{"confidenceCode", confidence}, {"matchGrade", grade}, {"matchDataProfile", "0000000000989800000000009898"}}}});
  }
  return Json(200, {{"inquiryDetail", {{"countryISOAlpha2Code", country}, {"registrationNumber", registration}, {"name", get("name")}}},
                    {"candidatesMatchedQuantity", candidates.size()},
                    {"matchDataCriteria", registration.empty() ? "Name and Address Lookup" : "National ID Lookup"},
                    {"matchCandidates", candidates}});
}

http::Response DnbDouble::Data(const std::string& duns, const std::map<std::string, std::string>& query) {
  auto blocks_param = query.find("blockIDs");
  if (blocks_param == query.end() || blocks_param->second.empty()) return Error(400, "00003", "blockIDs is required");
  const std::vector<std::string> blocks = Split(blocks_param->second, ',');
  for (const std::string& block : blocks) {
    if (block != kIdentityBlock && block != kFinancialBlock) return Error(400, "00003", "Invalid blockID " + block);
  }
  auto company = companies_.find(duns);
  if (company == companies_.end()) return Error(404, "10500", "DUNS not found");
  ordered_json organization = {{"duns", duns}};
  ordered_json status = ordered_json::array();
  for (const std::string& block : blocks) {
    status.push_back({{"blockID", block}, {"status", "ok"}, {"reason", nullptr}});
    if (block == kIdentityBlock) {
      const ordered_json identity = Identity(company->second);
      for (auto& [key, value] : identity.items()) organization[key] = value;
    } else if (!company->second.assessment.is_null()) {
      organization["dnbAssessment"] = company->second.assessment;
    }
  }
  return Json(200, {{"inquiryDetail", {{"duns", duns}, {"blockIDs", blocks}}},
                    {"blockStatus", status},
                    {"organization", organization}});
}

http::Response DnbDouble::AddSubject(const std::string& reference, const std::string& duns) {
  auto registration = registrations_.find(reference);
  if (registration == registrations_.end()) return Error(404, "21501", "Registration not found");
  if (duns.size() != 9 || !std::all_of(duns.begin(), duns.end(), ::isdigit)) {
    return Error(400, "00003", "Invalid subjectID");
  }
  if (!registration->second.subjects.insert(duns).second) {
    return Error(400, "21012", "The requested duns already exists in your registration profile");
  }
  return Json(200, {{"information", {{"code", "21113"}, {"message", "Requested subjectID added to registration successfully."}}}});
}

http::Response DnbDouble::Pull(const std::string& reference, const std::map<std::string, std::string>& query) {
  auto registration = registrations_.find(reference);
  if (registration == registrations_.end()) return Error(404, "21501", "Registration not found");
  const int maximum = IntegerOr(query, "maximumQuantity", 10);
  if (maximum < 1 || maximum > 100) return Error(400, "00003", "maximumQuantity must be from 1 to 100");
  ordered_json notifications = ordered_json::array();
  auto& pending = registration->second.pending;
  while (!pending.empty() && notifications.size() < static_cast<size_t>(maximum)) {
    notifications.push_back({{"type", "UPDATE"},
                             {"organization", {{"duns", pending.front().duns}}},
                             {"elements", ordered_json::array({pending.front().element})},
                             {"deliveryTimeStamp", FormatRfc3339(clock_.Now(), true)}});
    pending.pop_front();
  }
  return Json(200, {{"inquiryDetail", {{"reference", reference}}}, {"notifications", notifications}});
}

}  // namespace tributary::testing
