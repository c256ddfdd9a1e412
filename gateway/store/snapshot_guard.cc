#include "gateway/store/snapshot_guard.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "gateway/model/money.h"

namespace tributary::store {
namespace {

// `numerator / denominator` scaled by `scale`, rounded half up; denominator > 0.
int64_t ScaledRounded(int64_t numerator, int64_t denominator, int64_t scale) {
  return (numerator * scale * 2 + denominator) / (2 * denominator);
}

// `value / 10^digits` as a decimal, keeping at least `min_digits` fraction digits.
std::string FormatFixed(int64_t value, int digits, int min_digits) {
  if (digits <= 0) return std::to_string(value);
  int64_t unit = 1;
  for (int i = 0; i < digits; ++i) unit *= 10;
  std::string fraction = std::to_string(value % unit);
  fraction.insert(0, static_cast<size_t>(digits) - fraction.size(), '0');
  while (fraction.size() > static_cast<size_t>(min_digits) && fraction.back() == '0') {
    fraction.pop_back();
  }
  std::string out = std::to_string(value / unit);
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

}  // namespace

Result<int64_t> CloseRatioToPpm(double max_close_ratio) {
  if (!std::isfinite(max_close_ratio) || max_close_ratio < 0) {
    return Fail(ErrorCode::kInvalidArgument,
                "max_close_ratio must be a share between 0 and 1, got " +
                    std::to_string(max_close_ratio));
  }
  if (max_close_ratio >= 1) return kPartsPerMillion;
  return std::llround(max_close_ratio * kPartsPerMillion);
}

bool CloseGuardTrips(int64_t would_close, int64_t active, int64_t max_close_ppm) {
  return active > 0 && would_close * kPartsPerMillion > max_close_ppm * active;
}

std::string FormatPpmRatio(int64_t ppm) { return FormatFixed(ppm, 6, 3); }

std::string QuarantineReason(int64_t would_close, int64_t active, int64_t max_close_ppm) {
  // Percentages to a tenth so that a share just above the guard does not print as equal.
  const int64_t tenths = active > 0 ? ScaledRounded(would_close, active, 1000) : 0;
  return "snapshot would close " + std::to_string(would_close) + " of " +
         std::to_string(active) + " open items (" + FormatFixed(tenths, 1, 0) +
         "%), above the guard of " + FormatFixed(max_close_ppm, 4, 0) + "%";
}

std::string UnreadableRejectsReason(std::span<const UnreadableRejects> unreadable) {
  std::string reason;
  for (const UnreadableRejects& item : unreadable) {
    reason += reason.empty() ? "snapshot would close " : "; and ";
    reason += std::to_string(item.closes) + " " + item.entity + (item.closes == 1 ? "" : "s") + ", but " +
              std::to_string(item.rows) + " rejected " + item.entity +
              (item.rows == 1 ? " row has" : " rows have") + " neither key nor customer (line" +
              (item.lines.size() == 1 ? " " : "s ");
    for (size_t i = 0; i < item.lines.size(); ++i) reason += (i == 0 ? "" : ", ") + std::to_string(item.lines[i]);
    if (item.rows > static_cast<int64_t>(item.lines.size())) reason += ", …";
    reason += ")";
  }
  return reason;
}

std::string QuarantineDiffJson(int64_t would_close, std::optional<int64_t> active,
                               std::optional<int64_t> max_close_ppm, int64_t would_create,
                               int64_t would_update, std::span<const CloseSample> sample,
                               std::span<const UnreadableRejects> unreadable) {
  nlohmann::ordered_json diff;
  diff["would_close"] = would_close;
  diff["active"] = nullptr;
  diff["ratio"] = nullptr;
  if (active) {
    diff["active"] = *active;
    diff["ratio"] =
        FormatPpmRatio(*active > 0 ? ScaledRounded(would_close, *active, kPartsPerMillion) : 0);
  }
  diff["max_close_ratio"] = nullptr;
  if (max_close_ppm) diff["max_close_ratio"] = FormatPpmRatio(*max_close_ppm);
  diff["would_create"] = would_create;
  diff["would_update"] = would_update;
  auto& items = diff["sample"] = nlohmann::ordered_json::array();
  for (const CloseSample& item : sample) {
    nlohmann::ordered_json entry;
    entry["key"] = item.key;
    if (item.open_minor) {
      // The currency was validated when the record was finalized; 0 digits is a fallback.
      const int exponent = model::CurrencyExponent(item.currency).value_or(0);
      entry["open_amount"] = model::FormatMinorUnits(*item.open_minor, exponent);
      entry["currency"] = item.currency;
    }
    items.push_back(std::move(entry));
  }
  if (!unreadable.empty()) {
    auto& held = diff["unreadable_rejects"] = nlohmann::ordered_json::array();
    for (const UnreadableRejects& item : unreadable) {
      held.push_back({{"entity", item.entity}, {"closes", item.closes}, {"rows", item.rows}, {"lines", item.lines}});
    }
  }
  return diff.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tributary::store
