#include "connectors/atradius/atradius_wire.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include "gateway/common/quote.h"
#include "gateway/common/time_format.h"
#include "gateway/model/money.h"

namespace tributary::connectors::atradius::wire {
namespace {

using nlohmann::json;

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

// A string or integer member as text ("" when absent, null or of another kind).
std::string TextAt(const json& root, std::initializer_list<const char*> path) {
  const json* node = At(root, path);
  if (node == nullptr) return "";
  if (node->is_string()) return node->get<std::string>();
  if (node->is_number_integer() || node->is_number_unsigned()) return node->dump();
  return "";
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c) != 0; });
}

// An amount in major units of `currency`, written as a JSON number or a string, into minor
// units; nullopt when absent or null. Never through a double: an integral JSON number is
// read as an integer, a number with a fraction is refused (its text is not kept by the
// parser), a string is read as a decimal.
Result<std::optional<int64_t>> AmountAt(const json& root, std::initializer_list<const char*> path,
                                        const std::string& currency, const char* name) {
  const json* node = At(root, path);
  if (node == nullptr || node->is_null()) return std::optional<int64_t>();
  const std::optional<int> exponent = model::CurrencyExponent(currency);
  if (!exponent) {
    return Fail(ErrorCode::kParse, "the Atradius cover's currency " + QuoteForMessage(currency) +
                                       " is not an ISO 4217 code");
  }
  std::string text;
  if (node->is_number_integer() || node->is_number_unsigned()) {
    text = node->dump();
  } else if (node->is_string()) {
    text = node->get<std::string>();
  } else {
    return Fail(ErrorCode::kParse, std::string("the Atradius ") + name + " " + QuoteForMessage(node->dump()) +
                                       " is not an exact amount (a number with a fraction must come as a string)");
  }
  auto minor = model::ParseMinorUnits(text, *exponent);
  if (!minor) {
    return Fail(ErrorCode::kParse, std::string("the Atradius ") + name + " " + QuoteForMessage(text) + " " + currency +
                                       ": " + minor.error().message);
  }
  if (*minor < 0) return Fail(ErrorCode::kParse, std::string("the Atradius ") + name + " is negative");
  return std::optional<int64_t>(*minor);
}

// "YYYY-MM-DD" of a date or date-time text; "" when it is neither.
std::string DateOf(const std::string& text) {
  if (text.size() < 10 || !AllDigits(text.substr(0, 4)) || text[4] != '-' || text[7] != '-') return "";
  return text.substr(0, 10);
}

// RFC 3339 of a date-time Atradius writes with or without a zone (UTC when without).
std::string DateTimeOf(const std::string& text) {
  if (DateOf(text).empty()) return "";
  if (text.size() == 10) return text + "T00:00:00Z";
  if (text.size() == 19) return text + "Z";
  return text;
}

std::string Conditions(const json& cover) {
  std::string joined;
  for (const char* part : {"firstAmtDecision", "secondAmtDecision"}) {
    const json* conditions = At(cover, {part, "decisionConditions"});
    if (conditions == nullptr || !conditions->is_array()) continue;
    for (const json& condition : *conditions) {
      const std::string text = TextAt(condition, {"conditionDescription"});
      if (text.empty()) continue;
      joined += (joined.empty() ? "" : "; ") + text;
    }
  }
  return joined;
}

