#include "connectors/creditsafe/creditsafe_provider.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "gateway/http/retry_policy.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::creditsafe {
namespace {

// A notification-events read stops after this many pages (a portfolio left unread for
// months); the events past them are older than the ones read.
constexpr int kMaxEventPages = 50;

kit::Reading ReadAnswer(const http::Response& response) {
  // A token past its hour, or revoked: one new login, then the call again.
  if (response.status == 401) return kit::Reading::kAuthExpired;
  if (response.status == 429) return kit::Reading::kThrottled;
  return kit::Reading::kCommon;
}

bool IsSuccess(const http::Response& response) { return response.status >= 200 && response.status < 300; }

std::string Lower(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

store::GrantId GrantIdOf(const CreditsafeConfig& settings) {
  // The user key names the account without being written in clear into the store.
  return {.provider = "creditsafe", .client_id = "", .account = model::Sha256Hex(settings.username.value).substr(0, 16)};
}

http::Request AuthenticateRequest(const CreditsafeConfig& settings) {
  const nlohmann::json credentials = {{"username", settings.username.value}, {"password", settings.password.value}};
  return {.method = "POST",
          .target = settings.AuthenticateUrl(),
          .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
          .body = credentials.dump()};
}

CreditsafeProvider::CreditsafeProvider(const CreditsafeConfig& settings, ProviderContext context)
    : settings_(settings), context_(std::move(context)) {}

CreditsafeProvider::~CreditsafeProvider() = default;

Status CreditsafeProvider::Start() {
  if (caller_) return Ok();
  auto opened = store::Store::Open(context_.state_path);
  if (!opened) return std::unexpected(opened.error());
  store_ = std::move(*opened);
  client_ = http::MakeCurlClient(settings_.http.ClientOptions());
  grant_ = std::make_unique<kit::TokenExchangeGrant>(
      kit::GrantIdentity{.id = GrantIdOf(settings_), .provider_name = "Creditsafe", .token_url = settings_.AuthenticateUrl()},
      [this](http::HttpClient& client) { return Login(client); });
  kit::GrantLocks* locks = context_.grant_locks;
  if (locks == nullptr) {
    own_locks_ = std::make_unique<kit::GrantLocks>();
    locks = own_locks_.get();
  }
  keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, context_.connector, "systemctl reload tributary", *store_,
                                               *client_, *locks, *context_.clock, context_.metrics);
  if (context_.budgets != nullptr) {
    budget_ = context_.budgets->For("creditsafe:" + GrantIdOf(settings_).account, settings_.http.budget);
  } else {
    budget_ = std::make_shared<kit::RequestBudget>(settings_.http.budget, *context_.clock);
  }
  caller_ = std::make_unique<kit::ApiCaller>(kit::ApiCallerOptions{.connector = context_.connector,
                                                                   .provider_name = "Creditsafe",
                                                                   .policy = settings_.http,
                                                                   .read_answer = ReadAnswer,
                                                                   .describe_refusal = DescribeRefusal},
                                             *client_, *budget_, keeper_.get(), *context_.clock, context_.metrics);
  return Ok();
}

kit::TokenOutcome CreditsafeProvider::Login(http::HttpClient& client) {
  const std::string where = "Creditsafe /authenticate";
  const auto now = context_.clock->Now();
  if (login_locked_until_ && now < *login_locked_until_) {
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " refuses logins for 5 minutes after too many attempts; no login "
                                                   "is tried before " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(*login_locked_until_ - now).count()) + "s from now"}});
  }
  auto response = client.Send(AuthenticateRequest(settings_));
  if (!response) {
    Error error = response.error();
    error.message = where + ": " + error.message;
    return std::unexpected(kit::TokenFailure{.error = std::move(error)});
  }
  if (response->status == 200) {
    const nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    if (body.is_object() && body.contains("token") && body["token"].is_string() &&
        !body["token"].get<std::string>().empty()) {
      return kit::TokenAnswer{.access_token = body["token"].get<std::string>(), .expires_in = kTokenSeconds};
    }
    return std::unexpected(kit::TokenFailure{.error = {ErrorCode::kUnavailable, where + " answered 200 without a token"}});
  }
  if (response->status == 429) {
    auto until = now + kLoginLockout;
    if (auto asked = http::RetryAfterOf(*response, now)) until = std::max(until, now + *asked);
    login_locked_until_ = until;
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " answered 429 Too Many Requests: Creditsafe locks logins for 5 "
                                                   "minutes; the daemon waits before logging in again"}});
  }
  if (response->status >= 500 || response->status == 408) {
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " answered " + DescribeRefusal(*response)}});
  }
  // 401: wrong user key or password. Never retried by itself: Creditsafe locks the account
  // after repeated failures.
  return std::unexpected(kit::TokenFailure{
      .error = {ErrorCode::kRejected, where + " refused the username and password (" + DescribeRefusal(*response) +
                                          "); Creditsafe locks the account after repeated failures, so no login is "
                                          "tried again until the config is fixed"}});
}

