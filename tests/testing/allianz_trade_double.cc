#include "tests/testing/allianz_trade_double.h"

#include <algorithm>
#include <cctype>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kAuthorize = "/v1/idp/oauth2/authorize";
constexpr std::string_view kSearch = "/search/v2/companies/advancedSearch";
constexpr std::string_view kCovers = "/riskinfo/v2/covers";
constexpr std::string_view kJobs = "/riskinfo/v2/jobs/";

std::string KindOf(const std::string& method, const std::string& path) {
  if (path == kAuthorize) return "authorize";
  if (path == kSearch) return "search";
  if (path == kCovers && method == "POST") return "submit";
  if (path == kCovers && method == "GET") return "covers";
  if (path.starts_with(std::string(kCovers) + "/") && method == "DELETE") return "cancel";
  if (path.starts_with(kJobs)) return "job";
  return "other";
}

// Identifiers compare without spaces, dots and case ("FR 85 494814452" = "fr85494814452").
std::string Canonical(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<AllianzTradeDouble>> AllianzTradeDouble::Start(FakeClock& clock,
                                                                      AllianzTradeDoubleOptions options) {
  std::unique_ptr<AllianzTradeDouble> double_(new AllianzTradeDouble(clock, std::move(options)));
  auto server =
      http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                            [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

AllianzTradeDouble::AllianzTradeDouble(FakeClock& clock, AllianzTradeDoubleOptions options)
    : clock_(clock), options_(std::move(options)) {}

AllianzTradeDouble::~AllianzTradeDouble() {
  faults_.Release();
  if (server_) server_->Stop();
}

std::string AllianzTradeDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void AllianzTradeDouble::AddCompany(AllianzTradeCompany company) {
  std::lock_guard lock(mutex_);
  std::string id = company.company_id;
  companies_[id] = std::move(company);
}

void AllianzTradeDouble::Script(const std::string& company_id, AllianzTradeUnderwriting underwriting) {
  std::lock_guard lock(mutex_);
  scripts_[company_id] = std::move(underwriting);
}

void AllianzTradeDouble::RevokeTokens() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
}

void AllianzTradeDouble::FailNext(int n, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  fail_status_ = status;
  fail_retry_after_ = retry_after_seconds;
}

std::vector<AllianzTradeRequest> AllianzTradeDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int AllianzTradeDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::ranges::count_if(requests_, [&](const AllianzTradeRequest& request) {
    return request.kind == kind && (status == 0 || request.status == status);
  }));
}

int AllianzTradeDouble::Submits() const {
  std::lock_guard lock(mutex_);
  return submits_;
}

http::Response AllianzTradeDouble::Json(int status, const ordered_json& body) {
  return {.status = status, .headers = {{"Content-Type", "application/json"}}, .body = body.dump()};
}

http::Response AllianzTradeDouble::Error(int status, const std::string& code, const std::string& message) {
  return Json(status, {{"errors", ordered_json::array({{{"code", code}, {"message", message}}})}});
}

http::Response AllianzTradeDouble::Handle(const http::Request& request) {
  std::unique_lock lock(mutex_);
  const size_t question = request.target.find('?');
  AllianzTradeRequest record{.method = request.method,
                             .path = request.target.substr(0, question),
                             .query = question == std::string::npos ? "" : request.target.substr(question + 1),
                             .headers = request.headers,
                             .body = request.body};
  record.kind = KindOf(record.method, record.path);
  http::Response response;
  bool wrote = false;
  if (faults_.broken()) {
    response = Error(503, "SERVICE_UNAVAILABLE", "Service unavailable");
  } else if (fail_next_ > 0) {
    --fail_next_;
    response = fail_status_ == 429 ? Error(429, "TOO_MANY_REQUESTS", "Too many requests")
                                   : Error(fail_status_, "SERVICE_UNAVAILABLE", "Service unavailable");
    if (fail_retry_after_ > 0) response.headers.emplace_back("Retry-After", std::to_string(fail_retry_after_));
  } else {
    DecideDue();
    const int submits_before = submits_;
    response = Route(request, record.path, qbo::ParseForm(record.query), record.kind);
    wrote = submits_ != submits_before;
  }
  if (wrote) {
    // A held write is at the insurer already; its answer never leaves while held.
    lock.unlock();
    faults_.WaitWhileHeld();
    lock.lock();
  }
  record.status = response.status;
  requests_.push_back(std::move(record));
  return response;
}

