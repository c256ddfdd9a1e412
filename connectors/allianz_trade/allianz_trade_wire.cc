#include "connectors/allianz_trade/allianz_trade_wire.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "gateway/common/quote.h"
#include "gateway/model/money.h"

namespace tributary::connectors::allianz_trade::wire {
namespace {

using nlohmann::json;

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// The member at `path`; null when any step is missing.
const json* At(const json& root, std::initializer_list<const char*> path) {
  const json* node = &root;
  for (const char* name : path) {
    if (!node->is_object()) return nullptr;
    auto found = node->find(name);
    if (found == node->end()) return nullptr;
    node = &*found;
  }
  return node;
}

// A member Allianz Trade writes as a string or as an integer (companyId, coverId): its
// text, "" when absent, null or of another kind. Nothing goes through a double.
std::string TextAt(const json& root, std::initializer_list<const char*> path) {
  const json* node = At(root, path);
  if (node == nullptr) return "";
  if (node->is_string()) return std::string(Trim(node->get<std::string>()));
  if (node->is_number_integer() || node->is_number_unsigned()) return node->dump();
  return "";
}

// An amount in major units (a JSON integer or a decimal string) as minor units of a
// currency with `exponent` digits; nullopt when absent or null. A JSON number with a
// fraction is refused: its exact text is lost once parsed.
Result<std::optional<int64_t>> AmountAt(const json& root, std::initializer_list<const char*> path, int exponent,
                                        std::string_view what) {
  const json* node = At(root, path);
  if (node == nullptr || node->is_null()) return std::optional<int64_t>();
  std::string text;
  if (node->is_number_integer() || node->is_number_unsigned()) {
    text = node->dump();
  } else if (node->is_string()) {
    text = std::string(Trim(node->get<std::string>()));
    if (text.empty()) return std::optional<int64_t>();
  } else {
    return Fail(ErrorCode::kParse, "the Allianz Trade " + std::string(what) + " " + QuoteForMessage(node->dump()) +
                                       " is not an exact amount (expected an integer or a decimal string)");
  }
  if (text.starts_with('-')) {
    return Fail(ErrorCode::kParse, "the Allianz Trade " + std::string(what) + " " + text + " is negative");
  }
  auto minor = model::ParseMinorUnits(text, exponent);
  if (!minor) {
    return Fail(ErrorCode::kParse, "the Allianz Trade " + std::string(what) + " " + QuoteForMessage(text) + ": " +
                                       minor.error().message);
  }
  return std::optional<int64_t>(*minor);
}

Result<json> ParseJson(std::string_view body, const char* what) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return Fail(ErrorCode::kParse, std::string("the Allianz Trade ") + what + " is not JSON");
  return parsed;
}

int64_t PowerOfTen(int exponent) {
  int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// "CreditLimit" -> "credit-limit".
std::string KebabCase(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (!out.empty()) out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

// A date or date-time as RFC 3339: a bare date is midnight UTC.
std::string AsDateTime(const std::string& text) {
  if (text.size() == 10) return text + "T00:00:00Z";
  return text;
}
std::string AsDate(const std::string& text) { return text.size() >= 10 ? text.substr(0, 10) : text; }

std::string IdTypeOf(const kit::CompanyQuery& query) {
  if (!query.registration_scheme.empty()) {
    std::string code;
    for (char c : query.registration_scheme) {
      code += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                                          : '_';
    }
    return code;
  }
  if (query.country == "FR" && query.registration_number.size() == 9) return "SIREN";
  if (query.country == "FR" && query.registration_number.size() == 14) return "SIRET";
  return "REGISTRATION_NUMBER";
}

}  // namespace

std::string AuthorizeBody(std::string_view login, std::string_view password) {
  // The kit's Basic value is "Basic " + base64(id:secret): the API key is its second part.
  const std::string basic = kit::BasicAuthorization(login, password);
  return json{{"apiKey", basic.substr(basic.find(' ') + 1)}}.dump();
}

Result<kit::TokenAnswer> ParseToken(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  const std::string token = parsed.is_object() ? TextAt(parsed, {"access_token"}) : "";
  if (token.empty()) return Fail(ErrorCode::kUnavailable, "the Allianz Trade login answered 200 without an access_token");
  kit::TokenAnswer answer{.access_token = token};
  if (const json* expires = At(parsed, {"expires_in"}); expires != nullptr) {
    if (expires->is_number_integer() && expires->get<int64_t>() > 0) answer.expires_in = expires->get<int64_t>();
    if (expires->is_string()) {
      const std::string text(Trim(expires->get<std::string>()));
      if (!text.empty() && text.size() < 10 && std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); })) {
        answer.expires_in = std::stoll(text);
      }
    }
  }
  return answer;
}

