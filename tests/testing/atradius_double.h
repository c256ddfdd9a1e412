// A test double of the Atradius Atrium API (token, buyers, covers) on a real loopback HTTP
// server, at the root like https://api.atradius.com. PROVISIONAL UNTIL THE INSURER'S
// HANDBOOK IS RECEIVED: it speaks the wire of connectors/atradius/atradius_wire.h, whose
// details are confirmed by a third-party integration [3P] or chosen as the most plausible
// shape [GAP]:
//
// - [3P] POST /authenticate/v2/tokens with `Atradius-App-Key: <key>` and `Authorization:
//   Basic base64(client_id:client_secret)` ([GAP] empty body): 200 {"data":{"access_token",
//   "token_type":"Bearer","expires_in":3600}}; the token expires on the test's FakeClock.
//   A wrong key or credentials: 401 with the error body.
// - [3P] Every other call needs `Authorization: Bearer <token>` and the same
//   Atradius-App-Key: an unknown or expired token is 401, a wrong app key 403.
// - [3P] GET /credit-insurance/organisation-management/v1/buyers?customerId&policyId
//   &country=<ISO alpha-3>&uid&uidType: {"data":[{"buyerId", [GAP] "buyerName","country",
//   "uid","uidType","buyerStatus"}]}, every buyer with that country, uid and uidType (SN,
//   [GAP] VAT, CRN, DUNS); none: 404 "No buyer match found"; a country that is not three
//   letters or an unknown uidType: 400. A customerId or policyId not the double's: 403.
// - [3P] GET /credit-insurance/cover-management/v1/covers?customerId&policyId[&buyerId]
//   [&fromDate=YYYY-MM-DDThh:mm:ss] [GAP][&page&pageSize]: without fromDate the covers in
//   force (REFERRED or DECISION); with it, every cover changed at or after it, cancelled
//   and withdrawn ones included (the decision feed). [GAP] Pages from 1, pageSize 1..500
//   (default 100), with "meta":{"page","pageSize","totalPages","totalItems"}.
// - [3P] POST /credit-insurance/cover-management/v1/covers {"customerId","policyId",
//   "buyerId","coverType","creditLimitAmount","currencyCode","customerRefNumber"}: the
//   buyer's SCRIPTED UNDERWRITER (Script) decides at once (201) or refers (202) and decides
//   after N days of the fake clock: in full, partially, with conditions and an expiry, or
//   at zero. Answer {"data": cover}.
// - [3P] PUT with [GAP] the same body plus "action" (supersede, reduce, cancel) and
//   "coverId": supersede (a higher amount) goes to the underwriter again (201/202);
//   reduce (a lower amount) and cancel are done at once (200).
// - [3P] Validation errors, 400 {"errors":[{"status","detail","source":{"parameter"}}]}:
//   "Credit limit amount must be a multiple of 1000." ([GAP] text), "Credit limit/credit
//   check already exists for this buyer.", "New Application cannot supersede existing
//   cover", "No buyer match found" (an unknown buyerId); [GAP] "No cover found for this
//   buyer." for a PUT without a cover in force, "Reduction amount must be below the
//   current cover." for a reduce that does not reduce.
// - A cover: {"coverId","policyId","buyerId","buyerName","coverType","coverStatus"
//   (REFERRED, DECISION, CANCELLED, WITHDRAWN),"customerRefNumber","currencyCode",
//   "creditLimitApplicationAmountInPolicyCurrency","totalDecision":{
//   "decisionAmtInPolicyCurrency","decisionDate","decisionEffectiveDate",
//   "decisionReasonDescription"},"firstAmtDecision":{"decisionAmtInPolicyCurrency",
//   "decisionExpiryDate","decisionConditions":[{"conditionDescription"}]}}; amounts are
//   JSON integers, or decimal strings with AmountsAsStrings.
//
// Test calls change covers as Atradius does on its own: a unilateral reduction (Reduce)
// and a withdrawal (Withdraw: the cover leaves the list and shows in the feed). Faults
// (provider_faults.h): Break answers 503 to everything; Hold makes a submit (POST or PUT)
// record the cover first, then block unanswered until Release.
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

struct AtradiusDoubleOptions {
  std::string api_key = "double-app-key-0001";
  std::string client_id = "tributary-client";
  std::string client_secret = "Double-Secret-1";
  std::string customer_id = "1234567";
  std::string policy = "5012345";
  std::string currency = "EUR";  // the policy's currency
  int64_t token_seconds = 3600;
};

struct AtradiusBuyer {
  std::string buyer_id;
  std::string name;
  std::string country = "FRA";  // ISO alpha-3
  std::string uid;
  std::string uid_type = "SN";
  std::string status = "ACTIVE";
};

// How the underwriter answers the requests on one buyer (the default: in full, at once).
struct UnderwriterScript {
  enum class Outcome { kFull, kPartial, kConditional, kZero };
  int refer_days = 0;  // 0: decided at once (201); else referred (202), decided after that many days
  Outcome outcome = Outcome::kFull;
  int64_t amount = 0;  // major units: kPartial's amount; kConditional's when > 0 (else in full)
  std::vector<std::string> conditions;  // kConditional
  std::string expiry;                   // kConditional: YYYY-MM-DD the first amount expires
  std::string reason;                   // decisionReasonDescription
};

