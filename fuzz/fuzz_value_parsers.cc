// libFuzzer target: the value parsers a mapping applies to every source value, with the
// properties they promise checked on every input:
// - model::Decimal: ToString parses back to the same value and scale; (a + b) - b == a;
//   <=> is antisymmetric; minor units round-trip.
// - ParseAmount in every locale: it accepts what NormalizeAmount accepted (the form that
//   predates it) and gives the same value; its result prints as a plain decimal.
// - ParseDate with several pattern sets and every order: a result is a real calendar day
//   that DaysFromIsoDate/IsoDateFromDays round-trip; AddDays stays in years 0001..9999.
// - The identifier checks, integers, booleans and currencies: no crash, no UB.
// A broken property aborts with the values involved.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/mapping/identifier_checks.h"
#include "gateway/mapping/value_parsers.h"
#include "gateway/model/decimal.h"

namespace {

using tributary::mapping::DateOrder;
using tributary::mapping::DatePattern;
using tributary::mapping::MoneyFormat;
using tributary::model::Decimal;
namespace mapping = tributary::mapping;

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "property broken: %s\n", what.c_str());
  std::abort();
}

void CheckDecimalRoundTrip(const Decimal& value) {
  const std::string text = value.ToString();
  auto again = Decimal::Parse(text);
  if (!again || *again != value || again->scale() != value.scale() || again->ToString() != text) {
    Broken("Decimal " + text + " does not parse back to itself");
  }
  for (int exponent : {0, 2, 3, 4}) {
    auto minor = value.ToMinorUnits(exponent);
    if (minor && Decimal::FromMinorUnits(*minor, exponent) != value) {
      Broken("Decimal " + text + " minor units at exponent " + std::to_string(exponent) + " do not round-trip");
    }
  }
}

void CheckDecimalArithmetic(const Decimal& a, const Decimal& b) {
  const auto forward = a <=> b;
  const auto backward = b <=> a;
  if ((forward < 0) != (backward > 0) || (forward == 0) != (backward == 0)) {
    Broken("<=> is not antisymmetric for " + a.ToString() + " and " + b.ToString());
  }
  if (auto sum = Decimal::Add(a, b)) {
    CheckDecimalRoundTrip(*sum);
    auto back = Decimal::Subtract(*sum, b);
    if (!back || *back != a) Broken("(" + a.ToString() + " + " + b.ToString() + ") - b != a");
    if ((b.Sign() > 0 && !(*sum > a)) || (b.Sign() < 0 && !(*sum < a)) || (b.IsZero() && *sum != a)) {
      Broken("the sum of " + a.ToString() + " and " + b.ToString() + " is on the wrong side");
    }
  }
  if (auto twice = Decimal::MultiplyInteger(a, 2)) {
    auto doubled = Decimal::Add(a, a);
    if (!doubled || *doubled != *twice) Broken(a.ToString() + " * 2 != a + a");
  }
  if (a.Negated().Negated() != a || a.Abs().Sign() < 0) Broken("negation of " + a.ToString());
}

std::vector<MoneyFormat> Locales() {
  using mapping::kAllNegativeStyles;
  using mapping::kLeadingMinus;
  using mapping::kParentheses;
  using mapping::kTrailingMinus;
  const unsigned legacy = kLeadingMinus | kTrailingMinus | kParentheses;
  std::vector<MoneyFormat> formats;
  for (const auto& [decimal, thousands] : std::vector<std::pair<char, std::string>>{
           {'.', ""}, {'.', ","}, {',', " "}, {',', "."}, {'.', "'"}, {',', ""}}) {
    for (unsigned styles : {legacy, kAllNegativeStyles, unsigned{kLeadingMinus}}) {
      MoneyFormat format{decimal, thousands};
      format.negative_styles = styles;
      formats.push_back(format);
    }
  }
  return formats;
}