bool IsCredentialRefusal(int status) { return status == 400 || status == 401 || status == 403; }

Result<std::string> SearchBody(const kit::CompanyQuery& query) {
  json body = json::object();
  json identifiers = json::array();
  if (!query.registration_number.empty()) {
    identifiers.push_back({{"idTypeCode", IdTypeOf(query)}, {"idValue", query.registration_number}});
  }
  if (!query.vat_number.empty()) identifiers.push_back({{"idTypeCode", "VAT"}, {"idValue", query.vat_number}});
  if (!query.duns.empty()) identifiers.push_back({{"idTypeCode", "DUNS"}, {"idValue", query.duns}});
  if (identifiers.empty() && query.name.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "Allianz Trade searches companies by a registration number, a VAT "
                                             "number, a DUNS number or a name; " + query.Describe() + " has none");
  }
  if (!query.name.empty()) body["companyName"] = query.name;
  if (!identifiers.empty()) body["companyIdentifiers"] = identifiers;
  body["countryCode"] = query.country;
  body["extendCountrySearch"] = "false";
  return body.dump();
}

Result<std::vector<kit::CompanyMatch>> ParseSearch(std::string_view body) {
  auto parsed = ParseJson(body, "search answer");
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<kit::CompanyMatch> matches;
  const json* results = At(*parsed, {"results"});
  if (results == nullptr || results->is_null()) return matches;
  if (!results->is_array()) return Fail(ErrorCode::kParse, "the Allianz Trade search answer's results is not a list");
  for (const json& result : *results) {
    const json* company = At(result, {"company"});
    if (company == nullptr || !company->is_object()) {
      return Fail(ErrorCode::kParse, "a result of the Allianz Trade search answer has no company");
    }
    kit::CompanyMatch match;
    match.id = TextAt(*company, {"companyId"});
    if (match.id.empty()) return Fail(ErrorCode::kParse, "a company of the Allianz Trade search answer has no companyId");
    match.name = TextAt(*company, {"legalData", "companyName"});
    match.country = TextAt(*company, {"address", "countryCode"});
    if (const json* ids = At(*company, {"companyIdentifiers"}); ids != nullptr && ids->is_array()) {
      for (const json& id : *ids) {
        const std::string type = TextAt(id, {"idTypeCode"});
        const std::string value = TextAt(id, {"idValue"});
        if (type == "VAT") {
          match.vat_number = value;
        } else if (type == "DUNS") {
          match.duns = value;
        } else if (match.registration_number.empty() && !value.empty()) {
          match.registration_number = value;
        }
      }
    }
    match.status = TextAt(*company, {"legalData", "companyStatus"});
    matches.push_back(std::move(match));
  }
  return matches;
}

std::string CoversTarget(const std::string& policy, const std::string& unit, int page) {
  return std::string(kCoversPath) + "?policyId=" + kit::UrlEncode(policy) + "&businessUnitCode=" + kit::UrlEncode(unit) +
         "&pageSize=" + std::to_string(kCoversPageSize) + "&page=" + std::to_string(page);
}

std::string CompanyCoversTarget(const std::string& policy, const std::string& unit, const std::string& company_id) {
  return std::string(kCoversPath) + "?policyId=" + kit::UrlEncode(policy) + "&businessUnitCode=" + kit::UrlEncode(unit) +
         "&companyId=" + kit::UrlEncode(company_id);
}

std::string CancelTarget(const std::string& policy, const std::string& unit, const std::string& cover_id) {
  return std::string(kCoversPath) + "/" + kit::UrlEncode(cover_id) + "?policyId=" + kit::UrlEncode(policy) +
         "&businessUnitCode=" + kit::UrlEncode(unit);
}

bool IsCoversPage(int status) { return status == 206 || status == 200; }

