#include "tests/testing/salesforce_double_support.h"

#include <openssl/evp.h>

#include <cctype>
#include <cstdio>

#include "tests/testing/quickbooks_double_support.h"

namespace tributary::testing::sfdc {
namespace {

using namespace std::chrono;

bool Digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

std::string FormatWith(system_clock::time_point time, const char* zone) {
  auto day = floor<days>(time);
  year_month_day date(day);
  auto since_midnight = floor<milliseconds>(time - day);
  auto h = duration_cast<hours>(since_midnight);
  auto m = duration_cast<minutes>(since_midnight - h);
  auto s = duration_cast<seconds>(since_midnight - h - m);
  auto ms = since_midnight - h - m - s;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03d%s", int(date.year()), unsigned(date.month()),
                unsigned(date.day()), int(h.count()), int(m.count()), int(s.count()), int(ms.count()), zone);
  return buffer;
}

// Sign, integer digits without leading zeros, fraction digits without trailing zeros.
struct Decimal {
  bool negative = false;
  std::string whole;
  std::string fraction;
};

std::optional<Decimal> ParseDecimal(std::string_view text) {
  Decimal out;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    out.negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  for (char c : whole) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (!whole.empty() && whole.front() == '0') whole.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  out.whole = whole;
  out.fraction = fraction;
  if (out.whole.empty() && out.fraction.empty()) out.negative = false;  // -0 == 0
  return out;
}

int CompareMagnitude(const Decimal& a, const Decimal& b) {
  if (a.whole.size() != b.whole.size()) return a.whole.size() < b.whole.size() ? -1 : 1;
  if (int c = a.whole.compare(b.whole); c != 0) return c < 0 ? -1 : 1;
  if (int c = a.fraction.compare(b.fraction); c != 0) return c < 0 ? -1 : 1;
  return 0;
}

}  // namespace

std::string FormatTime(system_clock::time_point time) { return FormatWith(time, "+0000"); }
std::string FormatCsvTime(system_clock::time_point time) { return FormatWith(time, "Z"); }

std::optional<system_clock::time_point> ParseTime(std::string_view text) {
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || !Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, mo) || text[7] != '-' ||
      !Digits(text, 8, 2, d) || text[10] != 'T' || !Digits(text, 11, 2, h) || text[13] != ':' ||
      !Digits(text, 14, 2, mi) || text[16] != ':' || !Digits(text, 17, 2, s)) {
    return std::nullopt;
  }
  size_t at = 19;
  int ms = 0;
  if (text[at] == '.') {
    size_t start = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
    if (at == start) return std::nullopt;
    std::string fraction(text.substr(start, std::min<size_t>(at - start, 3)));
    fraction.resize(3, '0');
    ms = std::stoi(fraction);
  }
  int offset_minutes = 0;
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    const bool colon = text.size() == at + 6 && text[at + 3] == ':';
    if (!Digits(text, at + 1, 2, oh) || !Digits(text, at + (colon ? 4 : 3), 2, om)) return std::nullopt;
    offset_minutes = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
    at += colon ? 6 : 5;
  } else {
    return std::nullopt;
  }
  if (at != text.size() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms) - minutes(offset_minutes);
}

std::optional<sys_days> ParseDate(std::string_view text) {
  int y, mo, d;
  if (text.size() != 10 || !Digits(text, 0, 4, y) || text[4] != '-' || !Digits(text, 5, 2, mo) || text[7] != '-' ||
      !Digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date);
}

std::string IdSuffix(std::string_view id15) {
  static constexpr std::string_view kSuffixChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  std::string suffix;
  for (size_t chunk = 0; chunk < 3; ++chunk) {
    unsigned flags = 0;
    for (size_t i = 0; i < 5 && chunk * 5 + i < id15.size(); ++i) {
      const char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') flags |= 1u << i;
    }
    suffix += kSuffixChars[flags];
  }
  return suffix;
}

std::string MakeId(std::string_view prefix, uint64_t serial) {
  // Base 62 in ASCII order, so a later serial is a larger id as a string.
  static constexpr std::string_view kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string body(9, '0');
  for (size_t i = body.size(); i > 0 && serial > 0; --i) {
    body[i - 1] = kDigits[serial % 62];
    serial /= 62;
  }
  std::string id15 = std::string(prefix.substr(0, 3)) + "5g0" + body;
  return id15 + IdSuffix(id15);
}

std::string ErrorBody(std::string_view error_code, std::string_view message) {
  nlohmann::ordered_json body =
      nlohmann::ordered_json::array({{{"message", std::string(message)}, {"errorCode", std::string(error_code)}}});
  return body.dump();
}

std::optional<int> CompareDecimal(std::string_view a, std::string_view b) {
  auto left = ParseDecimal(a);
  auto right = ParseDecimal(b);
  if (!left || !right) return std::nullopt;
  if (left->negative != right->negative) return left->negative ? -1 : 1;
  const int magnitude = CompareMagnitude(*left, *right);
  return left->negative ? -magnitude : magnitude;
}

std::string DecimalText(const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    std::string exact = qbo::NumberText(value);
    if (!exact.empty()) return exact;
    const std::string& text = value.get_ref<const std::string&>();
    return ParseDecimal(text) ? text : "";
  }
  if (value.is_number_integer() || value.is_number_unsigned() || value.is_number_float()) return value.dump();
  return "";
}

std::string CsvQuote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(size));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  size_t padding = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && padding < 2; --i) ++padding;
  out.resize(static_cast<size_t>(size) - padding);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace tributary::testing::sfdc
