#include "bench/store_path/snapshot_file.h"

#include <cstdio>
#include <fstream>
#include <vector>

namespace tributary::bench {

int64_t WriteSnapshot(const std::filesystem::path& path, const SnapshotSpec& spec) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  static constexpr char kHeader[] =
      "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";
  out << kHeader;
  int64_t bytes = sizeof kHeader - 1;
  std::vector<char> block;
  block.reserve(1 << 20);
  char line[256];
  for (int64_t row = 0; row < spec.rows; ++row) {
    const int64_t j = spec.first_invoice + row;
    const int64_t customer = j % 5000;
    const int64_t cents = 1000 + (j * 7919) % 9000000;
    int64_t open = cents / 2;
    if (spec.day > 0) open -= (j + spec.day) / 200 - j / 200;  // partial payments so far
    if (spec.one_percent_changed && j % 100 == 0) open -= 1;
    const bool quoted = spec.quote_first_field && row == 0;
    int n = std::snprintf(line, sizeof line,
                          "%sC%06lld%s;Customer %lld SARL;INV-%09lld;%s;2026-%02lld-%02lld;2026-12-%02lld;EUR;"
                          "%lld.%02lld;%lld.%02lld\n",
                          quoted ? "\"" : "", static_cast<long long>(customer), quoted ? "\"" : "",
                          static_cast<long long>(customer), static_cast<long long>(j),
                          j % 10 == 0 ? "credit_note" : "invoice", static_cast<long long>(1 + j % 12),
                          static_cast<long long>(1 + j % 28), static_cast<long long>(1 + j % 28),
                          static_cast<long long>(cents / 100), static_cast<long long>(cents % 100),
                          static_cast<long long>(open / 100), static_cast<long long>(open % 100));
    block.insert(block.end(), line, line + n);
    if (block.size() > (1 << 20) - sizeof line) {
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
      bytes += static_cast<int64_t>(block.size());
      block.clear();
    }
  }
  out.write(block.data(), static_cast<std::streamsize>(block.size()));
  bytes += static_cast<int64_t>(block.size());
  return bytes;
}

}  // namespace tributary::bench
