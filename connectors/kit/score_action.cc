#include "connectors/kit/score_action.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <spdlog/spdlog.h>

#include "gateway/common/quote.h"
#include "gateway/common/time_format.h"
#include "gateway/model/money.h"

namespace tributary::connectors::kit {

namespace {

std::string Upper(std::string text) {
  std::ranges::transform(text, text.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string Trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

std::string StringMember(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return "";
  return Trimmed(found->get<std::string>());
}

// Registration schemes a national register issues, in the order a search prefers them
// (the SIREN names the company; a SIRET one of its establishments).
constexpr std::string_view kRegistrationSchemes[] = {"SIREN", "SIRET", "CRN", "COMPANY_NUMBER", "HRB", "KVK",
                                                     "CIF", "NIF", "REGISTRATION", "REGISTRATION_NUMBER"};

// The query of a canonical customer: its identifiers (scheme + value) and the country of
// its first address that names one, else the prefix of its VAT number.
Result<CompanyQuery> QueryOfCustomer(const std::string& key, JobStoreView& store) {
  auto entity = store.Entity(key);
  if (!entity) return std::unexpected(entity.error());
  if (!*entity || (*entity)->entity != "customer") {
    return Fail(ErrorCode::kInvalidArgument, "customer " + QuoteForMessage(key) + " is not known to the gateway");
  }
  const nlohmann::json data = nlohmann::json::parse((*entity)->data, nullptr, false);
  CompanyQuery query;
  query.name = StringMember(data, "name");
  size_t best_scheme = std::size(kRegistrationSchemes);
  if (auto identifiers = data.find("identifiers"); identifiers != data.end() && identifiers->is_array()) {
    for (const nlohmann::json& identifier : *identifiers) {
      if (!identifier.is_object()) continue;
      const std::string scheme = Upper(StringMember(identifier, "scheme"));
      const std::string value = StringMember(identifier, "value");
      if (value.empty()) continue;
      if (scheme == "VAT" && query.vat_number.empty()) query.vat_number = value;
      if (scheme == "DUNS" && query.duns.empty()) query.duns = value;
      for (size_t i = 0; i < best_scheme; ++i) {
        if (scheme == kRegistrationSchemes[i]) {
          best_scheme = i;
          query.registration_number = value;
          query.registration_scheme = scheme;
          break;
        }
      }
    }
  }
  if (auto addresses = data.find("addresses"); addresses != data.end() && addresses->is_array()) {
    for (const nlohmann::json& address : *addresses) {
      if (!address.is_object()) continue;
      query.country = Upper(StringMember(address, "country"));
      if (!query.country.empty()) break;
    }
  }
  if (query.country.empty() && query.vat_number.size() > 2 && std::isalpha(static_cast<unsigned char>(query.vat_number[0])) &&
      std::isalpha(static_cast<unsigned char>(query.vat_number[1]))) {
    query.country = Upper(query.vat_number.substr(0, 2));
    if (query.country == "EL") query.country = "GR";  // Greek VAT numbers start with EL
  }
  if (query.registration_number.empty() && query.vat_number.empty() && query.duns.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "customer " + QuoteForMessage(key) +
                    " has no identifier to search by (a SIREN, SIRET, VAT, DUNS or registration number)");
  }
  if (query.country.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "customer " + QuoteForMessage(key) + " has no country (no address names one)");
  }
  return query;
}

std::string DescribeMatch(const CompanyMatch& match) {
  std::string text = match.name.empty() ? "(no name)" : match.name;
  text += " (" + match.id;
  if (!match.status.empty()) text += ", " + match.status;
  return text + ")";
}

// Why a report cannot be stored, or "" when it can.
std::string ReportProblem(const ScoreReport& report) {
  if (report.company.id.empty()) return "the report names no company id";
  if (report.value_numeric && (*report.value_numeric < 0 || *report.value_numeric > 100)) {
    return "the normalised score " + std::to_string(*report.value_numeric) + " is outside 0-100";
  }
  if (report.recommended_limit) {
    if (!model::CurrencyExponent(report.recommended_limit->currency)) {
      return "the recommended limit's currency " + QuoteForMessage(report.recommended_limit->currency) +
             " is not an ISO 4217 code";
    }
    if (report.recommended_limit->minor < 0) return "the recommended limit is negative";
  }
  return "";
}

}  // namespace

std::string CompanyQuery::Describe() const {
  if (!registration_number.empty()) {
    return (registration_scheme.empty() ? std::string("registration number") : registration_scheme) + " " +
           registration_number;
  }
  if (!vat_number.empty()) return "VAT " + vat_number;
  if (!duns.empty()) return "DUNS " + duns;
  return "name " + QuoteForMessage(name);
}

std::string CompanyQuery::Subject() const {
  return Upper(country) + "|reg=" + registration_number + "|vat=" + Upper(vat_number) + "|duns=" + duns +
         "|name=" + (registration_number.empty() && vat_number.empty() && duns.empty() ? Upper(name) : "");
}

Result<CompanyQuery> QueryOfRequest(const nlohmann::json& request, JobStoreView& store) {
  if (auto customer = request.find("customer"); customer != request.end() && customer->is_string()) {
    return QueryOfCustomer(customer->get<std::string>(), store);
  }
  auto company = request.find("company");
  if (company == request.end() || !company->is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "the request names neither a customer nor a company");
  }
  CompanyQuery query;
  query.country = Upper(StringMember(*company, "country"));
  query.registration_number = StringMember(*company, "registration_number");
  query.vat_number = StringMember(*company, "vat_number");
  query.duns = StringMember(*company, "duns");
  query.name = StringMember(*company, "name");
  if (query.country.empty()) return Fail(ErrorCode::kInvalidArgument, "the company has no country");
  if (query.registration_number.empty() && query.vat_number.empty() && query.duns.empty() && query.name.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the company has no identifier and no name");
  }
  if (query.country == "FR") {
    // A French registration number is a SIREN (9 digits) or a SIRET (14).
    const std::string digits = query.registration_number;
    if (digits.size() == 9) query.registration_scheme = "SIREN";
    if (digits.size() == 14) query.registration_scheme = "SIRET";
  }
  return query;
}