Result<http::Response> CreditsafeProvider::Get(const std::string& target, const std::string& what,
                                               std::stop_token stop) {
  if (auto started = Start(); !started) return std::unexpected(started.error());
  return caller_->Send({.method = "GET", .target = settings_.base_url + target, .headers = {{"Accept", "application/json"}}},
                       what, stop);
}

Result<std::vector<kit::CompanyMatch>> CreditsafeProvider::FindCompany(const kit::CompanyQuery& query,
                                                                       std::stop_token stop) {
  std::string parameter;
  std::string value;
  if (!query.registration_number.empty()) {
    parameter = "regNo";
    value = query.registration_number;
  } else if (!query.vat_number.empty()) {
    parameter = "vatNo";
    value = query.vat_number;
  } else if (!query.name.empty()) {
    parameter = "name";
    value = query.name;
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "Creditsafe does not search by " + query.Describe() + "; give a registration number, a VAT number or a name");
  }
  std::vector<FoundCompany> found;
  for (int page = 1; page <= kMaxSearchPages; ++page) {
    const std::string target = "/companies?countries=" + kit::UrlEncode(query.country) + "&" + parameter + "=" +
                               kit::UrlEncode(value) + "&page=" + std::to_string(page) +
                               "&pageSize=" + std::to_string(kSearchPageSize);
    auto response = Get(target, "the search for " + query.Describe(), stop);
    if (!response) return std::unexpected(response.error());
    if (!IsSuccess(*response)) {
      return Fail(ErrorCode::kRejected, "Creditsafe refused the search for " + query.Describe() + " in " + query.country +
                                            ": " + caller_->last_refusal());
    }
    auto parsed = ParseSearchPage(response->body);
    if (!parsed) return std::unexpected(parsed.error());
    for (FoundCompany& company : parsed->companies) found.push_back(std::move(company));
    if (parsed->companies.empty() || static_cast<int64_t>(found.size()) >= parsed->total_size) break;
  }
  if (parameter == "regNo" && found.size() > 1) {
    // A SIREN finds the head office and every establishment of one company: the head
    // office is the company.
    std::vector<FoundCompany> head_offices;
    std::ranges::copy_if(found, std::back_inserter(head_offices),
                         [](const FoundCompany& company) { return Lower(company.office_type) == "headoffice"; });
    if (head_offices.size() == 1) found = std::move(head_offices);
  }
  std::vector<kit::CompanyMatch> matches;
  for (FoundCompany& company : found) matches.push_back(std::move(company.match));
  return matches;
}

Result<kit::ScoreReport> CreditsafeProvider::FetchReport(const kit::CompanyMatch& company, std::stop_token stop) {
  auto response = Get("/companies/" + kit::UrlEncode(company.id) + "?language=" + settings_.language,
                      "the report on " + company.id, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) {
    const std::string message = ErrorMessage(response->body);
    return Fail(ErrorCode::kNotFound, "Creditsafe has no report on " + company.id +
                                          (message.empty() ? std::string() : ": " + message));
  }
  if (!IsSuccess(*response)) {
    return Fail(ErrorCode::kRejected, "Creditsafe refused the report on " + company.id + ": " + caller_->last_refusal());
  }
  auto report = ParseReport(response->body, company.id);
  if (!report) return std::unexpected(report.error());
  // What the report leaves out, the search said.
  kit::CompanyMatch& read = report->company;
  if (read.name.empty()) read.name = company.name;
  if (read.country.empty()) read.country = company.country;
  if (read.registration_number.empty()) read.registration_number = company.registration_number;
  if (read.vat_number.empty()) read.vat_number = company.vat_number;
  if (read.status.empty()) read.status = company.status;
  return report;
}

