#include "tests/testing/atradius_double.h"

#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kTokenPath = "/authenticate/v2/tokens";
constexpr std::string_view kBuyersPath = "/credit-insurance/organisation-management/v1/buyers";
constexpr std::string_view kCoversPath = "/credit-insurance/cover-management/v1/covers";

std::string KindOf(const std::string& method, const std::string& path) {
  if (path == kTokenPath) return "token";
  if (path == kBuyersPath) return "buyers";
  if (path == kCoversPath) return method == "GET" ? "covers" : "submit";
  return "other";
}

}  // namespace

Result<std::unique_ptr<AtradiusDouble>> AtradiusDouble::Start(FakeClock& clock, AtradiusDoubleOptions options) {
  std::unique_ptr<AtradiusDouble> double_(new AtradiusDouble(clock, std::move(options)));
  auto server =
      http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                            [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

AtradiusDouble::AtradiusDouble(FakeClock& clock, AtradiusDoubleOptions options)
    : clock_(clock), options_(std::move(options)) {}

AtradiusDouble::~AtradiusDouble() {
  faults_.Release();
  if (server_) server_->Stop();
}

std::string AtradiusDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void AtradiusDouble::AddBuyer(AtradiusBuyer buyer) {
  std::lock_guard lock(mutex_);
  std::string id = buyer.buyer_id;
  buyers_[id] = std::move(buyer);
}

void AtradiusDouble::Script(const std::string& buyer_id, UnderwriterScript script) {
  std::lock_guard lock(mutex_);
  scripts_[buyer_id] = std::move(script);
}

void AtradiusDouble::AmountsAsStrings(bool on) {
  std::lock_guard lock(mutex_);
  amounts_as_strings_ = on;
}

void AtradiusDouble::RevokeTokens() {
  std::lock_guard lock(mutex_);
  tokens_.clear();
}

void AtradiusDouble::FailNext(int n, int status, int retry_after_seconds) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  fail_status_ = status;
  fail_retry_after_ = retry_after_seconds;
}

std::vector<AtradiusRequest> AtradiusDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int AtradiusDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::ranges::count_if(requests_, [&](const AtradiusRequest& request) {
    return request.kind == kind && (status == 0 || request.status == status);
  }));
}

int AtradiusDouble::submits() const {
  std::lock_guard lock(mutex_);
  return submits_;
}

http::Response AtradiusDouble::Json(int status, const ordered_json& body) {
  return {.status = status, .headers = {{"Content-Type", "application/json"}}, .body = body.dump()};
}

http::Response AtradiusDouble::Error(int status, const std::string& detail, const std::string& parameter) {
  ordered_json error = {{"status", std::to_string(status)}, {"detail", detail}};
  if (!parameter.empty()) error["source"] = {{"parameter", parameter}};
  return Json(status, {{"errors", ordered_json::array({error})}});
}

http::Response AtradiusDouble::Handle(const http::Request& request) {
  const size_t question = request.target.find('?');
  AtradiusRequest record{.method = request.method,
                         .path = request.target.substr(0, question),
                         .query = question == std::string::npos ? "" : request.target.substr(question + 1),
                         .headers = request.headers,
                         .body = request.body};
  record.kind = KindOf(record.method, record.path);
  bool hold = false;
  http::Response response;
  {
    std::lock_guard lock(mutex_);
    if (faults_.broken()) {
      response = Error(503, "Service Unavailable");
    } else if (fail_next_ > 0) {
      --fail_next_;
      response = Error(fail_status_, fail_status_ == 429 ? "Too Many Requests" : "Service Unavailable");
      if (fail_retry_after_ > 0) response.headers.emplace_back("Retry-After", std::to_string(fail_retry_after_));
    } else {
      response = Route(request, record.path, qbo::ParseForm(record.query), record.kind, hold);
    }
    record.status = response.status;
    requests_.push_back(std::move(record));
  }
  // A held submit has recorded its cover: it blocks now, unanswered, outside the lock.
  if (hold) faults_.WaitWhileHeld();
  return response;
}

http::Response AtradiusDouble::Route(const http::Request& request, const std::string& path,
                                     const std::map<std::string, std::string>& query, const std::string& kind,
                                     bool& hold) {
  if (kind == "token") {
    if (request.method != "POST") return Error(405, "Method Not Allowed");
    return Token(request);
  }
  if (auto refused = Unauthorized(request)) return *refused;
  Underwrite();
  if (kind == "buyers" && request.method == "GET") return Buyers(query);
  if (kind == "covers") return ListCovers(query);
  if (kind == "submit" && (request.method == "POST" || request.method == "PUT")) {
    return Submit(request.method, request.body, hold);
  }
  if (path == kCoversPath || path == kBuyersPath) return Error(405, "Method Not Allowed");
  return Error(404, "Resource not found");
}

http::Response AtradiusDouble::Token(const http::Request& request) {
  const std::string app_key = http::FindHeader(request.headers, "Atradius-App-Key");
  const std::string expected_basic =
      "Basic " + sfdc::Base64Encode(options_.client_id + ":" + options_.client_secret);
  if (app_key != options_.api_key) return Error(401, "Invalid or missing Atradius-App-Key", "Atradius-App-Key");
  if (http::FindHeader(request.headers, "Authorization") != expected_basic) {
    return Error(401, "Invalid client credentials", "Authorization");
  }
  const std::string token = "atr-" + std::to_string(serial_++) + "-" + std::to_string(port_);
  tokens_[token] = clock_.Now() + seconds(options_.token_seconds);
  return Json(200, {{"data", {{"access_token", token}, {"token_type", "Bearer"}, {"expires_in", options_.token_seconds}}}});
}

std::optional<http::Response> AtradiusDouble::Unauthorized(const http::Request& request) {
  std::string token = http::FindHeader(request.headers, "Authorization");
  if (!token.starts_with("Bearer ")) return Error(401, "Missing bearer token", "Authorization");
  auto found = tokens_.find(token.substr(7));
  if (found == tokens_.end() || clock_.Now() >= found->second) {
    return Error(401, "The access token is invalid or has expired", "Authorization");
  }
  if (http::FindHeader(request.headers, "Atradius-App-Key") != options_.api_key) {
    return Error(403, "Invalid or missing Atradius-App-Key", "Atradius-App-Key");
  }
  return std::nullopt;
}

}  // namespace tributary::testing