Result<std::string> CoverRequestBody(const kit::CoverRequest& request, const std::string& unit) {
  const std::optional<int> exponent = model::CurrencyExponent(request.currency);
  if (!exponent) return Fail(ErrorCode::kInvalidArgument, QuoteForMessage(request.currency) + " is not an ISO 4217 currency");
  const int64_t unit_size = PowerOfTen(*exponent);
  if (request.amount_minor <= 0 || request.amount_minor % unit_size != 0) {
    return Fail(ErrorCode::kInvalidArgument, "Allianz Trade takes whole amounts of " + request.currency + ", not " +
                                                 model::FormatMinorUnits(request.amount_minor, *exponent));
  }
  json data = {{"amount", request.amount_minor / unit_size},
               {"currencyCode", request.currency},
               {"companyId", request.buyer.id},
               {"comment", request.comment},
               {"isRequestUrgent", "false"},
               {"customerReference", request.reference}};
  if (request.in_force && !request.in_force->cover_id.empty()) data["coverId"] = request.in_force->cover_id;
  const json body = {{"coverTypeCode", "CreditLimit"},
                     {"requestOrigin", "ExternalPlatform"},
                     {"requestData", data},
                     {"policy", {{"policyId", request.policy}, {"extensionId", ""}, {"businessUnitCode", unit}}}};
  return body.dump();
}

namespace {

Result<kit::Cover> ReadCover(const json& item, const std::string& policy) {
  if (!item.is_object()) return Fail(ErrorCode::kParse, "an Allianz Trade cover is not a JSON object");
  kit::Cover cover;
  cover.policy = TextAt(item, {"policy", "policyId"});
  if (cover.policy.empty()) cover.policy = policy;
  cover.cover_id = TextAt(item, {"coverId"});
  cover.buyer.id = TextAt(item, {"company", "companyId"});
  if (cover.buyer.id.empty()) {
    return Fail(ErrorCode::kParse, "the Allianz Trade cover " + QuoteForMessage(cover.cover_id) + " names no companyId");
  }
  cover.buyer.name = TextAt(item, {"company", "legalData", "companyName"});
  cover.buyer.country = TextAt(item, {"company", "address", "countryCode"});
  cover.reference = TextAt(item, {"customerReference"});
  cover.cover_type = KebabCase(TextAt(item, {"coverTypeCode"}));
  cover.currency = TextAt(item, {"currencyCode"});
  const std::optional<int> exponent = model::CurrencyExponent(cover.currency);
  if (!exponent) {
    return Fail(ErrorCode::kParse, "the Allianz Trade cover " + QuoteForMessage(cover.cover_id) + " has currency " +
                                       QuoteForMessage(cover.currency) + ", not an ISO 4217 code");
  }
  auto requested = AmountAt(item, {"requestedAmount"}, *exponent, "requested amount");
  if (!requested) return std::unexpected(requested.error());
  cover.requested_minor = *requested;

  const std::string status = TextAt(item, {"coverStatusCode"});
  const json empty = json::object();
  const json* decision = At(item, {"decision"});
  if (decision == nullptr || !decision->is_object()) decision = &empty;
  auto permanent = AmountAt(*decision, {"permanent", "permanentAmount"}, *exponent, "permanent amount");
  if (!permanent) return std::unexpected(permanent.error());
  if (status == "Pending") {
    cover.state = kit::CoverState::kReferred;
  } else if (status == "Agreement" || status == "PartialAgreement") {
    if (!*permanent) {
      return Fail(ErrorCode::kParse, "the Allianz Trade cover " + QuoteForMessage(cover.cover_id) + " is " + status +
                                         " without decision.permanent.permanentAmount");
    }
    cover.state = kit::CoverState::kDecided;
    cover.granted_minor = **permanent;
  } else if (status == "Refusal") {
    cover.state = kit::CoverState::kDecided;
    cover.granted_minor = 0;
  } else if (status == "Cancelled") {
    cover.state = kit::CoverState::kCancelled;
    cover.granted_minor = 0;
  } else if (status == "Withdrawn") {
    cover.state = kit::CoverState::kWithdrawn;
    cover.granted_minor = 0;
  } else {
    return Fail(ErrorCode::kParse, "the Allianz Trade cover " + QuoteForMessage(cover.cover_id) +
                                       " has an unknown coverStatusCode " + QuoteForMessage(status));
  }
  cover.decided_at = AsDateTime(TextAt(*decision, {"decisionDate"}));
  cover.effective_from = AsDate(TextAt(*decision, {"effectiveDate"}));
  cover.expires_at = AsDate(TextAt(*decision, {"expiryDate"}));
  cover.reason = TextAt(*decision, {"reasonLabel"});
  std::vector<std::string> conditions;
  if (const json* list = At(*decision, {"conditions"}); list != nullptr && list->is_array()) {
    for (const json& condition : *list) {
      std::string text = condition.is_string() ? condition.get<std::string>() : TextAt(condition, {"description"});
      if (!text.empty()) conditions.push_back(std::move(text));
    }
  }
  // A temporary part is not the amount in force for good: it is said among the conditions.
  auto temporary = AmountAt(*decision, {"temporary", "temporaryAmount"}, *exponent, "temporary amount");
  if (!temporary) return std::unexpected(temporary.error());
  if (*temporary && **temporary > 0) {
    std::string text = "temporary increase of " + model::FormatMinorUnits(**temporary, *exponent) + " " + cover.currency;
    const std::string end = AsDate(TextAt(*decision, {"temporary", "endDate"}));
    if (!end.empty()) text += " until " + end;
    conditions.push_back(std::move(text));
  }
  for (const std::string& condition : conditions) cover.conditions += (cover.conditions.empty() ? "" : "; ") + condition;
  return cover;
}

}  // namespace

