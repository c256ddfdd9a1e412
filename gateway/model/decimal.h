// Exact decimal numbers for amounts in flight: what a mapping computes with (sums, differences,
// signs) before the result becomes int64 minor units of a currency. No binary floats anywhere.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::model {

// An exact decimal number: units / 10^scale, with scale 0..18 and at most 38 significant
// digits in units (|units| < 10^38, which fits __int128 with room for the range checks).
// A value type; every operation is exact or fails with a kParse error naming the operands,
// never rounds and never wraps. Thread-safe (immutable).
class Decimal {
 public:
  static constexpr int kMaxScale = 18;
  static constexpr int kMaxDigits = 38;

  Decimal() = default;  // 0, scale 0

  // Plain decimal text: an optional '+' or '-', digits, an optional '.' and digits; at least one
  // digit in all. ".5" and "5." are accepted (scale 1 and 0); leading zeros are fine
  // ("000001234.50"). No exponent, no separators, no spaces. The scale is the number of
  // fraction digits written, so "12.50" keeps scale 2. More than 18 fraction digits or 38
  // significant digits is an error. Error messages quote the text.
  static Result<Decimal> Parse(std::string_view text);

  // units / 10^exponent; `exponent` is a currency's (0..18; values outside are clamped).
  static Decimal FromMinorUnits(int64_t units, int exponent);
  // The decimal of units() and scale() given; false when they are outside the ranges above
  // (for values stored in a compact form and read back).
  static bool FromUnits(__int128 units, int scale, Decimal& out);

  // Exact arithmetic at the larger of the two scales; an error when the result would need
  // more than 38 digits.
  static Result<Decimal> Add(const Decimal& a, const Decimal& b);
  static Result<Decimal> Subtract(const Decimal& a, const Decimal& b);
  // a * factor at a's scale.
  static Result<Decimal> MultiplyInteger(const Decimal& a, int64_t factor);

  [[nodiscard]] Decimal Negated() const;
  [[nodiscard]] Decimal Abs() const;
  [[nodiscard]] int Sign() const;  // -1, 0, 1
  [[nodiscard]] bool IsZero() const { return units_ == 0; }
  [[nodiscard]] int scale() const { return scale_; }
  [[nodiscard]] __int128 units() const { return units_; }
  // The fewest fraction digits that write this value exactly: 12.50 -> 1, 12.00 -> 0.
  [[nodiscard]] int SignificantScale() const;

  // The same value written with `scale` fraction digits (0..18): adding zeros, or dropping
  // zeros only. An error when a non-zero digit would be lost or the digits overflow.
  [[nodiscard]] Result<Decimal> WithScale(int scale) const;

  // Exact minor units at `exponent` (a currency's, 0..18). An error when a non-zero digit would
  // be lost ("12.345 has more decimals than the currency allows (2)") or int64 overflows. The
  // overload with a currency code names it: "12.345 has more decimals than EUR allows (2)".
  [[nodiscard]] Result<int64_t> ToMinorUnits(int exponent) const;
  [[nodiscard]] Result<int64_t> ToMinorUnits(int exponent, std::string_view currency) const;

  // Plain decimal text with the scale's trailing zeros kept: "12.50", "-0.005", "7", "0.00".
  [[nodiscard]] std::string ToString() const;

  // By value: 1.50 == 1.5, and 1.5 <=> 1.50 is equal.
  friend bool operator==(const Decimal& a, const Decimal& b);
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b);

 private:
  Decimal(__int128 units, int scale) : units_(units), scale_(scale) {}

  __int128 units_ = 0;
  int scale_ = 0;
};

}  // namespace tributary::model
