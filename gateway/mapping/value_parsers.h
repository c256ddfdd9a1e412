// Parsers of source values (UTF-8 text) into canonical values: locale-aware exact money,
// dates by pattern, currency codes, booleans, integers. Pure functions, thread-safe.
// Error messages quote the bad value and say what was expected; they become reject
// reasons as they are.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/decimal.h"

namespace tributary::mapping {

// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF). Inline for
// the usual value, which has none.
std::string_view TrimSpacesSlow(std::string_view text);
inline std::string_view TrimSpaces(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  if (text.empty() || (!is_space(text.front()) && !is_space(text.back()))) return text;
  return TrimSpacesSlow(text);
}

enum class NegativeAmounts {
  kReject,    // "-12.00" is a reject: canonical amounts are magnitudes, the kind gives the sign
  kAbsolute,  // "-12.00" becomes "12.00"
};

// How a source writes a negative amount; a set of them is a bit mask.
enum NegativeStyle : unsigned {
  kLeadingMinus = 1,   // "-123.45"
  kTrailingMinus = 2,  // "123.45-" (mainframes, SAP)
  kParentheses = 4,    // "(123.45)" (accounting)
  kCrSuffix = 8,       // "123.45 CR" / "123.45CR" (credit; "DR" then marks a positive debit)
};
inline constexpr unsigned kAllNegativeStyles = kLeadingMinus | kTrailingMinus | kParentheses | kCrSuffix;

// "leading_minus", "trailing_minus", "parentheses", "cr_suffix" (the mapping language names).
std::optional<NegativeStyle> ParseNegativeStyleName(std::string_view name);
// "leading_minus, trailing_minus, parentheses, cr_suffix" for messages.
std::string_view NegativeStyleNames();
// The names of the styles in `styles`, comma-separated, in the order above.
std::string DescribeNegativeStyles(unsigned styles);

// How a source writes amounts.
struct MoneyFormat {
  char decimal = '.';
  // "" (none) or one character. A space also accepts U+00A0 and U+202F (no-break spaces);
  // an apostrophe also accepts U+2019 (the Swiss "1’234.50").
  std::string thousands;
  // What a canonical magnitude field does with a negative value.
  NegativeAmounts negative = NegativeAmounts::kReject;
  // The negative styles ParseAmount accepts (NegativeStyle bits).
  unsigned negative_styles = kLeadingMinus | kTrailingMinus;
};

// A locale-formatted amount as an exact decimal with its sign: "1 234,56" (also with
// U+00A0/U+202F), "1.234,56-", "(123.45)", "123,45 CR", "000001234,50", "+7", ".5".
// Leading and trailing ASCII whitespace is ignored. Errors (kParse, the text quoted):
// a negative style not in format.negative_styles; more than one sign; thousands separators
// not grouping by three before the decimal separator; a ',' '.' ' ' or '\'' that is neither
// the decimal nor the declared thousands separator ("1,234" with decimal "." and no
// thousands separator is ambiguous, never guessed); more than 38 digits or 18 decimals.
// The result keeps the written scale ("12,50" -> 12.50). Blank text is an error: callers
// treat blank as null before calling.
Result<model::Decimal> ParseAmount(std::string_view text, const MoneyFormat& format);

// Whether `text` is an amount already written the way the canonical record writes it at a
// currency's `exponent`: digits with no leading zero (a lone 0 before the point), then a '.'
// and exactly `exponent` digits (none and no point at exponent 0), at most 17 digits (within
// model::kMaxAmountMinorUnits): then its minor units are in `minor`, and the canonical text
// is `text` itself. Any other form
// ("5", "05.00", "-3", " 1.50", "1,234.50") is for ParseAmount.
bool ReadCanonicalAmount(std::string_view text, int exponent, int64_t& minor);

// The reason of a reject for an amount past model::kMaxAmountMinorUnits: `amount "…" is out
// of range (at most 999999999999999.99 EUR)`.
std::string AmountOutOfRange(std::string_view shown, int exponent, std::string_view currency);

// The form of amount parsing that predates ParseAmount, kept for its callers: it accepts a
// leading minus, a trailing minus and parentheses whatever format.negative_styles says.
// Rewrites a locale-formatted amount ("1 234,56", "1.234,56-", "(123.45)", "+7") as the
// normalized decimal text ParseMinorUnits reads ("1234.56", "-1234.56", "-123.45", "7").
// Thousands separators must group by three before the decimal separator. A ',' or '.'
// that is neither the decimal nor the declared thousands separator is an error (with
// decimal "." and no thousands separator, "1,234" is ambiguous, never guessed).
Result<std::string> NormalizeAmount(std::string_view text, const MoneyFormat& format);

// Parses an amount of `currency` (a known ISO 4217 code) into minor units, exactly:
// more fraction digits than the currency has (unless zeros) are an error, never a
// rounding; a negative amount follows format.negative.
Result<int64_t> ParseMoney(std::string_view text, const MoneyFormat& format, std::string_view currency);

// The order of day, month and year in a date pattern, used to settle an input that two
// patterns read as different days.
enum class DateOrder { kUnspecified, kDayMonthYear, kMonthDayYear, kYearMonthDay };
// "dmy", "mdy", "ymd" (the mapping language's date_order); nullopt for anything else.
std::optional<DateOrder> ParseDateOrderName(std::string_view name);

// A compiled date pattern: tokens yyyy, yy (20yy), MM, dd (two digits), M, d (one or two
// digits); every other non-letter character is literal. Letters other than y, M and d are
// errors, so "YYYY-MM-DD" is caught when a mapping loads.
class DatePattern {
 public:
  static Result<DatePattern> Compile(std::string_view pattern);
  [[nodiscard]] const std::string& text() const { return text_; }
  // From the order of its tokens: dd/MM/yyyy is kDayMonthYear, yyyyMMdd kYearMonthDay;
  // the unusual orders (yyyy-dd-MM) are kUnspecified.
  [[nodiscard]] DateOrder order() const { return order_; }

