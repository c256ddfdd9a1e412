// A test double of QuickBooks Online (Accounting API v3 and Intuit's OAuth 2.0 token
// endpoint) on a real loopback HTTP server, speaking the documented wire protocol:
//
// - POST /oauth2/v1/tokens/bearer: Basic client authentication, form body, the
//   authorization_code and refresh_token grants, refresh-token rotation (the superseded
//   value answers 400 invalid_grant), expires_in 3600, the rolling x_refresh_token_expires_in
//   and x_refresh_token_hard_expires_in only when asked with
//   `x-include-refresh-token-hard-expires-in: true`.
// - GET /connect/oauth2: the consent page, answered as if the person consented at once
//   (302 to redirect_uri with code, state and realmId).
// - /v3/company/{realm}/query, /cdc, /{entity}/{id}: bearer tokens on a fake clock (an
//   expired or unknown token gets 401 with the lowercase gateway `fault` body and
//   WWW-Authenticate), unknown realm refused, minorversion required, the query language
//   subset (SELECT * | COUNT(*) | Id FROM E [WHERE ...] [ORDERBY ...] STARTPOSITION n
//   MAXRESULTS m, capped at 1000, 4001 for n < 1, entity key omitted when empty; Customer
//   queries return active customers unless the WHERE names Active), CDC with deleted stubs,
//   the 30-day look-back (older changedSince = 400 ValidationFault) and the 1000-object cap
//   (the oldest 1000 by LastUpdatedTime are returned).
// - Throttling per realm: a token bucket (requests per minute, real time) and a concurrency
//   gate; excess gets 429 with Fault 3001 (or 403 with the same Fault in legacy mode), plus
//   deterministic injection (every n-th request throttled, the next n requests 503).
// - Writes, to answer the business Faults: POST customer (create, or update by Id with
//   SyncToken: 6240 duplicate DisplayName, 5010 stale SyncToken, 2020 missing DisplayName),
//   POST invoice (update by Id: 5010, 610 unknown), POST batch (at most 30 items; an item's
//   Fault comes back inside the 200 answer).
// - Entities carry SyncToken, MetaData, SubTotalLineDetail lines, Balance/RemainingCredit,
//   LinkedTxn both ways and the LineEx noise. Amounts are JSON numbers written from their
//   exact decimal text.
//
// Business time runs on a fake clock (Now/Advance): token lifetimes, LastUpdatedTime,
// response `time`, the CDC window. Every mutation is stamped with Now() and then moves the
// clock one second on, so each change has its own LastUpdatedTime. Rate limits use real time.
//
// Thread-safety: every method may be called from any thread while the server serves; state
// is guarded by one mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

namespace tributary::testing {

struct QuickBooksDoubleOptions {
  std::string client_id = "qbo-client-id";
  std::string client_secret = "qbo-client-secret";
  bool rotate_refresh_tokens = true;
  int requests_per_minute = 500;  // per realm
  int max_in_flight = 10;         // per realm
  int64_t access_token_seconds = 3600;
  int64_t refresh_token_seconds = 8726400;       // rolling, ~101 days
  int64_t refresh_token_hard_seconds = 157680000;  // 5 years
  // Where the fake clock starts: the real time when the double was made (a daemon's own
  // clock then agrees with the double's until a test advances it).
  std::chrono::system_clock::time_point start =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
};

// One HTTP request as the double saw it.
struct QuickBooksRequest {
  std::string method;
  std::string path;   // without the query
  std::string query;  // raw query string
  std::string realm;  // for /v3/company/{realm}/…, else ""
  std::string kind;   // "token", "authorize", "query", "cdc", "read", "other"
  int status = 0;     // what was answered
  std::string body;   // request body
};

struct IssuedTokens {
  std::string access_token;
  std::string refresh_token;
};

// A line of a payment: an amount applied to an invoice or a credit memo.
struct PaymentLink {
  std::string txn_id;
  std::string txn_type = "Invoice";  // "Invoice" | "CreditMemo"
  std::string amount;                // decimal text, e.g. "55.00"
};

class QuickBooksDouble {
 public:
  static Result<std::unique_ptr<QuickBooksDouble>> Start(QuickBooksDoubleOptions options = {});
  ~QuickBooksDouble();
  QuickBooksDouble(const QuickBooksDouble&) = delete;
  QuickBooksDouble& operator=(const QuickBooksDouble&) = delete;

  // "http://127.0.0.1:<port>": the connector's base_url (the API lives under /v3/company).
  std::string base_url() const;
  // The token endpoint: the connector's token_url.
  std::string token_url() const;
  // The consent page: the connector's authorize_url.
  std::string authorize_url() const;
  const QuickBooksDoubleOptions& options() const { return options_; }

  // --- the fake clock --------------------------------------------------------------------
  std::chrono::system_clock::time_point Now() const;
  void Advance(std::chrono::seconds by);
  // `time` as QuickBooks writes it: "2026-07-01T10:00:00-07:00" (the company's offset).
  static std::string FormatTime(std::chrono::system_clock::time_point time, bool milliseconds = false);

