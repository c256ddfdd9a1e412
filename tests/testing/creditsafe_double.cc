#include "tests/testing/creditsafe_double.h"

#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kBase = "/v1";
constexpr int64_t kTokenSeconds = 3600;
constexpr auto kBadLoginWindow = minutes(2);
constexpr size_t kBadLoginsAllowed = 5;
constexpr auto kLockout = minutes(5);

std::string Base64Url(std::string_view bytes) {
  std::string text = sfdc::Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  std::ranges::replace(text, '+', '-');
  std::ranges::replace(text, '/', '_');
  return text;
}

std::string KindOf(const std::string& method, const std::string& path) {
  if (path == "/v1/authenticate") return "authenticate";
  if (path == "/v1/companies") return "search";
  if (path.starts_with("/v1/companies/")) return "report";
  if (path.starts_with("/v1/monitoring/portfolios/") && path.ends_with("/companies") && method == "POST") return "watch";
  if (path.starts_with("/v1/monitoring/portfolios/") && path.ends_with("/notificationEvents")) return "events";
  return "other";
}

}  // namespace

Result<std::unique_ptr<CreditsafeDouble>> CreditsafeDouble::Start(FakeClock& clock, CreditsafeDoubleOptions options) {
  std::unique_ptr<CreditsafeDouble> double_(new CreditsafeDouble(clock, std::move(options)));
  auto server =
      http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                            [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

CreditsafeDouble::CreditsafeDouble(FakeClock& clock, CreditsafeDoubleOptions options)
    : clock_(clock), options_(std::move(options)) {
  for (const auto& [id, name] : options_.portfolios) portfolios_[id].name = name;
}

CreditsafeDouble::~CreditsafeDouble() {
  if (server_) server_->Stop();
}

std::string CreditsafeDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_) + std::string(kBase); }

void CreditsafeDouble::AddCompany(CreditsafeCompany company) {
  std::lock_guard lock(mutex_);
  std::string id = company.id;
  companies_[id] = std::move(company);
}

void CreditsafeDouble::SetReport(const std::string& id, std::string body) {
  std::lock_guard lock(mutex_);
  reports_[id] = std::move(body);
}

int64_t CreditsafeDouble::InjectEvent(int64_t portfolio_id, const std::string& company_id, int rule_code,
                                      const std::string& old_value, const std::string& new_value) {
  std::lock_guard lock(mutex_);
  auto portfolio = portfolios_.find(portfolio_id);
  if (portfolio == portfolios_.end() || !portfolio->second.companies.contains(company_id)) return 0;
  Event event{.event_id = next_event_id_++,
              .notification_event_id = next_notification_id_++,
              .company_id = company_id,
              .date = clock_.Now(),
              .rule_code = rule_code,
              .old_value = old_value,
              .new_value = new_value};
  portfolio->second.events.push_back(event);
  return event.event_id;
}

std::set<std::string> CreditsafeDouble::PortfolioCompanies(int64_t portfolio_id) const {
  std::lock_guard lock(mutex_);
  auto portfolio = portfolios_.find(portfolio_id);
  return portfolio == portfolios_.end() ? std::set<std::string>() : portfolio->second.companies;
}

void CreditsafeDouble::RevokeTokens() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
}

void CreditsafeDouble::FailNext(int n, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  fail_status_ = status;
  fail_retry_after_ = retry_after_seconds;
}

std::vector<CreditsafeRequest> CreditsafeDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int CreditsafeDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::ranges::count_if(requests_, [&](const CreditsafeRequest& request) {
    return request.kind == kind && (status == 0 || request.status == status);
  }));
}

std::string CreditsafeDouble::CorrelationId() {
  char text[40];
  std::snprintf(text, sizeof text, "c85e5f4e-%04x-11ea-b9af-%012llx", static_cast<unsigned>(serial_ & 0xffff),
                static_cast<unsigned long long>(serial_));
  ++serial_;
  return text;
}

http::Response CreditsafeDouble::Json(int status, const ordered_json& body) {
  return {.status = status, .headers = {{"Content-Type", "application/json; charset=utf-8"}}, .body = body.dump()};
}

http::Response CreditsafeDouble::Error(int status, const std::string& message, const std::string& details) {
  ordered_json body = {{"correlationId", CorrelationId()}, {"message", message}};
  if (!details.empty()) body["details"] = details;
  return Json(status, body);
}

