// A test double of Salesforce (the OAuth token endpoint, the REST API's query, replication
// and limits resources, and Bulk API 2.0 query jobs) on a real loopback HTTP server. One
// double is one org, and base_url() is both its login host and its instance_url. It speaks
// the documented wire protocol, so a client written against it talks to Salesforce:
//
// - POST /services/oauth2/token (form body):
//   - JWT bearer grant: the compact JWT's RS256 signature is verified against the public
//     key of the connected app's X.509 certificate (options); `alg` must be RS256, `iss`
//     the consumer key (else 400 invalid_client_id "client identifier invalid"), `aud`
//     base_url() with or without a trailing slash ("audience is invalid"), `exp` in the
//     future ("expired authorization code") and at most 3 minutes ahead (both give or take
//     `assertion_clock_skew_seconds`), `sub` a pre-authorised username ("user hasn't
//     approved this consumer"); anything malformed or badly signed is "invalid assertion".
//   - client_credentials grant (Basic auth or client_id/client_secret in the body), only
//     when the double plays a My Domain host; otherwise invalid_grant "request not
//     supported on this domain". Other grants: 400 unsupported_grant_type.
//   - Success: access_token, signature (HMAC-SHA256 of id + issued_at with the consumer
//     secret, base64), scope, instance_url, id, token_type Bearer, issued_at (ms). No
//     expires_in, no refresh_token: a session lasts `session_seconds` of the fake clock
//     (fixed from issue: the real org extends a session on activity) or until
//     ExpireSessions(); then every call answers 401 INVALID_SESSION_ID.
// - Sessions are taken as `Authorization: Bearer <token>` (or the older `OAuth <token>`).
// - GET /services/data/: the version list, unauthenticated, as Salesforce answers it. Under
//   /services/data/vXX.X/ (a version not offered: 404 NOT_FOUND):
//   - query?q= and queryAll?q= with the SOQL subset of salesforce_double_soql.h; records in
//     SELECT order after `attributes{type,url}`, missing fields as null, relationship paths
//     (Account.Name, Account__r.Name) as nested objects (null when the lookup is empty);
//     deleted records only in queryAll, with IsDeleted true. Batches of min(options,
//     `Sforce-Query-Options: batchsize=N` clamped to 200..2000); more pages through
//     nextRecordsUrl `/services/data/vXX.X/query/01g…-<offset>` read from a snapshot taken
//     when the query ran; a locator unused for 15 minutes answers 400
//     INVALID_QUERY_LOCATOR. COUNT() answers totalSize with no records. A hidden field
//     (HideField) answers INVALID_FIELD, an unknown object INVALID_TYPE, bad SOQL
//     MALFORMED_QUERY, each with Salesforce's positioned message.
//   - sobjects/{Obj}/updated/?start=&end= and …/deleted/: seconds truncated, the 30-day and
//     15-day windows (400 INVALID_REPLICATION_DATE), latestDateCovered (the end, or the
//     current minute when the end is later), earliestDateAvailable (when the delete log was
//     last purged), EXCEEDED_ID_LIMIT above `replication_id_limit`.
//   - limits: DailyApiRequests {Max, Remaining} from the same counter as the header.
//   - jobs/query (Bulk API 2.0): create (UploadComplete; GROUP BY, OFFSET and aggregates
//     refused with INVALIDJOB), poll (InProgress, then JobComplete after
//     `bulk_polls_to_complete` polls, when the result snapshot is taken), results as CSV
//     (every value quoted, null as an empty field, datetimes ending in Z, columns in SELECT
//     order) paged with Sforce-Locator (base64 of the offset, the literal `null` on the last
//     page) and Sforce-NumberOfRecords; results from another API version: 409; before
//     JobComplete: 400 JOB_NOT_COMPLETE (a 412 in older documentation); results kept 7 days;
//     PATCH {"state":"Aborted"} and DELETE.
//   - Every authenticated answer carries `Sforce-Limit-Info: api-usage=used/max`. The daily
//     allocation is a counter over a 24-hour window of the fake clock; once spent, every
//     call answers 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded." (no
//     Retry-After). More than `max_concurrent_requests` data requests in flight: 403
//     REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit exceeded.". Error bodies are
//     JSON arrays [{"message","errorCode"}]; timestamps are 2026-07-02T10:11:12.000+0000.
// - Money put with Amount("1234.50") is written as the JSON number 1234.50, from its text.
//
// Left out: writes through the API (sObject create/update/delete, composite, Bulk ingest),
// describe, parent-to-child subqueries, aggregates and GROUP BY in REST queries (refused as
// MALFORMED_QUERY), date literals such as LAST_N_DAYS, TYPEOF, WITH, FOR, USING SCOPE,
// semi-joins (IN (SELECT …)), INCLUDES/EXCLUDES, the refresh-token and
// authorization-code flows, per-app usage in Sforce-Limit-Info, the 10-open-cursor limit,
// the batch size shrinking for wide records, and the 20-second rule of the concurrency
// limit (every in-flight data request counts).
//
// Business time runs on a fake clock (Now/Advance) that moves only when a test advances it;
// Put stamps SystemModstamp and LastModifiedDate with Now() and does not move it, so many
// records can share one SystemModstamp.
//
// Thread-safety: every method may be called from any thread while the server serves; state
// is guarded by one mutex.
#pragma once