Result<model::CanonicalRecord> RiskScoreRecord(const ScoreSettings& settings, const std::string& provider,
                                               const ScoreReport& report, const std::string& party,
                                               const std::string& fetched_at) {
  if (std::string problem = ReportProblem(report); !problem.empty()) return Fail(ErrorCode::kParse, problem);
  const model::EntitySchema* schema = model::FindEntitySchema("risk_score");
  model::CanonicalRecord record;
  record.entity = "risk_score";
  record.source_key = report.company.id;
  record.key = model::MakeKey(settings.connector, "risk_score", report.company.id);
  record.lifecycle = std::string(model::kLifecycleActive);
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
  };
  nlohmann::ordered_json& data = record.data;
  data["key"] = record.key;
  data["tenant"] = settings.tenant;
  data["legal_entity"] = or_null(settings.legal_entity);
  data["source"] = settings.connector;
  data["source_key"] = record.source_key;
  data["source_updated_at"] = fetched_at;
  data["lifecycle"] = record.lifecycle;
  data["party"] = or_null(party);
  data["provider"] = provider;
  const CompanyMatch& company = report.company;
  data["company"] = nlohmann::ordered_json{{"id", company.id},
                                           {"name", or_null(company.name)},
                                           {"country", or_null(company.country)},
                                           {"registration_number", or_null(company.registration_number)},
                                           {"vat_number", or_null(company.vat_number)},
                                           {"duns", or_null(company.duns)}};
  data["value_raw"] = or_null(report.value_raw);
  data["value_numeric"] = report.value_numeric ? nlohmann::ordered_json(*report.value_numeric) : nlohmann::ordered_json();
  data["scale"] = or_null(report.scale);
  data["band"] = or_null(report.band);
  if (report.recommended_limit) {
    data["currency"] = report.recommended_limit->currency;
    data["recommended_limit"] = report.recommended_limit->ToDecimalString();
  } else {
    data["currency"] = nullptr;
    data["recommended_limit"] = nullptr;
  }
  data["as_of"] = or_null(report.as_of);
  data["report_sha256"] = report.report.content.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(report.report.Sha256());
  data["raw"] = nullptr;
  data["custom"] = nlohmann::ordered_json::object();
  if (auto finalized = model::Finalize(*schema, record); !finalized) return std::unexpected(finalized.error());
  record.json = record.data.dump();
  record.provenance.file = "score " + company.id;
  record.provenance.file_sha256 = report.report.content.empty() ? "" : report.report.Sha256();
  record.provenance.mapping = provider;
  return record;
}

