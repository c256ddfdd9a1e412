#include "gateway/model/decimal.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::model {
namespace {

Decimal D(std::string_view text) {
  auto value = Decimal::Parse(text);
  EXPECT_TRUE(value.has_value()) << text << ": " << value.error().message;
  return value.value_or(Decimal());
}

std::string Parsed(std::string_view text) {
  auto value = Decimal::Parse(text);
  return value ? value->ToString() : "error: " + value.error().message;
}

std::string Text(const Result<Decimal>& value) { return value ? value->ToString() : "error: " + value.error().message; }

std::string Minor(std::string_view text, int exponent) {
  auto minor = D(text).ToMinorUnits(exponent, "EUR");
  return minor ? std::to_string(*minor) : "error: " + minor.error().message;
}

TEST(Decimal, ParsesPlainDecimalsKeepingTheirScale) {
  EXPECT_EQ(Parsed("-1234.5600"), "-1234.5600");
  EXPECT_EQ(D("-1234.5600").scale(), 4);
  EXPECT_EQ(Parsed("+7"), "7");
  EXPECT_EQ(Parsed("0"), "0");
  EXPECT_EQ(Parsed(".5"), "0.5");
  EXPECT_EQ(Parsed("5."), "5");
  EXPECT_EQ(Parsed("000001234.50"), "1234.50");
  EXPECT_EQ(Parsed("-0.00"), "0.00");
  EXPECT_EQ(Parsed("-0.005"), "-0.005");
  EXPECT_EQ(Parsed("12345678901234567.89"), "12345678901234567.89");
  EXPECT_EQ(Parsed("0.000000000000000001"), "0.000000000000000001");
}

TEST(Decimal, RefusesWhatIsNotAPlainDecimal) {
  EXPECT_EQ(Parsed(""), "error: invalid decimal \"\": no digits");
  EXPECT_EQ(Parsed("-"), "error: invalid decimal \"-\": no digits");
  EXPECT_EQ(Parsed("."), "error: invalid decimal \".\": no digits");
  EXPECT_EQ(Parsed("1.2.3"), "error: invalid decimal \"1.2.3\": more than one '.'");
  EXPECT_EQ(Parsed("1e5"),
            "error: invalid decimal \"1e5\": unexpected character \"e\" (expected digits with an optional sign and '.')");
  EXPECT_EQ(Parsed(" 1"),
            "error: invalid decimal \" 1\": unexpected character \" \" (expected digits with an optional sign and '.')");
  EXPECT_EQ(Parsed("1,5"),
            "error: invalid decimal \"1,5\": unexpected character \",\" (expected digits with an optional sign and '.')");
  EXPECT_EQ(Parsed("--1"),
            "error: invalid decimal \"--1\": unexpected character \"-\" (expected digits with an optional sign and '.')");
  EXPECT_EQ(Parsed("0.0000000000000000001"), "error: invalid decimal \"0.0000000000000000001\": more than 18 decimal places");
  EXPECT_EQ(Parsed(std::string(39, '9')),
            "error: invalid decimal \"" + std::string(39, '9') + "\": more than 38 digits");
  // Leading zeros do not count as digits.
  EXPECT_EQ(Parsed("000" + std::string(38, '9')), std::string(38, '9'));
}

TEST(Decimal, PointOnePlusPointTwoIsExactlyPointThree) {
  auto sum = Decimal::Add(D("0.1"), D("0.2"));
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, D("0.3"));
  EXPECT_EQ(sum->ToString(), "0.3");
}

TEST(Decimal, SumsOfManyValuesAreExact) {
  // 10,000 times 0.01 is exactly 100, and a million times 1234.56 exactly 1234560000.
  Decimal total;
  for (int i = 0; i < 10000; ++i) total = Decimal::Add(total, D("0.01")).value();
  EXPECT_EQ(total.ToString(), "100.00");
  Decimal big;
  const Decimal item = D("1234.56");
  for (int i = 0; i < 1000000; ++i) big = Decimal::Add(big, item).value();
  EXPECT_EQ(big.ToString(), "1234560000.00");
  EXPECT_EQ(Text(Decimal::MultiplyInteger(item, 1000000)), "1234560000.00");
}

TEST(Decimal, MixedScalesAddAtTheLargerScale) {
  EXPECT_EQ(Text(Decimal::Add(D("1.5"), D("0.255"))), "1.755");
  EXPECT_EQ(Text(Decimal::Add(D("100"), D("-0.01"))), "99.99");
  EXPECT_EQ(Text(Decimal::Subtract(D("10"), D("10.00"))), "0.00");
  EXPECT_EQ(Text(Decimal::Subtract(D("-2.5"), D("7.25"))), "-9.75");
  EXPECT_EQ(Text(Decimal::Add(D("0.000000000000000001"), D("1"))), "1.000000000000000001");
}