void CheckAmounts(std::string_view text) {
  static const std::vector<MoneyFormat> kLocales = Locales();
  const unsigned legacy = mapping::kLeadingMinus | mapping::kTrailingMinus | mapping::kParentheses;
  for (const MoneyFormat& format : kLocales) {
    auto amount = mapping::ParseAmount(text, format);
    if (amount) CheckDecimalRoundTrip(*amount);
    if (format.negative_styles != legacy) continue;
    auto normalized = mapping::NormalizeAmount(text, format);
    if (amount && !normalized) Broken("ParseAmount accepts what NormalizeAmount refuses");
    if (normalized) {
      auto decimal = Decimal::Parse(*normalized);
      if (decimal && (!amount || *amount != *decimal)) {
        Broken("ParseAmount and NormalizeAmount disagree on " + *normalized);
      }
    }
    for (std::string_view currency : {"EUR", "JPY", "KWD"}) (void)mapping::ParseMoney(text, format, currency);
  }
}

std::vector<std::vector<DatePattern>> PatternSets() {
  std::vector<std::vector<DatePattern>> sets;
  for (const std::vector<std::string_view>& texts : std::vector<std::vector<std::string_view>>{
           {"yyyy-MM-dd"},
           {"dd/MM/yyyy", "MM/dd/yyyy"},
           {"d/M/yyyy", "M/d/yyyy", "yyyyMMdd", "ddMMyy"},
           {"dd.MM.yy", "yy.MM.dd", "yyyy-dd-MM"}}) {
    std::vector<DatePattern> set;
    for (std::string_view text : texts) set.push_back(DatePattern::Compile(text).value());
    sets.push_back(std::move(set));
  }
  return sets;
}

void CheckDates(std::string_view text) {
  static const std::vector<std::vector<DatePattern>> kSets = PatternSets();
  for (const auto& set : kSets) {
    for (DateOrder order : {DateOrder::kUnspecified, DateOrder::kDayMonthYear, DateOrder::kMonthDayYear,
                            DateOrder::kYearMonthDay}) {
      auto iso = mapping::ParseDate(text, set, order);
      if (!iso) continue;
      auto days = mapping::DaysFromIsoDate(*iso);
      if (!days || mapping::IsoDateFromDays(*days) != *iso) Broken("date " + *iso + " does not round-trip");
    }
  }
  // The text as an ISO date, moved by a count taken from its length and first byte.
  const int64_t count = static_cast<int64_t>(text.size()) * (text.empty() ? 1 : static_cast<signed char>(text[0]))
                        * 104729;
  if (auto moved = mapping::AddDays(text, count)) {
    if (!mapping::DaysFromIsoDate(*moved)) Broken("AddDays gave " + *moved);
  }
  (void)DatePattern::Compile(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Two values for binary operations: before and after the first '|'.
  const size_t bar = input.find('|');
  const std::string_view first = input.substr(0, bar);
  const std::string_view second = bar == std::string_view::npos ? std::string_view() : input.substr(bar + 1);

  for (std::string_view text : {input, first}) {
    if (auto value = Decimal::Parse(text)) CheckDecimalRoundTrip(*value);
  }
  auto a = Decimal::Parse(first);
  auto b = Decimal::Parse(second);
  if (a && b) CheckDecimalArithmetic(*a, *b);

  CheckAmounts(input);
  CheckDates(input);

  for (auto check : {mapping::IdentifierCheck::kSiren, mapping::IdentifierCheck::kSiret, mapping::IdentifierCheck::kVat,
                     mapping::IdentifierCheck::kIban, mapping::IdentifierCheck::kLuhn}) {
    (void)mapping::CheckIdentifier(check, input);
  }
  (void)mapping::ParseInteger(input);
  (void)mapping::ParseBool(input);
  (void)mapping::ParseCurrency(input);
  (void)mapping::ParseNegativeStyleName(input);
  (void)mapping::ParseDateOrderName(input);
  (void)mapping::ParseIdentifierCheckName(input);
  return 0;
}
