// Calls to the QuickBooks Online Accounting API of one realm, with the client-side budget,
// the bearer token, and the retry rules: throttled answers (429, or 403 with Fault 3001)
// and 5xx or transport failures back off exponentially (with jitter) and try again, up to
// max_attempts; a 401 refreshes the token once; anything else is a refusal with its Fault.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "connectors/quickbooks/qbo_response.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/request_budget.h"
#include "connectors/quickbooks/token_keeper.h"
#include "gateway/common/metrics.h"
#include "gateway/http/http_client.h"

namespace tributary::connectors::quickbooks {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

class QboApi {
 public:
  QboApi(const QuickBooksConfig& settings, std::string connector, TokenKeeper& tokens, RequestBudget& budget,
         http::HttpClient& client, Metrics* metrics);

  // GET {base_url}/v3/company/{realm}/{endpoint}?{params}&minorversion=N; the 200 body.
  // Errors: kRejected (a Fault, kept in last_fault(), or consent needed), kUnavailable after
  // the last attempt, kCancelled when `stop` was requested while waiting.
  Result<std::string> Get(const std::string& endpoint, const QueryParams& params, std::stop_token stop);

  // The Fault of the last refused request; reset by every Get.
  [[nodiscard]] const std::optional<QboFault>& last_fault() const { return last_fault_; }

 private:
  // Waits `delay` unless stop is requested first (then false).
  bool Wait(std::chrono::milliseconds delay, std::stop_token stop);
  std::chrono::milliseconds Backoff(int attempt);

  const QuickBooksConfig& settings_;
  const std::string connector_;
  TokenKeeper& tokens_;
  RequestBudget& budget_;
  http::HttpClient& client_;
  Metrics* metrics_;
  std::optional<QboFault> last_fault_;
  uint64_t jitter_state_;
};

}  // namespace tributary::connectors::quickbooks
