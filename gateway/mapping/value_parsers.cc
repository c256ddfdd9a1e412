#include "gateway/mapping/value_parsers.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <charconv>
#include <cstring>

#include "gateway/config/values.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

constexpr std::string_view kNoBreakSpace = "\xC2\xA0";         // U+00A0
constexpr std::string_view kNarrowNoBreakSpace = "\xE2\x80\xAF";  // U+202F
constexpr std::string_view kRightSingleQuote = "\xE2\x80\x99";    // U+2019, the Swiss thousands mark

struct NegativeStyleName {
  NegativeStyle style;
  std::string_view name;
};
constexpr std::array<NegativeStyleName, 4> kNegativeStyleNames = {{
    {kLeadingMinus, "leading_minus"},
    {kTrailingMinus, "trailing_minus"},
    {kParentheses, "parentheses"},
    {kCrSuffix, "cr_suffix"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// Escaped and bounded: these messages end up in reject lines, one per line.
std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Length of the thousands separator at the start of `s`, or 0.
size_t ThousandsSeparatorAt(std::string_view s, const MoneyFormat& format) {
  if (format.thousands.empty()) return 0;
  if (s.starts_with(format.thousands)) return format.thousands.size();
  if (format.thousands == " ") {
    if (s.starts_with(kNoBreakSpace)) return kNoBreakSpace.size();
    if (s.starts_with(kNarrowNoBreakSpace)) return kNarrowNoBreakSpace.size();
  }
  if (format.thousands == "'" && s.starts_with(kRightSingleQuote)) return kRightSingleQuote.size();
  return 0;
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// 0001-01-01 and 9999-12-31 as days since 1970-01-01: the ISO dates a record may carry.
constexpr int64_t kFirstIsoDay = -719162;
constexpr int64_t kLastIsoDay = 2932896;

std::string OutsideIsoYears(std::string_view iso, int64_t days) {
  return "date " + Quoted(iso) + " plus " + std::to_string(days) + " days is outside the years 0001 to 9999";
}

int DaysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[static_cast<size_t>(month - 1)];
}

// Reads between `min` and `max` digits (greedy) at `pos`.
bool ReadDigits(std::string_view text, size_t& pos, size_t min, size_t max, int& value) {
  size_t count = 0;
  value = 0;
  while (count < max && pos < text.size() && IsDigit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++count;
  }
  return count >= min;
}

// ReadDigits(text, pos, count, count, value), unrolled: exactly `count` digits.
inline bool ReadFixedDigits(std::string_view text, size_t& pos, size_t count, int& value) {
  if (text.size() - std::min(pos, text.size()) < count) return false;
  int read = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[pos + i];
    if (!IsDigit(c)) return false;
    read = read * 10 + (c - '0');
  }
  value = read;
  pos += count;
  return true;
}

// The shared core of NormalizeAmount and ParseAmount: the sign by its style, then the
// digits with the locale's separators, as normalized decimal text ("-1234.56").
// `allowed` says which negative styles are accepted; `recognize_cr` whether a CR/DR suffix
// is read at all (NormalizeAmount predates it and reports "C" as an unexpected character).
Result<std::string> ScanAmount(std::string_view text, const MoneyFormat& format, unsigned allowed, bool recognize_cr) {
  const std::string_view original = text;
  auto invalid = [&](std::string why) {
    return Fail(ErrorCode::kParse, "invalid amount " + Quoted(original) + ": " + why);
  };
  auto undeclared = [&](NegativeStyle style) {
    return invalid(DescribeNegativeStyles(style) + " is not a declared negative style (declared: " +
                   (allowed == 0 ? std::string("none") : DescribeNegativeStyles(allowed)) + ")");
  };
  text = TrimSpaces(text);
  if (text.empty()) return invalid("no digits");

  bool negative = false;
  int signs = 0;
  if (recognize_cr && text.size() >= 3) {
    // A CR (or DR) suffix right after the digits, with or without spaces: "123,45 CR".
    const std::string_view suffix = text.substr(text.size() - 2);
    const bool credit = EqualsIgnoreCase(suffix, "CR");
    const std::string_view before = TrimSpaces(text.substr(0, text.size() - 2));
    if ((credit || EqualsIgnoreCase(suffix, "DR")) && !before.empty() &&
        (IsDigit(before.back()) || before.back() == ')' || before.back() == format.decimal)) {
      if (!(allowed & kCrSuffix)) return undeclared(kCrSuffix);
      negative = credit;
      ++signs;
      text = before;
    }
  }
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')') {
    if (!(allowed & kParentheses)) return undeclared(kParentheses);
    negative = true;
    ++signs;
    text = TrimSpaces(text.substr(1, text.size() - 2));
  }
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    if (text.front() == '-' && !(allowed & kLeadingMinus)) return undeclared(kLeadingMinus);
    negative = negative || text.front() == '-';
    ++signs;
    text = TrimSpaces(text.substr(1));
  }
  if (!text.empty() && text.back() == '-') {
    if (!(allowed & kTrailingMinus)) return undeclared(kTrailingMinus);
    negative = true;
    ++signs;
    text = TrimSpaces(text.substr(0, text.size() - 1));
  }
  if (signs > 1) return invalid("more than one sign");
  std::string out;
  out.reserve(text.size() + 1);
  if (negative) out.push_back('-');
  bool seen_decimal = false;
  bool seen_separator = false;
  size_t group_digits = 0;  // digits since the start or the last thousands separator
  size_t digits = 0;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsDigit(c)) {
      out.push_back(c);
      ++group_digits;
      ++digits;
      ++i;
      continue;
    }
    if (!seen_decimal) {
      if (size_t length = ThousandsSeparatorAt(text.substr(i), format); length > 0) {
        // Groups by three: 1-3 digits first, then exactly three between separators.
        if (group_digits == 0 || group_digits > 3 || (seen_separator && group_digits != 3)) {
          return invalid("misplaced thousands separator");
        }
        seen_separator = true;
        group_digits = 0;
        i += length;
        continue;
      }
    }
    if (c == format.decimal && !seen_decimal) {
      if (seen_separator && group_digits != 3) return invalid("misplaced thousands separator");
      seen_decimal = true;
      out.push_back('.');
      ++i;
      continue;
    }
    if (c == format.decimal) return invalid("more than one decimal separator");
    if (c == ',' || c == '.' || c == ' ' || c == '\'') {
      std::string declared = format.thousands.empty()
                                 ? "no thousands separator is declared"
                                 : "the thousands separator is " + Quoted(format.thousands);
      return Fail(ErrorCode::kParse, "ambiguous amount " + Quoted(original) + ": " + Quoted(std::string(1, c)) +
                                         " is not the decimal separator " +
                                         Quoted(std::string(1, format.decimal)) + " and " + declared);
    }
    return invalid("unexpected character " + Quoted(CharacterAt(text, i)));
  }
  if (digits == 0) return invalid("no digits");
  if (seen_separator && !seen_decimal && group_digits != 3) return invalid("misplaced thousands separator");
  return out;
}

