// A test double of the Creditsafe Connect API (authentication, company search, company
// credit reports, Global Monitoring portfolios) on a real loopback HTTP server, under the
// base path /v1 like https://connect.creditsafe.com/v1. It speaks the documented wire
// protocol:
//
// - POST /v1/authenticate {"username","password"} (JSON, both case-sensitive):
//   - 200 {"token": JWT}: the JWT's payload carries `exp` = now + 3600 on the test's
//     FakeClock; several tokens may be valid at once; there is no refresh token.
//   - 401 {"correlationId","message":"Access denied - Please check that your username and
//     password are correct"} on bad credentials. Identical invalid requests are counted:
//     from the 6th within 2 minutes the answer is 429, and /authenticate then answers 429
//     to everyone for 5 minutes (the lockout).
//   - 400 when the body is not JSON with both strings.
// - Every other call needs `Authorization: Bearer <jwt>` or the bare `<jwt>` (older
//   clients); a token the double never handed out, or past its `exp`, gets 401.
// - GET /v1/companies?countries=FR&regNo=|vatNo=|name=&page=1&pageSize=10: `countries` is
//   required (400), and one criterion; regNo matches a company's regNo or its beginning
//   (a SIREN finds every SIRET), vatNo any of its VAT numbers, name a case-insensitive
//   part of its name. Pages are 1-based; pageSize 1..100 (default 10). Answer
//   {"correlationId","totalSize","companies":[{"id","country","regNo","safeNo","name",
//   "address":{…},"status","type","officeType","vatNo":[…],"dateOfLatestChange"}]}.
// - GET /v1/companies/{connectId}?language=en: the report {"correlationId","report":{…}}
//   with companySummary, companyIdentification and creditScore (currentCreditRating with
//   commonValue, commonDescription, creditLimit {currency, value as a string},
//   providerValue {minValue, maxValue, value as strings}; latestRatingChangeDate), or a
//   report a test set verbatim. 404 {"correlationId","message":"Company not found",
//   "details"} for an unknown id; 400 for a language other than two letters.
// - POST /v1/monitoring/portfolios/{portfolioId}/companies {"id",…}: 201 {"correlationId",
//   "message":"Company added to portfolio"}; 409 when the company is in it already; 404
//   for an unknown portfolio; 400 without an id.
// - GET /v1/monitoring/portfolios/{portfolioId}/notificationEvents?sortBy=&sortDir=&page=
//   &pageSize=: the portfolio's events (InjectEvent), sortBy companyName (default),
//   countryCode, eventId or eventDate, sortDir asc (default) or desc, pages 0-based,
//   pageSize 1..1000 (default 50). Answer {"correlationId","totalCount","data":[{"company":
//   {"id","safeNumber","name","countryCode","portfolioId","portfolioName"},"eventId",
//   "eventDate","newValue","oldValue","notificationEventId","ruleCode","ruleName",
//   "isProcessed"}],"paging":{"size","prev","next","last"}} (prev/next null at the ends).
// - Errors are {"correlationId","message","details"}.
//
// Left out: /access, /companies/searchcriteria, director search, portfolio creation and
// event rules (a portfolio exists from the options), the other per-country APIs.
//
// Thread-safety: every method may be called from any thread while the server serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"
#include "gateway/http/http_server.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/provider_faults.h"

namespace tributary::testing {

struct CreditsafeDoubleOptions {
  std::string username = "tributary-user-key";
  std::string password = "Double-Password-1";
  // Portfolios that exist, by id.
  std::map<int64_t, std::string> portfolios = {{131318, "Tributary"}};
};

// A company of the double's universe and its current rating.
struct CreditsafeCompany {
  std::string id;  // connectId "FR-X-49481445200012"
  std::string country = "FR";
  std::string reg_no;
  std::string safe_no;
  std::string name;
  std::string status = "Active";
  std::string office_type = "HeadOffice";
  std::vector<std::string> vat_numbers;
  std::string city = "ORLEANS";
  std::string post_code = "45000";
  // creditScore.currentCreditRating
  std::string common_value = "B";
  std::string common_description = "Low Risk";
  std::string provider_value = "58";  // may be text: "Not Rated"
  std::string provider_min = "0";
  std::string provider_max = "100";
  std::string limit_currency = "EUR";
  std::string limit_value = "25000";  // may be text: "Credit Limit not applicable"
  std::string latest_rating_change = "2021-05-07T00:00:00Z";
};

// One HTTP request as the double saw it.
struct CreditsafeRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::string kind;  // authenticate, search, report, watch, events, other
};

