#include "gateway/common/time_format.h"

#include <ctime>

namespace tributary {

std::string FormatRfc3339(std::chrono::system_clock::time_point time, bool milliseconds) {
  auto since_epoch = time.time_since_epoch();
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm utc{};
  gmtime_r(&whole, &utc);
  char buffer[40];
  size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out(buffer, length);
  if (milliseconds) {
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
    char fraction[24];
    std::snprintf(fraction, sizeof fraction, ".%03lld", static_cast<long long>(millis));
    out += fraction;
  }
  return out + "Z";
}

}  // namespace tributary
