#include "gateway/model/canonical.h"

#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace tributary::model {
namespace {

nlohmann::ordered_json Receivable(const std::string& open_amount) {
  return {{"key", "s:receivable:1"}, {"source_updated_at", "2026-11-01T00:00:00Z"}, {"lifecycle", "active"},
          {"kind", "invoice"},       {"currency", "EUR"},   {"total", "100.00"},
          {"open_amount", open_amount}, {"raw", {{"col", "x"}}}};
}

TEST(ContentHash, IgnoresRawAndSourceUpdatedAtOnly) {
  auto base = Receivable("100.00");
  auto other_raw = base;
  other_raw["raw"] = {{"col", "y"}};
  other_raw["source_updated_at"] = "2026-11-02T00:00:00Z";
  EXPECT_EQ(ContentHash(base), ContentHash(other_raw));
  EXPECT_NE(ContentHash(base), ContentHash(Receivable("99.99")));
  EXPECT_EQ(ContentHash(base).rfind("sha256:", 0), 0u);
}

TEST(Finalize, DerivesReceivableStatusFromAmounts) {
  const EntitySchema* schema = FindEntitySchema("receivable");
  ASSERT_NE(schema, nullptr);
  auto status_of = [&](const std::string& open, const std::string& lifecycle = "active") {
    CanonicalRecord record;
    record.entity = "receivable";
    record.data = Receivable(open);
    record.data["lifecycle"] = lifecycle;
    EXPECT_TRUE(Finalize(*schema, record).has_value());
    return record.data["status"].get<std::string>();
  };
  EXPECT_EQ(status_of("100.00"), "open");
  EXPECT_EQ(status_of("40.00"), "partially_paid");
  EXPECT_EQ(status_of("0.00"), "paid");
  EXPECT_EQ(status_of("40.00", "voided"), "voided");
  CanonicalRecord bad;
  bad.entity = "receivable";
  bad.data = Receivable("1.005");
  EXPECT_FALSE(Finalize(*schema, bad).has_value());
}

TEST(ReceivableStatus, FromLifecycleAndAmounts) {
  EXPECT_EQ(ReceivableStatus("active", 100, 100), "open");
  EXPECT_EQ(ReceivableStatus("active", 100, std::nullopt), "open");
  EXPECT_EQ(ReceivableStatus("active", 40, 100), "partially_paid");
  EXPECT_EQ(ReceivableStatus("active", 0, 100), "paid");
  EXPECT_EQ(ReceivableStatus("voided", 40, 100), "voided");
}

TEST(Finalize, KeepsKindAndAmountsForSummaries) {
  CanonicalRecord receivable;
  receivable.entity = "receivable";
  receivable.data = Receivable("40.00");
  receivable.data["kind"] = "credit_note";
  ASSERT_TRUE(Finalize(*FindEntitySchema("receivable"), receivable).has_value());
  EXPECT_EQ(receivable.kind, "credit_note");
  EXPECT_EQ(receivable.open_amount_minor, 4000);
  EXPECT_FALSE(receivable.amount_minor.has_value());

  CanonicalRecord payment;
  payment.entity = "payment";
  payment.data = {{"key", "s:payment:1"}, {"currency", "JPY"}, {"amount", "2700"}};
  ASSERT_TRUE(Finalize(*FindEntitySchema("payment"), payment).has_value());
  EXPECT_EQ(payment.amount_minor, 2700);
  EXPECT_EQ(payment.currency, "JPY");
  EXPECT_EQ(payment.JsonText(), R"({"key":"s:payment:1","currency":"JPY","amount":"2700"})");
  payment.json = "{}";
  EXPECT_EQ(payment.JsonText(), "{}");

  CanonicalRecord bad;
  bad.entity = "payment";
  bad.data = {{"key", "s:payment:2"}, {"currency", "JPY"}, {"amount", "27.5"}};
  EXPECT_FALSE(Finalize(*FindEntitySchema("payment"), bad).has_value());
}

TEST(Schemas, AreFoundByName) {
  EXPECT_NE(FindEntitySchema("customer"), nullptr);
  EXPECT_EQ(FindEntitySchema("invoice"), nullptr);
  EXPECT_EQ(MakeKey("erp", "customer", "FR01-C1"), "erp:customer:FR01-C1");
  EXPECT_TRUE(FindEntitySchema("receivable")->Find("status")->derived);
}

TEST(Schemas, ContactIsAPersonAtACustomer) {
  const EntitySchema* contact = FindEntitySchema("contact");
  ASSERT_NE(contact, nullptr);
  std::vector<std::string_view> names;
  for (const FieldSpec& spec : contact->fields) names.push_back(spec.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"customer", "first_name", "last_name", "name", "title", "email",
                                                   "phones", "roles", "is_primary", "language"}));
  const FieldSpec* customer = contact->Find("customer");
  EXPECT_EQ(customer->type, FieldType::kEntityRef);
  EXPECT_EQ(customer->ref_entity, "customer");
  EXPECT_TRUE(customer->required);
  for (const FieldSpec& spec : contact->fields) {
    if (spec.name != "customer") EXPECT_FALSE(spec.required) << spec.name;
    EXPECT_FALSE(spec.derived) << spec.name;
  }
  const FieldSpec* phones = contact->Find("phones");
  EXPECT_EQ(phones->type, FieldType::kObjectList);
  EXPECT_EQ(std::vector<std::string_view>(phones->members.begin(), phones->members.end()),
            (std::vector<std::string_view>{"type", "number"}));
  EXPECT_EQ(contact->Find("roles")->type, FieldType::kStringList);
  EXPECT_EQ(contact->Find("is_primary")->type, FieldType::kBool);
  EXPECT_EQ(contact->Find("mobile"), nullptr);
}

TEST(Schemas, AreListedInDependencyOrder) {
  std::vector<std::string_view> names;
  for (const EntitySchema* schema : AllEntitySchemas()) names.push_back(schema->name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"customer", "contact", "receivable", "payment", "allocation", "risk_score", "credit_limit"}));
}

TEST(Finalize, HashesAContactAndLeavesMoneyAlone) {
  const EntitySchema* schema = FindEntitySchema("contact");
  ASSERT_NE(schema, nullptr);
  CanonicalRecord contact;
  contact.entity = "contact";
  contact.data = {{"key", "crm:contact:003"}, {"lifecycle", "active"}, {"customer", "crm:customer:001"},
                  {"last_name", "Durand"}, {"raw", "{}"}};
  ASSERT_TRUE(Finalize(*schema, contact).has_value());
  EXPECT_EQ(contact.hash, ContentHash(contact.data));
  EXPECT_FALSE(contact.open_amount_minor.has_value());
  EXPECT_FALSE(contact.amount_minor.has_value());
  EXPECT_FALSE(contact.data.contains("status"));
}

}  // namespace
}  // namespace tributary::model