// YYYY-MM-DD of a valid date in years 0001..9999.
std::string IsoDateText(int year, int month, int day) {
  const char text[10] = {static_cast<char>('0' + year / 1000),     static_cast<char>('0' + year / 100 % 10),
                         static_cast<char>('0' + year / 10 % 10),  static_cast<char>('0' + year % 10),
                         '-',
                         static_cast<char>('0' + month / 10),      static_cast<char>('0' + month % 10),
                         '-',
                         static_cast<char>('0' + day / 10),        static_cast<char>('0' + day % 10)};
  return std::string(text, sizeof text);
}

}  // namespace

std::optional<NegativeStyle> ParseNegativeStyleName(std::string_view name) {
  for (const NegativeStyleName& entry : kNegativeStyleNames) {
    if (entry.name == name) return entry.style;
  }
  return std::nullopt;
}

std::string_view NegativeStyleNames() { return "leading_minus, trailing_minus, parentheses, cr_suffix"; }

std::string DescribeNegativeStyles(unsigned styles) {
  std::string out;
  for (const NegativeStyleName& entry : kNegativeStyleNames) {
    if (!(styles & entry.style)) continue;
    if (!out.empty()) out += ", ";
    out += entry.name;
  }
  return out;
}

std::string_view TrimSpacesSlow(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

Result<std::string> NormalizeAmount(std::string_view text, const MoneyFormat& format) {
  return ScanAmount(text, format, kLeadingMinus | kTrailingMinus | kParentheses, /*recognize_cr=*/false);
}

bool ReadCanonicalAmount(std::string_view text, int exponent, int64_t& minor) {
  if (exponent < 0 || exponent > 17) return false;
  const auto decimals = static_cast<size_t>(exponent);
  // "0" at exponent 0, "0.00" at 2: a digit, then the point and the decimals.
  const size_t point = exponent > 0 ? 1 : 0;
  if (text.size() < 1 + (exponent > 0 ? decimals + 1 : 0) || text.size() - point > 17) return false;
  const size_t whole = exponent > 0 ? text.size() - decimals - 1 : text.size();
  if (exponent > 0 && text[whole] != '.') return false;
  if (whole > 1 && text[0] == '0') return false;
  uint64_t units = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == whole) continue;
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(text[i]) - '0');
    if (digit > 9) return false;
    units = units * 10 + digit;
  }
  minor = static_cast<int64_t>(units);  // at most 17 digits: within kMaxAmountMinorUnits
  return true;
}

