#include "gateway/model/decimal.h"

#include <algorithm>
#include <limits>

#include "gateway/common/quote.h"

namespace tributary::model {
namespace {

using Int128 = __int128;
using UInt128 = unsigned __int128;

constexpr Int128 Pow10(int n) {
  Int128 value = 1;
  for (int i = 0; i < n; ++i) value *= 10;
  return value;
}

// |units| must stay below this: 38 digits.
constexpr Int128 kLimit = Pow10(Decimal::kMaxDigits);

constexpr Int128 kMaxUnits = kLimit - 1;

Int128 Magnitude(Int128 units) { return units < 0 ? -units : units; }

// The checked operations below compare magnitudes against the 38-digit range before
// computing, so nothing ever overflows __int128 (and no compiler runtime routine for 128-bit
// overflow builtins is needed, which libgcc lacks under clang).

// units * 10^by, or false when the result leaves the 38-digit range.
bool ScaleUp(Int128 units, int by, Int128& out) {
  if (by < 0 || by > Decimal::kMaxDigits) return false;
  const Int128 factor = Pow10(by);
  if (Magnitude(units) > kMaxUnits / factor) return false;
  out = units * factor;
  return true;
}

bool AddInRange(Int128 x, Int128 y, Int128& out) {
  if ((y > 0 && x > kMaxUnits - y) || (y < 0 && x < -kMaxUnits - y)) return false;
  out = x + y;
  return true;
}

bool MultiplyInRange(Int128 x, int64_t factor, Int128& out) {
  const Int128 f = factor;
  if (f != 0 && Magnitude(x) > kMaxUnits / Magnitude(f)) return false;
  out = x * f;
  return true;
}

std::unexpected<Error> OutOfRange(const std::string& what) {
  return Fail(ErrorCode::kParse, what + " is out of range (more than " + std::to_string(Decimal::kMaxDigits) + " digits)");
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return Fail(ErrorCode::kParse, "invalid decimal " + QuoteForMessage(text) + ": " + std::string(why));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  Int128 units = 0;
  int scale = 0;
  int significant = 0;
  bool seen_point = false;
  bool seen_digit = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      if (seen_point) return invalid("more than one '.'");
      seen_point = true;
      continue;
    }
    if (c < '0' || c > '9') {
      return invalid("unexpected character " + QuoteForMessage(CharacterAt(s, i)) +
                     " (expected digits with an optional sign and '.')");
    }
    seen_digit = true;
    if (seen_point && ++scale > kMaxScale) {
      return invalid("more than " + std::to_string(kMaxScale) + " decimal places");
    }
    if (significant > 0 || c != '0') {
      if (++significant > kMaxDigits) return invalid("more than " + std::to_string(kMaxDigits) + " digits");
    }
    units = units * 10 + (c - '0');
  }
  if (!seen_digit) return invalid("no digits");
  return Decimal(negative ? -units : units, scale);
}

Decimal Decimal::FromMinorUnits(int64_t units, int exponent) {
  return Decimal(units, std::clamp(exponent, 0, kMaxScale));
}

bool Decimal::FromUnits(Int128 units, int scale, Decimal& out) {
  if (scale < 0 || scale > kMaxScale || units < -kMaxUnits || units > kMaxUnits) return false;
  out = Decimal(units, scale);
  return true;
}

Result<Decimal> Decimal::Add(const Decimal& a, const Decimal& b) {
  const int scale = std::max(a.scale_, b.scale_);
  Int128 x = 0;
  Int128 y = 0;
  Int128 sum = 0;
  if (!ScaleUp(a.units_, scale - a.scale_, x) || !ScaleUp(b.units_, scale - b.scale_, y) ||
      !AddInRange(x, y, sum)) {
    return OutOfRange("the sum of " + a.ToString() + " and " + b.ToString());
  }
  return Decimal(sum, scale);
}

Result<Decimal> Decimal::Subtract(const Decimal& a, const Decimal& b) {
  auto difference = Add(a, b.Negated());
  if (!difference) return OutOfRange("the difference of " + a.ToString() + " and " + b.ToString());
  return difference;
}

