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
  // One amount is bounded (kMaxAmountMinorUnits), so that open balances add up exactly.
  EXPECT_EQ(ParseMinorUnits("999999999999999.99", 2), kMaxAmountMinorUnits);
  EXPECT_EQ(ParseMinorUnits("-999999999999999.99", 2), -kMaxAmountMinorUnits);
  EXPECT_EQ(ParseMinorUnits("92233720368547758.07", 2).error().message,
            "amount \"92233720368547758.07\" is out of range (at most 999999999999999.99)");
  EXPECT_FALSE(ParseMinorUnits("1000000000000000.00", 2).has_value());
}

TEST(FormatMinorUnits, WritesTheCurrencyExponent) {
  EXPECT_EQ(FormatMinorUnits(123456, 2), "1234.56");
  EXPECT_EQ(FormatMinorUnits(5, 2), "0.05");
  EXPECT_EQ(FormatMinorUnits(-5, 3), "-0.005");
  EXPECT_EQ(FormatMinorUnits(2700, 0), "2700");
  EXPECT_EQ(FormatMinorUnits(0, 2), "0.00");
  EXPECT_EQ(FormatMinorUnits(INT64_MIN, 2), "-92233720368547758.08");
  // Sums past int64.
  EXPECT_EQ(FormatMinorUnits(MinorUnitsSum{INT64_MAX} * 1000, 2), "92233720368547758070.00");
  EXPECT_EQ(FormatMinorUnits(-(MinorUnitsSum{1} << 126), 0), "-85070591730234615865843651857942052864");
  EXPECT_EQ((Money{12345, "KWD"}.ToDecimalString()), "12.345");
}

}  // namespace
}  // namespace tributary::model