  // --- companies and their data ----------------------------------------------------------
  void AddRealm(const std::string& realm);
  // Each returns the new entity's Id. Amounts are decimal text with two decimals.
  std::string AddCustomer(const std::string& realm, const std::string& display_name);
  std::string AddInvoice(const std::string& realm, const std::string& customer_id, const std::string& doc_number,
                         const std::string& amount, const std::string& due_date = "2026-07-31");
  std::string AddCreditMemo(const std::string& realm, const std::string& customer_id,
                            const std::string& doc_number, const std::string& amount);
  // Applies the links (lowering the invoices' Balance and the credit memos' RemainingCredit,
  // adding LinkedTxn on both sides); `total` minus the links is UnappliedAmt.
  std::string AddPayment(const std::string& realm, const std::string& customer_id, const std::string& total,
                         const std::vector<PaymentLink>& links);
  // Changes an entity (`edit` gets its JSON object); bumps SyncToken and LastUpdatedTime.
  void Update(const std::string& realm, const std::string& entity, const std::string& id,
              const std::function<void(nlohmann::ordered_json&)>& edit);
  // Deletes it: it leaves queries and reads, and CDC returns a Deleted stub.
  void Delete(const std::string& realm, const std::string& entity, const std::string& id);
  std::optional<nlohmann::ordered_json> Find(const std::string& realm, const std::string& entity,
                                             const std::string& id) const;
  // Ids of the live entities of a type, in creation order.
  std::vector<std::string> Ids(const std::string& realm, const std::string& entity) const;
  // The amount as the double writes it in JSON objects (an exact number): use it in `edit`.
  static nlohmann::ordered_json Amount(const std::string& decimal_text);

  // --- OAuth -----------------------------------------------------------------------------
  // A code as if a person consented for `realm` (what the consent page redirects with).
  std::string IssueAuthorizationCode(const std::string& realm, const std::string& redirect_uri);
  // A grant without the consent dance, e.g. to seed a store in tests.
  IssuedTokens IssueGrant(const std::string& realm);
  // The realm's current (not superseded) refresh token; "" when none.
  std::string CurrentRefreshToken(const std::string& realm) const;
  // Every refresh token of the realm stops working (as after a revocation).
  void RevokeGrants(const std::string& realm);
  int refresh_grants_answered() const;   // successful refresh_token grants
  int invalid_grants_answered() const;   // 400 invalid_grant answers
  int superseded_refresh_attempts() const;  // refreshes with an already rotated value

  // --- throttling and failures -----------------------------------------------------------
  // Every n-th API request (query, cdc, read) is answered as throttled before anything
  // else; 0 turns it off. With legacy_403 the answer is 403 with the 3001 Fault.
  void ThrottleEveryNth(int n, bool legacy_403 = false);
  // The next n API requests answer 503.
  void FailNextWith503(int n);
  // Every API request waits this long (real time) before being answered.
  void SetResponseDelay(std::chrono::milliseconds delay);

  // --- observations ----------------------------------------------------------------------
  std::vector<QuickBooksRequest> requests() const;
  int CountRequests(const std::string& kind, int status = 0) const;  // status 0 = any
  int max_in_flight_seen() const;

 private:
  struct Entity {
    std::string type;  // "Invoice", …
    nlohmann::ordered_json object;
    std::chrono::system_clock::time_point updated;
    bool deleted = false;
    int64_t order = 0;  // creation order
  };
  struct Realm {
    std::map<std::string, Entity> entities;  // by Id
    double bucket = 0;
    std::chrono::steady_clock::time_point bucket_at;
    int in_flight = 0;
  };
  struct RefreshToken {
    std::string realm;
    bool superseded = false;
    bool revoked = false;
    std::chrono::system_clock::time_point rolling_expiry;
    std::chrono::system_clock::time_point hard_expiry;
  };
  struct AccessToken {
    std::string realm;
    std::chrono::system_clock::time_point expiry;
  };

  explicit QuickBooksDouble(QuickBooksDoubleOptions options);
  http::Response Handle(const http::Request& request);
  http::Response HandleToken(const http::Request& request);
  http::Response HandleAuthorize(const std::string& query);
  http::Response HandleApi(const http::Request& request, const std::string& path, const std::string& query,
                           QuickBooksRequest& seen);
  http::Response Query(Realm& realm, const std::string& sql);      // quickbooks_double_query.cc
  http::Response Cdc(Realm& realm, const std::string& query);      // quickbooks_double_query.cc
  http::Response Read(Realm& realm, const std::string& type, const std::string& id);
  // quickbooks_double_writes.cc: create/update of a Customer, update of an Invoice, batch.
  std::pair<int, nlohmann::ordered_json> Write(Realm& realm, const std::string& type, const std::string& body);
  http::Response Batch(Realm& realm, const std::string& body);
  nlohmann::ordered_json Fault(const std::string& type, const std::string& code, const std::string& message,
                               const std::string& detail) const;
  http::Response Json(int status, const nlohmann::ordered_json& body) const;  // mutex_ held
  http::Response FaultResponse(int status, const std::string& type, const std::string& code,
                               const std::string& message, const std::string& detail) const;
  IssuedTokens IssueTokens(const std::string& realm, std::chrono::system_clock::time_point hard_expiry);
  std::string NextId(Realm& realm);
  void Stamp(Entity& entity);
  std::string Random(const std::string& prefix);
  bool TakeBudget(Realm& realm);

  const QuickBooksDoubleOptions options_;
  std::unique_ptr<http::HttpServer> server_;
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  std::chrono::system_clock::duration offset_{0};
  std::map<std::string, Realm> realms_;
  int64_t next_id_ = 100;
  int64_t next_order_ = 0;
  uint64_t random_counter_ = 0;
  std::map<std::string, std::string> codes_;  // authorization code -> realm
  std::map<std::string, std::string> code_redirects_;
  std::map<std::string, RefreshToken> refresh_tokens_;
  std::map<std::string, AccessToken> access_tokens_;
  int refresh_grants_ = 0;
  int invalid_grants_ = 0;
  int superseded_attempts_ = 0;
  int throttle_every_ = 0;
  bool throttle_legacy_403_ = false;
  int64_t api_requests_ = 0;
  int fail_next_503_ = 0;
  std::chrono::milliseconds delay_{0};
  int max_in_flight_seen_ = 0;
  std::vector<QuickBooksRequest> requests_;
};

}  // namespace tributary::testing