#include <chrono>
#include <condition_variable>
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
#include "tests/testing/salesforce_double_soql.h"

namespace tributary::testing {

struct SalesforceDoubleOptions {
  // The connected app: consumer key and secret, and the certificate whose public key
  // verifies JWT assertions (PEM text, or a file holding it; one of them for the JWT flow).
  std::string client_id = "3MVG9tributaryDoubleConsumerKey";
  std::string client_secret = "tributary-double-consumer-secret";
  std::string certificate_pem;
  std::string certificate_path;
  // Usernames the app is pre-authorised for (JWT `sub`).
  std::set<std::string> preauthorized_users = {"integration@example.com"};
  // A My Domain host accepts the client_credentials grant, run as `run_as_username`.
  bool my_domain = false;
  std::string run_as_username = "integration@example.com";
  std::string org_id = "00D5g000004SfDbEAK";
  // Leeway between the client's clock and the double's when checking a JWT's exp (either
  // way): a client that stamps exp from the real clock stays accepted while the fake clock
  // lags a few seconds behind. 0 checks exp against Now() exactly.
  int64_t assertion_clock_skew_seconds = 60;
  int64_t session_seconds = 7200;
  std::vector<std::string> api_versions = {"58.0", "59.0", "60.0", "61.0", "62.0"};
  int query_batch_size = 2000;  // the largest batch the org answers (a request may ask less)
  int64_t daily_api_limit = 100000;
  int max_concurrent_requests = 25;
  int64_t replication_id_limit = 600000;
  int bulk_polls_to_complete = 2;      // polls until JobComplete (the first poll sees InProgress)
  int64_t bulk_page_records = 100000;  // a results page when maxRecords is absent
  // Objects that exist before anything is put (an object also exists once put or declared).
  std::vector<std::string> objects = {"Account", "Contact", "Opportunity", "User"};
  // Where the fake clock starts.
  std::chrono::system_clock::time_point start =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
};

// One HTTP request as the double saw it.
struct SalesforceRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw query string
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  int status = 0;    // what was answered
  std::string kind;  // token, query, queryAll, more, updated, deleted, limits, bulk, other
};

// Token endpoint answers by outcome.
struct TokenCounts {
  int succeeded = 0;
  int invalid_grant = 0;
  int invalid_client = 0;  // invalid_client and invalid_client_id
  int unsupported_grant_type = 0;
  int invalid_request = 0;  // not a POST
  int failed_injected = 0;  // FailNextToken
  int total() const {
    return succeeded + invalid_grant + invalid_client + unsupported_grant_type + invalid_request + failed_injected;
  }
};

class SalesforceDouble {
 public:
  // Fails when a configured certificate cannot be read or parsed.
  static Result<std::unique_ptr<SalesforceDouble>> Start(SalesforceDoubleOptions options = {});
  ~SalesforceDouble();
  SalesforceDouble(const SalesforceDouble&) = delete;
  SalesforceDouble& operator=(const SalesforceDouble&) = delete;

  // "http://127.0.0.1:<port>": the login URL, the JWT audience and the instance_url.
  std::string base_url() const;
  std::string token_url() const;  // base_url() + "/services/oauth2/token"
  const SalesforceDoubleOptions& options() const { return options_; }