  enum class Match { kOk, kNoMatch, kNotADate };
  // Matches the whole of `text`; kNotADate when it has the pattern's shape but names no
  // calendar day (2026-02-30). On kOk, `iso` is set to "YYYY-MM-DD".
  Match Parse(std::string_view text, std::string& iso) const;
  // True for yyyy-MM-dd: a match is then the text itself (MatchIso, without the copy).
  [[nodiscard]] bool iso() const { return iso_; }
  static Match MatchIso(std::string_view text);

 private:
  enum class TokenKind { kLiteral, kYear4, kYear2, kMonth2, kMonth, kDay2, kDay };
  struct Token {
    TokenKind kind;
    char literal = 0;
  };
  static DateOrder OrderOfTokens(const std::vector<Token>& tokens);
  std::string text_;
  std::vector<Token> tokens_;
  DateOrder order_ = DateOrder::kUnspecified;
  bool iso_ = false;  // yyyy-MM-dd: matched without walking the tokens
};

// The ISO date ("YYYY-MM-DD") of `text` (leading and trailing ASCII whitespace ignored) by
// every pattern of `patterns` that matches. When two patterns give different days the input
// is ambiguous: with `order` kUnspecified that is an error naming each reading,
// "ambiguous date \"03/04/2026\" (dd/MM/yyyy gives 2026-04-03, MM/dd/yyyy gives 2026-03-04)";
// with an order, the patterns of that order decide (and it is still an error if they do
// not agree or none of them matched). A shape that names no calendar day (31/02/2026) is
// no reading. No match is an error naming the expected patterns. ParseDate gets non-blank
// text: blank and space-filled dates are null, which the caller decides before calling.
Result<std::string> ParseDate(std::string_view text, std::span<const DatePattern> patterns, DateOrder order);
// The same with DateOrder::kUnspecified.
Result<std::string> ParseDate(std::string_view text, std::span<const DatePattern> patterns);

// Date arithmetic on ISO dates. DaysFromIsoDate reads exactly "YYYY-MM-DD" (a calendar day,
// years 0001..9999) as days since 1970-01-01. IsoDateFromDays is its inverse for days within
// 0001-01-01..9999-12-31 and returns "" outside. AddDays adds (or with a negative count,
// subtracts) days and fails when the result leaves years 0001..9999.
Result<int64_t> DaysFromIsoDate(std::string_view iso);
std::string IsoDateFromDays(int64_t days);
Result<std::string> AddDays(std::string_view iso, int64_t days);

// A known ISO 4217 code (see model::CurrencyExponent), uppercased after trimming.
Result<std::string> ParseCurrency(std::string_view text);

// true/false, yes/no, 1/0, Y/N, O (oui), case-insensitive.
Result<bool> ParseBool(std::string_view text);

// An optional sign and decimal digits that fit int64.
Result<int64_t> ParseInteger(std::string_view text);

}  // namespace tributary::mapping
