// The one retry rule of every outbound HTTP caller (the pusher to the core, every API
// connector through connectors/kit): what is worth another attempt, and how long to wait
// before it.
//
// - Transport failures (refused, reset, TLS handshake, timeout), 408, 429 and 5xx are
//   retried; 2xx is done; any other answer is a refusal, never retried (a caller may
//   still decide otherwise for answers its provider documents, e.g. a 401 that one
//   token refresh cures).
// - Waits grow exponentially with full jitter, capped; a `Retry-After` the peer sends is
//   honoured when longer, up to a ceiling (a misbehaving peer must not stall us for days).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::http {

enum class Disposition {
  kDone,     // 2xx
  kRetry,    // transport failure, 408, 429, 5xx
  kRefused,  // any other answer
};

// True for 408, 429 and 5xx.
bool IsRetryableStatus(int status);
// The rule above, for one exchange's outcome.
Disposition Classify(const Result<Response>& outcome);

// The delay `response`'s Retry-After asks for (delta-seconds or an HTTP-date measured
// from `now`); nullopt when absent or malformed.
std::optional<std::chrono::milliseconds> RetryAfterOf(const Response& response, std::chrono::system_clock::time_point now);

struct BackoffPolicy {
  std::chrono::milliseconds initial{500};  // the ceiling of the first wait
  std::chrono::milliseconds max{300000};   // the largest ceiling
  std::chrono::milliseconds max_retry_after{std::chrono::hours(1)};
};

// Exponential backoff with full jitter: callers that failed together do not come back
// together. Not thread-safe: one per caller.
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy);

  // The wait before attempt `failures` + 1 (failures >= 1): a uniform draw in
  // [0, min(max, initial * 2^(failures-1))], raised to `retry_after` when that is longer
  // (capped at max_retry_after).
  std::chrono::milliseconds Next(int64_t failures, std::optional<std::chrono::milliseconds> retry_after = std::nullopt);

  [[nodiscard]] const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 random_;  // jitter only; seeded from std::random_device
};

}  // namespace tributary::http
