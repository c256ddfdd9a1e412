// A test double of the Allianz Trade (ex Euler Hermes) API on a real loopback HTTP server,
// rooted like https://api.eulerhermes.com. PROVISIONAL UNTIL THE INSURER'S HANDBOOK IS
// RECEIVED: the handbook is behind registration, so the wire below follows
// connectors/allianz_trade/allianz_trade_wire.h, where each detail is marked [3P] (seen in
// third-party integrations) or [GAP] (chosen as the most plausible shape):
//
// - POST /v1/idp/oauth2/authorize {"apiKey": base64(login:password)} [3P]:
//   200 {"access_token","token_type":"Bearer","expires_in"} [expires_in: GAP]; the token
//   expires on the test's FakeClock (options.token_seconds). 400 without apiKey, 401 for
//   a wrong key [GAP]. Every other call needs "Authorization: Bearer <token>": 401 for an
//   unknown or expired token [GAP].
// - POST /search/v2/companies/advancedSearch {"companyName","countryCode",
//   "extendCountrySearch","companyIdentifiers":[{"idTypeCode","idValue"}] [identifiers:
//   GAP]}: countryCode (ISO alpha-2) is required (400); an identifier matches by value
//   (spaces and case ignored), else the name matches a part of a company's name, in that
//   country unless extendCountrySearch is "true". 200 {"results":[{"company":{"companyId",
//   "legalData":{"companyName"},"address":{"countryCode"},"companyIdentifiers":[…]}}]}
//   [3P, identifiers GAP]; no match: 200 {"results":[]}.
// - POST /riskinfo/v2/covers {"coverTypeCode":"CreditLimit","requestOrigin","requestData":
//   {"amount","currencyCode","companyId","comment","isRequestUrgent","customerReference"
//   [GAP],"coverId" [GAP]},"policy":{"policyId","extensionId","businessUnitCode"}} [3P]:
//   202 {"jobId","status":"pending"} [3P/GAP]. Refusals [GAP shape] {"errors":[{"code",
//   "message"}]}: 400 for a malformed body or another policy; 422 "No company found with
//   this companyId." (no buyer match), "The amount must be a multiple of N." (the
//   options' amount_multiple), "The cover to amend does not exist."; 409 "A cover already
//   exists for this company on this policy." (a new request while one is in force or
//   pending, without naming it in coverId).
// - DELETE /riskinfo/v2/covers/{coverId}?policyId=&businessUnitCode= [GAP]: 202 {"jobId"};
//   the cover is Cancelled and stays listed. 404 for an unknown cover.
// - GET /riskinfo/v2/jobs/{jobId} [GAP]: {"jobId","status":"processing"|"processed"|
//   "failed","coverId"} (failed: "errors"). A job answers "processing" to its first
//   options.job_pending_polls reads, then its outcome.
// - GET /riskinfo/v2/covers?policyId=&businessUnitCode=&pageSize=&page= [3P]: the policy's
//   covers in creation order, pages from 1, pageSize 1..100 (default 100); 206 Partial
//   Content with a JSON array, or 200 when page 1 holds every cover. With &companyId=
//   [3P]: that company's covers, 200. Items [3P coverId, company.companyId,
//   coverStatusCode, decision.permanent.permanentAmount; the rest GAP]: {"coverId",
//   "coverTypeCode","coverStatusCode":"Pending"|"Agreement"|"PartialAgreement"|"Refusal"|
//   "Cancelled","currencyCode","requestedAmount","customerReference","company":{…},
//   "policy":{"policyId","businessUnitCode"},"decision":{"decisionDate","effectiveDate",
//   "expiryDate","permanent":{"permanentAmount"},"conditions":[{"description"}],
//   "reasonLabel"}}.
// - 429 and 503 come from FailNext and faults(); their body is the error shape.
//
// The underwriter is scripted per company (Script): decide at once, or refer and decide
// after N days on the FakeClock: in full, partially, with conditions and an expiry, or
// zero (refused). An increase of a cover in force goes to the underwriter too; a
// reduction the insured asks for is agreed at once. ReduceCover and RemoveCover are the
// insurer's unilateral reduction and withdrawal.
//
// Thread-safety: every method may be called from any thread while the server serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"
#include "gateway/http/http_server.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/provider_faults.h"

namespace tributary::testing {

struct AllianzTradeDoubleOptions {
  std::string login = "tributary@example.com";
  std::string password = "Double:Password-1";
  std::string policy_id = "5121840";
  std::string business_unit = "ACI";
  int64_t token_seconds = 3600;
  int64_t amount_multiple = 1;  // requested amounts must be whole multiples of this (major units)
  int job_pending_polls = 0;    // reads of a job that answer "processing" before its outcome
};

// A company of the double's universe.
struct AllianzTradeCompany {
  std::string company_id;  // numeric text, like Allianz Trade's
  std::string name;
  std::string country = "FR";
  std::vector<std::pair<std::string, std::string>> identifiers;  // idTypeCode, idValue
};

// What the underwriter does with the next requests on one company.
struct AllianzTradeUnderwriting {
  enum class Outcome { kFull, kPartial, kConditional, kZero };
  int refer_days = 0;  // 0: decided at once; else referred, decided this many days later
  Outcome outcome = Outcome::kFull;
  int64_t partial_amount = 0;  // kPartial: what is granted (major units)
  std::string condition;       // kConditional: the condition's description
  std::string expiry_date;     // kConditional: YYYY-MM-DD
  std::string reason;          // kZero (and kPartial): the reasonLabel
  // Not empty: the request is accepted (202) but its job fails with this message, and no
  // cover is written.
  std::string job_error;
};

// One HTTP request as the double saw it.
struct AllianzTradeRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::string kind;  // authorize, search, submit, cancel, covers, job, other
};