  // --- the fake clock --------------------------------------------------------------------
  std::chrono::system_clock::time_point Now() const;
  void Advance(std::chrono::seconds by);
  // "2026-07-02T10:11:12.000+0000".
  static std::string FormatTime(std::chrono::system_clock::time_point time);

  // --- data ------------------------------------------------------------------------------
  // Makes an object exist (queries of an unknown object answer INVALID_TYPE).
  void DeclareObject(const std::string& object);
  // Creates the record, or updates the one with the same Id (fields are merged; a record in
  // the recycle bin is restored). A new record without Id gets an 18-character id with the
  // object's prefix (001 Account, 003 Contact, 006 Opportunity, 005 User, a0X… custom),
  // CreatedDate, IsDeleted false. Stamps SystemModstamp and LastModifiedDate with Now().
  // Returns the Id.
  std::string Put(const std::string& object, nlohmann::ordered_json record);
  std::vector<std::string> PutMany(const std::string& object, const std::vector<nlohmann::ordered_json>& records);
  // Moves the record to the recycle bin (IsDeleted true, SystemModstamp Now(), logged for
  // getDeleted); it is purged 15 days later.
  void Delete(const std::string& object, const std::string& id);
  // Hard delete: gone from queryAll at once; still listed by getDeleted for 15 days.
  void Purge(const std::string& object, const std::string& id);
  // The record as stored (recycle-bin records included), exact amounts as numbers.
  std::optional<nlohmann::ordered_json> Find(const std::string& object, const std::string& id) const;
  // Field-level security: a query naming the field answers 400 INVALID_FIELD.
  void HideField(const std::string& object, const std::string& field);
  // A money value written in JSON as the bare number `decimal_text`.
  static nlohmann::ordered_json Amount(const std::string& decimal_text);

  // --- sessions --------------------------------------------------------------------------
  // A session for `username` without the OAuth exchange (to seed tests).
  std::string IssueSession(const std::string& username = "integration@example.com");
  // Every session issued so far stops working (the next call answers 401).
  void ExpireSessions();
  TokenCounts TokenRequests() const;

  // --- allocations and failures ----------------------------------------------------------
  void SetDailyLimit(int64_t max);
  void SetApiUsage(int64_t used);  // requests already counted in the current window
  int64_t ApiUsage() const;
  // The next n data requests (/services/data/…) answer `status` before anything else: 503
  // SERVER_UNAVAILABLE, 500 UNKNOWN_EXCEPTION (JSON arrays), any other status an HTML page.
  void FailNext(int n, int status = 503);
  // The next n token requests answer `status` with an HTML page.
  void FailNextToken(int n, int status = 503);
  // Authenticated data requests wait (counted in flight) until ResumeRequests().
  void PauseRequests();
  void ResumeRequests();
  int in_flight() const;

  // --- Bulk API 2.0 ----------------------------------------------------------------------
  // The job's state ("" when unknown), without counting as a poll.
  std::string BulkJobState(const std::string& job_id) const;

  // --- observations ----------------------------------------------------------------------
  std::vector<SalesforceRequest> requests() const;
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any

 private:
  struct Record {
    nlohmann::ordered_json fields;
    bool deleted = false;
    std::chrono::system_clock::time_point deleted_at;
  };
  struct Object {
    std::string name;                       // canonical spelling
    std::string prefix;                     // id key prefix
    std::map<std::string, Record> records;  // by Id
    std::set<std::string> hidden;           // lowercase field names
  };
  struct DeleteLogEntry {
    std::string object;  // lowercase object key
    std::string id;
    std::chrono::system_clock::time_point deleted_at;
  };
  struct Session {
    std::string username;
    std::string user_id;
    std::chrono::system_clock::time_point expiry;
  };
  struct Cursor {
    std::string version;
    std::string endpoint;  // "query" | "queryAll"
    std::vector<nlohmann::ordered_json> records;
    size_t batch = 2000;
    std::chrono::system_clock::time_point last_used;
  };
  struct BulkJob {
    std::string id;
    std::string operation;  // query | queryAll
    std::string object;     // canonical name
    std::string version;
    std::string column_delimiter;
    std::string line_ending;
    std::string created_by;
    soql::Query query;
    std::string state;
    int polls = 0;
    std::chrono::system_clock::time_point created;
    std::chrono::system_clock::time_point modstamp;
    std::vector<std::string> rows;  // CSV lines without line ending, header first
  };
  struct QueryError {
    std::string code;
    std::string message;
  };
  using Selected = std::vector<std::pair<const Object*, const Record*>>;

