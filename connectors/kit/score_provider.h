// What a scoring agency's connector writes: how to find a company at that agency, how to
// read its report, and (when it has one) its monitoring feed. Everything else about a
// score job (resolving the company from the canonical customer, ambiguity, the lookup
// cache, the risk_score record, the report as a proof) is the kit's ScoreAction, written
// once for every agency.
#pragma once

#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/kit/action_connector.h"
#include "gateway/common/result.h"
#include "gateway/model/money.h"

namespace tributary::connectors::kit {

// Who to score, as the request or the canonical customer names it. `country` is ISO 3166
// alpha-2, upper case; at least one of the identifiers or the name is set.
struct CompanyQuery {
  std::string country;
  std::string registration_number;  // SIREN, SIRET, Companies House number, HRB, …
  std::string vat_number;
  std::string duns;
  std::string name;

  // "SIREN 494814452", "VAT FR85494814452", "DUNS 123456789", "name \"ACME\"": the
  // identifier the query leads with, for messages. `registration_scheme` names the
  // registration number's scheme when known ("SIREN"), else "registration number".
  [[nodiscard]] std::string Describe() const;
  std::string registration_scheme;
  // A stable text of the query, for the lookup cache: "FR|reg=494814452|vat=|duns=|name=".
  [[nodiscard]] std::string Subject() const;
};

// A company as the agency knows it.
struct CompanyMatch {
  std::string id;  // the agency's id: Creditsafe connectId, D&B DUNS
  std::string name;
  std::string country;
  std::string registration_number;
  std::string vat_number;
  std::string duns;
  std::string status;  // "Active", "NonActive", as the agency says; may be empty
};

// A report read into the canonical verdict. The provider checks its own scale: a value
// outside it, or a currency that is not ISO 4217, is a kParse error naming it, and nothing
// is stored.
struct ScoreReport {
  CompanyMatch company;
  std::string value_raw;                 // the agency's own value: "58", "B", "Not Rated"
  std::optional<int64_t> value_numeric;  // 0-100, 100 the lowest risk; nullopt when not rated
  std::string scale;                     // the scale of value_raw: "0-100", "1-100 (failure score)"
  std::string band;                      // the agency's band: "B (Low Risk)"
  std::optional<model::Money> recommended_limit;
  std::string as_of;                     // RFC 3339: when the agency last rated the company
  ProofDocument report;                  // the report as received, kept for audit
};

// Companies whose verdict changed at the agency since a cursor.
struct MonitoringPage {
  std::vector<std::string> company_ids;  // agency ids; the ScoreMonitor re-reads their reports
  std::string next_cursor;               // where the next page starts
  bool more = false;                     // another page is ready now
};

// One agency. Called from one thread at a time per instance.
class ScoreProvider {
 public:
  virtual ~ScoreProvider() = default;
  // The connector type, as risk_score.provider: "creditsafe".
  [[nodiscard]] virtual std::string provider() const = 0;
  // The companies matching `query`, best first; empty when none. Errors are the calls'.
  virtual Result<std::vector<CompanyMatch>> FindCompany(const CompanyQuery& query, std::stop_token stop) = 0;
  // The company's report (a billed call).
  virtual Result<ScoreReport> FetchReport(const CompanyMatch& company, std::stop_token stop) = 0;
  // The company's report by its agency id alone (monitoring names only ids).
  virtual Result<ScoreReport> FetchReportById(const std::string& company_id, std::stop_token stop) {
    return FetchReport(CompanyMatch{.id = company_id}, stop);
  }

  // --- monitoring (optional) ----------------------------------------------------------
  // True when the connector is configured to monitor the companies it scores.
  [[nodiscard]] virtual bool Monitors() const { return false; }
  // Adds a scored company to the monitored set (idempotent).
  virtual Status Watch(const CompanyMatch& /*company*/, std::stop_token /*stop*/) { return Ok(); }
  // The changes since `cursor` ("" at first: the provider picks its start, usually now).
  virtual Result<MonitoringPage> ChangesSince(const std::string& /*cursor*/, std::stop_token /*stop*/) {
    return MonitoringPage{};
  }
};

}  // namespace tributary::connectors::kit
