// What a reject tells a snapshot (model::Reject::entities) with the shipped generic
// open-items mapping: the keys the row still gives, or without a key the customer it
// names. A row cut short is read up to its last complete field.
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/mapping/mapping.h"
#include "tests/unit/mapping/collecting_sink.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;

const std::string kGenericMapping = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml";
constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

MappingContext Context() {
  MappingContext context;
  context.tenant = "acme";
  context.source = "erp-drop";
  context.legal_entity = "FR01";
  context.file_name = "open_items.csv";
  context.source_updated_at = "2026-03-31T06:00:00Z";
  return context;
}

// The rejects of `rows` (after the header), mapped with the generic mapping.
std::vector<model::Reject> RejectsOf(const std::string& rows) {
  auto mapping = Mapping::Load(kGenericMapping);
  EXPECT_TRUE(mapping.has_value());
  if (!mapping) return {};
  CollectingSink sink;
  std::istringstream input(std::string(kHeader) + rows);
  auto stats = (*mapping)->Run(input, Context(), sink);
  EXPECT_TRUE(stats.has_value()) << stats.error().message;
  return sink.rejects;
}

std::string Describe(const model::RejectedEntity& entity) {
  return entity.entity + " key=" + entity.key.value_or("-") + " customer=" + entity.customer.value_or("-");
}

std::vector<std::string> Entities(const model::Reject& reject) {
  std::vector<std::string> described;
  for (const model::RejectedEntity& entity : reject.entities) described.push_back(Describe(entity));
  return described;
}

TEST(RejectedEntities, AShortRowStillGivesItsKeys) {
  auto rejects = RejectsOf("C00003;Short Row SA;BAD-000003;invoice;2026-01-10\n");
  ASSERT_EQ(rejects.size(), 1u);
  // Still a reject, with its file, line, column and reason.
  EXPECT_EQ(rejects[0].file, "open_items.csv");
  EXPECT_EQ(rejects[0].line, 2);
  EXPECT_EQ(rejects[0].column, 0);
  EXPECT_EQ(rejects[0].reason, "expected 9 fields, found 5");
  EXPECT_THAT(Entities(rejects[0]), ElementsAre("customer key=erp-drop:customer:FR01-C00003 customer=-",
                                                "receivable key=erp-drop:receivable:FR01-BAD-000003 customer=-"));
}

TEST(RejectedEntities, AShortRowEndingInItsKeyGivesItsCustomerOnly) {
  // The last field of a row cut short may be cut too: not read.
  auto rejects = RejectsOf("C00004;Cut Row SA;BAD-0000\n");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_THAT(Entities(rejects[0]),
              ElementsAre("customer key=erp-drop:customer:FR01-C00004 customer=-",
                          "receivable key=- customer=erp-drop:customer:FR01-C00004"));
}

TEST(RejectedEntities, AnEmptyDocumentNumberGivesTheCustomer) {
  auto rejects = RejectsOf("C1;Alpha;;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n");
  ASSERT_FALSE(rejects.empty());
  for (const model::Reject& reject : rejects) {
    EXPECT_THAT(Entities(reject), ElementsAre("customer key=erp-drop:customer:FR01-C1 customer=-",
                                              "receivable key=- customer=erp-drop:customer:FR01-C1"));
  }
}

TEST(RejectedEntities, ARowWithNeitherKeyNorAccountGivesNothing) {
  auto rejects = RejectsOf(";Nobody;;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n");
  ASSERT_FALSE(rejects.empty());
  EXPECT_THAT(Entities(rejects[0]), ElementsAre("customer key=- customer=-", "receivable key=- customer=-"));
}

TEST(RejectedEntities, ARowWithTooManyFieldsIsNotRead) {
  // An unquoted delimiter in the name shifts every later column: nothing of it is trusted.
  auto rejects = RejectsOf("C5;Alpha; Beta;D-5;invoice;2026-10-01;2026-10-31;EUR;10.00;10.00\n");
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].reason, "expected 9 fields, found 10");
  EXPECT_THAT(Entities(rejects[0]), ElementsAre("customer key=- customer=-", "receivable key=- customer=-"));
}

}  // namespace
}  // namespace tributary::mapping
