// Every wire detail of the Allianz Trade (ex Euler Hermes) API the connector uses, in this
// one file, so that a correction from the insurer's handbook touches nothing else: paths,
// query names, JSON member names, status codes and the error shape. Pure functions over
// the bytes; no I/O.
//
// Allianz Trade's API handbook is behind registration. What is here comes from:
// [3P] third-party integrations calling the production and UAT APIs (seen, not confirmed
//      by the insurer):
//   - POST {auth}/v1/idp/oauth2/authorize, JSON {"apiKey": base64(login:password)},
//     answered 200 {"access_token", …}; later calls send "Authorization: Bearer <token>".
//   - POST /search/v2/companies/advancedSearch {"companyName","countryCode" (ISO alpha-2),
//     "extendCountrySearch"}; answer {"results":[{"company":{"companyId",
//     "legalData":{"companyName"},"address":{"countryCode",…}}}]}. companyId may be a
//     number or a string.
//   - GET /riskinfo/v2/covers?policyId=&businessUnitCode=ACI&pageSize=100&page=N (pages
//     from 1), answered 206 Partial Content with a JSON array; paging goes on while a page
//     is full. GET /riskinfo/v2/covers?policyId=&businessUnitCode=&companyId= lists one
//     company's covers.
//   - A cover item carries coverId, company.companyId, coverStatusCode ("Agreement" seen),
//     decision.permanent.permanentAmount and possibly a temporary part.
//   - POST /riskinfo/v2/covers {"coverTypeCode":"CreditLimit","requestOrigin":
//     "ExternalPlatform","requestData":{"amount","currencyCode","companyId","comment",
//     "isRequestUrgent"},"policy":{"policyId","extensionId","businessUnitCode"}}.
// [3P/GAP] from generated catalogues, unverified: writes answer 202 Accepted {"jobId"},
//   then GET .../jobs/{jobId} until "status" is "processed" or "failed".
// [GAP] chosen here as the most plausible shape (docs/connectors/allianz-trade.md lists
//   them too; the double tests/testing/allianz_trade_double.h speaks the same):
//   - the jobs path is under the covers API: GET /riskinfo/v2/jobs/{jobId}, answering
//     {"jobId","status":"pending"|"processing"|"processed"|"failed","coverId","errors"};
//   - the login's answer may carry "expires_in" (seconds); without it the token is used
//     until an API call answers 401; a refused login answers 400, 401 or 403;
//   - the search takes legal identifiers as "companyIdentifiers":[{"idTypeCode",
//     "idValue"}] (the shape of Allianz Trade's /companies/matching) with the codes
//     SIREN, SIRET, VAT, DUNS, or the registration scheme's name (REGISTRATION_NUMBER
//     when unknown);
//   - the insured's reference of a request is requestData.customerReference, given back
//     as the cover's "customerReference";
//   - a change of the cover in force names it: requestData.coverId; a cancellation is
//     DELETE /riskinfo/v2/covers/{coverId}?policyId=&businessUnitCode=, answered 202
//     {"jobId"};
//   - the cover item: "coverTypeCode", "coverStatusCode" among Pending (referred),
//     Agreement, PartialAgreement, Refusal (decided), Cancelled, Withdrawn; "currencyCode",
//     "requestedAmount", "customerReference", "decision":{"decisionDate","effectiveDate",
//     "expiryDate","permanent":{"permanentAmount"},"temporary":{"temporaryAmount",
//     "endDate"},"conditions":[{"description"}],"reasonLabel"}; amounts in major units,
//     as JSON integers or decimal strings;
//   - a refusal answers 400, 409 or 422 with {"errors":[{"code","message"}]}; the messages
//     are the insurer's text shown to the core;
//   - 401 on an API call means the token expired; 429 throttles (Retry-After honoured).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kit/insurer_provider.h"
#include "connectors/kit/oauth_grants.h"
#include "gateway/common/result.h"
#include "gateway/http/http_types.h"

