#include "gateway/config/values.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

namespace tributary::config {
namespace {

struct Unit {
  std::string_view suffix;
  int64_t millis;
};

// Longest suffix first so "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 5> kUnits = {{
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

}  // namespace

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  for (const Unit& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    if (!std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    int64_t count = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
    if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
    if (count > std::numeric_limits<int64_t>::max() / unit.millis) return std::nullopt;
    return std::chrono::milliseconds(count * unit.millis);
  }
  return std::nullopt;
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  const int64_t millis = duration.count();
  if (millis == 0) return "0s";
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (millis % it->millis == 0) return std::to_string(millis / it->millis) + std::string(it->suffix);
  }
  return std::to_string(millis) + "ms";
}

int EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  // Three rolling rows: the swap rule looks two rows back.
  std::vector<int> before(m + 1), previous(m + 1), current(m + 1);
  for (size_t j = 0; j <= m; ++j) previous[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    current[0] = static_cast<int>(i);
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], before[j - 2] + 1);
      }
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}


bool IsLoopbackHost(std::string_view host) {
  std::string lowered(host);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lowered == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, lowered.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, lowered.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof(v6)) == 0) return true;
    static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(v6.s6_addr, kMappedPrefix, sizeof(kMappedPrefix)) == 0 && v6.s6_addr[12] == 127;
  }
  return false;
}

std::string ResolvePath(const std::string& base_dir, std::string_view text) {
  std::filesystem::path path(text);
  if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
  std::string normal = path.lexically_normal().string();
  // "dir/." normalizes to "dir/"; messages and comparisons want "dir".
  if (normal.size() > 1 && normal.ends_with('/')) normal.pop_back();
  return normal;
}

Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Fail(ErrorCode::kIo, std::strerror(errno));
  std::string content;
  char buffer[4096];
  int error = 0;
  bool too_large = false;
  while (true) {
    const size_t got = std::fread(buffer, 1, sizeof(buffer), file);
    content.append(buffer, got);
    if (content.size() > max_bytes) {
      too_large = true;
      break;
    }
    if (got < sizeof(buffer)) {
      // A folder opens fine and fails on the first read (EISDIR).
      if (std::ferror(file)) error = errno != 0 ? errno : EIO;
      break;
    }
  }
  std::fclose(file);
  if (too_large) return Fail(ErrorCode::kInvalidArgument, "larger than " + std::to_string(max_bytes) + " bytes");
  if (error != 0) return Fail(ErrorCode::kIo, std::strerror(error));
  return content;
}

}  // namespace tributary::config
