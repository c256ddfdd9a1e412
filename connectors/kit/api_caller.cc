#include "connectors/kit/api_caller.h"

#include <spdlog/spdlog.h>

namespace tributary::connectors::kit {

void DescribeApiMetrics(Metrics& metrics) {
  metrics.Describe("tributary_api_requests_total", "counter",
                   "Provider API requests, by connector and outcome (ok, throttled, server_error, unauthorized, "
                   "refused, transport, quota).");
  metrics.Describe("tributary_api_request_budget_remaining", "gauge",
                   "Requests left in the connector's per-minute budget, by connector.");
  metrics.Describe("tributary_api_requests_today", "gauge",
                   "Requests the connector's budget counted in the last 24 hours, by connector.");
}

ApiCaller::ApiCaller(ApiCallerOptions options, http::HttpClient& client, RequestBudget& budget, GrantKeeper* grant,
                     const Clock& clock, Metrics* metrics)
    : options_(std::move(options)),
      client_(client),
      budget_(budget),
      grant_(grant),
      clock_(clock),
      metrics_(metrics),
      backoff_(options_.policy.Backoff()) {}

void ApiCaller::Count(const char* outcome) {
  if (metrics_ != nullptr) {
    metrics_->Add("tributary_api_requests_total", {{"connector", options_.connector}, {"outcome", outcome}});
  }
}

Result<http::Response> ApiCaller::Send(http::Request request, std::string_view what, std::stop_token stop) {
  last_refusal_.clear();
  const std::string target = request.target;
  std::optional<GrantKeeper::Access> access;
  if (grant_ != nullptr) {
    auto current = grant_->Current();
    if (!current) return std::unexpected(current.error());
    access = std::move(*current);
  }
  bool renewed = false;
  std::string last_problem;
  std::optional<std::chrono::milliseconds> retry_after;
  const int max_attempts = options_.policy.max_attempts;
  for (int attempt = 1; attempt <= max_attempts; ++attempt) {
    if (attempt > 1) {
      const auto delay = backoff_.Next(attempt - 1, retry_after);
      spdlog::warn("[{}] {}: {}; attempt {} of {} in {} ms", options_.connector, what, last_problem, attempt,
                   max_attempts, delay.count());
      if (!clock_.SleepFor(delay, stop)) {
        return Fail(ErrorCode::kCancelled, "stopped while waiting to retry " + std::string(what));
      }
    }
    retry_after.reset();
    auto ticket = budget_.Acquire(stop);
    if (!ticket) return std::unexpected(ticket.error());
    if (metrics_ != nullptr) {
      metrics_->Set("tributary_api_request_budget_remaining", {{"connector", options_.connector}}, budget_.Remaining());
      metrics_->Set("tributary_api_requests_today", {{"connector", options_.connector}}, budget_.UsedToday());
    }
    http::Request attempt_request = request;
    if (access) {
      endpoint_ = access->endpoint;
      if (target.starts_with('/')) attempt_request.target = access->endpoint + target;
      attempt_request.headers.emplace_back("Authorization", "Bearer " + access->token);
    }
    Result<http::Response> response = client_.Send(attempt_request);
    { auto released = std::move(*ticket); }
    Reading reading = Reading::kCommon;
    if (response && options_.read_answer) reading = options_.read_answer(*response);
    if (reading == Reading::kCommon) {
      if (response && response->status == 401 && access) {
        reading = Reading::kAuthExpired;
      } else {
        switch (http::Classify(response)) {
          case http::Disposition::kDone: reading = Reading::kDone; break;
          case http::Disposition::kRetry:
            reading = response && (response->status == 429) ? Reading::kThrottled : Reading::kRetry;
            break;
          case http::Disposition::kRefused:
            if (!response) return std::unexpected(response.error());  // e.g. a malformed URL
            reading = Reading::kDone;
            break;
        }
      }
    }
    switch (reading) {
      case Reading::kCommon:
      case Reading::kDone:
        if (response->status >= 200 && response->status < 300) {
          Count("ok");
        } else {
          Count("refused");
          last_refusal_ = options_.describe_refusal ? options_.describe_refusal(*response)
                                                    : "HTTP " + std::to_string(response->status);
        }
        return std::move(*response);
      case Reading::kAuthExpired:
        if (renewed || grant_ == nullptr) {
          Count("refused");
          last_refusal_ = response && options_.describe_refusal ? options_.describe_refusal(*response) : "HTTP 401";
          return Fail(ErrorCode::kRejected, options_.provider_name + " refused the access token again after renewing it (" +
                                                last_refusal_ + ")");
        }
        Count("unauthorized");
        renewed = true;
        {
          auto renewed_access = grant_->RenewAfterRejection(*access);
          if (!renewed_access) return std::unexpected(renewed_access.error());
          access = std::move(*renewed_access);
        }
        --attempt;  // the renewal is not a failed attempt
        continue;
      case Reading::kThrottled:
        Count("throttled");
        last_problem = "throttled by " + options_.provider_name + " (HTTP " + std::to_string(response->status) + ")";
        retry_after = http::RetryAfterOf(*response, clock_.Now());
        continue;
      case Reading::kRetry:
        if (!response) {
          Count("transport");
          last_problem = response.error().message;
        } else {
          Count("server_error");
          last_problem = options_.provider_name + " answered HTTP " + std::to_string(response->status);
          retry_after = http::RetryAfterOf(*response, clock_.Now());
        }
        continue;
      case Reading::kQuotaExhausted:
        Count("quota");
        last_refusal_ = options_.describe_refusal ? options_.describe_refusal(*response)
                                                  : "HTTP " + std::to_string(response->status);
        return Fail(ErrorCode::kUnavailable, options_.provider_name + " says its API allocation is used (" +
                                                 last_refusal_ + "); the connector resumes at a later pass");
    }
  }
  return Fail(ErrorCode::kUnavailable, std::string(what) + ": " + last_problem + " (gave up after " +
                                           std::to_string(max_attempts) + " attempts; the next pass resumes)");
}

Result<http::Response> ApiCaller::SendExpectingSuccess(http::Request request, std::string_view what,
                                                       std::stop_token stop) {
  auto response = Send(std::move(request), what, stop);
  if (!response) return response;
  if (response->status < 200 || response->status >= 300) {
    return Fail(ErrorCode::kRejected, options_.provider_name + " refused " + std::string(what) + ": " + last_refusal_);
  }
  return response;
}

}  // namespace tributary::connectors::kit
