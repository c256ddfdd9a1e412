#include "gateway/model/money.h"

#include <gtest/gtest.h>

namespace tributary::model {
namespace {

TEST(CurrencyExponent, KnowsTheIsoTable) {
  EXPECT_EQ(CurrencyExponent("EUR"), 2);
  EXPECT_EQ(CurrencyExponent("JPY"), 0);
  EXPECT_EQ(CurrencyExponent("KWD"), 3);
  EXPECT_EQ(CurrencyExponent("CLF"), 4);
  EXPECT_EQ(CurrencyExponent("XAU"), std::nullopt);
  EXPECT_EQ(CurrencyExponent("eur"), std::nullopt);
}

TEST(ParseMinorUnits, ParsesExactly) {
  EXPECT_EQ(ParseMinorUnits("1234.56", 2), 123456);
  EXPECT_EQ(ParseMinorUnits("-0.1", 2), -10);
  EXPECT_EQ(ParseMinorUnits("2700", 0), 2700);
  EXPECT_EQ(ParseMinorUnits("12.345", 3), 12345);
  EXPECT_EQ(ParseMinorUnits("12.340", 2), 1234);
  EXPECT_EQ(ParseMinorUnits(".5", 2), 50);
  EXPECT_EQ(ParseMinorUnits("0.1", 0).error().code, ErrorCode::kParse);
  EXPECT_FALSE(ParseMinorUnits("12.345", 2).has_value());
  EXPECT_FALSE(ParseMinorUnits("1e3", 2).has_value());
  EXPECT_FALSE(ParseMinorUnits("", 2).has_value());
  EXPECT_FALSE(ParseMinorUnits("99999999999999999999", 2).has_value());
  EXPECT_EQ(ParseMinorUnits("92233720368547758.07", 2), INT64_MAX);
}

TEST(FormatMinorUnits, WritesTheCurrencyExponent) {
  EXPECT_EQ(FormatMinorUnits(123456, 2), "1234.56");
  EXPECT_EQ(FormatMinorUnits(5, 2), "0.05");
  EXPECT_EQ(FormatMinorUnits(-5, 3), "-0.005");
  EXPECT_EQ(FormatMinorUnits(2700, 0), "2700");
  EXPECT_EQ(FormatMinorUnits(0, 2), "0.00");
  EXPECT_EQ(FormatMinorUnits(INT64_MIN, 2), "-92233720368547758.08");
  EXPECT_EQ((Money{12345, "KWD"}.ToDecimalString()), "12.345");
}

}  // namespace
}  // namespace tributary::model
