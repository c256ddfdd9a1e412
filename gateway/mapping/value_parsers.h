// Parsers of source values (UTF-8 text) into canonical values: locale-aware exact money,
// dates by pattern, currency codes, booleans, integers. Pure functions, thread-safe.
// Error messages quote the bad value and say what was expected; they become reject
// reasons as they are.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::mapping {

// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view TrimSpaces(std::string_view text);

enum class NegativeAmounts {
  kReject,    // "-12.00" is a reject: canonical amounts are magnitudes, the kind gives the sign
  kAbsolute,  // "-12.00" becomes "12.00"
};

// How a source writes amounts.
struct MoneyFormat {
  char decimal = '.';
  // "" (none) or one character. A space also accepts U+00A0 and U+202F (no-break spaces).
  std::string thousands;
  NegativeAmounts negative = NegativeAmounts::kReject;
};

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

// A compiled date pattern: tokens yyyy, yy (20yy), MM, dd (two digits), M, d (one or two
// digits); every other non-letter character is literal. Letters other than y, M and d are
// errors, so "YYYY-MM-DD" is caught when a mapping loads.
class DatePattern {
 public:
  static Result<DatePattern> Compile(std::string_view pattern);
  [[nodiscard]] const std::string& text() const { return text_; }

  enum class Match { kOk, kNoMatch, kNotADate };
  // Matches the whole of `text`; kNotADate when it has the pattern's shape but names no
  // calendar day (2026-02-30). On kOk, `iso` is set to "YYYY-MM-DD".
  Match Parse(std::string_view text, std::string& iso) const;

 private:
  enum class TokenKind { kLiteral, kYear4, kYear2, kMonth2, kMonth, kDay2, kDay };
  struct Token {
    TokenKind kind;
    char literal = 0;
  };
  std::string text_;
  std::vector<Token> tokens_;
};

// The ISO date ("YYYY-MM-DD") of `text` by the first of `patterns` that matches.
// The error names the value and the expected patterns.
Result<std::string> ParseDate(std::string_view text, std::span<const DatePattern> patterns);

// A known ISO 4217 code (see model::CurrencyExponent), uppercased after trimming.
Result<std::string> ParseCurrency(std::string_view text);

// true/false, yes/no, 1/0, Y/N, O (oui), case-insensitive.
Result<bool> ParseBool(std::string_view text);

// An optional sign and decimal digits that fit int64.
Result<int64_t> ParseInteger(std::string_view text);

}  // namespace tributary::mapping
