#include "connectors/allianz_trade/allianz_trade_provider.h"

#include <algorithm>
#include <cctype>

#include "connectors/allianz_trade/allianz_trade_wire.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::allianz_trade {
namespace {

constexpr const char* kName = "Allianz Trade";

kit::Reading ReadAnswer(const http::Response& response) {
  // A token past its lifetime, or revoked: one new login, then the call again.
  if (response.status == 401) return kit::Reading::kAuthExpired;
  if (response.status == 429) return kit::Reading::kThrottled;
  return kit::Reading::kCommon;
}

bool IsSuccess(int status) { return status >= 200 && status < 300; }

bool IsCancellation(const kit::CoverRequest& request) { return request.amount_minor == 0; }

}  // namespace

store::GrantId GrantIdOf(const AllianzTradeConfig& settings) {
  return {.provider = "allianz_trade", .client_id = "", .account = model::Sha256Hex(settings.login.value).substr(0, 16)};
}

AllianzTradeProvider::AllianzTradeProvider(const AllianzTradeConfig& settings, ProviderContext context)
    : settings_(settings), context_(std::move(context)) {}

AllianzTradeProvider::~AllianzTradeProvider() = default;

Status AllianzTradeProvider::Start() {
  if (caller_) return Ok();
  auto opened = store::Store::Open(context_.state_path);
  if (!opened) return std::unexpected(opened.error());
  store_ = std::move(*opened);
  client_ = http::MakeCurlClient(settings_.http.ClientOptions());
  grant_ = std::make_unique<kit::TokenExchangeGrant>(
      kit::GrantIdentity{.id = GrantIdOf(settings_),
                         .provider_name = kName,
                         .token_url = settings_.AuthBase() + std::string(wire::kAuthorizePath)},
      [this](http::HttpClient& client) { return Login(client); });
  kit::GrantLocks* locks = context_.grant_locks;
  if (locks == nullptr) {
    own_locks_ = std::make_unique<kit::GrantLocks>();
    locks = own_locks_.get();
  }
  keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, context_.connector, "systemctl reload tributary", *store_,
                                               *client_, *locks, *context_.clock, context_.metrics);
  if (context_.budgets != nullptr) {
    budget_ = context_.budgets->For("allianz_trade:" + GrantIdOf(settings_).account, settings_.http.budget);
  } else {
    budget_ = std::make_shared<kit::RequestBudget>(settings_.http.budget, *context_.clock);
  }
  caller_ = std::make_unique<kit::ApiCaller>(kit::ApiCallerOptions{.connector = context_.connector,
                                                                   .provider_name = kName,
                                                                   .policy = settings_.http,
                                                                   .read_answer = ReadAnswer,
                                                                   .describe_refusal = wire::DescribeRefusal},
                                             *client_, *budget_, keeper_.get(), *context_.clock, context_.metrics);
  return Ok();
}

kit::TokenOutcome AllianzTradeProvider::Login(http::HttpClient& client) {
  const std::string where = std::string(kName) + " login (" + std::string(wire::kAuthorizePath) + ")";
  http::Request request{.method = "POST",
                        .target = settings_.AuthBase() + std::string(wire::kAuthorizePath),
                        .headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                        .body = wire::AuthorizeBody(settings_.login.value, settings_.password.value)};
  auto response = client.Send(request);
  if (!response) {
    Error error = response.error();
    error.message = where + ": " + error.message;
    return std::unexpected(kit::TokenFailure{.error = std::move(error)});
  }
  if (response->status == 200) {
    auto token = wire::ParseToken(response->body);
    if (!token) return std::unexpected(kit::TokenFailure{.error = token.error()});
    return *token;
  }
  if (wire::IsCredentialRefusal(response->status)) {
    // Never retried by itself: repeated bad logins may lock the account.
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kRejected, where + " refused the login and password (" +
                                            wire::DescribeRefusal(*response) +
                                            "); no login is tried again until the config is fixed and reloaded"}});
  }
  return std::unexpected(
      kit::TokenFailure{.error = {ErrorCode::kUnavailable, where + " answered " + wire::DescribeRefusal(*response)}});
}

Result<http::Response> AllianzTradeProvider::Call(const std::string& method, const std::string& target,
                                                  std::string body, const std::string& what, std::stop_token stop) {
  if (auto started = Start(); !started) return std::unexpected(started.error());
  http::Request request{.method = method, .target = settings_.base_url + target, .headers = {{"Accept", "application/json"}}};
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
  }
  return caller_->Send(std::move(request), what, stop);
}