class AllianzTradeDouble {
 public:
  // `clock` (owned by the test, outliving the double) is the time of token expiry and of
  // the underwriter's decisions.
  static Result<std::unique_ptr<AllianzTradeDouble>> Start(FakeClock& clock, AllianzTradeDoubleOptions options = {});
  ~AllianzTradeDouble();
  AllianzTradeDouble(const AllianzTradeDouble&) = delete;
  AllianzTradeDouble& operator=(const AllianzTradeDouble&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const;
  const AllianzTradeDoubleOptions& options() const { return options_; }

  // --- data --------------------------------------------------------------------------
  void AddCompany(AllianzTradeCompany company);
  // The underwriter's way with the next requests on `company_id` (default: in full, at once).
  void Script(const std::string& company_id, AllianzTradeUnderwriting underwriting);
  // A cover in force requested outside the gateway (decided: Agreement at `amount` major
  // units). Returns its coverId.
  std::string AddCover(const std::string& company_id, const std::string& currency, int64_t amount);
  // The insurer reduces a cover on its own (0: refuses it from now on), dated now.
  void ReduceCover(const std::string& cover_id, int64_t amount, const std::string& reason);
  // The insurer withdraws a cover: it vanishes from the lists.
  void RemoveCover(const std::string& cover_id);
  // The coverStatusCode and permanent amount of a cover ("" when unknown).
  std::string CoverStatus(const std::string& cover_id) const;
  std::optional<int64_t> CoverAmount(const std::string& cover_id) const;

  // --- tokens and failures -------------------------------------------------------------
  void RevokeTokens();
  // The next n calls (the login included) answer `status` with an error body;
  // `retry_after_seconds` > 0 adds a Retry-After header.
  void FailNext(int n, int status = 503, int retry_after_seconds = 0);

  // --- observations ------------------------------------------------------------------
  std::vector<AllianzTradeRequest> requests() const;
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any
  // Requests written to a cover (new, changed, cancelled): Allianz Trade's billed calls.
  int Submits() const;
  // Down or held on demand (provider_faults.h). A held submit writes its cover first, then
  // blocks unanswered until Release (a daemon that died mid-call).
  ProviderFaults& faults() { return faults_; }

 private:
  struct Cover {
    std::string cover_id;
    std::string company_id;
    std::string currency;
    std::string status;  // coverStatusCode
    std::string reference;
    int64_t requested = 0;
    std::optional<int64_t> permanent;
    std::string decision_date;
    std::string effective_date;
    std::string expiry_date;
    std::string reason;
    std::vector<std::string> conditions;
    std::optional<std::chrono::system_clock::time_point> decide_at;
    AllianzTradeUnderwriting underwriting;  // applied at decide_at
  };
  struct Job {
    std::string status;  // processed or failed
    std::string cover_id;
    std::string error;
    int pending_polls = 0;
  };

  AllianzTradeDouble(FakeClock& clock, AllianzTradeDoubleOptions options);
  http::Response Handle(const http::Request& request);
  http::Response Route(const http::Request& request, const std::string& path,
                       const std::map<std::string, std::string>& query, const std::string& kind);
  // allianz_trade_double.cc
  http::Response Authorize(const std::string& body);
  bool Authorized(const http::Request& request) const;
  http::Response Search(const std::string& body);
  // allianz_trade_double_covers.cc (under mutex_)
  http::Response RequestCover(const std::string& body);
  http::Response CancelCover(const std::string& cover_id, const std::map<std::string, std::string>& query);
  http::Response ListCovers(const std::map<std::string, std::string>& query);
  http::Response ReadJob(const std::string& job_id);
  std::string NewJob(Job job);
  void Decide(Cover& cover, const AllianzTradeUnderwriting& underwriting);
  void DecideDue();  // the underwriter's referred decisions whose day has come
  nlohmann::ordered_json CoverJson(const Cover& cover) const;
  std::string Today() const;
  http::Response Json(int status, const nlohmann::ordered_json& body);
  http::Response Error(int status, const std::string& code, const std::string& message);

  FakeClock& clock_;
  const AllianzTradeDoubleOptions options_;
  ProviderFaults faults_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  std::map<std::string, AllianzTradeCompany> companies_;  // by companyId
  std::map<std::string, AllianzTradeUnderwriting> scripts_;
  std::vector<Cover> covers_;  // in creation order
  std::map<std::string, Job> jobs_;
  std::map<std::string, std::chrono::system_clock::time_point> tokens_;  // token -> expiry
  int64_t next_cover_ = 880001;
  int64_t next_job_ = 1;
  uint64_t serial_ = 1;
  int submits_ = 0;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int fail_retry_after_ = 0;
  std::vector<AllianzTradeRequest> requests_;
};

}  // namespace tributary::testing
