// The `contact` entity through the mapping engine: a person at a customer, with phones as
// typed objects and roles as a list; its schema refuses fields it does not have.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using testing_support::Compile;
using testing_support::MapText;
using testing_support::Problems;

constexpr const char* kContacts = R"(
name: contacts
reader: {type: json_lines}
entities:
  - entity: contact
    source_key: {path: Id}
    fields:
      customer: {ref: customer, key: {path: AccountId}}
      first_name: {path: FirstName}
      last_name: {path: LastName}
      email: {path: Email}
      phones:
        - {type: work, number: {path: Phone}}
        - {type: mobile, number: {path: MobilePhone}}
      roles: [{path: Role}, billing]
      is_primary: {path: Primary}
      language: fr
)";

TEST(ContactMapping, MapsAPersonAtACustomer) {
  auto mapping = Compile(kContacts);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping,
                     R"({"Id":"003A","AccountId":"001A","FirstName":"Anne","LastName":"Durand","Email":"anne@example.com","Phone":"+33 1 23 45 67 89","MobilePhone":"+33 6 12 34 56 78","Role":"accounts_payable","Primary":true})"
                     "\n"
                     R"({"Id":"003B","AccountId":"001A","FirstName":null,"LastName":"Martin","Email":null,"Phone":null,"MobilePhone":"+33 6 00 00 00 01","Role":null,"Primary":false})"
                     "\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 2u);
  const auto& anne = out->sink.records[0];
  EXPECT_EQ(anne.entity, "contact");
  EXPECT_EQ(anne.key, "erp:contact:003A");
  EXPECT_EQ(anne.data["customer"], "erp:customer:001A");
  EXPECT_EQ(anne.data["first_name"], "Anne");
  EXPECT_EQ(anne.data["last_name"], "Durand");
  EXPECT_EQ(anne.data["name"], nullptr);
  EXPECT_EQ(anne.data["email"], "anne@example.com");
  EXPECT_EQ(anne.data["phones"].dump(),
            R"([{"type":"work","number":"+33 1 23 45 67 89"},{"type":"mobile","number":"+33 6 12 34 56 78"}])");
  EXPECT_EQ(anne.data["roles"].dump(), R"(["accounts_payable","billing"])");
  EXPECT_EQ(anne.data["is_primary"], true);
  EXPECT_EQ(anne.data["language"], "fr");
  EXPECT_FALSE(anne.data.contains("status"));
  EXPECT_EQ(anne.JsonText(), anne.data.dump());

  // A phone without a number is left out; so is a null role.
  const auto& martin = out->sink.records[1];
  EXPECT_EQ(martin.data["first_name"], nullptr);
  EXPECT_EQ(martin.data["phones"].dump(), R"([{"type":"mobile","number":"+33 6 00 00 00 01"}])");
  EXPECT_EQ(martin.data["roles"].dump(), R"(["billing"])");
  EXPECT_EQ(martin.data["is_primary"], false);
}

TEST(ContactMapping, AContactWithoutItsCustomerIsAReject) {
  auto mapping = Compile(kContacts);
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, R"({"Id":"003C","AccountId":null,"LastName":"Private"})"
                               "\n");
  ASSERT_TRUE(out->stats.has_value());
  EXPECT_TRUE(out->sink.records.empty());
  EXPECT_THAT(out->sink.RejectLines(), ElementsAre("in.csv:1:0: customer: required value is empty"));
}

TEST(ContactMapping, FieldsTheSchemaDoesNotHaveAreRefusedAndTheCustomerIsRequired) {
  EXPECT_THAT(Problems(R"(name: contacts
reader: {type: json_lines}
entities:
  - entity: contact
    source_key: {path: Id}
    fields:
      customer: {ref: customer, key: {path: AccountId}}
      mobile: {path: MobilePhone}
      phones: [{type: work, value: {path: Phone}}]
)"),
              ElementsAre("m.yaml:8:15: entities[0].fields.mobile: unknown field 'mobile' of contact",
                          "m.yaml:9:36: entities[0].fields.phones[0].value: unknown member 'value' of phones "
                          "(members: type, number)"));
  EXPECT_THAT(Problems(R"(name: contacts
reader: {type: json_lines}
entities:
  - entity: contact
    source_key: {path: Id}
    fields: {last_name: {path: LastName}}
)"),
              ElementsAre("m.yaml:6:13: entities[0].fields: required field 'customer' of contact is not mapped"));
}

}  // namespace
}  // namespace tributary::mapping
