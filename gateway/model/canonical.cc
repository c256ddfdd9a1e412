#include "gateway/model/canonical.h"

#include <array>

#include <openssl/evp.h>

#include "gateway/model/money.h"

namespace tributary::model {
namespace {

using F = FieldType;

constexpr std::array<std::string_view, 2> kIdentifierMembers = {"scheme", "value"};
constexpr std::array<std::string_view, 7> kAddressMembers = {
    "type", "line1", "line2", "postal_code", "city", "region", "country"};
constexpr std::array<std::string_view, 3> kPdfMembers = {"url", "sha256", "filename"};
// A phone number and what kind it is ("work", "mobile", "home", "fax", …: free text, as
// an address's `type`), so the core can tell a number it may text from a switchboard.
constexpr std::array<std::string_view, 2> kPhoneMembers = {"type", "number"};

constexpr std::array<std::string_view, 7> kReceivableKinds = {
    "invoice", "credit_note", "debit_note", "deposit_invoice",
    "payment_on_account", "adjustment", "other"};
constexpr std::array<std::string_view, 3> kDueDateSources = {"explicit", "computed_from_terms",
                                                              "default"};
constexpr std::array<std::string_view, 4> kReceivableStatuses = {"open", "partially_paid", "paid",
                                                                 "voided"};

const std::array kCustomerFields = std::to_array<FieldSpec>({
    {.name = "account_number", .type = F::kString, .required = true},
    {.name = "name", .type = F::kString},
    {.name = "identifiers", .type = F::kObjectList, .members = kIdentifierMembers},
    {.name = "parent", .type = F::kEntityRef, .ref_entity = "customer"},
    {.name = "groups", .type = F::kStringList},
    {.name = "addresses", .type = F::kObjectList, .members = kAddressMembers},
    {.name = "payment_terms", .type = F::kString},
    {.name = "language", .type = F::kString},
    {.name = "currency", .type = F::kCurrency},
    {.name = "credit_hold", .type = F::kBool},
});

// A person at a customer: whom to write to or call about its receivables. `roles` are
// free words of the source ("billing", "accounts_payable", "decision_maker"); `is_primary`
// marks the customer's main contact when the source says which it is.
const std::array kContactFields = std::to_array<FieldSpec>({
    {.name = "customer", .type = F::kEntityRef, .required = true, .ref_entity = "customer"},
    {.name = "first_name", .type = F::kString},
    {.name = "last_name", .type = F::kString},
    {.name = "name", .type = F::kString},
    {.name = "title", .type = F::kString},
    {.name = "email", .type = F::kString},
    {.name = "phones", .type = F::kObjectList, .members = kPhoneMembers},
    {.name = "roles", .type = F::kStringList},
    {.name = "is_primary", .type = F::kBool},
    {.name = "language", .type = F::kString},
});

const std::array kReceivableFields = std::to_array<FieldSpec>({
    {.name = "kind", .type = F::kEnum, .required = true, .enum_values = kReceivableKinds},
    {.name = "number", .type = F::kString, .required = true},
    {.name = "customer", .type = F::kEntityRef, .ref_entity = "customer"},
    {.name = "issue_date", .type = F::kDate},
    {.name = "posting_date", .type = F::kDate},
    {.name = "due_date", .type = F::kDate},
    {.name = "due_date_source", .type = F::kEnum, .enum_values = kDueDateSources},
    {.name = "currency", .type = F::kCurrency, .required = true},
    {.name = "total", .type = F::kMoney},
    {.name = "subtotal", .type = F::kMoney},
    {.name = "tax_total", .type = F::kMoney},
    {.name = "open_amount", .type = F::kMoney, .required = true},
    {.name = "po_number", .type = F::kString},
    {.name = "customer_reference", .type = F::kString},
    {.name = "payment_reference", .type = F::kString},
    {.name = "payment_terms", .type = F::kString},
    {.name = "applies_to", .type = F::kEntityRef, .ref_entity = "receivable"},
    {.name = "pdf", .type = F::kObject, .members = kPdfMembers},
    {.name = "status", .type = F::kEnum, .enum_values = kReceivableStatuses, .derived = true},
});

const std::array kPaymentFields = std::to_array<FieldSpec>({
    {.name = "customer", .type = F::kEntityRef, .ref_entity = "customer"},
    {.name = "received_date", .type = F::kDate},
    {.name = "value_date", .type = F::kDate},
    {.name = "currency", .type = F::kCurrency, .required = true},
    {.name = "amount", .type = F::kMoney, .required = true},
    {.name = "unapplied_amount", .type = F::kMoney},
    {.name = "method", .type = F::kString},
    {.name = "bank_reference", .type = F::kString},
    {.name = "end_to_end_id", .type = F::kString},
    {.name = "remittance_text", .type = F::kString},
    {.name = "payer_name", .type = F::kString},
    {.name = "payer_iban", .type = F::kString},
});

// An allocation applies a payment or a credit note (`from`, any entity) to a receivable.
const std::array kAllocationFields = std::to_array<FieldSpec>({
    {.name = "from", .type = F::kEntityRef, .required = true, .ref_entity = "*"},
    {.name = "to", .type = F::kEntityRef, .required = true, .ref_entity = "receivable"},
    {.name = "currency", .type = F::kCurrency, .required = true},
    {.name = "amount", .type = F::kMoney, .required = true},
    {.name = "applied_date", .type = F::kDate},
    {.name = "match_group", .type = F::kString},
});

// The company a provider's verdict is about, as the provider knows it: its own id
// (its company id, a DUNS) and the identifiers it matched on.
constexpr std::array<std::string_view, 6> kCompanyMembers = {"id", "name", "country", "registration_number",
                                                             "vat_number", "duns"};

// A scoring agency's verdict on a company: its own value and scale (`value_raw`,
// `scale`), the value normalised to 0-100 where 100 is the lowest risk (`value_numeric`,
// per provider in docs/connectors/), its band and recommended credit limit, and the sha256
// of the report it came from (a proof document, GET /v1/proofs/{sha256}). `party` is the
// customer the score was asked for, when it was asked for one.
const std::array kRiskScoreFields = std::to_array<FieldSpec>({
    {.name = "party", .type = F::kEntityRef, .ref_entity = "customer"},
    {.name = "provider", .type = F::kString, .required = true},
    {.name = "company", .type = F::kObject, .members = kCompanyMembers},
    {.name = "value_raw", .type = F::kString},
    {.name = "value_numeric", .type = F::kInteger},
    {.name = "scale", .type = F::kString},
    {.name = "band", .type = F::kString},
    {.name = "currency", .type = F::kCurrency},
    {.name = "recommended_limit", .type = F::kMoney},
    {.name = "as_of", .type = F::kTimestamp},
    {.name = "report_sha256", .type = F::kString},
});

constexpr std::array<std::string_view, 2> kCreditLimitTypes = {"internal", "insurer_cover"};
constexpr std::array<std::string_view, 7> kCreditLimitDecisions = {
    "pending", "approved", "partially_approved", "refused", "reduced", "withdrawn", "expired"};

// A credit limit on a customer: an internal one, or an insurer's cover on a buyer (one per
// provider, policy and buyer). `requested` and `granted` are exact; `decision` is the
// latest word of the insurer, `conditions` and `reason` in its own words.
const std::array kCreditLimitFields = std::to_array<FieldSpec>({
    {.name = "party", .type = F::kEntityRef, .ref_entity = "customer"},
    {.name = "type", .type = F::kEnum, .required = true, .enum_values = kCreditLimitTypes},
    {.name = "provider", .type = F::kString},
    {.name = "policy", .type = F::kString},
    {.name = "buyer", .type = F::kObject, .members = kCompanyMembers},
    {.name = "currency", .type = F::kCurrency, .required = true},
    {.name = "requested", .type = F::kMoney},
    {.name = "granted", .type = F::kMoney},
    {.name = "decision", .type = F::kEnum, .required = true, .enum_values = kCreditLimitDecisions},
    {.name = "decided_at", .type = F::kTimestamp},
    {.name = "effective_from", .type = F::kDate},
    {.name = "expires_at", .type = F::kDate},
    {.name = "conditions", .type = F::kString},
    {.name = "reason", .type = F::kString},
});

const EntitySchema kCustomer{"customer", kCustomerFields};
const EntitySchema kContact{"contact", kContactFields};
const EntitySchema kReceivable{"receivable", kReceivableFields};
const EntitySchema kPayment{"payment", kPaymentFields};
const EntitySchema kAllocation{"allocation", kAllocationFields};
const EntitySchema kRiskScore{"risk_score", kRiskScoreFields};
const EntitySchema kCreditLimit{"credit_limit", kCreditLimitFields};

// In dependency order: an entity comes after the entities it refers to.
const std::array<const EntitySchema*, 7> kAllSchemas = {&kCustomer, &kContact,    &kReceivable, &kPayment,
                                                        &kAllocation, &kRiskScore, &kCreditLimit};

std::string Hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xF]);
  }
  return out;
}

