// Every detail of the Atradius Atrium API the connector relies on, in this one file (and
// its .cc): paths, query names, headers, JSON members, status codes and the error shape.
// Pure functions over bytes and values; no I/O. A correction to the wire touches only here.
//
// Provenance. Atradius's handbook is behind registration: NOTHING below is confirmed by
// Atradius yet. [3P] marks what a published third-party ERP integration of the production
// API does (the best evidence there is); [GAP] marks the most plausible shape where that
// integration is silent. docs/connectors/atradius.md lists the same, and
// tests/testing/atradius_double.h is built to it:
//   [3P]  hosts https://api.atradius.com (production), https://api-uat.atradius.com (UAT)
//   [3P]  POST /authenticate/v2/tokens with headers Atradius-App-Key and
//         Authorization: Basic base64(client_id:client_secret); answer
//         {"data":{"access_token"}} with expires_in (default 3600)
//   [GAP] the token call has an empty body; expires_in is read inside "data" or beside it
//   [3P]  every later call sends Authorization: Bearer <token> and Atradius-App-Key
//   [3P]  GET /credit-insurance/organisation-management/v1/buyers?customerId&policyId
//         &country=<ISO alpha-3>&uid&uidType (SN = SIREN), answer {"data":[{"buyerId"}]}
//   [GAP] uidType VAT (VAT number), CRN (another registration number), DUNS; a SIRET is
//         sent as its SIREN; the buyer members buyerName, uid, uidType, buyerStatus; no
//         match is 404 {"errors":[{"detail":"No buyer match found"}]} or an empty "data"
//   [3P]  GET /credit-insurance/cover-management/v1/covers?customerId&policyId&buyerId,
//         answer {"data":[cover]}; the feed is the same list with fromDate=
//         YYYY-MM-DDThh:mm:ss
//   [3P]  cover members coverType ("credit-limit", "credit-check"), coverStatus
//         ("DECISION", "REFERRED"), creditLimitApplicationAmountInPolicyCurrency,
//         totalDecision.decisionAmtInPolicyCurrency, firstAmtDecision and
//         secondAmtDecision {decisionAmtInPolicyCurrency, decisionExpiryDate,
//         decisionConditions[{conditionDescription}]}
//   [GAP] cover members coverId, buyerId, buyerName, policyId, customerRefNumber (echoed),
//         currencyCode (echoed), totalDecision.{decisionDate, decisionEffectiveDate,
//         decisionReasonDescription}; coverStatus "CANCELLED" and "WITHDRAWN" (in the
//         feed; the full list leaves such covers out)
//   [GAP] the full list without buyerId, paged by page (from 1) and pageSize, answer
//         "meta":{"page","pageSize","totalPages"}
//   [3P]  POST …/covers {"customerId","policyId","buyerId","coverType","creditLimitAmount",
//         "currencyCode","customerRefNumber"}: 201 decided, 202 referred
//   [3P]  PUT with action supersede (increase), reduce or cancel
//   [GAP] PUT to …/covers itself with "action" and "coverId" in the POST's body; the
//         answer of a POST or PUT is {"data": cover}; 200 for a reduction or a cancel
//   [3P]  errors {"errors":[{"detail","source":{"parameter"}}]}, statuses 400, 401, 403,
//         404, 405, 406, 408, 422, 500, 503; texts seen: "Credit limit/credit check
//         already exists for this buyer.", "New Application cannot supersede existing
//         cover", "No buyer match found"; amounts in multiples of 1000
//   [GAP] 429 when throttled
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kit/insurer_provider.h"
#include "connectors/kit/oauth_grants.h"
#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::connectors::atradius::wire {

inline constexpr std::string_view kTokenPath = "/authenticate/v2/tokens";
inline constexpr std::string_view kBuyersPath = "/credit-insurance/organisation-management/v1/buyers";
inline constexpr std::string_view kCoversPath = "/credit-insurance/cover-management/v1/covers";
inline constexpr const char* kAppKeyHeader = "Atradius-App-Key";
inline constexpr int64_t kDefaultTokenSeconds = 3600;
inline constexpr int kDecided = 201;   // a POST or supersede decided at once
inline constexpr int kReferred = 202;  // an underwriter decides later
inline constexpr int kCoversPageSize = 100;
inline constexpr std::string_view kCoverType = "credit-limit";

// --- authentication -------------------------------------------------------------------
// The token call: POST <auth_base>/authenticate/v2/tokens with the app key and Basic client
// credentials.
http::Request TokenRequest(const std::string& auth_base, const std::string& api_key, const std::string& client_id,
                           const std::string& client_secret);
// A 2xx token answer; kParse when it holds no access token.
Result<kit::TokenAnswer> ParseToken(std::string_view body);

// --- buyers ---------------------------------------------------------------------------
// How a company is asked for: its legal identifier and the identifier's Atradius type.
struct BuyerUid {
  std::string uid;
  std::string uid_type;  // "SN", "VAT", "CRN", "DUNS"
};
// The identifier a query leads with (registration number, else VAT, else DUNS).
// kInvalidArgument for a query with a name only: Atradius finds buyers by identifier.
Result<BuyerUid> UidOf(const kit::CompanyQuery& query);
// The target of the buyer lookup (query values percent-encoded).
std::string BuyersTarget(const std::string& customer_id, const std::string& policy, std::string_view country_alpha3,
                         const BuyerUid& uid);
// A 2xx buyer answer; `country` (alpha-2) is set on every match.
Result<std::vector<kit::CompanyMatch>> ParseBuyers(std::string_view body, const std::string& country);

// --- covers ---------------------------------------------------------------------------
struct CoversQuery {
  std::string buyer_id;   // "" = every buyer of the policy
  std::string from_date;  // "" = the covers in force; else the feed since then
  int page = 0;           // 0 = no paging parameters
};
std::string CoversTarget(const std::string& customer_id, const std::string& policy, const CoversQuery& query);
// "YYYY-MM-DDThh:mm:ss" (UTC) of fromDate.
std::string FromDate(std::chrono::system_clock::time_point at);

enum class CoverChange { kNew, kSupersede, kReduce, kCancel };
// The change a request makes: new without a cover in force, cancel for 0, supersede for
// more, reduce for less (or the same).
CoverChange ChangeOf(const kit::CoverRequest& request);
// "POST" or "PUT".
std::string_view MethodOf(CoverChange change);
// The body of a POST or PUT. kInvalidArgument when the amount is not whole units of its
// currency (Atradius takes whole units).
Result<std::string> CoverBody(const std::string& customer_id, const kit::CoverRequest& request, CoverChange change);

// One cover of an answer. `currency` is the policy's when the cover does not say.
// kParse for a cover without a status the connector knows, an amount that is not a whole
// number of minor units, or a fractional JSON number.
Result<kit::Cover> ParseCover(std::string_view body_of_one_cover, const std::string& currency);
struct CoversPage {
  std::vector<kit::Cover> covers;
  bool more = false;  // meta says another page follows, or (without meta) the page is full
};
Result<CoversPage> ParseCovers(std::string_view body, const std::string& currency, int page_size);
// The cover of a POST or PUT answer ({"data": cover}); nullopt when the answer has none.
Result<std::optional<kit::Cover>> ParseSubmitAnswer(std::string_view body, const std::string& currency);

// --- errors ---------------------------------------------------------------------------
// The `detail` texts of an error body joined by "; " ("" when the body is not one).
std::string ErrorDetails(std::string_view body);
// "HTTP 400: <details> (parameter <p>)", or "HTTP <status>" without an error body.
std::string DescribeRefusal(const http::Response& response);

}  // namespace tributary::connectors::atradius::wire
