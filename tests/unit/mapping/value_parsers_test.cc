#include "gateway/mapping/value_parsers.h"

#include <gtest/gtest.h>

namespace tributary::mapping {
namespace {

MoneyFormat Format(char decimal, std::string thousands, NegativeAmounts negative = NegativeAmounts::kReject) {
  return MoneyFormat{decimal, std::move(thousands), negative};
}

std::string Normalized(std::string_view text, const MoneyFormat& format) {
  auto out = NormalizeAmount(text, format);
  return out ? *out : "error: " + out.error().message;
}

std::string Money(std::string_view text, const MoneyFormat& format, std::string_view currency) {
  auto minor = ParseMoney(text, format, currency);
  return minor ? std::to_string(*minor) : "error: " + minor.error().message;
}

TEST(NormalizeAmount, PlainDecimals) {
  const MoneyFormat dot = Format('.', "");
  EXPECT_EQ(Normalized("1234.56", dot), "1234.56");
  EXPECT_EQ(Normalized("  7 ", dot), "7");
  EXPECT_EQ(Normalized("+7", dot), "7");
  EXPECT_EQ(Normalized("0.5", dot), "0.5");
  EXPECT_EQ(Normalized(".5", dot), ".5");
}

TEST(NormalizeAmount, NegativeForms) {
  const MoneyFormat dot = Format('.', "");
  EXPECT_EQ(Normalized("-12.50", dot), "-12.50");
  EXPECT_EQ(Normalized("12.50-", dot), "-12.50");
  EXPECT_EQ(Normalized("(12.50)", dot), "-12.50");
  EXPECT_EQ(Normalized("( 12.50 )", dot), "-12.50");
  EXPECT_EQ(Normalized("-12.50-", dot), "error: invalid amount \"-12.50-\": more than one sign");
  EXPECT_EQ(Normalized("(-12.50)", dot), "error: invalid amount \"(-12.50)\": more than one sign");
  EXPECT_EQ(Normalized("-", dot), "error: invalid amount \"-\": no digits");
}

TEST(NormalizeAmount, CommaDecimalWithSpaceThousands) {
  const MoneyFormat fr = Format(',', " ");
  EXPECT_EQ(Normalized("1 234,56", fr), "1234.56");
  EXPECT_EQ(Normalized("1\xC2\xA0" "234,56", fr), "1234.56");      // U+00A0
  EXPECT_EQ(Normalized("12\xE2\x80\xAF" "345\xE2\x80\xAF" "678,9", fr), "12345678.9");  // U+202F
  EXPECT_EQ(Normalized("1 234 567", fr), "1234567");
  EXPECT_EQ(Normalized("1.234,56", fr),
            "error: ambiguous amount \"1.234,56\": \".\" is not the decimal separator \",\" and the thousands "
            "separator is \" \"");
}

TEST(NormalizeAmount, GermanStyle) {
  const MoneyFormat de = Format(',', ".");
  EXPECT_EQ(Normalized("1.234,56", de), "1234.56");
  EXPECT_EQ(Normalized("1.234,56-", de), "-1234.56");
  EXPECT_EQ(Normalized("1.234.567", de), "1234567");
  EXPECT_EQ(Normalized("12.34,5", de), "error: invalid amount \"12.34,5\": misplaced thousands separator");
  EXPECT_EQ(Normalized("1234.567", de), "error: invalid amount \"1234.567\": misplaced thousands separator");
  EXPECT_EQ(Normalized(".123", de), "error: invalid amount \".123\": misplaced thousands separator");
  EXPECT_EQ(Normalized("1.23", de), "error: invalid amount \"1.23\": misplaced thousands separator");
}

TEST(NormalizeAmount, CommaWithoutDeclaredThousandsIsAmbiguous) {
  EXPECT_EQ(Normalized("1,234", Format('.', "")),
            "error: ambiguous amount \"1,234\": \",\" is not the decimal separator \".\" and no thousands "
            "separator is declared");
  EXPECT_EQ(Normalized("1,234.50", Format('.', ",")), "1234.50");
}

TEST(NormalizeAmount, RejectsJunk) {
  const MoneyFormat dot = Format('.', "");
  EXPECT_EQ(Normalized("12a", dot), "error: invalid amount \"12a\": unexpected character \"a\"");
  EXPECT_EQ(Normalized("1e3", dot), "error: invalid amount \"1e3\": unexpected character \"e\"");
  EXPECT_EQ(Normalized("1.2.3", dot), "error: invalid amount \"1.2.3\": more than one decimal separator");
  EXPECT_EQ(Normalized("", dot), "error: invalid amount \"\": no digits");
  EXPECT_EQ(Normalized("EUR 12", dot), "error: invalid amount \"EUR 12\": unexpected character \"E\"");
}

TEST(ParseMoney, ExactMinorUnitsAtTheCurrencyExponent) {
  const MoneyFormat dot = Format('.', "");
  EXPECT_EQ(Money("1234.56", dot, "EUR"), "123456");
  EXPECT_EQ(Money("12.345", dot, "KWD"), "12345");
  EXPECT_EQ(Money("2700", dot, "JPY"), "2700");
  EXPECT_EQ(Money("0.1234", dot, "CLF"), "1234");
  EXPECT_EQ(Money("12.340", dot, "EUR"), "1234");  // trailing zeros lose nothing
  EXPECT_EQ(Money("1.005", dot, "EUR"), "error: amount \"1.005\" has more than 2 decimal digits for EUR");
  EXPECT_EQ(Money("10.5", dot, "JPY"), "error: amount \"10.5\" has more than 0 decimal digits for JPY");
  EXPECT_EQ(Money("99999999999999999999", dot, "EUR"), "error: amount \"99999999999999999999\" is out of range");
  EXPECT_EQ(Money("1", dot, "XXX"), "error: unknown currency \"XXX\"");
}

TEST(ParseMoney, NegativeAmountsAreRejectedUnlessAbsolute) {
  EXPECT_EQ(Money("-12.00", Format('.', ""), "EUR"),
            "error: negative amount \"-12.00\"; amounts are magnitudes, the kind gives the sign");
  EXPECT_EQ(Money("(12.00)", Format('.', ""), "EUR"),
            "error: negative amount \"(12.00)\"; amounts are magnitudes, the kind gives the sign");
  EXPECT_EQ(Money("-12.00", Format('.', "", NegativeAmounts::kAbsolute), "EUR"), "1200");
  EXPECT_EQ(Money("1.234,56-", Format(',', ".", NegativeAmounts::kAbsolute), "EUR"), "123456");
  EXPECT_EQ(Money("-0.00", Format('.', ""), "EUR"), "0");
}

std::vector<DatePattern> Patterns(std::initializer_list<std::string_view> texts) {
  std::vector<DatePattern> patterns;
  for (std::string_view text : texts) patterns.push_back(DatePattern::Compile(text).value());
  return patterns;
}

std::string Date(std::string_view text, const std::vector<DatePattern>& patterns) {
  auto iso = ParseDate(text, patterns);
  return iso ? *iso : "error: " + iso.error().message;
}

TEST(ParseDate, EveryDocumentedPattern) {
  EXPECT_EQ(Date("2026-03-31", Patterns({"yyyy-MM-dd"})), "2026-03-31");
  EXPECT_EQ(Date("31/03/2026", Patterns({"dd/MM/yyyy"})), "2026-03-31");
  EXPECT_EQ(Date("20260331", Patterns({"yyyyMMdd"})), "2026-03-31");
  EXPECT_EQ(Date("31.03.2026", Patterns({"dd.MM.yyyy"})), "2026-03-31");
  EXPECT_EQ(Date("03/31/2026", Patterns({"MM/dd/yyyy"})), "2026-03-31");
  EXPECT_EQ(Date("3/1/2026", Patterns({"M/d/yyyy"})), "2026-03-01");
  EXPECT_EQ(Date("12/31/2026", Patterns({"M/d/yyyy"})), "2026-12-31");
  EXPECT_EQ(Date("31.03.26", Patterns({"dd.MM.yy"})), "2026-03-31");
  EXPECT_EQ(Date(" 2026-03-31 ", Patterns({"yyyy-MM-dd"})), "2026-03-31");
}

TEST(ParseDate, TriesFormatsInOrder) {
  auto patterns = Patterns({"yyyy-MM-dd", "dd/MM/yyyy"});
  EXPECT_EQ(Date("2026-01-02", patterns), "2026-01-02");
  EXPECT_EQ(Date("02/01/2026", patterns), "2026-01-02");
  EXPECT_EQ(Date("01/02/26", patterns), "error: invalid date \"01/02/26\" (expected yyyy-MM-dd or dd/MM/yyyy)");
}

TEST(ParseDate, ValidatesTheCalendar) {
  auto iso = Patterns({"yyyy-MM-dd"});
  EXPECT_EQ(Date("2026-02-30", iso), "error: invalid date \"2026-02-30\": no such day in the calendar");
  EXPECT_EQ(Date("2026-02-29", iso), "error: invalid date \"2026-02-29\": no such day in the calendar");
  EXPECT_EQ(Date("2028-02-29", iso), "2028-02-29");
  EXPECT_EQ(Date("2000-02-29", iso), "2000-02-29");
  EXPECT_EQ(Date("1900-02-29", iso), "error: invalid date \"1900-02-29\": no such day in the calendar");
  EXPECT_EQ(Date("2026-13-01", iso), "error: invalid date \"2026-13-01\": no such day in the calendar");
  EXPECT_EQ(Date("2026-04-31", iso), "error: invalid date \"2026-04-31\": no such day in the calendar");
  EXPECT_EQ(Date("0000-01-01", iso), "error: invalid date \"0000-01-01\": no such day in the calendar");
  EXPECT_EQ(Date("2026-1-01", iso), "error: invalid date \"2026-1-01\" (expected yyyy-MM-dd)");
  EXPECT_EQ(Date("2026-01-01T00:00", iso), "error: invalid date \"2026-01-01T00:00\" (expected yyyy-MM-dd)");
  EXPECT_EQ(Date("31/02/2026", iso), "error: invalid date \"31/02/2026\" (expected yyyy-MM-dd)");
}

TEST(DatePattern, RejectsUnknownTokens) {
  EXPECT_EQ(DatePattern::Compile("YYYY-MM-DD").error().message,
            "invalid date pattern \"YYYY-MM-DD\": unknown token \"YYYY\" (use yyyy, yy, MM, M, dd, d)");
  EXPECT_EQ(DatePattern::Compile("yyyy-mm-dd").error().message,
            "invalid date pattern \"yyyy-mm-dd\": unknown token \"mm\" (use yyyy, yy, MM, M, dd, d)");
  EXPECT_EQ(DatePattern::Compile("yyyy-MM").error().message,
            "invalid date pattern \"yyyy-MM\": needs one year, one month and one day token");
  EXPECT_EQ(DatePattern::Compile("yyy-MM-dd").error().message,
            "invalid date pattern \"yyy-MM-dd\": unknown token \"yyy\" (use yyyy, yy, MM, M, dd, d)");
}

TEST(ParseCurrency, KnownCodesUppercased) {
  EXPECT_EQ(ParseCurrency(" eur ").value(), "EUR");
  EXPECT_EQ(ParseCurrency("KWD").value(), "KWD");
  EXPECT_EQ(ParseCurrency("EURO").error().message, "unknown currency \"EURO\" (expected an ISO 4217 code such as EUR)");
  EXPECT_FALSE(ParseCurrency("XAU").has_value());
  EXPECT_FALSE(ParseCurrency("").has_value());
}

TEST(ParseBool, AcceptsTheDocumentedWords) {
  for (std::string_view word : {"true", "TRUE", "yes", "Yes", "1", "Y", "y", "O", "o"}) {
    EXPECT_EQ(ParseBool(word), true) << word;
  }
  for (std::string_view word : {"false", "False", "no", "NO", "0", "N", "n"}) {
    EXPECT_EQ(ParseBool(word), false) << word;
  }
  EXPECT_EQ(ParseBool("maybe").error().message,
            "invalid boolean \"maybe\" (expected true/false, yes/no, 1/0, Y/N or O)");
}

TEST(ParseInteger, SignedDecimalsThatFit) {
  EXPECT_EQ(ParseInteger("42"), 42);
  EXPECT_EQ(ParseInteger(" -7 "), -7);
  EXPECT_EQ(ParseInteger("+7"), 7);
  EXPECT_FALSE(ParseInteger("+-7").has_value());
  EXPECT_FALSE(ParseInteger("1.5").has_value());
  EXPECT_FALSE(ParseInteger("").has_value());
  EXPECT_EQ(ParseInteger("99999999999999999999").error().message, "invalid integer \"99999999999999999999\"");
}

}  // namespace
}  // namespace tributary::mapping
