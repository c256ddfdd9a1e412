#include "connectors/quickbooks/qbo_api.h"

#include <condition_variable>
#include <mutex>
#include <random>

#include <spdlog/spdlog.h>

namespace tributary::connectors::quickbooks {
namespace {

bool IsThrottle(int status, const std::optional<QboFault>& fault) {
  if (status == 429) return true;
  // Older answers said 403 with the same Fault.
  return status == 403 && fault &&
         (fault->code == "3001" || fault->message.find("ThrottleExceeded") != std::string::npos);
}

}  // namespace

QboApi::QboApi(const QuickBooksConfig& settings, std::string connector, TokenKeeper& tokens, RequestBudget& budget,
               http::HttpClient& client, Metrics* metrics)
    : settings_(settings),
      connector_(std::move(connector)),
      tokens_(tokens),
      budget_(budget),
      client_(client),
      metrics_(metrics),
      jitter_state_(std::random_device{}()) {}

bool QboApi::Wait(std::chrono::milliseconds delay, std::stop_token stop) {
  std::mutex mutex;
  std::condition_variable_any cv;
  std::unique_lock lock(mutex);
  cv.wait_for(lock, stop, delay, [] { return false; });
  return !stop.stop_requested();
}

std::chrono::milliseconds QboApi::Backoff(int attempt) {
  // backoff · 2^(attempt-1), capped, then "full jitter" over the upper half.
  auto delay = settings_.backoff;
  for (int i = 1; i < attempt && delay < settings_.max_backoff; ++i) delay *= 2;
  delay = std::min(delay, settings_.max_backoff);
  jitter_state_ = jitter_state_ * 6364136223846793005ULL + 1442695040888963407ULL;
  const int64_t half = delay.count() / 2;
  return std::chrono::milliseconds(half + (half > 0 ? static_cast<int64_t>((jitter_state_ >> 33) % static_cast<uint64_t>(half + 1)) : 0));
}

Result<std::string> QboApi::Get(const std::string& endpoint, const QueryParams& params, std::stop_token stop) {
  last_fault_.reset();
  std::string url = settings_.base_url + "/v3/company/" + settings_.realm_id + "/" + endpoint + "?";
  for (const auto& [name, value] : params) url += UrlEncode(name) + "=" + UrlEncode(value) + "&";
  url += "minorversion=" + std::to_string(settings_.minorversion);
  const std::string shown = endpoint + (params.empty() ? "" : " " + params.front().first + "=" + params.front().second);
  Labels labels{{"connector", connector_}};
  auto count = [&](const char* outcome) {
    if (metrics_ != nullptr) metrics_->Add("tributary_quickbooks_requests_total", {{"connector", connector_}, {"outcome", outcome}});
  };

  auto access = tokens_.Current();
  if (!access) return std::unexpected(access.error());
  bool refreshed = false;
  std::string last_problem;
  for (int attempt = 1; attempt <= settings_.max_attempts; ++attempt) {
    if (attempt > 1) {
      auto delay = Backoff(attempt - 1);
      spdlog::warn("[{}] {}: {}; attempt {} of {} in {} ms", connector_, shown, last_problem, attempt,
                   settings_.max_attempts, delay.count());
      if (!Wait(delay, stop)) return Fail(ErrorCode::kCancelled, "stopped while waiting to retry " + shown);
    }
    std::optional<RequestBudget::Ticket> ticket = budget_.Acquire(stop);
    if (!ticket) return Fail(ErrorCode::kCancelled, "stopped while waiting for the request budget");
    if (metrics_ != nullptr) metrics_->Set("tributary_quickbooks_request_budget_remaining", labels, budget_.Remaining());
    http::Request request{.method = "GET",
                          .target = url,
                          .headers = {{"Authorization", "Bearer " + access->token}, {"Accept", "application/json"}}};
    auto response = client_.Send(request);
    ticket.reset();
    if (!response) {
      count("transport");
      last_problem = response.error().message;
      continue;
    }
    const std::string intuit_tid = http::FindHeader(response->headers, "intuit_tid");
    std::optional<QboFault> fault;
    if (response->status != 200 || response->body.find("\"Fault\"") != std::string::npos) {
      fault = ParseQboFault(response->body);
    }
    if (response->status == 200 && !fault) {
      count("ok");
      return std::move(response->body);
    }
    if (response->status == 401 && !refreshed) {
      count("unauthorized");
      refreshed = true;
      access = tokens_.RefreshAfterRejection(*access);
      if (!access) return std::unexpected(access.error());
      --attempt;  // the refresh is not a failed attempt
      continue;
    }
    if (IsThrottle(response->status, fault)) {
      count("throttled");
      last_problem = "throttled by QuickBooks (HTTP " + std::to_string(response->status) + ")";
      continue;
    }
    if (response->status >= 500) {
      count("server_error");
      last_problem = "QuickBooks answered HTTP " + std::to_string(response->status);
      continue;
    }
    count("refused");
    last_fault_ = fault;
    std::string words = fault ? fault->type + " " + fault->code + " " + fault->message +
                                    (fault->detail.empty() ? "" : ": " + fault->detail)
                              : "HTTP " + std::to_string(response->status);
    return Fail(ErrorCode::kRejected, "QuickBooks refused " + shown + ": " + words +
                                          (intuit_tid.empty() ? "" : " (intuit_tid " + intuit_tid + ")"));
  }
  return Fail(ErrorCode::kUnavailable, shown + ": " + last_problem + " (gave up after " +
                                           std::to_string(settings_.max_attempts) + " attempts; the next pass resumes)");
}

}  // namespace tributary::connectors::quickbooks
