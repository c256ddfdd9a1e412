// Exact money: int64 minor units plus an ISO 4217 currency. No binary floats anywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::model {

// The ISO 4217 minor-unit exponent of an active currency code (0 for JPY, 2 for EUR,
// 3 for KWD, 4 for CLF), or nullopt for an unknown or non-monetary code (XAU, XDR).
std::optional<int> CurrencyExponent(std::string_view code);

// The largest magnitude one amount may have, in minor units: 10^17 - 1, that is
// 999 999 999 999 999.99 at two decimals, 99 999 999 999 999 999 at none. Far above any
// real invoice or payment, yet small enough that 92 amounts at the limit still add up
// within int64. A larger amount is refused (a reject), never stored.
inline constexpr int64_t kMaxAmountMinorUnits = 99'999'999'999'999'999;

// A sum of amounts in minor units, wide enough for any count of them (open balances).
using MinorUnitsSum = __int128;

// A decimal number written as an optional '-', digits and an optional '.' with digits
// (the normalized form a locale-aware parser produces, e.g. "-1234.50").
// Returns the value in minor units of a currency with `exponent` digits. Extra fraction
// digits are accepted only when they are zeros ("12.340" at exponent 2); otherwise the
// value does not fit the currency and this is a kParse error, never a rounding. A value
// past kMaxAmountMinorUnits is a kParse error too.
Result<int64_t> ParseMinorUnits(std::string_view normalized_decimal, int exponent);

// Formats minor units as a decimal string at the currency's exponent:
// (123456, 2) -> "1234.56", (2700, 0) -> "2700", (-5, 3) -> "-0.005". Takes sums too.
std::string FormatMinorUnits(MinorUnitsSum minor, int exponent);

struct Money {
  int64_t minor = 0;
  std::string currency;  // ISO 4217 alphabetic code

  // The wire form: a decimal string at the currency's exponent. Requires a known currency.
  [[nodiscard]] std::string ToDecimalString() const;
  friend bool operator==(const Money&, const Money&) = default;
};

}  // namespace tributary::model
