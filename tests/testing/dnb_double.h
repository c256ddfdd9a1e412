// A test double of Dun & Bradstreet Direct+ on a real loopback HTTP server, speaking the
// documented wire protocol (docs.dnb.com error codes, the directplus documentation's
// samples), so that a client written against it talks to Direct+:
//
// - POST /v2/token (and /v1/token): `Authorization: Basic base64(key:secret)`,
//   `Content-Type: application/json`, body {"grant_type":"client_credentials"}; answers
//   {"access_token","expiresIn":86400}. POST /v3/token: the same with the form body
//   grant_type=client_credentials; answers {"access_token","expires_in":86400,
//   "token_type":"Bearer"}. Bad credentials: 401 00041; a malformed body: 400 00003 (v2
//   and v3) or 400 00008 (v2 JSON that does not parse).
// - Every other call takes `Authorization: Bearer <token>`: none or unknown 401 00041;
//   older than `token_seconds` on the fake clock 401 00040 (token expired).
// - GET /v1/match/cleanseMatch?countryISOAlpha2Code=&registrationNumber=&name=
//   [&candidateMaximumQuantity=&confidenceLowerLevelThresholdValue=]: the companies of the
//   country scored deterministically: the registration number equal 10 (matchGrade
//   AAAAAAAAFAA), else the name equal ignoring case 8 (AZZAAZZZFAZ), else a name
//   containing the other 6 (BZZAAZZZFAZ); a company's own `confidence` overrides that.
//   Candidates best first, at most candidateMaximumQuantity (default 5), none below the
//   threshold. No country, or neither name nor registration number: 400 00003. No
//   candidate: {"candidatesMatchedQuantity":0,"matchCandidates":[]}, or 404 20502 when
//   `no_match_as_404`.
// - GET /v1/data/duns/{duns}?blockIDs=a,b: the organization with the blocks asked for:
//   companyinfo_L2_v1 the identity (primaryName, countryISOAlpha2Code, primaryAddress,
//   registrationNumbers, dunsControlStatus), financialstrengthinsight_L2_v1 the company's
//   dnbAssessment as put (amounts written from their exact text); inquiryDetail echoes
//   the DUNS and blocks, blockStatus says ok per block. No blockIDs or an unknown block:
//   400 00003. An unknown DUNS: 404 10500.
// - Monitoring (paths from the directplus documentation's samples): POST
//   /v1/monitoring/registrations/{reference}/subjects/{duns} adds a subject (200, 21113
//   "Requested subjectID added to registration successfully."), 400 21012 when it is there
//   already. GET /v1/monitoring/registrations/{reference}/notifications
//   [?maximumQuantity=N, default 10, at most 100] hands out the oldest pending
//   notifications once: {"transactionDetail","inquiryDetail":{"reference"},
//   "notifications":[{"type":"UPDATE","organization":{"duns"},"elements":[{"element",
//   "previous","current","timestamp"}],"deliveryTimeStamp"}]}. Not confirmed by public
//   documentation: the 21012 code (seen in a third party's integration), the
//   notifications path and its maximumQuantity parameter, the shape of a notification,
//   and the answer to an unknown registration (here 404 21501).
// - Throttling: more than `max_requests_per_second` API calls in one second of the fake
//   clock answer 429 00045; ThrottleNext injects 429 with a chosen code (00045/00046).
//   FailNext injects 503 00002 (timeout).
// - Every answer carries transactionDetail {transactionID, transactionTimestamp,
//   inLanguage, serviceVersion}; errors add {"error":{"errorCode","errorMessage"}}.
//
// Left out: search by criteria, typeahead, multi-process, batch files, registration
// creation and its seed files, push delivery, contract quotas (daily/monthly).
//
// Thread-safety: every method may be called from any thread while the server serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
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

struct DnbDoubleOptions {
  std::string consumer_key = "dnb-double-consumer-key";
  std::string consumer_secret = "dnb-double-consumer-secret";
  int64_t token_seconds = 86400;
  int max_requests_per_second = 0;  // 0: no limit
  bool no_match_as_404 = false;
  std::vector<std::string> registrations = {"tributary-scores"};
};

