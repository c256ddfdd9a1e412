#include "connectors/atradius/atradius_provider.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "connectors/atradius/atradius_wire.h"
#include "connectors/kit/iso_country.h"
#include "gateway/common/quote.h"

namespace tributary::connectors::atradius {
namespace {

kit::Reading ReadAnswer(const http::Response& response) {
  // A token past its hour, or revoked: one new token, then the call again.
  if (response.status == 401) return kit::Reading::kAuthExpired;
  if (response.status == 429) return kit::Reading::kThrottled;
  return kit::Reading::kCommon;
}

bool IsSuccess(const http::Response& response) { return response.status >= 200 && response.status < 300; }

std::optional<int> PageOf(const std::string& cursor) {
  if (cursor.empty()) return 1;
  if (cursor.size() > 6 || !std::ranges::all_of(cursor, [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  const int page = std::stoi(cursor);
  return page >= 1 ? std::optional<int>(page) : std::nullopt;
}

}  // namespace

store::GrantId GrantIdOf(const AtradiusConfig& settings) {
  return {.provider = "atradius", .client_id = settings.client_id, .account = settings.customer_id};
}

AtradiusProvider::AtradiusProvider(const AtradiusConfig& settings, ProviderContext context)
    : settings_(settings), context_(std::move(context)) {}

AtradiusProvider::~AtradiusProvider() = default;

Status AtradiusProvider::Start() {
  if (caller_) return Ok();
  auto opened = store::Store::Open(context_.state_path);
  if (!opened) return std::unexpected(opened.error());
  store_ = std::move(*opened);
  client_ = http::MakeCurlClient(settings_.http.ClientOptions());
  grant_ = std::make_unique<kit::TokenExchangeGrant>(
      kit::GrantIdentity{.id = GrantIdOf(settings_),
                         .provider_name = "Atradius",
                         .token_url = settings_.AuthBase() + std::string(wire::kTokenPath)},
      [this](http::HttpClient& client) { return ObtainToken(client); });
  kit::GrantLocks* locks = context_.grant_locks;
  if (locks == nullptr) {
    own_locks_ = std::make_unique<kit::GrantLocks>();
    locks = own_locks_.get();
  }
  keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, context_.connector, "systemctl reload tributary", *store_,
                                               *client_, *locks, *context_.clock, context_.metrics);
  const std::string account = "atradius:" + settings_.client_id + ":" + settings_.customer_id;
  if (context_.budgets != nullptr) {
    budget_ = context_.budgets->For(account, settings_.http.budget);
  } else {
    budget_ = std::make_shared<kit::RequestBudget>(settings_.http.budget, *context_.clock);
  }
  kit::ApiCallerOptions options{.connector = context_.connector,
                                .provider_name = "Atradius",
                                .policy = settings_.http,
                                .read_answer = ReadAnswer,
                                .describe_refusal = wire::DescribeRefusal};
  caller_ = std::make_unique<kit::ApiCaller>(options, *client_, *budget_, keeper_.get(), *context_.clock,
                                             context_.metrics);
  options.policy.max_attempts = 1;
  submit_caller_ = std::make_unique<kit::ApiCaller>(options, *client_, *budget_, keeper_.get(), *context_.clock,
                                                    context_.metrics);
  return Ok();
}

kit::TokenOutcome AtradiusProvider::ObtainToken(http::HttpClient& client) {
  const std::string where = "Atradius " + std::string(wire::kTokenPath);
  auto response = client.Send(wire::TokenRequest(settings_.AuthBase(), settings_.api_key.value, settings_.client_id,
                                                 settings_.client_secret.value));
  if (!response) {
    Error error = response.error();
    error.message = where + ": " + error.message;
    return std::unexpected(kit::TokenFailure{.error = std::move(error)});
  }
  if (IsSuccess(*response)) {
    auto answer = wire::ParseToken(response->body);
    if (!answer) {
      return std::unexpected(kit::TokenFailure{.error = {ErrorCode::kUnavailable, where + ": " + answer.error().message}});
    }
    return *answer;
  }
  if (response->status == 408 || response->status == 429 || response->status >= 500) {
    return std::unexpected(kit::TokenFailure{
        .error = {ErrorCode::kUnavailable, where + " answered " + wire::DescribeRefusal(*response)}});
  }
  // 400, 401, 403: a wrong app key or client credentials. Never retried by itself.
  return std::unexpected(kit::TokenFailure{
      .error = {ErrorCode::kRejected, where + " refused the app key and client credentials (" +
                                          wire::DescribeRefusal(*response) +
                                          "); no token is asked for again until the config is fixed and reloaded"}});
}

Result<http::Response> AtradiusProvider::Get(const std::string& target, const std::string& what,
                                             std::stop_token stop) {
  if (auto started = Start(); !started) return std::unexpected(started.error());
  return caller_->Send({.method = "GET",
                        .target = settings_.base_url + target,
                        .headers = {{wire::kAppKeyHeader, settings_.api_key.value}, {"Accept", "application/json"}}},
                       what, stop);
}

Error AtradiusProvider::Refused(const std::string& what) const {
  return {ErrorCode::kRejected, "Atradius refused " + what + ": " + caller_->last_refusal()};
}

Result<std::vector<kit::CompanyMatch>> AtradiusProvider::FindBuyer(const kit::CompanyQuery& query,
                                                                   std::stop_token stop) {
  const std::optional<std::string_view> country = kit::CountryAlpha3(query.country);
  if (!country) {
    return Fail(ErrorCode::kInvalidArgument, "the country " + QuoteForMessage(query.country) +
                                                 " is not an ISO 3166-1 alpha-2 code");
  }
  auto uid = wire::UidOf(query);
  if (!uid) return std::unexpected(uid.error());
  const std::string what = "the buyer lookup of " + query.Describe() + " in " + query.country;
  auto response = Get(wire::BuyersTarget(settings_.customer_id, settings_.rules.policy, *country, *uid), what, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return std::vector<kit::CompanyMatch>();  // "No buyer match found"
  if (!IsSuccess(*response)) return std::unexpected(Refused(what));
  return wire::ParseBuyers(response->body, query.country);
}

Result<kit::Submission> AtradiusProvider::Submit(const kit::CoverRequest& request, std::stop_token stop) {
  if (auto started = Start(); !started) return std::unexpected(started.error());
  const wire::CoverChange change = wire::ChangeOf(request);
  auto body = wire::CoverBody(settings_.customer_id, request, change);
  if (!body) return std::unexpected(body.error());
  const std::string what = "the cover request on buyer " + request.buyer.id;
  auto response = submit_caller_->Send({.method = std::string(wire::MethodOf(change)),
                                        .target = settings_.base_url + std::string(wire::kCoversPath),
                                        .headers = {{wire::kAppKeyHeader, settings_.api_key.value},
                                                    {"Content-Type", "application/json"},
                                                    {"Accept", "application/json"}},
                                        .body = *body},
                                       what, stop);
  if (!response) return std::unexpected(response.error());
  if (!IsSuccess(*response)) {
    // A validation refusal: the job's reason is Atradius's own text.
    const std::string details = wire::ErrorDetails(response->body);
    if (!details.empty()) return Fail(ErrorCode::kRejected, details);
    return std::unexpected(Refused(what));
  }
  auto cover = wire::ParseSubmitAnswer(response->body, request.currency);
  if (!cover) return std::unexpected(cover.error());
  kit::Submission submission;
  if (*cover) {
    submission.cover = std::move(**cover);
  } else {
    // An answer without its cover: what was asked, as Atradius's status says.
    submission.cover.state = response->status == wire::kReferred ? kit::CoverState::kReferred : kit::CoverState::kDecided;
    if (submission.cover.state == kit::CoverState::kDecided) submission.cover.granted_minor = request.amount_minor;
    submission.cover.requested_minor = request.amount_minor;
  }
  kit::Cover& read = submission.cover;
  // What the answer leaves out, the request says.
  if (read.policy.empty()) read.policy = request.policy;
  // The buyer is what Atradius says of the cover (as in the list the covers sync reads),
  // so that the action and the sync store the same cover alike.
  if (read.buyer.id.empty()) read.buyer.id = request.buyer.id;
  if (read.buyer.name.empty()) read.buyer.name = request.buyer.name;
  if (read.reference.empty()) read.reference = request.reference;
  if (read.currency.empty()) read.currency = request.currency;
  if (read.cover_type.empty()) read.cover_type = std::string(wire::kCoverType);
  if (response->status == wire::kReferred) read.state = kit::CoverState::kReferred;
  submission.tracking = read.cover_id;
  return submission;
}

Result<std::vector<kit::Cover>> AtradiusProvider::BuyerCovers(const kit::CoverRequest& request, std::stop_token stop) {
  const std::string what = "the covers of buyer " + request.buyer.id;
  auto response = Get(wire::CoversTarget(settings_.customer_id, request.policy, {.buyer_id = request.buyer.id}), what,
                      stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) return std::vector<kit::Cover>();
  if (!IsSuccess(*response)) return std::unexpected(Refused(what));
  auto page = wire::ParseCovers(response->body, request.currency, 0);
  if (!page) return std::unexpected(page.error());
  for (kit::Cover& cover : page->covers) {
    if (cover.policy.empty()) cover.policy = request.policy;
    if (cover.buyer.id.empty()) cover.buyer.id = request.buyer.id;
    if (cover.buyer.name.empty()) cover.buyer.name = request.buyer.name;
  }
  return std::move(page->covers);
}

Result<std::optional<kit::Submission>> AtradiusProvider::FindSubmission(const kit::CoverRequest& request,
                                                                        std::stop_token stop) {
  auto covers = BuyerCovers(request, stop);
  if (!covers) return std::unexpected(covers.error());
  auto found = std::ranges::find_if(*covers, [&](const kit::Cover& cover) {
    return !request.reference.empty() && cover.reference == request.reference;
  });
  if (found == covers->end()) return std::optional<kit::Submission>();
  return std::optional<kit::Submission>(kit::Submission{.cover = *found, .tracking = found->cover_id});
}

Result<kit::Cover> AtradiusProvider::Follow(const kit::CoverRequest& request, const std::string& tracking,
                                            std::stop_token stop) {
  auto covers = BuyerCovers(request, stop);
  if (!covers) return std::unexpected(covers.error());
  auto found = std::ranges::find_if(*covers, [&](const kit::Cover& cover) {
    return tracking.empty() ? !request.reference.empty() && cover.reference == request.reference
                            : cover.cover_id == tracking;
  });
  if (found == covers->end()) {
    return Fail(ErrorCode::kNotFound, "Atradius no longer lists the cover " +
                                          (tracking.empty() ? "requested as " + request.reference : tracking) +
                                          " on buyer " + request.buyer.id);
  }
  return *found;
}

Result<kit::CoverPage> AtradiusProvider::Covers(const std::string& policy, const std::string& cursor,
                                                std::stop_token stop) {
  const std::optional<int> page = PageOf(cursor);
  if (!page) return Fail(ErrorCode::kInvalidArgument, "invalid Atradius covers cursor " + QuoteForMessage(cursor));
  const std::string what = "the covers of policy " + policy + " (page " + std::to_string(*page) + ")";
  auto response = Get(wire::CoversTarget(settings_.customer_id, policy, {.page = *page}), what, stop);
  if (!response) return std::unexpected(response.error());
  if (!IsSuccess(*response)) return std::unexpected(Refused(what));
  auto read = wire::ParseCovers(response->body, Currency(), wire::kCoversPageSize);
  if (!read) return std::unexpected(read.error());
  kit::CoverPage out{.covers = std::move(read->covers), .next_cursor = "", .more = read->more};
  for (kit::Cover& cover : out.covers) {
    if (cover.policy.empty()) cover.policy = policy;
  }
  if (out.more) out.next_cursor = std::to_string(*page + 1);
  return out;
}

Result<kit::CoverPage> AtradiusProvider::DecisionsSince(const std::string& policy, const std::string& cursor,
                                                        std::stop_token stop) {
  const auto now = context_.clock->Now();
  const std::string from = cursor.empty() ? wire::FromDate(now - kFeedFirstLookBack) : cursor;
  kit::CoverPage out;
  for (int page = 1; page <= kMaxFeedPages; ++page) {
    const std::string what = "the decisions of policy " + policy + " since " + from;
    auto response = Get(wire::CoversTarget(settings_.customer_id, policy, {.from_date = from, .page = page}), what, stop);
    if (!response) return std::unexpected(response.error());
    if (!IsSuccess(*response)) return std::unexpected(Refused(what));
    auto read = wire::ParseCovers(response->body, Currency(), wire::kCoversPageSize);
    if (!read) return std::unexpected(read.error());
    for (kit::Cover& cover : read->covers) {
      if (cover.policy.empty()) cover.policy = policy;
      out.covers.push_back(std::move(cover));
    }
    if (!read->more) {
      out.next_cursor = wire::FromDate(now - kFeedOverlap);
      return out;
    }
  }
  // Too many changes for one read: the next read starts from the same date again.
  spdlog::warn("[{}] more than {} pages of Atradius decisions since {}; the rest is read at the next poll",
               context_.connector, kMaxFeedPages, from);
  out.next_cursor = from;
  return out;
}

}  // namespace tributary::connectors::atradius
