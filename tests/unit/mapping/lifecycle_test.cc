// `lifecycle:` of an entity: active by default, voided from an expression (status voided),
// any other value rejected with its position, a constant other value a load error.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using testing_support::Compile;
using testing_support::MapText;
using testing_support::Problems;

// A receivable per row of `id;open;note`; `lifecycle_line` is the entity's lifecycle key
// (a whole YAML line), or empty.
std::string Receivables(const std::string& lifecycle_line) {
  return "name: lifecycle\n"
         "reader: {delimiter: \";\"}\n"
         "entities:\n"
         "  - entity: receivable\n"
         "    source_key: {column: id}\n" +
         lifecycle_line +
         "    fields:\n"
         "      kind: invoice\n"
         "      number: {column: id}\n"
         "      currency: EUR\n"
         "      total: {column: open}\n"
         "      open_amount: {column: open}\n";
}

constexpr const char* kVoidedWhenNote =
    "    lifecycle: {when: {starts_with: [{column: note}, \"Voided\"]}, then: voided, else: active}\n";

constexpr const char* kInput =
    "id;open;note\n"
    "A;0.00;Voided - customer cancelled\n"
    "B;10.00;\n";

TEST(MappingLifecycle, DefaultIsActiveAndAnActiveExpressionWritesTheSameBytes) {
  auto plain = Compile(Receivables(""));
  auto constant = Compile(Receivables("    lifecycle: active\n"));
  auto computed = Compile(Receivables("    lifecycle: {when: {empty: {column: id}}, then: active, else: active}\n"));
  ASSERT_TRUE(plain && constant && computed);
  auto a = MapText(*plain, kInput);
  auto b = MapText(*constant, kInput);
  auto c = MapText(*computed, kInput);
  ASSERT_EQ(a->sink.records.size(), 2u);
  ASSERT_EQ(b->sink.records.size(), 2u);
  ASSERT_EQ(c->sink.records.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(a->sink.records[i].data["lifecycle"], "active");
    EXPECT_EQ(b->sink.records[i].json, a->sink.records[i].json);
    EXPECT_EQ(c->sink.records[i].json, a->sink.records[i].json);
    EXPECT_EQ(c->sink.records[i].hash, a->sink.records[i].hash);
  }
  EXPECT_EQ(a->sink.records[0].data["status"], "paid");
  EXPECT_EQ(a->sink.records[1].data["status"], "open");
}

TEST(MappingLifecycle, AVoidedRecordIsFlaggedWithStatusVoided) {
  auto plain = Compile(Receivables(""));
  auto mapping = Compile(Receivables(kVoidedWhenNote));
  ASSERT_TRUE(plain && mapping);
  auto before = MapText(*plain, kInput);
  auto out = MapText(*mapping, kInput);
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_TRUE(out->sink.rejects.empty());
  EXPECT_EQ(out->sink.records[0].data["lifecycle"], "voided");
  EXPECT_EQ(out->sink.records[0].data["status"], "voided");
  EXPECT_NE(out->sink.records[0].hash, before->sink.records[0].hash);
  EXPECT_EQ(out->sink.records[1].data["lifecycle"], "active");
  EXPECT_EQ(out->sink.records[1].data["status"], "open");
  EXPECT_EQ(out->sink.records[1].hash, before->sink.records[1].hash);

  auto constant = Compile(Receivables("    lifecycle: voided\n"));
  ASSERT_TRUE(constant);
  auto all = MapText(*constant, kInput);
  ASSERT_EQ(all->sink.records.size(), 2u);
  EXPECT_EQ(all->sink.records[1].data["lifecycle"], "voided");
  EXPECT_EQ(all->sink.records[1].data["status"], "voided");
  EXPECT_EQ(all->sink.records[0].hash, out->sink.records[0].hash);
}

TEST(MappingLifecycle, AnyOtherValueRejectsTheRecordWithItsPosition) {
  auto mapping = Compile(Receivables("    lifecycle: {column: note}\n"));
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping,
                     "id;open;note\n"
                     "A;1.00;voided\n"
                     "B;2.00;deleted\n"
                     "C;3.00;\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 1u);
  EXPECT_EQ(out->sink.records[0].data["lifecycle"], "voided");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("in.csv:3:3: lifecycle: lifecycle \"deleted\" is not active or voided",
                          "in.csv:4:3: lifecycle: lifecycle is empty (expected active or voided)"));
}

TEST(MappingLifecycle, AConstantOtherValueIsALoadErrorWithItsPosition) {
  EXPECT_THAT(Problems(Receivables("    lifecycle: deleted\n")),
              ElementsAre("m.yaml:6:16: entities[0].lifecycle: lifecycle \"deleted\" is not active or voided"));
  EXPECT_THAT(Problems(Receivables(
                  "    lifecycle: {when: {empty: {column: note}}, then: active, else: closed_by_absence}\n")),
              ElementsAre("m.yaml:6:16: entities[0].lifecycle: lifecycle \"closed_by_absence\" is not active or "
                          "voided"));
}

}  // namespace
}  // namespace tributary::mapping
