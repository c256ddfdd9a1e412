// Calls to the QuickBooks Online Accounting API of one realm through the kit's ApiCaller
// (budget, bearer token, retries): QuickBooks throttles with 429, or with 403 and Fault
// 3001 in older answers, and both back off; a refusal carries its Fault.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kit/api_caller.h"
#include "connectors/quickbooks/qbo_response.h"
#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// The ApiCaller options of a QuickBooks connector: its policy and how QuickBooks answers read.
kit::ApiCallerOptions QboCallerOptions(const QuickBooksConfig& settings, const std::string& connector);

class QboApi {
 public:
  QboApi(const QuickBooksConfig& settings, kit::ApiCaller& caller) : settings_(settings), caller_(caller) {}

  // GET {base_url}/v3/company/{realm}/{endpoint}?{params}&minorversion=N; the 200 body.
  // Errors: kRejected (a Fault, kept in last_fault(), or the grant refused), kUnavailable
  // after the last attempt, kCancelled when `stop` was requested while waiting.
  Result<std::string> Get(const std::string& endpoint, const QueryParams& params, std::stop_token stop);

  // The Fault of the last refused request; reset by every Get.
  [[nodiscard]] const std::optional<QboFault>& last_fault() const { return last_fault_; }

 private:
  const QuickBooksConfig& settings_;
  kit::ApiCaller& caller_;
  std::optional<QboFault> last_fault_;
};

}  // namespace tributary::connectors::quickbooks
