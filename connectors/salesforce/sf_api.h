// Salesforce's REST and Bulk API 2.0 resources the connector uses, over the kit's
// ApiCaller: how Salesforce's answers are read (its error arrays, INVALID_SESSION_ID,
// REQUEST_LIMIT_EXCEEDED, Sforce-Limit-Info) and the calls themselves.
//
// Not thread-safe: one per connector thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/kit/api_caller.h"
#include "connectors/kit/oauth_grants.h"
#include "connectors/salesforce/salesforce_config.h"

namespace tributary::connectors::salesforce {

// One entry of a Salesforce error answer ([{"message", "errorCode", "fields"}]).
struct SalesforceError {
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};
// The entries of an error body; empty when it is not Salesforce's error array.
std::vector<SalesforceError> ParseErrors(const std::string& body);
// "CODE: message (fields: a, b)", joined by "; ", or "HTTP <status>".
std::string DescribeRefusal(const http::Response& response);

// How the connector reads an answer (see api_caller.h): a 401 INVALID_SESSION_ID renews
// once, except "This session is not valid for use with the REST API" (a refusal: the
// connected app lacks the api scope); 403 REQUEST_LIMIT_EXCEEDED TotalRequests is the
// org's daily allocation used (kQuotaExhausted), any other REQUEST_LIMIT_EXCEEDED
// (ConcurrentPerOrgLongTxn) is throttling.
kit::Reading ReadAnswer(const http::Response& response);

// `api-usage=used/max` of a Sforce-Limit-Info header; nullopt when absent.
struct ApiUsage {
  int64_t used = 0;
  int64_t max = 0;
};
std::optional<ApiUsage> LimitInfoOf(const http::Response& response);

// The grant: iss = client_id, sub = username, aud = login_url, the key read from
// private_key_file (an error naming the file when it cannot be read).
Result<kit::JwtBearerGrant::Settings> GrantSettingsOf(const SalesforceConfig& settings);
store::GrantId GrantIdOf(const SalesforceConfig& settings);
std::string ConsentCommand(const std::string& connector);

// The options of the connector's ApiCaller. `on_answer` sees every answer Salesforce gave
// (to count requests and read Sforce-Limit-Info).
kit::ApiCallerOptions CallerOptions(const SalesforceConfig& settings, const std::string& connector,
                                    std::function<void(const http::Response&)> on_answer);

// Salesforce time ("2026-07-02T10:11:12.000+0000", also ...Z): milliseconds since the epoch.
std::optional<int64_t> ParseSalesforceTime(const std::string& text);
// Milliseconds since the epoch as a SOQL / replication literal "2026-07-02T10:11:12.000Z".
std::string FormatSalesforceTime(int64_t unix_ms);
// A SOQL string literal, quotes and backslashes escaped.
std::string SoqlQuote(const std::string& text);

class SalesforceApi {
 public:
  SalesforceApi(const SalesforceConfig& settings, kit::ApiCaller& caller) : settings_(settings), caller_(caller) {}

  // GET `target` (a path under the instance) and return the 2xx body, or kRejected with
  // Salesforce's error described. `refusal` (may be null) receives the parsed errors.
  Result<http::Response> Get(const std::string& target, const std::string& what, std::stop_token stop,
                             std::vector<SalesforceError>* refusal = nullptr, http::Headers headers = {});
  Result<http::Response> Send(http::Request request, const std::string& what, std::stop_token stop,
                              std::vector<SalesforceError>* refusal = nullptr);
  // The first page of a SOQL query (batch size page_size).
  Result<std::string> Query(const std::string& soql, std::stop_token stop, std::vector<SalesforceError>* refusal);
  // The page at a nextRecordsUrl.
  Result<std::string> More(const std::string& next_records_url, std::stop_token stop);
  // DailyApiRequests {Max, Remaining} of GET /limits.
  Result<ApiUsage> Limits(std::stop_token stop);

  [[nodiscard]] const SalesforceConfig& settings() const { return settings_; }
  [[nodiscard]] const std::string& endpoint() const { return caller_.endpoint(); }
  // The description of the last refused answer ("HTTP 404 NOT_FOUND: …").
  [[nodiscard]] const std::string& last_refusal() const { return caller_.last_refusal(); }

 private:
  const SalesforceConfig& settings_;
  kit::ApiCaller& caller_;
};

}  // namespace tributary::connectors::salesforce