  explicit SalesforceDouble(SalesforceDoubleOptions options);
  std::chrono::system_clock::time_point NowLocked() const { return options_.start + offset_; }
  http::Response Handle(const http::Request& request);
  http::Response HandleData(const http::Request& request, const std::string& path, const std::string& query);
  http::Response Route(const http::Request& request, const std::string& version, const std::string& rest,
                       const std::string& query);
  // salesforce_double_oauth.cc
  Status LoadCertificate();
  http::Response HandleToken(const http::Request& request);
  http::Response JwtGrant(const std::string& assertion);
  http::Response ClientCredentialsGrant(const http::Request& request, const std::map<std::string, std::string>& form);
  http::Response TokenError(const std::string& error, const std::string& description);
  http::Response IssueTokenResponse(const std::string& username);
  std::string NewSession(const std::string& username);
  // salesforce_double_query.cc
  http::Response Query(const http::Request& request, const std::string& version, const std::string& endpoint,
                       const std::string& query);
  http::Response QueryMore(const std::string& version, const std::string& endpoint, const std::string& locator);
  http::Response Replication(const std::string& version, const std::string& object, bool deleted,
                             const std::string& query);
  std::optional<QueryError> Check(const soql::Query& query) const;
  Selected Select(const soql::Query& query, bool include_deleted) const;
  nlohmann::ordered_json ValueAt(const Record& record, const soql::FieldPath& path) const;
  nlohmann::ordered_json Render(const Object& object, const Record& record, const soql::Query& query,
                                const std::string& version) const;
  const Object* FindObject(const std::string& name) const;
  // The record with this id in any object (relationship paths); nulls when none.
  std::pair<const Object*, const Record*> Lookup(const std::string& id) const;
  // salesforce_double_bulk.cc
  http::Response Bulk(const http::Request& request, const std::string& version, const std::string& rest,
                      const std::string& query);
  http::Response CreateJob(const std::string& version, const std::string& body);
  http::Response JobInfo(const BulkJob& job, bool full) const;
  http::Response JobResults(BulkJob& job, const std::string& version, const std::string& query);
  void CompleteJob(BulkJob& job);
  // salesforce_double.cc
  void ExpireOldData();
  http::Response Json(int status, const nlohmann::ordered_json& body) const;
  http::Response Error(int status, const std::string& code, const std::string& message) const;
  Object& ObjectFor(const std::string& name);
  std::string NextId(const std::string& prefix);

  const SalesforceDoubleOptions options_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;
  std::string certificate_pem_;  // loaded from options

  mutable std::mutex mutex_;
  std::condition_variable resumed_;
  // All below guarded by mutex_.
  std::chrono::system_clock::duration offset_{0};
  std::map<std::string, Object> objects_;          // by lowercase name
  std::map<std::string, std::string> id_objects_;  // record id -> lowercase object name
  std::vector<DeleteLogEntry> delete_log_;
  std::chrono::system_clock::time_point delete_log_purged_until_;
  int next_custom_prefix_ = 0;
  int next_standard_prefix_ = 0;
  uint64_t next_serial_ = 1;
  std::map<std::string, std::string> user_ids_;  // username -> 005 id
  std::map<std::string, Session> sessions_;
  std::map<std::string, Cursor> cursors_;  // by query id
  std::map<std::string, BulkJob> jobs_;
  TokenCounts token_counts_;
  int64_t daily_limit_ = 0;
  int64_t api_used_ = 0;
  std::chrono::system_clock::time_point usage_window_start_;
  int fail_next_ = 0;
  int fail_status_ = 503;
  int fail_next_token_ = 0;
  int fail_token_status_ = 503;
  std::string current_user_id_;  // the session's user, for the request being answered
  bool paused_ = false;
  int in_flight_ = 0;
  std::vector<SalesforceRequest> requests_;
};

}  // namespace tributary::testing
