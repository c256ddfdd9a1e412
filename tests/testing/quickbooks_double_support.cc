#include "tests/testing/quickbooks_double_support.h"

#include <charconv>
#include <cstdio>

namespace tributary::testing::qbo {
namespace {

constexpr std::string_view kNumberMarker = "@@exact-number@@";

bool Digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

nlohmann::ordered_json ExactNumber(const std::string& text) { return std::string(kNumberMarker) + text; }

std::string Dump(const nlohmann::ordered_json& value) {
  std::string text = value.dump();
  // "\"@@exact-number@@12.50\"" -> "12.50"
  const std::string quoted_marker = "\"" + std::string(kNumberMarker);
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (true) {
    size_t found = text.find(quoted_marker, at);
    if (found == std::string::npos) break;
    out.append(text, at, found - at);
    size_t start = found + quoted_marker.size();
    size_t end = text.find('"', start);
    out.append(text, start, end - start);
    at = end + 1;
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::string NumberText(const nlohmann::ordered_json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.starts_with(kNumberMarker)) return text.substr(kNumberMarker.size());
    return "";
  }
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return "";
}

std::optional<int64_t> ParseCents(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || fraction.size() > 2) return std::nullopt;
  int64_t units = 0;
  auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), units);
  if (ec != std::errc() || end != whole.data() + whole.size()) return std::nullopt;
  int64_t cents = units * 100;
  for (size_t i = 0; i < 2; ++i) {
    int digit = 0;
    if (i < fraction.size()) {
      if (fraction[i] < '0' || fraction[i] > '9') return std::nullopt;
      digit = fraction[i] - '0';
    }
    cents += digit * (i == 0 ? 10 : 1);
  }
  return negative ? -cents : cents;
}

std::string FormatCents(int64_t cents) {
  bool negative = cents < 0;
  if (negative) cents = -cents;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%lld.%02lld", negative ? "-" : "", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buffer;
}

std::string FormatTime(std::chrono::system_clock::time_point time, bool with_milliseconds) {
  using namespace std::chrono;
  auto local = time + minutes(kOffsetMinutes);
  auto day = floor<days>(local);
  year_month_day date(day);
  auto since_midnight = floor<milliseconds>(local - day);
  auto h = duration_cast<hours>(since_midnight);
  auto m = duration_cast<minutes>(since_midnight - h);
  auto s = duration_cast<seconds>(since_midnight - h - m);
  auto ms = since_midnight - h - m - s;
  int offset = kOffsetMinutes < 0 ? -kOffsetMinutes : kOffsetMinutes;
  char buffer[64];
  if (with_milliseconds) {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03d%c%02d:%02d", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(h.count()), int(m.count()), int(s.count()),
                  int(ms.count()), kOffsetMinutes < 0 ? '-' : '+', offset / 60, offset % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d%c%02d:%02d", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(h.count()), int(m.count()), int(s.count()),
                  kOffsetMinutes < 0 ? '-' : '+', offset / 60, offset % 60);
  }
  return buffer;
}

std::optional<std::chrono::system_clock::time_point> ParseTime(std::string_view text) {
  using namespace std::chrono;
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
    std::string fraction(text.substr(start, at - start));
    fraction.resize(3, '0');
    ms = std::stoi(fraction);
  }
  int offset_minutes = 0;
  if (at < text.size() && text[at] == 'Z') {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    if (!Digits(text, at + 1, 2, oh) || text.size() < at + 6 || text[at + 3] != ':' || !Digits(text, at + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (text[at] == '-' ? -1 : 1) * (oh * 60 + om);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  year_month_day date{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return sys_days(date) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms) - minutes(offset_minutes);
}

std::string UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(std::string_view text) {
  std::map<std::string, std::string> out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    size_t eq = pair.find('=');
    if (!pair.empty()) {
      out.emplace(UrlDecode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : UrlDecode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace tributary::testing::qbo