Result<std::vector<kit::CompanyMatch>> AllianzTradeProvider::FindBuyer(const kit::CompanyQuery& query,
                                                                      std::stop_token stop) {
  auto body = wire::SearchBody(query);
  if (!body) return std::unexpected(body.error());
  auto response = Call("POST", std::string(wire::kSearchPath), *body, "the search for " + query.Describe(), stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return std::vector<kit::CompanyMatch>();
  if (!IsSuccess(response->status)) {
    return Fail(ErrorCode::kRejected, std::string(kName) + " refused the search for " + query.Describe() + " in " +
                                          query.country + ": " + caller_->last_refusal());
  }
  return wire::ParseSearch(response->body);
}

kit::Cover AllianzTradeProvider::Pending(const kit::CoverRequest& request) const {
  kit::Cover cover;
  cover.policy = request.policy;
  cover.buyer = request.buyer;
  if (request.in_force) cover.cover_id = request.in_force->cover_id;
  cover.reference = request.reference;
  cover.cover_type = "credit-limit";
  cover.state = kit::CoverState::kReferred;
  cover.currency = request.currency;
  cover.requested_minor = request.amount_minor;
  return cover;
}

Result<kit::Submission> AllianzTradeProvider::Submit(const kit::CoverRequest& request, std::stop_token stop) {
  const std::string& unit = settings_.policy.business_unit_code;
  Result<http::Response> response;
  if (IsCancellation(request)) {
    if (!request.in_force || request.in_force->cover_id.empty()) {
      return Fail(ErrorCode::kInvalidArgument, std::string(kName) + " holds no cover in force on company " +
                                                   request.buyer.id + " to cancel");
    }
    response = Call("DELETE", wire::CancelTarget(request.policy, unit, request.in_force->cover_id), "",
                    "the cancellation of cover " + request.in_force->cover_id, stop);
  } else {
    auto body = wire::CoverRequestBody(request, unit);
    if (!body) return std::unexpected(body.error());
    response = Call("POST", std::string(wire::kCoversPath), *body, "the cover request on company " + request.buyer.id,
                    stop);
  }
  if (!response) return std::unexpected(response.error());
  if (wire::IsValidationRefusal(response->status)) {
    // The insurer's own words are the job's reason.
    const std::string text = wire::ErrorText(response->body);
    return Fail(ErrorCode::kRejected,
                text.empty() ? std::string(kName) + " refused the request: " + caller_->last_refusal() : text);
  }
  if (!IsSuccess(response->status)) {
    return Fail(ErrorCode::kRejected, std::string(kName) + " refused the request on company " + request.buyer.id +
                                          ": " + caller_->last_refusal());
  }
  auto job_id = wire::ParseJobAccepted(response->body);
  if (!job_id) return std::unexpected(job_id.error());
  // The job is asked about once at once: a request decided automatically is known now.
  auto cover = Resolve(request, *job_id, stop);
  if (!cover) {
    // The request is at the insurer either way; a trouble reading its job is not a refusal.
    if (cover.error().code == ErrorCode::kRejected) return std::unexpected(cover.error());
    return kit::Submission{.cover = Pending(request), .tracking = *job_id};
  }
  return kit::Submission{.cover = std::move(*cover), .tracking = *job_id};
}

Result<kit::Cover> AllianzTradeProvider::Resolve(const kit::CoverRequest& request, const std::string& job_id,
                                                 std::stop_token stop) {
  auto response = Call("GET", wire::JobTarget(job_id), "", "job " + job_id, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return Fail(ErrorCode::kNotFound, std::string(kName) + " knows no job " + job_id);
  if (!IsSuccess(response->status)) {
    return Fail(ErrorCode::kRejected, std::string(kName) + " refused to show job " + job_id + ": " + caller_->last_refusal());
  }
  auto job = wire::ParseJob(response->body);
  if (!job) return std::unexpected(job.error());
  switch (job->status) {
    case wire::JobStatus::kPending:
      return Pending(request);
    case wire::JobStatus::kFailed:
      return Fail(ErrorCode::kRejected, job->errors.empty()
                                            ? std::string(kName) + " could not process the request (job " + job_id + ")"
                                            : job->errors);
    case wire::JobStatus::kProcessed:
      break;
  }
  auto found = FindCover(request, job->cover_id, stop);
  if (!found) return std::unexpected(found.error());
  // Processed but not listed yet: the list catches up.
  return *found ? **found : Pending(request);
}

Result<std::optional<kit::Cover>> AllianzTradeProvider::FindCover(const kit::CoverRequest& request,
                                                                  const std::string& cover_id, std::stop_token stop) {
  auto response = Call("GET", wire::CompanyCoversTarget(request.policy, settings_.policy.business_unit_code, request.buyer.id),
                       "", "the covers on company " + request.buyer.id, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return std::optional<kit::Cover>();
  if (!wire::IsCoversPage(response->status)) {
    return Fail(ErrorCode::kRejected, std::string(kName) + " refused the covers on company " + request.buyer.id + ": " +
                                          caller_->last_refusal());
  }
  auto covers = wire::ParseCovers(response->body, request.policy);
  if (!covers) return std::unexpected(covers.error());
  std::string wanted_id = cover_id;
  if (wanted_id.empty() && IsCancellation(request) && request.in_force) wanted_id = request.in_force->cover_id;
  for (kit::Cover& cover : *covers) {
    const bool match = wanted_id.empty() ? (!request.reference.empty() && cover.reference == request.reference)
                                         : cover.cover_id == wanted_id;
    if (!match) continue;
    if (cover.buyer.name.empty()) cover.buyer.name = request.buyer.name;
    if (cover.buyer.country.empty()) cover.buyer.country = request.buyer.country;
    if (cover.reference.empty()) cover.reference = request.reference;
    return std::optional<kit::Cover>(std::move(cover));
  }
  return std::optional<kit::Cover>();
}

Result<std::optional<kit::Submission>> AllianzTradeProvider::FindSubmission(const kit::CoverRequest& request,
                                                                            std::stop_token stop) {
  auto found = FindCover(request, "", stop);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<kit::Submission>();
  // A cancellation carries no reference: it arrived when the cover in force has ended.
  if (IsCancellation(request) && (*found)->state != kit::CoverState::kCancelled &&
      (*found)->state != kit::CoverState::kWithdrawn) {
    return std::optional<kit::Submission>();
  }
  return std::optional<kit::Submission>(kit::Submission{.cover = std::move(**found), .tracking = ""});
}

Result<kit::Cover> AllianzTradeProvider::Follow(const kit::CoverRequest& request, const std::string& tracking,
                                                std::stop_token stop) {
  if (!tracking.empty()) return Resolve(request, tracking, stop);
  auto found = FindCover(request, "", stop);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    return Fail(ErrorCode::kNotFound, std::string(kName) + " no longer lists the request " + request.reference +
                                          " on company " + request.buyer.id);
  }
  return std::move(**found);
}

Result<kit::CoverPage> AllianzTradeProvider::Covers(const std::string& policy, const std::string& cursor,
                                                    std::stop_token stop) {
  int page = 1;
  if (!cursor.empty()) {
    if (cursor.size() > 6 || !std::ranges::all_of(cursor, [](unsigned char c) { return std::isdigit(c); })) {
      return Fail(ErrorCode::kInvalidArgument, "invalid Allianz Trade covers cursor " + cursor);
    }
    page = std::stoi(cursor);
  }
  auto response = Call("GET", wire::CoversTarget(policy, settings_.policy.business_unit_code, page), "",
                       "page " + std::to_string(page) + " of the covers of policy " + policy, stop);
  if (!response) return std::unexpected(response.error());
  // A page past the end may be refused as out of range rather than answered empty.
  if (response->status == 404 || response->status == 416) return kit::CoverPage{};
  if (!wire::IsCoversPage(response->status)) {
    return Fail(ErrorCode::kRejected, std::string(kName) + " refused the covers of policy " + policy + ": " +
                                          caller_->last_refusal());
  }
  auto covers = wire::ParseCovers(response->body, policy);
  if (!covers) return std::unexpected(covers.error());
  kit::CoverPage result;
  result.more = static_cast<int>(covers->size()) >= wire::kCoversPageSize;
  if (result.more) result.next_cursor = std::to_string(page + 1);
  result.covers = std::move(*covers);
  return result;
}

}  // namespace tributary::connectors::allianz_trade