Result<kit::Cover> CoverOf(const json& item, const std::string& policy_currency) {
  if (!item.is_object()) return Fail(ErrorCode::kParse, "an Atradius cover is not a JSON object");
  kit::Cover cover;
  cover.policy = TextAt(item, {"policyId"});
  cover.buyer.id = TextAt(item, {"buyerId"});
  cover.buyer.name = TextAt(item, {"buyerName"});
  cover.cover_id = TextAt(item, {"coverId"});
  cover.reference = TextAt(item, {"customerRefNumber"});
  cover.cover_type = TextAt(item, {"coverType"});
  cover.currency = TextAt(item, {"currencyCode"});
  if (cover.currency.empty()) cover.currency = policy_currency;
  const std::string status = TextAt(item, {"coverStatus"});
  if (status == "REFERRED") {
    cover.state = kit::CoverState::kReferred;
  } else if (status == "DECISION") {
    cover.state = kit::CoverState::kDecided;
  } else if (status == "CANCELLED") {
    cover.state = kit::CoverState::kCancelled;
  } else if (status == "WITHDRAWN") {
    cover.state = kit::CoverState::kWithdrawn;
  } else {
    return Fail(ErrorCode::kParse, "the Atradius cover " + QuoteForMessage(cover.cover_id) + " has the coverStatus " +
                                       QuoteForMessage(status) + " (expected DECISION, REFERRED, CANCELLED or WITHDRAWN)");
  }
  auto requested = AmountAt(item, {"creditLimitApplicationAmountInPolicyCurrency"}, cover.currency,
                            "creditLimitApplicationAmountInPolicyCurrency");
  if (!requested) return std::unexpected(requested.error());
  cover.requested_minor = *requested;
  if (cover.state != kit::CoverState::kReferred) {
    auto total = AmountAt(item, {"totalDecision", "decisionAmtInPolicyCurrency"}, cover.currency,
                          "totalDecision.decisionAmtInPolicyCurrency");
    if (!total) return std::unexpected(total.error());
    if (!*total) {
      // Without a total, the two parts of the decision add up to it.
      auto first = AmountAt(item, {"firstAmtDecision", "decisionAmtInPolicyCurrency"}, cover.currency,
                            "firstAmtDecision.decisionAmtInPolicyCurrency");
      if (!first) return std::unexpected(first.error());
      auto second = AmountAt(item, {"secondAmtDecision", "decisionAmtInPolicyCurrency"}, cover.currency,
                             "secondAmtDecision.decisionAmtInPolicyCurrency");
      if (!second) return std::unexpected(second.error());
      if (*first || *second) *total = first->value_or(0) + second->value_or(0);
    }
    // A cancelled or withdrawn cover holds nothing, whatever its last decision said.
    cover.granted_minor = cover.state == kit::CoverState::kDecided ? total->value_or(0) : 0;
  }
  cover.decided_at = DateTimeOf(TextAt(item, {"totalDecision", "decisionDate"}));
  cover.effective_from = DateOf(TextAt(item, {"totalDecision", "decisionEffectiveDate"}));
  cover.expires_at = DateOf(TextAt(item, {"firstAmtDecision", "decisionExpiryDate"}));
  if (cover.expires_at.empty()) cover.expires_at = DateOf(TextAt(item, {"secondAmtDecision", "decisionExpiryDate"}));
  cover.conditions = Conditions(item);
  cover.reason = TextAt(item, {"totalDecision", "decisionReasonDescription"});
  return cover;
}

Result<json> ParseObject(std::string_view body, const char* what) {
  json parsed = json::parse(body, nullptr, false);
  if (!parsed.is_object()) return Fail(ErrorCode::kParse, std::string("the Atradius ") + what + " is not a JSON object");
  return parsed;
}

std::string Encode(std::string_view text) { return kit::UrlEncode(text); }

}  // namespace

http::Request TokenRequest(const std::string& auth_base, const std::string& api_key, const std::string& client_id,
                           const std::string& client_secret) {
  return {.method = "POST",
          .target = auth_base + std::string(kTokenPath),
          .headers = {{kAppKeyHeader, api_key},
                      {"Authorization", kit::BasicAuthorization(client_id, client_secret)},
                      {"Accept", "application/json"}},
          .body = ""};
}

Result<kit::TokenAnswer> ParseToken(std::string_view body) {
  auto parsed = ParseObject(body, "token answer");
  if (!parsed) return std::unexpected(parsed.error());
  kit::TokenAnswer answer;
  answer.access_token = TextAt(*parsed, {"data", "access_token"});
  if (answer.access_token.empty()) return Fail(ErrorCode::kParse, "the Atradius token answer holds no access_token");
  std::string expires = TextAt(*parsed, {"data", "expires_in"});
  if (expires.empty()) expires = TextAt(*parsed, {"expires_in"});
  answer.expires_in = AllDigits(expires) && expires.size() < 10 ? std::stoll(expires) : kDefaultTokenSeconds;
  if (answer.expires_in <= 0) answer.expires_in = kDefaultTokenSeconds;
  return answer;
}