Result<std::vector<kit::Cover>> ParseCovers(std::string_view body, const std::string& policy) {
  auto parsed = ParseJson(body, "covers answer");
  if (!parsed) return std::unexpected(parsed.error());
  if (!parsed->is_array()) return Fail(ErrorCode::kParse, "the Allianz Trade covers answer is not a JSON array");
  std::vector<kit::Cover> covers;
  for (const json& item : *parsed) {
    auto cover = ReadCover(item, policy);
    if (!cover) return std::unexpected(cover.error());
    covers.push_back(std::move(*cover));
  }
  return covers;
}

Result<kit::Cover> ParseCover(std::string_view item, const std::string& policy) {
  auto parsed = ParseJson(item, "cover");
  if (!parsed) return std::unexpected(parsed.error());
  return ReadCover(*parsed, policy);
}

Result<std::string> ParseJobAccepted(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  const std::string id = parsed.is_object() ? TextAt(parsed, {"jobId"}) : "";
  if (id.empty()) return Fail(ErrorCode::kParse, "Allianz Trade accepted the request without a jobId");
  return id;
}

Result<Job> ParseJob(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Fail(ErrorCode::kParse, "the Allianz Trade job answer is not a JSON object");
  Job job;
  job.id = TextAt(parsed, {"jobId"});
  job.cover_id = TextAt(parsed, {"coverId"});
  const std::string status = TextAt(parsed, {"status"});
  if (status == "pending" || status == "processing") {
    job.status = JobStatus::kPending;
  } else if (status == "processed") {
    job.status = JobStatus::kProcessed;
  } else if (status == "failed") {
    job.status = JobStatus::kFailed;
    job.errors = ErrorText(body);
  } else {
    return Fail(ErrorCode::kParse, "the Allianz Trade job " + QuoteForMessage(job.id) + " has an unknown status " +
                                       QuoteForMessage(status));
  }
  return job;
}

std::string JobTarget(const std::string& job_id) { return std::string(kJobsPath) + kit::UrlEncode(job_id); }

bool IsValidationRefusal(int status) { return status == 400 || status == 409 || status == 422; }

std::string ErrorText(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return "";
  std::string text;
  if (const json* errors = At(parsed, {"errors"}); errors != nullptr && errors->is_array()) {
    for (const json& error : *errors) {
      const std::string message = error.is_string() ? error.get<std::string>() : TextAt(error, {"message"});
      if (!message.empty()) text += (text.empty() ? "" : "; ") + message;
    }
  }
  if (text.empty()) text = TextAt(parsed, {"message"});
  if (text.empty()) text = TextAt(parsed, {"error_description"});
  return text;
}

std::string DescribeRefusal(const http::Response& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  const std::string messages = ErrorText(response.body);
  if (!messages.empty()) text += ": " + messages;
  return text;
}

}  // namespace tributary::connectors::allianz_trade::wire