Status CreditsafeProvider::Watch(const kit::CompanyMatch& company, std::stop_token stop) {
  if (!settings_.monitoring) return Ok();
  if (auto started = Start(); !started) return started;
  const nlohmann::json body = {{"id", company.id}, {"personalReference", ""}, {"freeText", ""}, {"personalLimit", ""}};
  auto response = caller_->Send(
      {.method = "POST",
       .target = settings_.base_url + "/monitoring/portfolios/" + std::to_string(settings_.monitoring->portfolio_id) +
                 "/companies",
       .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
       .body = body.dump()},
      "adding " + company.id + " to the monitoring portfolio", stop);
  if (!response) return std::unexpected(response.error());
  if (IsSuccess(*response) || response->status == 409) return Ok();  // 409: already in the portfolio
  return Fail(ErrorCode::kRejected, "Creditsafe refused to add " + company.id + " to portfolio " +
                                        std::to_string(settings_.monitoring->portfolio_id) + ": " + caller_->last_refusal());
}

Result<kit::MonitoringPage> CreditsafeProvider::ChangesSince(const std::string& cursor, std::stop_token stop) {
  if (!settings_.monitoring) return kit::MonitoringPage{};
  const std::string path = "/monitoring/portfolios/" + std::to_string(settings_.monitoring->portfolio_id) +
                           "/notificationEvents?sortBy=eventId&sortDir=desc";
  auto read_page = [&](int page, int size) -> Result<EventsPage> {
    auto response = Get(path + "&pageSize=" + std::to_string(size) + "&page=" + std::to_string(page),
                        "the notification events of portfolio " + std::to_string(settings_.monitoring->portfolio_id),
                        stop);
    if (!response) return std::unexpected(response.error());
    if (!IsSuccess(*response)) {
      return Fail(ErrorCode::kRejected, "Creditsafe refused the notification events of portfolio " +
                                            std::to_string(settings_.monitoring->portfolio_id) + ": " +
                                            caller_->last_refusal());
    }
    return ParseEventsPage(response->body);
  };
  int64_t last_seen = 0;
  const bool started = !cursor.empty() && std::ranges::all_of(cursor, [](unsigned char c) { return std::isdigit(c); });
  if (!started) {
    // Monitoring starts from now: the newest event is the mark, nothing before it is read.
    auto newest = read_page(0, 1);
    if (!newest) return std::unexpected(newest.error());
    return kit::MonitoringPage{.next_cursor = std::to_string(newest->events.empty() ? 0 : newest->events.front().event_id)};
  }
  last_seen = std::stoll(cursor);
  kit::MonitoringPage changes;
  int64_t newest = last_seen;
  std::set<std::string> named;
  int page = 0;
  for (int read = 0; read < kMaxEventPages; ++read) {
    auto events = read_page(page, settings_.monitoring->page_size);
    if (!events) return std::unexpected(events.error());
    bool reached = false;
    for (const NotificationEvent& event : events->events) {
      if (event.event_id <= last_seen) {
        reached = true;
        break;
      }
      newest = std::max(newest, event.event_id);
      if (named.insert(event.company_id).second) changes.company_ids.push_back(event.company_id);
    }
    if (reached || events->events.empty() || !events->next_page || *events->next_page <= page) break;
    page = static_cast<int>(*events->next_page);
    if (read + 1 == kMaxEventPages) {
      spdlog::warn("[{}] more than {} pages of Creditsafe notification events; the older ones are skipped",
                   context_.connector, kMaxEventPages);
    }
  }
  changes.next_cursor = std::to_string(newest);
  return changes;
}

}  // namespace tributary::connectors::creditsafe
