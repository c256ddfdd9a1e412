#include "gateway/admin/query_string.h"

#include <gtest/gtest.h>

namespace tributary::admin {
namespace {

TEST(QueryParams, DecodesAndDefaults) {
  QueryParams params("after=42&connector=erp%2Ddrop&name=a+b&empty=&flag");
  EXPECT_EQ(params.Int("after", 0), 42);
  EXPECT_EQ(params.Int("limit", 100), 100);
  EXPECT_EQ(params.Int("empty", 7), 7);
  EXPECT_EQ(params.String("connector"), "erp-drop");
  EXPECT_EQ(params.String("name"), "a b");
  EXPECT_EQ(params.String("missing"), "");
  EXPECT_EQ(QueryParams("after=x").Int("after", 0), std::nullopt);
  EXPECT_EQ(QueryParams("after=1x").Int("after", 0), std::nullopt);
}

TEST(SplitPath, IgnoresEmptySegments) {
  EXPECT_EQ(SplitPath("/v1/quarantine/3/release"), (std::vector<std::string>{"v1", "quarantine", "3", "release"}));
  EXPECT_EQ(SplitPath("//v1//changes/"), (std::vector<std::string>{"v1", "changes"}));
  EXPECT_EQ(ParseInt("12"), 12);
  EXPECT_EQ(ParseInt("-"), std::nullopt);
}

}  // namespace
}  // namespace tributary::admin