// A cover as the double holds it.
struct AtradiusCover {
  std::string cover_id;
  std::string buyer_id;
  std::string reference;  // customerRefNumber
  std::string cover_type = "credit-limit";
  std::string status;     // REFERRED, DECISION, CANCELLED, WITHDRAWN
  int64_t requested = 0;  // major units
  int64_t decided = 0;    // major units, when decided
  std::string expiry;
  std::vector<std::string> conditions;
  std::string reason;
  std::chrono::system_clock::time_point decided_at{};
  std::chrono::system_clock::time_point changed_at{};
  std::chrono::system_clock::time_point decide_due{};  // while referred
  UnderwriterScript script;                             // while referred
};

// One HTTP request as the double saw it.
struct AtradiusRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;
  std::string kind;  // token, buyers, covers, submit, other
};

class AtradiusDouble {
 public:
  static Result<std::unique_ptr<AtradiusDouble>> Start(FakeClock& clock, AtradiusDoubleOptions options = {});
  ~AtradiusDouble();
  AtradiusDouble(const AtradiusDouble&) = delete;
  AtradiusDouble& operator=(const AtradiusDouble&) = delete;

  // "http://127.0.0.1:<port>".
  std::string base_url() const;
  const AtradiusDoubleOptions& options() const { return options_; }

  // --- data --------------------------------------------------------------------------
  void AddBuyer(AtradiusBuyer buyer);
  // The underwriter's answers on `buyer_id` from now on.
  void Script(const std::string& buyer_id, UnderwriterScript script);
  // A cover decided outside the gateway (no reference), changed now. Returns its coverId.
  std::string AddCover(const std::string& buyer_id, int64_t amount);
  // Atradius cuts the buyer's cover on its own (a new decision at `amount`, changed now).
  void Reduce(const std::string& buyer_id, int64_t amount, const std::string& reason = "Unilateral reduction");
  // Atradius withdraws the buyer's cover: it leaves the list; the feed shows it WITHDRAWN.
  void Withdraw(const std::string& buyer_id, const std::string& reason = "Cover withdrawn");
  // The buyer's cover in force (REFERRED or DECISION), if any.
  std::optional<AtradiusCover> CoverOf(const std::string& buyer_id);
  // Amounts written as decimal strings ("50000.00") instead of JSON integers.
  void AmountsAsStrings(bool on);

  // --- tokens and failures -------------------------------------------------------------
  void RevokeTokens();
  // The next n calls (the token call included) answer `status` with an error body;
  // `retry_after_seconds` > 0 adds a Retry-After header.
  void FailNext(int n, int status = 503, int retry_after_seconds = 0);

  // --- observations ------------------------------------------------------------------
  std::vector<AtradiusRequest> requests() const;
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any
  // Cover requests accepted (POST or PUT answered 2xx, or held): the billed calls.
  int submits() const;
  ProviderFaults& faults() { return faults_; }

 private:
  AtradiusDouble(FakeClock& clock, AtradiusDoubleOptions options);
  http::Response Handle(const http::Request& request);
  http::Response Route(const http::Request& request, const std::string& path,
                       const std::map<std::string, std::string>& query, const std::string& kind, bool& hold);
  // atradius_double.cc: token and access
  http::Response Token(const http::Request& request);
  std::optional<http::Response> Unauthorized(const http::Request& request);
  // atradius_double_covers.cc
  void Underwrite();  // decides the referred covers whose day has come
  http::Response Buyers(const std::map<std::string, std::string>& query);
  http::Response ListCovers(const std::map<std::string, std::string>& query);
  http::Response Submit(const std::string& method, const std::string& body, bool& hold);
  void Decide(AtradiusCover& cover, const UnderwriterScript& script, std::chrono::system_clock::time_point at);
  AtradiusCover* Active(const std::string& buyer_id);
  nlohmann::ordered_json CoverJson(const AtradiusCover& cover) const;
  nlohmann::ordered_json Amount(int64_t major) const;
  static http::Response Json(int status, const nlohmann::ordered_json& body);
  static http::Response Error(int status, const std::string& detail, const std::string& parameter = "");

  FakeClock& clock_;
  const AtradiusDoubleOptions options_;
  ProviderFaults faults_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  std::map<std::string, AtradiusBuyer> buyers_;  // by buyerId
  std::map<std::string, UnderwriterScript> scripts_;
  std::vector<AtradiusCover> covers_;  // in creation order
  std::map<std::string, std::chrono::system_clock::time_point> tokens_;
  bool amounts_as_strings_ = false;
  int next_cover_ = 1;
  uint64_t serial_ = 1;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int fail_retry_after_ = 0;
  int submits_ = 0;
  std::vector<AtradiusRequest> requests_;
};

}  // namespace tributary::testing