Result<model::Decimal> ParseAmount(std::string_view text, const MoneyFormat& format) {
  // The common form first: digits with at most one decimal separator, no sign, no
  // thousands separator, at most 18 digits (int64). The general scan below gives the same
  // value (and scale) for these.
  if (const std::string_view plain = TrimSpaces(text);
      !plain.empty() && plain.size() <= 19 && (format.thousands.empty() || format.thousands[0] != format.decimal)) {
    int64_t units = 0;
    int digits = 0;
    int scale = -1;  // fraction digits once the separator is seen
    bool plain_form = true;
    for (const char c : plain) {
      if (IsDigit(c)) {
        if (++digits > 18) {  // beyond int64: the general scan decides
          plain_form = false;
          break;
        }
        units = units * 10 + (c - '0');
        if (scale >= 0) ++scale;
      } else if (c == format.decimal && scale < 0) {
        scale = 0;
      } else {
        plain_form = false;
        break;
      }
    }
    if (plain_form && digits > 0 && digits <= 18) return model::Decimal::FromMinorUnits(units, std::max(scale, 0));
  }
  auto normalized = ScanAmount(text, format, format.negative_styles, /*recognize_cr=*/true);
  if (!normalized) return std::unexpected(normalized.error());
  auto value = model::Decimal::Parse(*normalized);
  if (!value) {
    return Fail(ErrorCode::kParse, "invalid amount " + Quoted(TrimSpaces(text)) + ": out of range (at most " +
                                       std::to_string(model::Decimal::kMaxDigits) + " digits, " +
                                       std::to_string(model::Decimal::kMaxScale) + " after the decimal separator)");
  }
  return value;
}

std::string AmountOutOfRange(std::string_view shown, int exponent, std::string_view currency) {
  return "amount " + Quoted(shown) + " is out of range (at most " +
         model::FormatMinorUnits(model::kMaxAmountMinorUnits, exponent) + " " + std::string(currency) + ")";
}

Result<int64_t> ParseMoney(std::string_view text, const MoneyFormat& format, std::string_view currency) {
  auto exponent = model::CurrencyExponent(currency);
  if (!exponent) return Fail(ErrorCode::kInvalidArgument, "unknown currency " + Quoted(currency));
  auto normalized = NormalizeAmount(text, format);
  if (!normalized) return std::unexpected(normalized.error());
  auto minor = model::ParseMinorUnits(*normalized, *exponent);
  if (!minor) {
    const std::string_view trimmed = TrimSpaces(text);
    const size_t dot = normalized->find('.');
    if (dot != std::string::npos && normalized->size() - dot - 1 > static_cast<size_t>(*exponent)) {
      return Fail(ErrorCode::kParse, "amount " + Quoted(trimmed) + " has more than " + std::to_string(*exponent) +
                                         " decimal digits for " + std::string(currency));
    }
    return Fail(ErrorCode::kParse, AmountOutOfRange(trimmed, *exponent, currency));
  }
  if (*minor < 0) {
    if (format.negative == NegativeAmounts::kReject) {
      return Fail(ErrorCode::kParse, "negative amount " + Quoted(TrimSpaces(text)) +
                                         "; amounts are magnitudes, the kind gives the sign");
    }
    return -*minor;
  }
  return *minor;
}

