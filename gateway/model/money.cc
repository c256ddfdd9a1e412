#include "gateway/model/money.h"

#include <algorithm>
#include <array>
#include <limits>

namespace tributary::model {
namespace {

struct CurrencyExponentEntry {
  std::string_view code;
  int exponent;
};

// ISO 4217 list one, active codes with a numeric minor unit. Sorted by code.
constexpr std::array kCurrencies = std::to_array<CurrencyExponentEntry>({
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"ANG", 2}, {"AOA", 2}, {"ARS", 2},
    {"AUD", 2}, {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2},
    {"BHD", 3}, {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2},
    {"BSD", 2}, {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2},
    {"CHE", 2}, {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2},
    {"COU", 2}, {"CRC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2},
    {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2},
    {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
    {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2},
    {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2},
    {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
    {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2},
    {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2},
    {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0},
    {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
});

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

}  // namespace

std::optional<int> CurrencyExponent(std::string_view code) {
  size_t lo = 0;
  size_t hi = kCurrencies.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kCurrencies[mid].code < code) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  if (lo < kCurrencies.size() && kCurrencies[lo].code == code) return kCurrencies[lo].exponent;
  return std::nullopt;
}

Result<int64_t> ParseMinorUnits(std::string_view text, int exponent) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) {
    return Fail(ErrorCode::kParse, "not a number: \"" + std::string(text) + "\"");
  }
  int64_t value = 0;
  auto push_digit = [&](char c) -> bool {
    if (c < '0' || c > '9') return false;
    int digit = c - '0';
    if (value > (kMax - digit) / 10) return false;
    value = value * 10 + digit;
    return true;
  };
  for (char c : whole) {
    if (!push_digit(c)) {
      return Fail(ErrorCode::kParse, "not a number or out of range: \"" + std::string(text) + "\"");
    }
  }
  for (int i = 0; i < exponent; ++i) {
    char c = i < static_cast<int>(fraction.size()) ? fraction[i] : '0';
    if (!push_digit(c)) {
      return Fail(ErrorCode::kParse, "not a number or out of range: \"" + std::string(text) + "\"");
    }
  }
  for (size_t i = static_cast<size_t>(exponent); i < fraction.size(); ++i) {
    if (fraction[i] < '0' || fraction[i] > '9') {
      return Fail(ErrorCode::kParse, "not a number: \"" + std::string(text) + "\"");
    }
    if (fraction[i] != '0') {
      return Fail(ErrorCode::kParse, "\"" + std::string(text) + "\" has more than " +
                                         std::to_string(exponent) +
                                         " decimal digits for its currency");
    }
  }
  if (value > kMaxAmountMinorUnits) {
    return Fail(ErrorCode::kParse, "amount \"" + std::string(text) + "\" is out of range (at most " +
                                       FormatMinorUnits(kMaxAmountMinorUnits, exponent) + ")");
  }
  return negative ? -value : value;
}

std::string FormatMinorUnits(MinorUnitsSum minor, int exponent) {
  const bool negative = minor < 0;
  // |minor| fits the unsigned type even for the most negative sum.
  auto magnitude = negative ? -static_cast<unsigned __int128>(minor) : static_cast<unsigned __int128>(minor);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  std::reverse(digits.begin(), digits.end());
  if (exponent > 0) {
    if (digits.size() <= static_cast<size_t>(exponent)) {
      digits.insert(0, static_cast<size_t>(exponent) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(exponent), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::string Money::ToDecimalString() const {
  return FormatMinorUnits(minor, CurrencyExponent(currency).value_or(2));
}

}  // namespace tributary::model
