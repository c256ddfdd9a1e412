#include "gateway/common/process_metrics.h"

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tributary {
namespace {

// The fields of /proc/self/stat after the command name (field 3 onwards), as text.
std::vector<std::string> StatFields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return {};
  const auto name_end = line.rfind(')');  // the command name may hold spaces
  if (name_end == std::string::npos) return {};
  std::istringstream rest(line.substr(name_end + 2));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

// Seconds since boot, from /proc/uptime, in hundredths.
int64_t UptimeCentiseconds() {
  std::ifstream file("/proc/uptime");
  std::string whole;
  if (!std::getline(file, whole, '.')) return -1;
  std::string fraction;
  file >> fraction;
  fraction.resize(2, '0');
  return std::stoll(whole) * 100 + std::stoll(fraction.substr(0, 2));
}

// `ticks` of the kernel's clock as decimal seconds ("12.34").
std::string TicksAsSeconds(int64_t ticks, int64_t per_second) {
  const int64_t centis = ticks * 100 / per_second;
  const int64_t hundredths = centis % 100;
  return std::to_string(centis / 100) + (hundredths < 10 ? ".0" : ".") + std::to_string(hundredths);
}

}  // namespace

void DescribeProcessMetrics(Metrics& metrics) {
  metrics.Describe("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
  metrics.Describe("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  metrics.Describe("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
  metrics.Describe("process_open_fds", "gauge", "Number of open file descriptors.");
  metrics.Describe("process_max_fds", "gauge", "Maximum number of open file descriptors.");
  metrics.Describe("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
}

void PublishProcessMetrics(Metrics& metrics) {
  const std::vector<std::string> fields = StatFields();
  const int64_t ticks_per_second = ::sysconf(_SC_CLK_TCK);
  const int64_t page_size = ::sysconf(_SC_PAGESIZE);
  // Fields of proc(5), numbered from 1: utime 14, stime 15, starttime 22, vsize 23, rss 24.
  auto field = [&](size_t number) -> int64_t {
    const size_t index = number - 3;
    return index < fields.size() ? std::stoll(fields[index]) : -1;
  };
  if (fields.size() >= 22 && ticks_per_second > 0) {
    metrics.SetText("process_cpu_seconds_total", {}, TicksAsSeconds(field(14) + field(15), ticks_per_second));
    metrics.Set("process_virtual_memory_bytes", {}, field(23));
    metrics.Set("process_resident_memory_bytes", {}, field(24) * page_size);
    const int64_t uptime = UptimeCentiseconds();
    if (uptime >= 0) {
      const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
      const int64_t started_after_boot = field(22) / ticks_per_second;
      metrics.Set("process_start_time_seconds", {}, now - uptime / 100 + started_after_boot);
    }
  }
  std::error_code error;
  int64_t open = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++open;
  }
  if (!error) metrics.Set("process_open_fds", {}, open);
  const int64_t max_fds = ::sysconf(_SC_OPEN_MAX);
  if (max_fds > 0) metrics.Set("process_max_fds", {}, max_fds);
}

}  // namespace tributary