namespace tributary::connectors::allianz_trade::wire {

inline constexpr std::string_view kAuthorizePath = "/v1/idp/oauth2/authorize";     // [3P]
inline constexpr std::string_view kSearchPath = "/search/v2/companies/advancedSearch";  // [3P]
inline constexpr std::string_view kCoversPath = "/riskinfo/v2/covers";             // [3P]
inline constexpr std::string_view kJobsPath = "/riskinfo/v2/jobs/";                // [GAP]
inline constexpr int kCoversPageSize = 100;                                        // [3P]

// --- login ----------------------------------------------------------------------------
// {"apiKey": base64(login ":" password)}.
std::string AuthorizeBody(std::string_view login, std::string_view password);
// The 200 answer of the login: access_token (required), expires_in (optional).
Result<kit::TokenAnswer> ParseToken(std::string_view body);
// Whether a login answer refuses the credentials (never retried), rather than a trouble.
bool IsCredentialRefusal(int status);

// --- buyers ---------------------------------------------------------------------------
// The advancedSearch body for `query`; kInvalidArgument when it holds nothing Allianz
// Trade searches by.
Result<std::string> SearchBody(const kit::CompanyQuery& query);
// The companies of a search answer, in its order. kParse when not that shape.
Result<std::vector<kit::CompanyMatch>> ParseSearch(std::string_view body);

// --- covers ---------------------------------------------------------------------------
// "/riskinfo/v2/covers?policyId=…&businessUnitCode=…&pageSize=…&page=…".
std::string CoversTarget(const std::string& policy, const std::string& unit, int page);
// "/riskinfo/v2/covers?policyId=…&businessUnitCode=…&companyId=…".
std::string CompanyCoversTarget(const std::string& policy, const std::string& unit, const std::string& company_id);
// The cancellation of a cover: "/riskinfo/v2/covers/{coverId}?policyId=…&businessUnitCode=…".
std::string CancelTarget(const std::string& policy, const std::string& unit, const std::string& cover_id);
// The statuses a covers page may answer with: 206 Partial Content, or 200.
bool IsCoversPage(int status);
// The POST body of a new cover or of a change of the one in force. kInvalidArgument when
// the amount is not whole units of its currency.
Result<std::string> CoverRequestBody(const kit::CoverRequest& request, const std::string& unit);
// The covers of a list answer (a JSON array), read under `policy` when an item does not
// name its own. kParse when an item cannot be read (see ParseCover).
Result<std::vector<kit::Cover>> ParseCovers(std::string_view body, const std::string& policy);
// One cover item. kParse for an unknown coverStatusCode, an amount that is not exact, a
// currency that is not ISO 4217, a decided cover without its amount.
Result<kit::Cover> ParseCover(std::string_view item, const std::string& policy);

// --- asynchronous writes --------------------------------------------------------------
enum class JobStatus { kPending, kProcessed, kFailed };
struct Job {
  std::string id;
  JobStatus status = JobStatus::kPending;
  std::string cover_id;  // the cover the job wrote, when said
  std::string errors;    // kFailed: the insurer's messages joined by "; "
};
// The 202 answer of a write: {"jobId"}. kParse without one.
Result<std::string> ParseJobAccepted(std::string_view body);
// GET /riskinfo/v2/jobs/{jobId} answer. kParse for an unknown status.
Result<Job> ParseJob(std::string_view body);
std::string JobTarget(const std::string& job_id);

// --- errors ---------------------------------------------------------------------------
// Whether an answer to a write is the insurer refusing it for a business reason.
bool IsValidationRefusal(int status);
// The insurer's messages of an error body, joined by "; " ("" when it has none).
std::string ErrorText(std::string_view body);
// "HTTP 422: <messages>", or "HTTP <status>" when the body says nothing.
std::string DescribeRefusal(const http::Response& response);

}  // namespace tributary::connectors::allianz_trade::wire