Result<Decimal> Decimal::MultiplyInteger(const Decimal& a, int64_t factor) {
  Int128 product = 0;
  if (!MultiplyInRange(a.units_, factor, product)) {
    return OutOfRange("the product of " + a.ToString() + " and " + std::to_string(factor));
  }
  return Decimal(product, a.scale_);
}

Decimal Decimal::Negated() const { return Decimal(-units_, scale_); }

Decimal Decimal::Abs() const { return Decimal(units_ < 0 ? -units_ : units_, scale_); }

int Decimal::Sign() const { return units_ < 0 ? -1 : (units_ > 0 ? 1 : 0); }

int Decimal::SignificantScale() const {
  if (units_ == 0) return 0;
  int scale = scale_;
  Int128 units = units_;
  while (scale > 0 && units % 10 == 0) {
    units /= 10;
    --scale;
  }
  return scale;
}

Result<Decimal> Decimal::WithScale(int scale) const {
  if (scale < 0 || scale > kMaxScale) {
    return Fail(ErrorCode::kInvalidArgument, "scale " + std::to_string(scale) + " is not within 0.." +
                                                 std::to_string(kMaxScale));
  }
  if (scale >= scale_) {
    Int128 units = 0;
    if (!ScaleUp(units_, scale - scale_, units)) return OutOfRange(ToString() + " at scale " + std::to_string(scale));
    return Decimal(units, scale);
  }
  const Int128 divisor = Pow10(scale_ - scale);
  if (units_ % divisor != 0) {
    return Fail(ErrorCode::kParse, ToString() + " has more than " + std::to_string(scale) + " decimals");
  }
  return Decimal(units_ / divisor, scale);
}

Result<int64_t> Decimal::ToMinorUnits(int exponent) const { return ToMinorUnits(exponent, "the currency"); }

Result<int64_t> Decimal::ToMinorUnits(int exponent, std::string_view currency) const {
  if (exponent < 0 || exponent > kMaxScale) {
    return Fail(ErrorCode::kInvalidArgument, "currency exponent " + std::to_string(exponent) + " is not within 0.." +
                                                 std::to_string(kMaxScale));
  }
  Int128 units = 0;
  if (scale_ > exponent) {
    const Int128 divisor = Pow10(scale_ - exponent);
    if (units_ % divisor != 0) {
      return Fail(ErrorCode::kParse, ToString() + " has more decimals than " + std::string(currency) + " allows (" +
                                         std::to_string(exponent) + ")");
    }
    units = units_ / divisor;
  } else if (!ScaleUp(units_, exponent - scale_, units)) {
    units = kLimit;  // reported just below
  }
  if (units > std::numeric_limits<int64_t>::max() || units < std::numeric_limits<int64_t>::min()) {
    return Fail(ErrorCode::kParse, ToString() + " is too large for an amount of " + std::string(currency));
  }
  return static_cast<int64_t>(units);
}

std::string Decimal::ToString() const {
  UInt128 magnitude = units_ < 0 ? -static_cast<UInt128>(units_) : static_cast<UInt128>(units_);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (digits.size() < static_cast<size_t>(scale_) + 1) digits.push_back('0');
  std::string out;
  out.reserve(digits.size() + 2);
  if (units_ < 0) out.push_back('-');
  for (size_t i = digits.size(); i > 0; --i) {
    if (i == static_cast<size_t>(scale_)) out.push_back('.');
    out.push_back(digits[i - 1]);
  }
  return out;
}

bool operator==(const Decimal& a, const Decimal& b) { return (a <=> b) == 0; }

std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
  if (a.scale_ == b.scale_) return a.units_ <=> b.units_;
  // Bring the smaller scale up. When that leaves the 38-digit range, its magnitude exceeds
  // every representable value, so its sign decides.
  const bool a_lower = a.scale_ < b.scale_;
  const Decimal& low = a_lower ? a : b;
  const Decimal& high = a_lower ? b : a;
  Int128 scaled = 0;
  std::strong_ordering order = std::strong_ordering::equal;
  if (!ScaleUp(low.units_, high.scale_ - low.scale_, scaled)) {
    order = low.units_ < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  } else {
    order = scaled <=> high.units_;
  }
  if (a_lower) return order;
  return order == std::strong_ordering::less      ? std::strong_ordering::greater
         : order == std::strong_ordering::greater ? std::strong_ordering::less
                                                  : order;
}

}  // namespace tributary::model