class CreditsafeDouble {
 public:
  // `clock` (owned by the test, outliving the double) is the time of token expiry, the
  // login lockout and event dates.
  static Result<std::unique_ptr<CreditsafeDouble>> Start(FakeClock& clock, CreditsafeDoubleOptions options = {});
  ~CreditsafeDouble();
  CreditsafeDouble(const CreditsafeDouble&) = delete;
  CreditsafeDouble& operator=(const CreditsafeDouble&) = delete;

  // "http://127.0.0.1:<port>/v1".
  std::string base_url() const;
  const CreditsafeDoubleOptions& options() const { return options_; }

  // --- data --------------------------------------------------------------------------
  void AddCompany(CreditsafeCompany company);
  // The body of GET /companies/{id} from now on, verbatim (malformed or odd reports).
  void SetReport(const std::string& id, std::string body);
  // A notification event on `company_id` in the portfolio (rule 101: international score
  // band change), dated now. Returns its eventId; 0 when the company is not in the
  // portfolio (Creditsafe raises events for monitored companies only).
  int64_t InjectEvent(int64_t portfolio_id, const std::string& company_id, int rule_code = 101,
                      const std::string& old_value = "B", const std::string& new_value = "C");
  std::set<std::string> PortfolioCompanies(int64_t portfolio_id) const;

  // --- tokens and failures -------------------------------------------------------------
  // Every token handed out so far stops working (the next call answers 401).
  void RevokeTokens();
  // The next n calls (authentication included) answer `status` (503, 500, 429 …) with an
  // error body; `retry_after_seconds` > 0 adds a Retry-After header.
  void FailNext(int n, int status = 503, int retry_after_seconds = 0);

  // --- observations ------------------------------------------------------------------
  std::vector<CreditsafeRequest> requests() const;
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any
  // Down or held on demand (provider_faults.h); a held call is a report call.
  ProviderFaults& faults() { return faults_; }

 private:
  ProviderFaults faults_;
  struct Event {
    int64_t event_id = 0;
    int64_t notification_event_id = 0;
    std::string company_id;
    std::chrono::system_clock::time_point date;
    int rule_code = 0;
    std::string old_value;
    std::string new_value;
  };
  struct Portfolio {
    std::string name;
    std::set<std::string> companies;
    std::vector<Event> events;
  };

  CreditsafeDouble(FakeClock& clock, CreditsafeDoubleOptions options);
  http::Response Handle(const http::Request& request);
  http::Response Route(const http::Request& request, const std::string& path,
                       const std::map<std::string, std::string>& query, std::string& kind);
  // creditsafe_double.cc: authentication
  http::Response Authenticate(const std::string& body);
  bool Authorized(const http::Request& request) const;
  // creditsafe_double_data.cc: search, report, monitoring
  http::Response Search(const std::map<std::string, std::string>& query);
  http::Response Report(const std::string& id, const std::map<std::string, std::string>& query);
  http::Response Watch(int64_t portfolio_id, const std::string& body);
  http::Response Events(int64_t portfolio_id, const std::map<std::string, std::string>& query);
  nlohmann::ordered_json ReportOf(const CreditsafeCompany& company) const;
  http::Response Json(int status, const nlohmann::ordered_json& body);
  http::Response Error(int status, const std::string& message, const std::string& details = "");
  std::string CorrelationId();

  FakeClock& clock_;
  const CreditsafeDoubleOptions options_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  std::map<std::string, CreditsafeCompany> companies_;  // by id, in id order
  std::map<std::string, std::string> reports_;           // verbatim bodies by id
  std::map<int64_t, Portfolio> portfolios_;
  std::map<std::string, std::chrono::system_clock::time_point> tokens_;  // token -> exp
  std::map<std::string, std::vector<std::chrono::system_clock::time_point>> bad_logins_;  // by request body
  std::chrono::system_clock::time_point login_locked_until_{};
  int64_t next_event_id_ = 7000001;
  int64_t next_notification_id_ = 1;
  uint64_t serial_ = 1;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int fail_retry_after_ = 0;
  std::vector<CreditsafeRequest> requests_;
};

}  // namespace tributary::testing