// A company Direct+ knows.
struct DnbCompany {
  std::string duns;  // 9 digits
  std::string name;
  std::string country;  // ISO alpha-2
  std::string registration_number;
  std::string status = "Active";
  int confidence = 0;  // 0: computed by the match rules above
  // The dnbAssessment of financialstrengthinsight_L2_v1 (null: the block has none). Use
  // DnbDouble::Amount for exact amounts.
  nlohmann::ordered_json assessment;
};

// One HTTP request as the double saw it.
struct DnbRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;    // what was answered
  std::string kind;  // token, match, data, subjects, notifications, other
};

class DnbDouble {
 public:
  // `clock` is shared with the client under test and outlives the double.
  static Result<std::unique_ptr<DnbDouble>> Start(const FakeClock& clock, DnbDoubleOptions options = {});
  ~DnbDouble();
  DnbDouble(const DnbDouble&) = delete;
  DnbDouble& operator=(const DnbDouble&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>"
  const DnbDoubleOptions& options() const { return options_; }

  // A JSON value written as the bare number `decimal_text` (25000.50 stays 25000.50).
  static nlohmann::ordered_json Amount(const std::string& decimal_text);
  // A dnbAssessment with a failure score and a recommended limit; null members are left
  // out (percentile as a number, or as a JSON string for text values).
  static nlohmann::ordered_json Assessment(const nlohmann::ordered_json& percentile, int class_score,
                                           const std::string& class_description, const std::string& limit,
                                           const std::string& currency, const std::string& score_date = "2026-11-30");

  void PutCompany(DnbCompany company);
  // Queues a notification for `duns` on `registration` (only for a subject of it); false
  // when the DUNS is not a subject.
  bool Notify(const std::string& registration, const std::string& duns, const std::string& element,
              const nlohmann::ordered_json& previous, const nlohmann::ordered_json& current);
  std::set<std::string> Subjects(const std::string& registration) const;
  size_t PendingNotifications(const std::string& registration) const;

  // The next n API calls answer 503 00002, or 429 with `code`.
  void FailNext(int n);
  void ThrottleNext(int n, const std::string& code = "00045");
  // Every token issued so far expires (401 00040), or is revoked (401 00041: unknown).
  void ExpireTokens();
  void RevokeTokens();
  int TokensIssued() const;

  std::vector<DnbRequest> requests() const;
  // Down or held on demand (provider_faults.h); a held call is a data-block call.
  ProviderFaults& faults() { return faults_; }
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any

 private:
  ProviderFaults faults_;
  struct Token {
    std::chrono::system_clock::time_point expiry;
  };
  struct Notification {
    std::string duns;
    nlohmann::ordered_json element;
  };
  struct Registration {
    std::set<std::string> subjects;
    std::deque<Notification> pending;
  };

  DnbDouble(const FakeClock& clock, DnbDoubleOptions options);
  http::Response Handle(const http::Request& request);
  http::Response Route(const http::Request& request, const std::string& path, const std::string& query,
                       std::string& kind);
  http::Response IssueToken(const http::Request& request, const std::string& version);
  http::Response Match(const std::map<std::string, std::string>& query);
  http::Response Data(const std::string& duns, const std::map<std::string, std::string>& query);
  http::Response AddSubject(const std::string& reference, const std::string& duns);
  http::Response Pull(const std::string& reference, const std::map<std::string, std::string>& query);
  nlohmann::ordered_json TransactionDetail();
  http::Response Json(int status, nlohmann::ordered_json body);
  http::Response Error(int status, const std::string& code, const std::string& message);
  nlohmann::ordered_json Identity(const DnbCompany& company) const;

  const FakeClock& clock_;
  const DnbDoubleOptions options_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  std::map<std::string, DnbCompany> companies_;  // by DUNS
  std::map<std::string, Registration> registrations_;
  std::map<std::string, Token> tokens_;
  uint64_t serial_ = 0;
  int revoked_ = 0;  // tokens issued, then revoked
  int fail_next_ = 0;
  int throttle_next_ = 0;
  std::string throttle_code_ = "00045";
  int64_t rate_second_ = -1;
  int rate_count_ = 0;
  std::vector<DnbRequest> requests_;
};

}  // namespace tributary::testing