DateOrder DatePattern::OrderOfTokens(const std::vector<Token>& tokens) {
  std::string letters;  // 'y', 'M', 'd' in token order
  for (const Token& token : tokens) {
    switch (token.kind) {
      case TokenKind::kLiteral: break;
      case TokenKind::kYear4:
      case TokenKind::kYear2: letters += 'y'; break;
      case TokenKind::kMonth2:
      case TokenKind::kMonth: letters += 'M'; break;
      case TokenKind::kDay2:
      case TokenKind::kDay: letters += 'd'; break;
    }
  }
  if (letters == "dMy") return DateOrder::kDayMonthYear;
  if (letters == "Mdy") return DateOrder::kMonthDayYear;
  if (letters == "yMd") return DateOrder::kYearMonthDay;
  return DateOrder::kUnspecified;
}

Result<DatePattern> DatePattern::Compile(std::string_view pattern) {
  DatePattern compiled;
  compiled.text_ = std::string(pattern);
  int years = 0;
  int months = 0;
  int days = 0;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    size_t run = 1;
    while (i + run < pattern.size() && pattern[i + run] == c) ++run;
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter) {
      compiled.tokens_.push_back({TokenKind::kLiteral, c});
      ++i;
      continue;
    }
    TokenKind kind;
    if (c == 'y' && run == 4) {
      kind = TokenKind::kYear4;
      ++years;
    } else if (c == 'y' && run == 2) {
      kind = TokenKind::kYear2;
      ++years;
    } else if (c == 'M' && run <= 2) {
      kind = run == 2 ? TokenKind::kMonth2 : TokenKind::kMonth;
      ++months;
    } else if (c == 'd' && run <= 2) {
      kind = run == 2 ? TokenKind::kDay2 : TokenKind::kDay;
      ++days;
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  "invalid date pattern " + Quoted(pattern) + ": unknown token " +
                      Quoted(pattern.substr(i, run)) + " (use yyyy, yy, MM, M, dd, d)");
    }
    compiled.tokens_.push_back({kind});
    i += run;
  }
  if (years != 1 || months != 1 || days != 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid date pattern " + Quoted(pattern) + ": needs one year, one month and one day token");
  }
  compiled.order_ = OrderOfTokens(compiled.tokens_);
  compiled.iso_ = pattern == "yyyy-MM-dd";
  return compiled;
}

DatePattern::Match DatePattern::MatchIso(std::string_view text) {
  if (text.size() != 10) return Match::kNoMatch;
  // Ten bytes as two words (byte i of the text is byte i of the word, whatever the host's
  // order: it is read and compared through the same memcpy): "YYYY-MM-" and "DD".
  uint64_t head;
  uint16_t tail;
  std::memcpy(&head, text.data(), 8);
  std::memcpy(&tail, text.data() + 8, 2);
  uint64_t dashes;
  std::memcpy(&dashes, "\0\0\0\0-\0\0-", 8);
  uint64_t dash_bytes;
  std::memcpy(&dash_bytes, "\0\0\0\0\xff\0\0\xff", 8);
  if ((head & dash_bytes) != dashes) return Match::kNoMatch;
  // The digits, the dashes made '0': every byte '0' to '9' when its high nibble is 3 both
  // before and after adding 6 (a byte above '9' carries into it).
  uint64_t zeros;
  std::memcpy(&zeros, "00000000", 8);
  const uint64_t digits = (head & ~dash_bytes) | (zeros & dash_bytes);
  constexpr uint64_t kHigh = 0xF0F0F0F0F0F0F0F0ULL;
  constexpr uint64_t kSixes = 0x0606060606060606ULL;
  const uint64_t day_digits = static_cast<uint64_t>(tail) | (zeros & ~uint64_t{0xFFFF});
  for (const uint64_t word : {digits, day_digits}) {
    if ((word & kHigh) != (zeros & kHigh) || ((word + kSixes) & kHigh) != (zeros & kHigh)) return Match::kNoMatch;
  }
  auto digit = [&](size_t at) { return static_cast<unsigned>(text[at] - '0'); };
  const auto year = static_cast<int>(digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3));
  const auto month = static_cast<int>(digit(5) * 10 + digit(6));
  const auto day = static_cast<int>(digit(8) * 10 + digit(9));
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return Match::kNotADate;
  return Match::kOk;
}

