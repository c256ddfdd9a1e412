// Calls to one provider's API with the kit's HTTP policy: a ticket from the request budget
// before every attempt, the bearer token of the connector's grant, and the one retry rule
// (gateway/http/retry_policy.h): transport failures, 408, 429 and 5xx back off
// exponentially with jitter (Retry-After honoured) and try again, up to max_attempts; a
// 401 renews the token once; anything else is the provider's answer, for the connector to
// read.
//
// A provider reads some answers its own way (QuickBooks throttles with 403 + Fault 3001,
// Salesforce says its daily allocation is used with 403 REQUEST_LIMIT_EXCEEDED): the
// connector's AnswerReader says so, and the caller acts on its reading.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/http_policy.h"
#include "connectors/kit/request_budget.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_client.h"
#include "gateway/http/retry_policy.h"

namespace tributary::connectors::kit {

enum class Reading {
  kCommon,          // the common rule decides
  kDone,            // the answer to return
  kThrottled,       // back off and try again (counted as "throttled")
  kRetry,           // a transient failure: back off and try again
  kAuthExpired,     // renew the token once, then try again
  kQuotaExhausted,  // the provider's allocation is used: give up the call (kUnavailable)
};
using AnswerReader = std::function<Reading(const http::Response& response)>;

struct ApiCallerOptions {
  std::string connector;
  std::string provider_name;  // "QuickBooks", in messages
  HttpPolicy policy;
  AnswerReader read_answer;   // empty: the common rule alone
  // A short description of a refused answer for the error message (its Fault, its error
  // array); empty: "HTTP <status>".
  std::function<std::string(const http::Response& response)> describe_refusal;
};

class ApiCaller {
 public:
  // `grant` may be null for an API without OAuth. All references outlive the caller.
  ApiCaller(ApiCallerOptions options, http::HttpClient& client, RequestBudget& budget, GrantKeeper* grant,
            const Clock& clock, Metrics* metrics);

  // Sends `request` (target: an absolute URL, or a path starting with '/' that goes to the
  // grant's endpoint). The answer when 2xx, or when the provider refused the request (the
  // connector reads the refusal; last_refusal() describes it). Errors: kRejected (the
  // grant is refused, or a 401 persists after one renewal), kUnavailable (gave up after
  // max_attempts, the daily quota or the provider's allocation is used), kCancelled (`stop`
  // was requested while waiting).
  Result<http::Response> Send(http::Request request, std::string_view what, std::stop_token stop);

  // Send() that also turns a refusal into kRejected "<provider> refused <what>: …".
  Result<http::Response> SendExpectingSuccess(http::Request request, std::string_view what, std::stop_token stop);

  // The endpoint of the current grant ("" without a grant or before the first call).
  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }
  [[nodiscard]] const std::string& last_refusal() const { return last_refusal_; }

 private:
  void Count(const char* outcome);

  ApiCallerOptions options_;
  http::HttpClient& client_;
  RequestBudget& budget_;
  GrantKeeper* grant_;
  const Clock& clock_;
  Metrics* metrics_;
  http::Backoff backoff_;
  std::string endpoint_;
  std::string last_refusal_;
};

// The metric descriptions of ApiCaller (tributary_api_requests_total,
// tributary_api_request_budget_remaining).
void DescribeApiMetrics(Metrics& metrics);

}  // namespace tributary::connectors::kit
