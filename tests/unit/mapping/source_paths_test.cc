// Mapping::SourcePaths: every path a compiled mapping reads, once each, in the order the
// loader meets them, so an API connector can ask for exactly those fields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_support::Compile;

TEST(SourcePaths, ListsEveryPathOnceInTheOrderTheLoaderMeetsThem) {
  auto mapping = Compile(R"yaml(
name: paths
parameters: {home_currency: EUR}
lookups: {kinds: {A: key_account}}
reader: {type: json_lines}
entities:
  - entity: customer
    filter: {not_empty: {path: Account.Name}}
    source_key: {path: Id}
    fields:
      account_number: {coalesce: [{path: AccountNumber}, {path: Id}]}
      name: {path: Account.Name}
      currency: {coalesce: [{path: CurrencyIsoCode}, {param: home_currency}]}
      addresses: [{type: billing, city: {path: BillingCity}}]
      groups: [{lookup: {table: kinds, key: {path: Type}}}]
    custom:
      owner: {template: "{Owner.Name} ({OwnerId})"}
      site: {path: Site}
  - entity: contact
    source_key: {template: "{Id}-c"}
    lifecycle: {when: {equals: [{path: IsDeleted}, "true"]}, then: voided, else: active}
    fields: {customer: {ref: customer, key: {path: ParentId}}}
    custom: [Id, Extra]
)yaml");
  ASSERT_TRUE(mapping);
  EXPECT_THAT(mapping->SourcePaths(),
              ElementsAre("Account.Name", "Id", "AccountNumber", "CurrencyIsoCode", "BillingCity", "Type",
                          "Owner.Name", "OwnerId", "Site", "IsDeleted", "ParentId", "Extra"));
}

TEST(SourcePaths, XmlPathsAreTheirXPathsAndColumnsAreNoPaths) {
  auto xml = Compile(R"(
name: xml
reader: {type: xml, records: //Invoice}
entities:
  - entity: receivable
    source_key: {path: "ID"}
    fields:
      kind: invoice
      number: {path: "ID"}
      currency: {path: "Amount/@currency"}
      open_amount: {path: "Amount"}
)");
  ASSERT_TRUE(xml);
  EXPECT_THAT(xml->SourcePaths(), ElementsAre("ID", "Amount/@currency", "Amount"));

  auto csv = Compile(R"(
name: csv
entities:
  - entity: customer
    source_key: {column: id}
    fields: {account_number: {column: id}}
)");
  ASSERT_TRUE(csv);
  EXPECT_THAT(csv->SourcePaths(), IsEmpty());
}

// The shipped Salesforce mappings: the fields the connector selects (each header comment
// lists them in this order).
TEST(SourcePaths, OfTheShippedSalesforceMappings) {
  auto load = [](const std::string& name) {
    auto mapping = Mapping::Load(std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/salesforce/" + name);
    EXPECT_TRUE(mapping.has_value()) << (mapping ? "" : mapping.error().front().ToString());
    return mapping ? std::move(*mapping) : nullptr;
  };
  auto account = load("account.yaml");
  ASSERT_TRUE(account);
  EXPECT_THAT(account->SourcePaths(),
              ElementsAre("Id", "AccountNumber", "Name", "ParentId", "CurrencyIsoCode", "BillingStreet",
                          "BillingPostalCode", "BillingCity", "BillingState", "BillingCountry", "Phone"));
  auto contact = load("contact.yaml");
  ASSERT_TRUE(contact);
  EXPECT_THAT(contact->SourcePaths(), ElementsAre("AccountId", "Id", "FirstName", "LastName", "Title", "Email",
                                                  "Phone", "MobilePhone"));
  auto invoice = load("billing_invoice.yaml");
  ASSERT_TRUE(invoice);
  EXPECT_THAT(invoice->SourcePaths(),
              ElementsAre("blng__InvoiceStatus__c", "Id", "Name", "blng__Account__c", "blng__InvoiceDate__c",
                          "blng__DueDate__c", "CurrencyIsoCode", "blng__TotalAmount__c", "blng__Subtotal__c",
                          "blng__TaxAmount__c", "blng__Balance__c", "blng__PaymentStatus__c", "blng__Order__c"));
}

}  // namespace
}  // namespace tributary::mapping