// receivable.status from amounts and lifecycle: never trusted from the source.
Status DeriveReceivableStatus(nlohmann::ordered_json& data, CanonicalRecord& record) {
  const std::string currency = data.value("currency", "");
  auto exponent = CurrencyExponent(currency);
  if (!exponent) return Fail(ErrorCode::kInvalidArgument, "unknown currency \"" + currency + "\"");
  auto minor_of = [&](const char* field) -> Result<std::optional<int64_t>> {
    auto it = data.find(field);
    if (it == data.end() || it->is_null()) return std::optional<int64_t>{};
    auto minor = ParseMinorUnits(it->get<std::string>(), *exponent);
    if (!minor) return std::unexpected(minor.error());
    return std::optional<int64_t>{*minor};
  };
  auto open = minor_of("open_amount");
  if (!open) return std::unexpected(open.error());
  auto total = minor_of("total");
  if (!total) return std::unexpected(total.error());

  data["status"] = std::string(ReceivableStatus(data.value("lifecycle", ""), open->value_or(0), *total));
  record.open_amount_minor = *open;
  record.currency = currency;
  record.kind = data.value("kind", "");
  return Ok();
}

}  // namespace

std::string_view ReceivableStatus(std::string_view lifecycle, int64_t open_minor, std::optional<int64_t> total_minor) {
  if (lifecycle == kLifecycleVoided) return "voided";
  if (open_minor == 0) return "paid";
  if (total_minor && open_minor < *total_minor) return "partially_paid";
  return "open";
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case F::kString: return "string";
    case F::kDate: return "date";
    case F::kTimestamp: return "timestamp";
    case F::kMoney: return "money";
    case F::kCurrency: return "currency";
    case F::kEnum: return "enum";
    case F::kBool: return "bool";
    case F::kInteger: return "integer";
    case F::kEntityRef: return "entity_ref";
    case F::kStringList: return "string_list";
    case F::kObject: return "object";
    case F::kObjectList: return "object_list";
  }
  return "unknown";
}