ScoreAction::ScoreAction(ScoreSettings settings, std::unique_ptr<ScoreProvider> provider, const Clock& clock)
    : settings_(std::move(settings)), provider_(std::move(provider)), clock_(clock) {}

ActionOutcome ScoreAction::Run(const ActionJob& job, JobStoreView& store, std::stop_token stop) {
  auto query = QueryOfRequest(job.request, store);
  if (!query) return ActionOutcome::FromError(query.error());
  const std::string party = job.request.value("customer", "");

  const std::string query_subject = "query:" + query->Subject();
  auto cached = store.RecentLookup(query_subject, settings_.cache_for);
  if (!cached) return ActionOutcome::RetryLater("the store could not be read: " + cached.error().message);
  if (*cached) {
    ActionOutcome outcome = ActionOutcome::Succeeded(**cached);
    outcome.from_cache = true;
    return outcome;
  }

  auto matches = provider_->FindCompany(*query, stop);
  if (!matches) return ActionOutcome::FromError(matches.error());
  if (matches->empty()) {
    return ActionOutcome::Failed("no company matches " + query->Describe() + " in " + query->country);
  }
  if (matches->size() > 1) {
    std::string reason = std::to_string(matches->size()) + " companies match " + query->Describe() + ": ";
    constexpr size_t kNamed = 5;
    for (size_t i = 0; i < matches->size() && i < kNamed; ++i) {
      if (i > 0) reason += ", ";
      reason += DescribeMatch((*matches)[i]);
    }
    if (matches->size() > kNamed) reason += ", …";
    return ActionOutcome::Failed(reason + "; ask again with an identifier that names one of them");
  }
  const CompanyMatch& company = matches->front();

  const std::string company_subject = "company:" + company.id;
  cached = store.RecentLookup(company_subject, settings_.cache_for);
  if (!cached) return ActionOutcome::RetryLater("the store could not be read: " + cached.error().message);
  if (*cached) {
    ActionOutcome outcome = ActionOutcome::Succeeded(**cached);
    outcome.from_cache = true;
    outcome.lookup_subjects = {query_subject};
    return outcome;
  }

  auto report = provider_->FetchReport(company, stop);
  if (!report) return ActionOutcome::FromError(report.error());
  if (report->company.id.empty()) report->company.id = company.id;
  auto record = RiskScoreRecord(settings_, provider_->provider(), *report, party, FormatRfc3339(clock_.Now()));
  if (!record) {
    return ActionOutcome::Failed("the " + provider_->provider() + " report on " + company.id +
                                 " makes no sense: " + record.error().message);
  }
  if (provider_->Monitors()) {
    // The score is bought: a failed watch must not fail the job (a retry would buy it
    // again). The next score of the company tries again.
    if (auto watched = provider_->Watch(company, stop); !watched) {
      spdlog::warn("{}: could not add {} to monitoring: {}", settings_.connector, company.id,
                   watched.error().message);
    }
  }
  ActionOutcome outcome = ActionOutcome::Succeeded(record->key);
  outcome.lookup_subjects = {query_subject, company_subject};
  if (!report->report.content.empty()) outcome.proofs.push_back(std::move(report->report));
  outcome.records.push_back(std::move(*record));
  return outcome;
}

}  // namespace tributary::connectors::kit
