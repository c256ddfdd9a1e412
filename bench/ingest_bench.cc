// Ingestion benchmark: generates an N-row generic open-items CSV and times
// parse + map + store + change detection through the same code the daemon runs, then a
// second pass of the same file (everything unchanged). Each size runs in its own child
// process so its peak RSS is its own.
//
// Usage: ingest_bench [ROWS...]        (default: 100000 1000000)
// Prints one line per size and pass: rows/s, MB/s, peak RSS.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "connectors/common/file_ingest.h"
#include "gateway/config/config.h"
#include "gateway/store/store.h"

namespace fs = std::filesystem;
using namespace tributary;

namespace {

void GenerateCsv(const fs::path& path, int64_t rows) {
  std::ofstream out(path, std::ios::binary);
  out << "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";
  char line[256];
  for (int64_t i = 0; i < rows; ++i) {
    int64_t customer = i % 5000;
    int64_t cents = 1000 + (i * 7919) % 9000000;
    int n = std::snprintf(line, sizeof line,
                          "C%06lld;Customer %lld SARL;INV-%09lld;%s;2026-%02lld-%02lld;2026-12-%02lld;EUR;%lld.%02lld;%lld.%02lld\n",
                          static_cast<long long>(customer), static_cast<long long>(customer),
                          static_cast<long long>(i), i % 10 == 0 ? "credit_note" : "invoice",
                          static_cast<long long>(1 + i % 12), static_cast<long long>(1 + i % 28),
                          static_cast<long long>(1 + i % 28), static_cast<long long>(cents / 100),
                          static_cast<long long>(cents % 100), static_cast<long long>(cents / 200),
                          static_cast<long long>(cents / 2 % 100));
    out.write(line, n);
  }
}

int RunPasses(const fs::path& dir, int64_t rows, const std::string& mapping_path) {
  fs::path csv = dir / "open_items.csv";
  GenerateCsv(csv, rows);
  double megabytes = static_cast<double>(fs::file_size(csv)) / (1024.0 * 1024.0);

  config::ConnectorConfig connector;
  connector.name = "bench";
  connector.legal_entity = "FR01";
  connector.files.push_back({.pattern = "open_items*.csv", .mapping_path = mapping_path,
                             .mode = config::FeedMode::kSnapshot});
  auto rules = connectors::PrepareFileRules(connector);
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 1;
  }
  auto store = store::Store::Open((dir / "bench.db").string());
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  for (int pass = 1; pass <= 2; ++pass) {
    // The second pass is the same rows in a file with another hash: all unchanged.
    std::string sha = pass == 1 ? "pass-one" : "pass-two";
    std::ifstream input(csv, std::ios::binary);
    auto start = std::chrono::steady_clock::now();
    auto result = connectors::IngestFile(**store, {"bench", csv.filename().string(), sha, 0}, (*rules)[0], input,
                                         {.tenant = "bench", .source = "bench", .legal_entity = "FR01",
                                          .file_name = "open_items.csv", .file_sha256 = sha});
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result || result->unusable) {
      std::fprintf(stderr, "ingest failed: %s\n", result ? result->error.c_str() : result.error().message.c_str());
      return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("rows=%lld pass=%d (%s) time=%.2fs rows/s=%.0f MB/s=%.1f created=%lld unchanged=%lld rejects=%lld peak_rss=%.1fMiB\n",
                static_cast<long long>(rows), pass, pass == 1 ? "all new" : "all unchanged", seconds,
                static_cast<double>(rows) / seconds, megabytes / seconds,
                static_cast<long long>(result->outcome.created), static_cast<long long>(result->outcome.unchanged),
                static_cast<long long>(result->outcome.rejects), static_cast<double>(usage.ru_maxrss) / 1024.0);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int64_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoll(argv[i]));
  if (sizes.empty()) sizes = {100000, 1000000};
  std::string mapping_path = (fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/generic/open_items.yaml").string();
  for (int64_t rows : sizes) {
    fs::path dir = fs::temp_directory_path() / ("tributary-bench-" + std::to_string(getpid()) + "-" + std::to_string(rows));
    fs::create_directories(dir);
    pid_t child = fork();
    if (child == 0) _exit(RunPasses(dir, rows, mapping_path));
    int status = 0;
    waitpid(child, &status, 0);
    fs::remove_all(dir);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  return 0;
}
