#include "gateway/admin/action_requests.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "gateway/model/money.h"

namespace tributary::admin {

namespace {

using Problems = std::vector<FieldProblem>;

std::string Join(const std::string& prefix, std::string_view name) {
  return prefix.empty() ? std::string(name) : prefix + "." + std::string(name);
}

void CheckKnownMembers(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                       const std::string& prefix, Problems& problems) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      problems.push_back({Join(prefix, name), "unknown field"});
    }
  }
}

// The member `name` when it is a non-empty string; a problem when it is present otherwise,
// or absent and `required`.
std::string StringField(const nlohmann::json& object, std::string_view name, bool required, const std::string& prefix,
                        Problems& problems) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) {
    if (required) problems.push_back({Join(prefix, name), "required"});
    return "";
  }
  if (!found->is_string() || found->get<std::string>().empty()) {
    problems.push_back({Join(prefix, name), "expected a non-empty string"});
    return "";
  }
  return found->get<std::string>();
}

bool IsCountryCode(const std::string& text) {
  return text.size() == 2 && std::isalpha(static_cast<unsigned char>(text[0])) &&
         std::isalpha(static_cast<unsigned char>(text[1]));
}

void CheckCompany(const nlohmann::json& company, const std::string& prefix, Problems& problems) {
  if (!company.is_object()) {
    problems.push_back({prefix, "expected an object"});
    return;
  }
  CheckKnownMembers(company, {"country", "registration_number", "vat_number", "duns", "name"}, prefix, problems);
  std::string country = StringField(company, "country", true, prefix, problems);
  if (!country.empty() && !IsCountryCode(country)) {
    problems.push_back({Join(prefix, "country"), "expected a 2-letter ISO 3166 country code"});
  }
  bool named = false;
  for (std::string_view name : {"registration_number", "vat_number", "duns", "name"}) {
    if (!StringField(company, name, false, prefix, problems).empty()) named = true;
  }
  if (!named) problems.push_back({prefix, "needs one of registration_number, vat_number, duns or name"});
}

// `customer` (a canonical key) or `company`, exactly one.
void CheckParty(const nlohmann::json& body, Problems& problems) {
  const bool has_customer = body.contains("customer");
  const bool has_company = body.contains("company");
  if (has_customer == has_company) {
    problems.push_back({"", has_customer ? "give customer or company, not both" : "customer or company is required"});
  }
  if (has_customer) StringField(body, "customer", true, "", problems);
  if (has_company) CheckCompany(body["company"], "company", problems);
}

void CheckScore(const nlohmann::json& body, Problems& problems) {
  CheckKnownMembers(body, {"connector", "customer", "company"}, "", problems);
  CheckParty(body, problems);
}

void CheckCreditLimit(const nlohmann::json& body, Problems& problems) {
  CheckKnownMembers(body, {"connector", "customer", "company", "amount", "currency", "policy", "comment"}, "",
                    problems);
  CheckParty(body, problems);
  std::string currency = StringField(body, "currency", true, "", problems);
  std::optional<int> exponent;
  if (!currency.empty()) {
    exponent = model::CurrencyExponent(currency);
    if (!exponent) problems.push_back({"currency", "not an ISO 4217 currency code"});
  }
  std::string amount = StringField(body, "amount", true, "", problems);
  if (!amount.empty() && exponent) {
    auto minor = model::ParseMinorUnits(amount, *exponent);
    if (!minor) {
      problems.push_back({"amount", "expected a decimal string with at most " + std::to_string(*exponent) +
                                        " decimals for " + currency + " (e.g. \"50000.00\")"});
    } else if (*minor < 0) {
      problems.push_back({"amount", "must not be negative (\"0\" cancels the cover in force)"});
    }
  }
  StringField(body, "policy", false, "", problems);
  StringField(body, "comment", false, "", problems);
}

bool IsBase64(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) return false;
  size_t padding = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '=') {
      if (i + 2 < text.size()) return false;
      ++padding;
      continue;
    }
    if (padding > 0) return false;
    if (!std::isalnum(c) && c != '+' && c != '/') return false;
  }
  return padding <= 2;
}

void CheckRegisteredLetter(const nlohmann::json& body, Problems& problems) {
  CheckKnownMembers(body, {"connector", "customer", "recipient", "subject", "body", "documents", "kind"}, "",
                    problems);
  if (body.contains("customer")) StringField(body, "customer", true, "", problems);
  auto recipient = body.find("recipient");
  if (recipient == body.end()) {
    problems.push_back({"recipient", "required"});
  } else if (!recipient->is_object()) {
    problems.push_back({"recipient", "expected an object"});
  } else {
    CheckKnownMembers(*recipient, {"name", "email", "company", "address"}, "recipient", problems);
    StringField(*recipient, "name", true, "recipient", problems);
    StringField(*recipient, "email", false, "recipient", problems);
    StringField(*recipient, "company", false, "recipient", problems);
    if (auto address = recipient->find("address"); address != recipient->end()) {
      if (!address->is_object()) {
        problems.push_back({"recipient.address", "expected an object"});
      } else {
        CheckKnownMembers(*address, {"line1", "line2", "line3", "postal_code", "city", "country"}, "recipient.address",
                          problems);
        StringField(*address, "line1", true, "recipient.address", problems);
        StringField(*address, "postal_code", true, "recipient.address", problems);
        StringField(*address, "city", true, "recipient.address", problems);
        std::string country = StringField(*address, "country", true, "recipient.address", problems);
        if (!country.empty() && !IsCountryCode(country)) {
          problems.push_back({"recipient.address.country", "expected a 2-letter ISO 3166 country code"});
        }
      }
    }
  }
  StringField(body, "subject", true, "", problems);
  StringField(body, "body", false, "", problems);
  std::string kind = StringField(body, "kind", false, "", problems);
  if (!kind.empty() && kind != "electronic" && kind != "paper") {
    problems.push_back({"kind", "expected \"electronic\" or \"paper\""});
  }
  auto documents = body.find("documents");
  if (documents == body.end()) {
    problems.push_back({"documents", "required"});
    return;
  }
  if (!documents->is_array() || documents->empty()) {
    problems.push_back({"documents", "expected a non-empty list"});
    return;
  }
  for (size_t i = 0; i < documents->size(); ++i) {
    const nlohmann::json& document = (*documents)[i];
    const std::string prefix = "documents[" + std::to_string(i) + "]";
    if (!document.is_object()) {
      problems.push_back({prefix, "expected an object"});
      continue;
    }
    CheckKnownMembers(document, {"filename", "content_base64"}, prefix, problems);
    StringField(document, "filename", true, prefix, problems);
    std::string content = StringField(document, "content_base64", true, prefix, problems);
    if (!content.empty() && !IsBase64(content)) problems.push_back({prefix + ".content_base64", "not valid base64"});
  }
}

}  // namespace

bool IsActionKind(std::string_view kind) {
  return std::find(std::begin(kActionKinds), std::end(kActionKinds), kind) != std::end(kActionKinds);
}

std::vector<FieldProblem> CheckActionRequest(std::string_view kind, const nlohmann::json& body) {
  Problems problems;
  if (!body.is_object()) return {{"", "expected a JSON object"}};
  StringField(body, "connector", true, "", problems);
  if (kind == "score") CheckScore(body, problems);
  if (kind == "credit-limit") CheckCreditLimit(body, problems);
  if (kind == "registered-letter") CheckRegisteredLetter(body, problems);
  return problems;
}

}  // namespace tributary::admin