http::Response CreditsafeDouble::Handle(const http::Request& request) {
  // A held report blocks before the lock: the other calls go on meanwhile.
  if (KindOf(request.method, request.target.substr(0, request.target.find('?'))) == "report") faults_.WaitWhileHeld();
  std::lock_guard lock(mutex_);
  const size_t question = request.target.find('?');
  CreditsafeRequest record{.method = request.method,
                           .path = request.target.substr(0, question),
                           .query = question == std::string::npos ? "" : request.target.substr(question + 1),
                           .headers = request.headers,
                           .body = request.body};
  record.kind = KindOf(record.method, record.path);
  http::Response response;
  if (faults_.broken()) {
    response = Error(503, "Service unavailable");
  } else if (fail_next_ > 0) {
    --fail_next_;
    response = Error(fail_status_, fail_status_ == 429 ? "Too many requests" : "Service unavailable");
    if (fail_retry_after_ > 0) response.headers.emplace_back("Retry-After", std::to_string(fail_retry_after_));
  } else {
    response = Route(request, record.path, qbo::ParseForm(record.query), record.kind);
  }
  record.status = response.status;
  requests_.push_back(std::move(record));
  return response;
}

http::Response CreditsafeDouble::Route(const http::Request& request, const std::string& path,
                                       const std::map<std::string, std::string>& query, std::string& kind) {
  if (kind == "authenticate") {
    if (request.method != "POST") return Error(405, "Method not allowed");
    return Authenticate(request.body);
  }
  if (!path.starts_with("/v1/")) return Error(404, "Resource not found");
  if (!Authorized(request)) return Error(401, "Unauthorized", "The access token is missing, invalid or expired");
  if (kind == "search" && request.method == "GET") return Search(query);
  if (kind == "report" && request.method == "GET") {
    return Report(qbo::UrlDecode(path.substr(std::string("/v1/companies/").size())), query);
  }
  if (kind == "watch" || kind == "events") {
    const std::string rest = path.substr(std::string("/v1/monitoring/portfolios/").size());
    const std::string id_text = rest.substr(0, rest.find('/'));
    if (id_text.empty() || !std::ranges::all_of(id_text, [](unsigned char c) { return std::isdigit(c); })) {
      return Error(400, "Invalid portfolioId", "portfolioId must be a number");
    }
    const int64_t portfolio_id = std::stoll(id_text);
    if (kind == "watch") return Watch(portfolio_id, request.body);
    if (request.method == "GET") return Events(portfolio_id, query);
  }
  return Error(404, "Resource not found");
}

http::Response CreditsafeDouble::Authenticate(const std::string& body) {
  const auto now = clock_.Now();
  if (now < login_locked_until_) return Error(429, "Too many requests", "Try again in a few minutes");
  const nlohmann::json credentials = nlohmann::json::parse(body, nullptr, false);
  if (!credentials.is_object() || !credentials.contains("username") || !credentials["username"].is_string() ||
      !credentials.contains("password") || !credentials["password"].is_string()) {
    return Error(400, "Invalid request", "username and password are required");
  }
  if (credentials["username"] != options_.username || credentials["password"] != options_.password) {
    auto& attempts = bad_logins_[body];
    std::erase_if(attempts, [&](system_clock::time_point at) { return at <= now - kBadLoginWindow; });
    attempts.push_back(now);
    if (attempts.size() > kBadLoginsAllowed) {
      login_locked_until_ = now + kLockout;
      return Error(429, "Too many requests", "Try again in a few minutes");
    }
    return Error(401, "Access denied - Please check that your username and password are correct");
  }
  const int64_t iat = duration_cast<seconds>(now.time_since_epoch()).count();
  const ordered_json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  const ordered_json payload = {{"username", options_.username},
                                {"iat", iat},
                                {"exp", iat + kTokenSeconds},
                                {"jti", std::to_string(serial_++)}};
  const std::string token = Base64Url(header.dump()) + "." + Base64Url(payload.dump()) + "." +
                            Base64Url("double-signature-" + std::to_string(serial_++));
  tokens_[token] = now + seconds(kTokenSeconds);
  return Json(200, {{"token", token}});
}

bool CreditsafeDouble::Authorized(const http::Request& request) const {
  std::string token = http::FindHeader(request.headers, "Authorization");
  if (token.starts_with("Bearer ")) token = token.substr(7);
  auto found = tokens_.find(token);
  return found != tokens_.end() && clock_.Now() < found->second;
}

}  // namespace tributary::testing