TEST(Decimal, OverflowIsAnErrorNeverAWrap) {
  const Decimal max = D(std::string(38, '9'));
  EXPECT_EQ(Text(Decimal::Add(max, D("1"))),
            "error: the sum of " + std::string(38, '9') + " and 1 is out of range (more than 38 digits)");
  EXPECT_EQ(Text(Decimal::Subtract(max.Negated(), D("1"))),
            "error: the difference of -" + std::string(38, '9') + " and 1 is out of range (more than 38 digits)");
  // A large whole number cannot take 18 more fraction digits.
  EXPECT_FALSE(Decimal::Add(D("10000000000000000000000"), D("0.000000000000000001")));
  EXPECT_EQ(Text(Decimal::MultiplyInteger(max, 2)),
            "error: the product of " + std::string(38, '9') + " and 2 is out of range (more than 38 digits)");
  EXPECT_FALSE(Decimal::MultiplyInteger(D("1" + std::string(20, '0')), INT64_MIN));
  EXPECT_EQ(Text(Decimal::MultiplyInteger(D("-1.5"), -3)), "4.5");
  EXPECT_EQ(Text(Decimal::MultiplyInteger(D("1.50"), 0)), "0.00");
}

TEST(Decimal, SignNegationAndAbsoluteValue) {
  EXPECT_EQ(D("-3.10").Sign(), -1);
  EXPECT_EQ(D("0.00").Sign(), 0);
  EXPECT_EQ(D("0.01").Sign(), 1);
  EXPECT_EQ(D("-3.10").Abs().ToString(), "3.10");
  EXPECT_EQ(D("3.10").Negated().ToString(), "-3.10");
  EXPECT_EQ(D("0").Negated().ToString(), "0");
  EXPECT_TRUE(D("-0.000").IsZero());
}

TEST(Decimal, ComparesByValueAcrossScales) {
  EXPECT_EQ(D("1.50"), D("1.5"));
  EXPECT_EQ(D("0"), D("-0.00"));
  EXPECT_NE(D("1.50"), D("1.51"));
  EXPECT_LT(D("-1"), D("0.5"));
  EXPECT_LT(D("1.4999"), D("1.5"));
  EXPECT_GT(D("2"), D("1.999999999999999999"));
  // Scaling the lower-scale side up by 10^18 leaves the 38-digit range: its sign decides.
  const Decimal huge = D(std::string(38, '9'));
  EXPECT_GT(huge, D("0.000000000000000001"));
  EXPECT_LT(huge.Negated(), D("-0.000000000000000001"));
  EXPECT_GT(D("0.000000000000000001"), huge.Negated());
  EXPECT_TRUE((D("1.5") <=> D("1.50")) == 0);
}

TEST(Decimal, ToMinorUnitsIsExactOrAnError) {
  EXPECT_EQ(Minor("12.34", 2), "1234");
  EXPECT_EQ(Minor("12.3", 2), "1230");
  EXPECT_EQ(Minor("12.3400", 2), "1234");
  EXPECT_EQ(Minor("-0.05", 2), "-5");
  EXPECT_EQ(Minor("2700", 0), "2700");
  EXPECT_EQ(Minor("12.345", 2), "error: 12.345 has more decimals than EUR allows (2)");
  EXPECT_EQ(Minor("92233720368547758.07", 2), "9223372036854775807");
  EXPECT_EQ(Minor("-92233720368547758.08", 2), "-9223372036854775808");
  EXPECT_EQ(Minor("92233720368547758.08", 2), "error: 92233720368547758.08 is too large for an amount of EUR");
  EXPECT_EQ(Minor(std::string(38, '9'), 2), "error: " + std::string(38, '9') + " is too large for an amount of EUR");
  auto plain = D("1.001").ToMinorUnits(2);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().message, "1.001 has more decimals than the currency allows (2)");
}

TEST(Decimal, FromMinorUnitsRoundTrips) {
  EXPECT_EQ(Decimal::FromMinorUnits(123456, 2).ToString(), "1234.56");
  EXPECT_EQ(Decimal::FromMinorUnits(-5, 3).ToString(), "-0.005");
  EXPECT_EQ(Decimal::FromMinorUnits(INT64_MIN, 2).ToString(), "-92233720368547758.08");
  EXPECT_EQ(Decimal::FromMinorUnits(INT64_MIN, 2).ToMinorUnits(2).value(), INT64_MIN);
  EXPECT_EQ(Decimal::FromMinorUnits(2700, 0).ToString(), "2700");
}

TEST(Decimal, WithScaleAddsOrDropsZerosOnly) {
  EXPECT_EQ(Text(D("12.5").WithScale(3)), "12.500");
  EXPECT_EQ(Text(D("12.500").WithScale(1)), "12.5");
  EXPECT_EQ(Text(D("12.55").WithScale(1)), "error: 12.55 has more than 1 decimals");
  EXPECT_EQ(D("12.50").SignificantScale(), 1);
  EXPECT_EQ(D("12.00").SignificantScale(), 0);
  EXPECT_EQ(D("0.000").SignificantScale(), 0);
  EXPECT_EQ(D("-0.125").SignificantScale(), 3);
}

}  // namespace
}  // namespace tributary::model