DatePattern::Match DatePattern::Parse(std::string_view text, std::string& iso) const {
  int year = 0;
  int month = 0;
  int day = 0;
  if (iso_) {
    // The text is its own ISO form once its shape and day are right.
    const Match match = MatchIso(text);
    if (match == Match::kOk) iso.assign(text);
    return match;
  }
  size_t pos = 0;
  for (const Token& token : tokens_) {
    bool ok = true;
    switch (token.kind) {
      case TokenKind::kLiteral:
        ok = pos < text.size() && text[pos] == token.literal;
        ++pos;
        break;
      case TokenKind::kYear4: ok = ReadFixedDigits(text, pos, 4, year); break;
      case TokenKind::kYear2:
        ok = ReadFixedDigits(text, pos, 2, year);
        year += 2000;
        break;
      case TokenKind::kMonth2: ok = ReadFixedDigits(text, pos, 2, month); break;
      case TokenKind::kMonth: ok = ReadDigits(text, pos, 1, 2, month); break;
      case TokenKind::kDay2: ok = ReadFixedDigits(text, pos, 2, day); break;
      case TokenKind::kDay: ok = ReadDigits(text, pos, 1, 2, day); break;
    }
    if (!ok) return Match::kNoMatch;
  }
  if (pos != text.size()) return Match::kNoMatch;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return Match::kNotADate;
  iso = IsoDateText(year, month, day);
  return Match::kOk;
}

std::optional<DateOrder> ParseDateOrderName(std::string_view name) {
  if (name == "dmy") return DateOrder::kDayMonthYear;
  if (name == "mdy") return DateOrder::kMonthDayYear;
  if (name == "ymd") return DateOrder::kYearMonthDay;
  return std::nullopt;
}

Result<std::string> ParseDate(std::string_view text, std::span<const DatePattern> patterns, DateOrder order) {
  text = TrimSpaces(text);
  // The common case costs one match per pattern and no allocation beyond the result: the
  // readings are only gathered when two of them disagree.
  std::string first;
  std::string iso;
  bool not_a_date = false;
  bool disagree = false;
  for (const DatePattern& pattern : patterns) {
    switch (pattern.Parse(text, iso)) {
      case DatePattern::Match::kOk:
        if (first.empty()) {
          first = iso;
        } else if (iso != first) {
          disagree = true;
        }
        break;
      case DatePattern::Match::kNotADate: not_a_date = true; break;
      case DatePattern::Match::kNoMatch: break;
    }
  }
  if (first.empty()) {
    if (not_a_date) return Fail(ErrorCode::kParse, "invalid date " + Quoted(text) + ": no such day in the calendar");
    std::string expected;
    for (const DatePattern& pattern : patterns) {
      if (!expected.empty()) expected += " or ";
      expected += pattern.text();
    }
    return Fail(ErrorCode::kParse, "invalid date " + Quoted(text) + " (expected " + expected + ")");
  }
  if (!disagree) return first;

  // Readings differ: the patterns of the declared order decide, if they agree.
  if (order != DateOrder::kUnspecified) {
    std::string chosen;
    bool agree = true;
    for (const DatePattern& pattern : patterns) {
      if (pattern.order() != order || pattern.Parse(text, iso) != DatePattern::Match::kOk) continue;
      if (chosen.empty()) {
        chosen = iso;
      } else if (iso != chosen) {
        agree = false;
      }
    }
    if (!chosen.empty() && agree) return chosen;
  }
  std::string which;
  for (const DatePattern& pattern : patterns) {
    if (pattern.Parse(text, iso) != DatePattern::Match::kOk) continue;
    if (!which.empty()) which += ", ";
    which += pattern.text() + " gives " + iso;
  }
  return Fail(ErrorCode::kParse, "ambiguous date " + Quoted(text) + " (" + which + ")");
}

