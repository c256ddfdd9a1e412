#include "gateway/http/retry_policy.h"

#include <algorithm>

namespace tributary::http {

using std::chrono::milliseconds;

bool IsRetryableStatus(int status) { return status == 408 || status == 429 || status >= 500; }

Disposition Classify(const Result<Response>& outcome) {
  if (!outcome) return outcome.error().Retryable() ? Disposition::kRetry : Disposition::kRefused;
  if (outcome->status >= 200 && outcome->status < 300) return Disposition::kDone;
  return IsRetryableStatus(outcome->status) ? Disposition::kRetry : Disposition::kRefused;
}

std::optional<milliseconds> RetryAfterOf(const Response& response, std::chrono::system_clock::time_point now) {
  auto parsed = ParseRetryAfter(FindHeader(response.headers, "Retry-After"), now);
  if (!parsed) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(*parsed);
}

Backoff::Backoff(BackoffPolicy policy) : policy_(policy), random_(std::random_device{}()) {
  policy_.initial = std::max(policy_.initial, milliseconds(1));
  policy_.max = std::max(policy_.max, policy_.initial);
}

milliseconds Backoff::Next(int64_t failures, std::optional<milliseconds> retry_after) {
  int64_t ceiling = policy_.initial.count();
  const int64_t cap = policy_.max.count();
  for (int64_t i = 1; i < failures && ceiling < cap; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, cap);
  std::uniform_int_distribution<int64_t> draw(0, ceiling);
  milliseconds delay(draw(random_));
  if (retry_after) delay = std::max(delay, std::min(*retry_after, policy_.max_retry_after));
  return delay;
}

}  // namespace tributary::http