Result<BuyerUid> UidOf(const kit::CompanyQuery& query) {
  if (!query.registration_number.empty()) {
    std::string number = query.registration_number;
    std::erase_if(number, [](unsigned char c) { return std::isspace(c); });
    const bool french = query.country == "FR";
    // A SIRET names an establishment; its first nine digits are the company's SIREN.
    if (french && number.size() == 14 && AllDigits(number)) return BuyerUid{number.substr(0, 9), "SN"};
    if ((french && number.size() == 9 && AllDigits(number)) || query.registration_scheme == "SIREN") {
      return BuyerUid{number, "SN"};
    }
    return BuyerUid{number, "CRN"};
  }
  if (!query.vat_number.empty()) return BuyerUid{query.vat_number, "VAT"};
  if (!query.duns.empty()) return BuyerUid{query.duns, "DUNS"};
  return Fail(ErrorCode::kInvalidArgument, "Atradius finds buyers by a legal identifier, not by " + query.Describe() +
                                               "; give a registration number, a VAT number or a DUNS number");
}

std::string BuyersTarget(const std::string& customer_id, const std::string& policy, std::string_view country_alpha3,
                         const BuyerUid& uid) {
  return std::string(kBuyersPath) + "?customerId=" + Encode(customer_id) + "&policyId=" + Encode(policy) +
         "&country=" + Encode(country_alpha3) + "&uid=" + Encode(uid.uid) + "&uidType=" + Encode(uid.uid_type);
}

Result<std::vector<kit::CompanyMatch>> ParseBuyers(std::string_view body, const std::string& country) {
  auto parsed = ParseObject(body, "buyer answer");
  if (!parsed) return std::unexpected(parsed.error());
  std::vector<kit::CompanyMatch> matches;
  const json* data = At(*parsed, {"data"});
  if (data == nullptr || data->is_null()) return matches;
  if (!data->is_array()) return Fail(ErrorCode::kParse, "the Atradius buyer answer's data is not a list");
  for (const json& buyer : *data) {
    kit::CompanyMatch match;
    match.id = TextAt(buyer, {"buyerId"});
    if (match.id.empty()) return Fail(ErrorCode::kParse, "a buyer of the Atradius answer has no buyerId");
    match.name = TextAt(buyer, {"buyerName"});
    match.country = country;
    match.status = TextAt(buyer, {"buyerStatus"});
    const std::string uid = TextAt(buyer, {"uid"});
    const std::string uid_type = TextAt(buyer, {"uidType"});
    if (uid_type == "VAT") {
      match.vat_number = uid;
    } else if (uid_type == "DUNS") {
      match.duns = uid;
    } else {
      match.registration_number = uid;
    }
    matches.push_back(std::move(match));
  }
  return matches;
}

std::string CoversTarget(const std::string& customer_id, const std::string& policy, const CoversQuery& query) {
  std::string target = std::string(kCoversPath) + "?customerId=" + Encode(customer_id) + "&policyId=" + Encode(policy);
  if (!query.buyer_id.empty()) target += "&buyerId=" + Encode(query.buyer_id);
  if (!query.from_date.empty()) target += "&fromDate=" + Encode(query.from_date);
  if (query.page > 0) {
    target += "&page=" + std::to_string(query.page) + "&pageSize=" + std::to_string(kCoversPageSize);
  }
  return target;
}

std::string FromDate(std::chrono::system_clock::time_point at) {
  std::string text = FormatRfc3339(at);  // "2026-12-07T21:40:00Z"
  if (text.ends_with('Z')) text.pop_back();
  return text;
}

CoverChange ChangeOf(const kit::CoverRequest& request) {
  if (!request.in_force) return CoverChange::kNew;
  if (request.amount_minor == 0) return CoverChange::kCancel;
  if (request.amount_minor > request.in_force->granted_minor.value_or(0)) return CoverChange::kSupersede;
  return CoverChange::kReduce;
}

std::string_view MethodOf(CoverChange change) { return change == CoverChange::kNew ? "POST" : "PUT"; }