http::Response AllianzTradeDouble::Route(const http::Request& request, const std::string& path,
                                         const std::map<std::string, std::string>& query, const std::string& kind) {
  if (kind == "authorize") {
    if (request.method != "POST") return Error(405, "METHOD_NOT_ALLOWED", "Method not allowed");
    return Authorize(request.body);
  }
  if (kind == "other") return Error(404, "NOT_FOUND", "Resource not found");
  if (!Authorized(request)) return Error(401, "UNAUTHORIZED", "The access token is missing, invalid or expired");
  if (kind == "search") {
    if (request.method != "POST") return Error(405, "METHOD_NOT_ALLOWED", "Method not allowed");
    return Search(request.body);
  }
  if (kind == "submit") return RequestCover(request.body);
  if (kind == "cancel") return CancelCover(qbo::UrlDecode(path.substr(kCovers.size() + 1)), query);
  if (kind == "covers") return ListCovers(query);
  if (kind == "job" && request.method == "GET") return ReadJob(qbo::UrlDecode(path.substr(kJobs.size())));
  return Error(405, "METHOD_NOT_ALLOWED", "Method not allowed");
}

http::Response AllianzTradeDouble::Authorize(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("apiKey") || !parsed["apiKey"].is_string()) {
    return Error(400, "INVALID_REQUEST", "apiKey is required");
  }
  if (parsed["apiKey"] != sfdc::Base64Encode(options_.login + ":" + options_.password)) {
    return Error(401, "INVALID_CREDENTIALS", "Invalid API key");
  }
  const std::string token = "at-" + std::to_string(serial_++) + "-" + std::to_string(clock_.Now().time_since_epoch().count());
  tokens_[token] = clock_.Now() + seconds(options_.token_seconds);
  return Json(200, {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", options_.token_seconds}});
}

bool AllianzTradeDouble::Authorized(const http::Request& request) const {
  std::string token = http::FindHeader(request.headers, "Authorization");
  if (!token.starts_with("Bearer ")) return false;
  auto found = tokens_.find(token.substr(7));
  return found != tokens_.end() && clock_.Now() < found->second;
}

http::Response AllianzTradeDouble::Search(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Error(400, "INVALID_REQUEST", "The body is not a JSON object");
  if (!parsed.contains("countryCode") || !parsed["countryCode"].is_string() ||
      parsed["countryCode"].get<std::string>().size() != 2) {
    return Error(400, "INVALID_REQUEST", "countryCode is required (ISO 3166-1 alpha-2)");
  }
  const std::string country = parsed["countryCode"];
  const bool extended = parsed.value("extendCountrySearch", std::string("false")) == "true";
  std::vector<std::string> wanted_ids;
  if (parsed.contains("companyIdentifiers") && parsed["companyIdentifiers"].is_array()) {
    for (const auto& id : parsed["companyIdentifiers"]) {
      if (id.is_object() && id.contains("idValue") && id["idValue"].is_string()) wanted_ids.push_back(Canonical(id["idValue"].get<std::string>()));
    }
  }
  const std::string name = parsed.contains("companyName") && parsed["companyName"].is_string()
                               ? Canonical(parsed["companyName"].get<std::string>())
                               : "";
  if (wanted_ids.empty() && name.empty()) return Error(400, "INVALID_REQUEST", "companyName or companyIdentifiers is required");
  ordered_json results = ordered_json::array();
  for (const auto& [id, company] : companies_) {
    if (!extended && company.country != country) continue;
    bool match = false;
    if (!wanted_ids.empty()) {
      for (const auto& [type, value] : company.identifiers) {
        if (std::ranges::find(wanted_ids, Canonical(value)) != wanted_ids.end()) match = true;
      }
    } else {
      match = Canonical(company.name).find(name) != std::string::npos;
    }
    if (!match) continue;
    ordered_json identifiers = ordered_json::array();
    for (const auto& [type, value] : company.identifiers) identifiers.push_back({{"idTypeCode", type}, {"idValue", value}});
    results.push_back({{"company",
                        {{"companyId", std::stoll(company.company_id)},
                         {"legalData", {{"companyName", company.name}}},
                         {"address", {{"countryCode", company.country}, {"town", "PARIS"}}},
                         {"companyIdentifiers", identifiers}}},
                       {"matchScore", 100}});
  }
  return Json(200, {{"results", results}});
}

}  // namespace tributary::testing
