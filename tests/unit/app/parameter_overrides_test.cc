// `--param NAME=VALUE`: parsing and repetition into a list.
#include "gateway/app/parameter_overrides.h"

#include <gtest/gtest.h>

namespace tributary::app {
namespace {

TEST(ParameterOverrides, RepeatingANameMakesAListInOrder) {
  ParameterValues parameters;
  ASSERT_TRUE(AddParameterOverride("sales_journals=VT", parameters));
  ASSERT_TRUE(AddParameterOverride("payment_terms_days=45", parameters));
  ASSERT_TRUE(AddParameterOverride("sales_journals=AVO", parameters));
  const ParameterValues expected = {{"payment_terms_days", {"45"}}, {"sales_journals", {"VT", "AVO"}}};
  EXPECT_EQ(parameters, expected);
}

TEST(ParameterOverrides, TheValueMayBeEmptyOrHoldEqualsSigns) {
  ParameterValues parameters;
  ASSERT_TRUE(AddParameterOverride("suffix=", parameters));
  ASSERT_TRUE(AddParameterOverride("filter=a=b", parameters));
  EXPECT_EQ(parameters.at("suffix"), std::vector<std::string>{""});
  EXPECT_EQ(parameters.at("filter"), std::vector<std::string>{"a=b"});
}

TEST(ParameterOverrides, ANameIsRequired) {
  ParameterValues parameters;
  auto missing = AddParameterOverride("journals", parameters);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "--param expects name=value, got \"journals\"");
  EXPECT_FALSE(AddParameterOverride("=VE", parameters));
  EXPECT_TRUE(parameters.empty());
}

}  // namespace
}  // namespace tributary::app