const FieldSpec* EntitySchema::Find(std::string_view field) const {
  for (const FieldSpec& spec : fields) {
    if (spec.name == field) return &spec;
  }
  return nullptr;
}

const EntitySchema* FindEntitySchema(std::string_view name) {
  for (const EntitySchema* schema : kAllSchemas) {
    if (schema->name == name) return schema;
  }
  return nullptr;
}

std::span<const EntitySchema* const> AllEntitySchemas() { return kAllSchemas; }

std::string MakeKey(std::string_view source, std::string_view entity, std::string_view source_key) {
  std::string key;
  key.reserve(source.size() + entity.size() + source_key.size() + 2);
  key.append(source).append(":").append(entity).append(":").append(source_key);
  return key;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

std::string Sha256Tagged(std::string_view bytes) { return "sha256:" + Sha256Hex(bytes); }

std::string ContentHash(const nlohmann::ordered_json& data) {
  // `raw` is the audit copy of the source record and `source_updated_at` when the source
  // last wrote it (a file's mtime): neither is business content, so a record whose
  // canonical fields are the same is unchanged even when they differ.
  std::string content = "{";
  bool first = true;
  for (const auto& [name, value] : data.items()) {
    if (name == "raw" || name == "source_updated_at") continue;
    if (!first) content += ',';
    first = false;
    content += nlohmann::ordered_json(name).dump();
    content += ':';
    content += value.dump();
  }
  content += '}';
  return Sha256Tagged(content);
}

Status Finalize(const EntitySchema& schema, CanonicalRecord& record) {
  if (schema.name == "receivable") {
    if (auto status = DeriveReceivableStatus(record.data, record); !status) return status;
  }
  if (schema.name == "payment" || schema.name == "allocation") {
    const std::string currency = record.data.value("currency", "");
    auto amount = record.data.find("amount");
    auto exponent = CurrencyExponent(currency);
    if (exponent && amount != record.data.end() && amount->is_string()) {
      auto minor = ParseMinorUnits(amount->get<std::string>(), *exponent);
      if (!minor) return std::unexpected(minor.error());
      record.amount_minor = *minor;
      record.currency = currency;
    }
  }
  record.hash = ContentHash(record.data);
  return Ok();
}

}  // namespace tributary::model
