// What a credit insurer's connector writes: how to find a buyer at that insurer, how to
// send a cover request and follow it, and how to read the covers in force. Everything else
// about a credit-limit job and the covers (the buyer from the request or the canonical
// customer, the checks made before anything is sent, the intent committed before the
// send, finding a lost send by its reference after a crash, the credit_limit record and
// its decision, withdrawals of covers that vanish) is the kit's CoverAction and
// CoverSync, written once for every insurer.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/kit/score_provider.h"
#include "gateway/common/result.h"

namespace tributary::connectors::kit {

// Where a cover stands at the insurer, in the insurer's own terms read into ours. The
// canonical `decision` is derived from it by the kit (CreditLimitDecision).
enum class CoverState {
  kReferred,   // an underwriter decides later; `granted_minor` is not known yet
  kDecided,    // the insurer decided: `granted_minor` is the amount in force, 0 = refused
  kCancelled,  // ended at the insured's request
  kWithdrawn,  // ended by the insurer on its own
};

// One cover (credit limit) on one buyer under one policy.
struct Cover {
  std::string policy;
  CompanyMatch buyer;     // `id` is the insurer's buyer id (Atradius buyerId, Allianz companyId)
  std::string cover_id;   // the insurer's id of the cover; may be empty while referred
  // The reference the request was sent with (CoverRequest::reference), when the insurer
  // gives it back; "" for a cover requested outside the gateway.
  std::string reference;
  std::string cover_type;  // the insurer's product: "credit-limit", "credit-check"
  CoverState state = CoverState::kReferred;
  std::string currency;                    // ISO 4217
  std::optional<int64_t> requested_minor;  // what was applied for, when the insurer says
  std::optional<int64_t> granted_minor;    // in force; nullopt while referred
  std::string decided_at;      // RFC 3339, the insurer's date of the decision; "" when unknown
  std::string effective_from;  // YYYY-MM-DD; "" when unknown
  std::string expires_at;      // YYYY-MM-DD; "" when the cover does not expire
  std::string conditions;      // the insurer's conditions, its own words joined by "; "
  std::string reason;          // the insurer's explanation (a refusal, a reduction)
};

// What the kit asks of the insurer. Checked before it is sent: the currency is one the
// policy covers, the amount a whole multiple of the insurer's step (InsurerRules).
struct CoverRequest {
  std::string policy;
  CompanyMatch buyer;  // found by FindBuyer
  std::string currency;
  int64_t amount_minor = 0;  // the cover wanted; 0 = cancel the cover in force
  // Unique per job (the job's id): sent with the request where the insurer keeps a
  // reference of the insured's (Atradius customerRefNumber), so that a send whose answer
  // was lost is found again (FindSubmission) instead of being sent twice.
  std::string reference;
  std::string comment;  // free text for the underwriter; may be empty
  // The cover the gateway knows in force on this buyer (decided, granted > 0): the
  // provider changes it (supersede to increase, reduce, cancel) rather than applying anew.
  std::optional<Cover> in_force;
};

// The insurer's answer to a send.
struct Submission {
  Cover cover;  // decided at once, or referred
  // What the provider needs to follow a referred request (an asynchronous job's id, the
  // cover id); kept by the kit with the job and given back to Follow. May be empty.
  std::string tracking;
};

// A page of covers.
struct CoverPage {
  std::vector<Cover> covers;
  std::string next_cursor;  // where the next page (or the next read of a feed) starts
  bool more = false;        // another page is ready now
};

// The rules of the connector's policy that the kit checks before sending anything.
struct InsurerRules {
  std::string policy;                   // requests go under it unless the request names it
  std::vector<std::string> currencies;  // the currencies the policy covers; never empty
  // Amounts must be whole multiples of this many major units of their currency (Atradius
  // takes multiples of 1000); 1 = whole units. Never less than 1: insurers take no cents.
  int64_t amount_step = 1;
};

// One insurer. Called from one thread at a time per instance. Every error is the calls':
// a validation refusal is kRejected whose message is the insurer's own text, shown to
// the core as the job's reason; network trouble, 408, 429 and 5xx are retryable.
class InsurerProvider {
 public:
  virtual ~InsurerProvider() = default;
  // The connector type, as credit_limit.provider: "atradius".
  [[nodiscard]] virtual std::string provider() const = 0;
  [[nodiscard]] virtual const InsurerRules& rules() const = 0;
  // The buyers matching `query` (country ISO alpha-2; the provider converts), best first.
  virtual Result<std::vector<CompanyMatch>> FindBuyer(const CompanyQuery& query, std::stop_token stop) = 0;
  // Sends the request (new, supersede, reduce or cancel). The one irreversible call.
  virtual Result<Submission> Submit(const CoverRequest& request, std::stop_token stop) = 0;
  // After a crash between the committed intent and the answer: the submission the insurer
  // holds for `request.reference` on that buyer, nullopt when it never arrived (then the
  // kit sends it). Must not send anything.
  virtual Result<std::optional<Submission>> FindSubmission(const CoverRequest& request, std::stop_token stop) = 0;
  // Where a referred request stands now (still referred, or decided).
  virtual Result<Cover> Follow(const CoverRequest& request, const std::string& tracking, std::stop_token stop) = 0;
  // Every cover of `policy`, a page at a time from cursor "" (the full list, for the daily
  // sync: a cover missing from it was withdrawn).
  virtual Result<CoverPage> Covers(const std::string& policy, const std::string& cursor, std::stop_token stop) = 0;

  // --- decision feed (optional) -------------------------------------------------------
  [[nodiscard]] virtual bool HasDecisionFeed() const { return false; }
  // Covers whose decision changed since `cursor` ("" at first: the provider picks its
  // start, e.g. the last day). A feed may repeat events; the kit stores no duplicate.
  virtual Result<CoverPage> DecisionsSince(const std::string& /*policy*/, const std::string& /*cursor*/,
                                           std::stop_token /*stop*/) {
    return CoverPage{};
  }
};

}  // namespace tributary::connectors::kit