Result<std::string> CoverBody(const std::string& customer_id, const kit::CoverRequest& request, CoverChange change) {
  const std::optional<int> exponent = model::CurrencyExponent(request.currency);
  if (!exponent) {
    return Fail(ErrorCode::kInvalidArgument, "the currency " + QuoteForMessage(request.currency) +
                                                 " is not an ISO 4217 code");
  }
  int64_t unit = 1;
  for (int i = 0; i < *exponent; ++i) unit *= 10;
  if (request.amount_minor < 0 || request.amount_minor % unit != 0) {
    return Fail(ErrorCode::kInvalidArgument, "Atradius takes cover amounts in whole " + request.currency + ", not " +
                                                 model::FormatMinorUnits(request.amount_minor, *exponent));
  }
  nlohmann::ordered_json body;
  if (change != CoverChange::kNew) {
    body["action"] = change == CoverChange::kSupersede ? "supersede" : change == CoverChange::kReduce ? "reduce" : "cancel";
    // The buyer has one cover per policy: without its id, the buyer names it.
    if (!request.in_force->cover_id.empty()) body["coverId"] = request.in_force->cover_id;
  }
  body["customerId"] = customer_id;
  body["policyId"] = request.policy;
  body["buyerId"] = request.buyer.id;
  body["coverType"] = request.in_force && !request.in_force->cover_type.empty() ? request.in_force->cover_type
                                                                               : std::string(kCoverType);
  if (change != CoverChange::kCancel) {
    body["creditLimitAmount"] = request.amount_minor / unit;
    body["currencyCode"] = request.currency;
  }
  body["customerRefNumber"] = request.reference;
  if (!request.comment.empty()) body["comment"] = request.comment;
  return body.dump();
}

Result<kit::Cover> ParseCover(std::string_view body_of_one_cover, const std::string& currency) {
  auto parsed = ParseObject(body_of_one_cover, "cover");
  if (!parsed) return std::unexpected(parsed.error());
  return CoverOf(*parsed, currency);
}

Result<CoversPage> ParseCovers(std::string_view body, const std::string& currency, int page_size) {
  auto parsed = ParseObject(body, "cover list");
  if (!parsed) return std::unexpected(parsed.error());
  CoversPage page;
  const json* data = At(*parsed, {"data"});
  if (data != nullptr && !data->is_null()) {
    if (!data->is_array()) return Fail(ErrorCode::kParse, "the Atradius cover list's data is not a list");
    for (const json& item : *data) {
      auto cover = CoverOf(item, currency);
      if (!cover) return std::unexpected(cover.error());
      page.covers.push_back(std::move(*cover));
    }
  }
  const std::string number = TextAt(*parsed, {"meta", "page"});
  const std::string total = TextAt(*parsed, {"meta", "totalPages"});
  if (AllDigits(number) && AllDigits(total) && number.size() < 10 && total.size() < 10) {
    page.more = std::stoll(number) < std::stoll(total);
  } else {
    page.more = page_size > 0 && static_cast<int>(page.covers.size()) >= page_size;
  }
  return page;
}

Result<std::optional<kit::Cover>> ParseSubmitAnswer(std::string_view body, const std::string& currency) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::optional<kit::Cover>();  // an empty 202
  const json* data = At(parsed, {"data"});
  if (data == nullptr || data->is_null()) return std::optional<kit::Cover>();
  if (data->is_array()) {
    if (data->empty()) return std::optional<kit::Cover>();
    data = &data->front();
  }
  auto cover = CoverOf(*data, currency);
  if (!cover) return std::unexpected(cover.error());
  return std::optional<kit::Cover>(std::move(*cover));
}

std::string ErrorDetails(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  const json* errors = parsed.is_object() ? At(parsed, {"errors"}) : nullptr;
  if (errors == nullptr || !errors->is_array()) return "";
  std::string joined;
  for (const json& error : *errors) {
    const std::string detail = TextAt(error, {"detail"});
    if (detail.empty()) continue;
    joined += (joined.empty() ? "" : "; ") + detail;
  }
  return joined;
}

std::string DescribeRefusal(const http::Response& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  const std::string details = ErrorDetails(response.body);
  if (details.empty()) return text;
  text += ": " + details;
  json parsed = json::parse(response.body, nullptr, false);
  const json* errors = At(parsed, {"errors"});
  if (errors != nullptr && errors->is_array() && !errors->empty()) {
    const std::string parameter = TextAt(errors->front(), {"source", "parameter"});
    if (!parameter.empty()) text += " (parameter " + parameter + ")";
  }
  return text;
}

}  // namespace tributary::connectors::atradius::wire