Result<std::string> ParseDate(std::string_view text, std::span<const DatePattern> patterns) {
  return ParseDate(text, patterns, DateOrder::kUnspecified);
}

Result<int64_t> DaysFromIsoDate(std::string_view iso) {
  int year = 0;
  int month = 0;
  int day = 0;
  size_t pos = 0;
  const bool shaped = iso.size() == 10 && ReadDigits(iso, pos, 4, 4, year) && iso[pos++] == '-' &&
                      ReadDigits(iso, pos, 2, 2, month) && iso[pos++] == '-' && ReadDigits(iso, pos, 2, 2, day);
  if (!shaped || year < 1 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return Fail(ErrorCode::kParse, "invalid ISO date " + Quoted(iso) + " (expected a calendar day as YYYY-MM-DD)");
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  return std::chrono::sys_days(date).time_since_epoch().count();
}

std::string IsoDateFromDays(int64_t days) {
  if (days < kFirstIsoDay || days > kLastIsoDay) return "";
  const std::chrono::year_month_day date{std::chrono::sys_days(std::chrono::days(days))};
  const int year = static_cast<int>(date.year());
  const auto month = static_cast<unsigned>(date.month());
  const auto day = static_cast<unsigned>(date.day());
  return IsoDateText(year, static_cast<int>(month), static_cast<int>(day));
}

Result<std::string> AddDays(std::string_view iso, int64_t days) {
  auto start = DaysFromIsoDate(iso);
  if (!start) return std::unexpected(start.error());
  int64_t result = 0;
  if (__builtin_add_overflow(*start, days, &result) || result < kFirstIsoDay || result > kLastIsoDay) {
    return Fail(ErrorCode::kParse, OutsideIsoYears(iso, days));
  }
  return IsoDateFromDays(result);
}

Result<std::string> ParseCurrency(std::string_view text) {
  const std::string_view trimmed = TrimSpaces(text);
  std::string code(trimmed);
  for (char& c : code) c = AsciiUpper(c);
  if (!model::CurrencyExponent(code)) {
    return Fail(ErrorCode::kParse, "unknown currency " + Quoted(trimmed) + " (expected an ISO 4217 code such as EUR)");
  }
  return code;
}

Result<bool> ParseBool(std::string_view text) {
  static constexpr std::array<std::string_view, 5> kTrue = {"true", "yes", "1", "y", "o"};
  static constexpr std::array<std::string_view, 4> kFalse = {"false", "no", "0", "n"};
  const std::string_view trimmed = TrimSpaces(text);
  for (std::string_view word : kTrue) {
    if (EqualsIgnoreCase(trimmed, word)) return true;
  }
  for (std::string_view word : kFalse) {
    if (EqualsIgnoreCase(trimmed, word)) return false;
  }
  return Fail(ErrorCode::kParse, "invalid boolean " + Quoted(trimmed) + " (expected true/false, yes/no, 1/0, Y/N or O)");
}

Result<int64_t> ParseInteger(std::string_view text) {
  std::string_view trimmed = TrimSpaces(text);
  std::string_view digits = trimmed;
  if (digits.starts_with('+') && !digits.starts_with("+-")) digits.remove_prefix(1);
  int64_t value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (digits.empty() || ec != std::errc() || ptr != end) {
    return Fail(ErrorCode::kParse, "invalid integer " + Quoted(trimmed));
  }
  return value;
}

}  // namespace tributary::mapping
