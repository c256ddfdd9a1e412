// SFTP ingest benchmark: a generated generic open-items CSV of SIZE MiB on a real chrooted
// OpenSSH sshd (tests/testing/sftp_server.h), taken by the real `tributary` daemon over
// SFTP (download into its spool folder while hashing, then parse + map + store in one
// transaction, then archive on the server). Prints bytes, seconds (download and total),
// MB/s and the daemon's peak RSS (wait4 rusage). Rows are ~1 KB (a `memo` column the
// generic mapping does not map pads them), so 1 GiB is about a million rows.
//
// Usage (as root, like the SFTP tests): sftp_bench [MIB]     (default 1024)
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <string>
#include <thread>

#include "tests/testing/sftp_server.h"
#include "tests/testing/temp_dir.h"

namespace fs = std::filesystem;
using tributary::testing::RunShell;
using tributary::testing::SftpServer;
using tributary::testing::TempDir;

namespace {

constexpr const char* kFileName = "open_items_bench.csv";

// Writes rows until the file holds at least `bytes`; returns the row count.
int64_t GenerateCsv(const fs::path& path, int64_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out << "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;"
         "open_amount;memo\n";
  const std::string memo(880, 'm');
  char line[256];
  int64_t written = 0;
  int64_t rows = 0;
  while (written < bytes) {
    int64_t customer = rows % 5000;
    int64_t cents = 1000 + (rows * 7919) % 9000000;
    int n = std::snprintf(line, sizeof line,
                          "C%06lld;Customer %lld SARL;INV-%09lld;%s;2026-%02lld-%02lld;2026-12-%02lld;EUR;%lld.%02lld;"
                          "%lld.%02lld;",
                          static_cast<long long>(customer), static_cast<long long>(customer),
                          static_cast<long long>(rows), rows % 10 == 0 ? "credit_note" : "invoice",
                          static_cast<long long>(1 + rows % 12), static_cast<long long>(1 + rows % 28),
                          static_cast<long long>(1 + rows % 28), static_cast<long long>(cents / 100),
                          static_cast<long long>(cents % 100), static_cast<long long>(cents / 200),
                          static_cast<long long>(cents / 2 % 100));
    out.write(line, n);
    out << memo << '\n';
    written += n + static_cast<int64_t>(memo.size()) + 1;
    ++rows;
  }
  return rows;
}

void WriteConfig(const fs::path& path, const SftpServer& server) {
  std::ofstream out(path);
  out << "tenant: bench\nstate: sqlite:state/tributary.db\nadmin: {listen: 127.0.0.1:0}\n"
      << "log: {level: info, format: text}\nconnectors:\n"
      << "  - name: bench-sftp\n    type: sftp\n    schedule: 200ms\n    legal_entity: FR01\n"
      << "    sftp:\n      host: 127.0.0.1\n      port: " << server.port() << "\n      username: sftptest\n"
      << "      private_key_file: " << server.client_key().string() << "\n"
      << "      known_hosts_file: " << server.known_hosts().string() << "\n"
      << "      remote_dir: /data\n      archive_dir: /data/archive\n      error_dir: /data/error\n"
      << "    files:\n      - pattern: \"open_items*.csv\"\n"
      << "        mapping: " << TRIBUTARY_SOURCE_DIR << "/mappings/generic/open_items.yaml\n"
      << "        mode: delta\n";
}

double Seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

int main(int argc, char** argv) {
  int64_t mebibytes = argc > 1 ? std::atoll(argv[1]) : 1024;
  if (mebibytes <= 0) {
    std::fprintf(stderr, "usage: sftp_bench [MIB]   (default 1024)\n");
    return 2;
  }
  if (std::string reason = SftpServer::UnavailableReason(); !reason.empty()) {
    std::fprintf(stderr, "sftp_bench: %s\n", reason.c_str());
    return 2;
  }
  SftpServer server;
  if (!server.Start()) {
    std::fprintf(stderr, "sshd did not start:\n%s\n", server.Log().c_str());
    return 1;
  }
  std::fprintf(stderr, "generating %lld MiB...\n", static_cast<long long>(mebibytes));
  fs::path temp = server.data_dir() / (std::string(".tmp-") + kFileName);
  int64_t rows = GenerateCsv(temp, mebibytes * 1024 * 1024);
  int64_t bytes = static_cast<int64_t>(fs::file_size(temp));
  RunShell("chown sftptest:sftptest '" + temp.string() + "'");
  fs::rename(temp, server.data_dir() / kFileName);
  // The done marker makes the file complete at once: no stable_for wait in the figures.
  std::ofstream(server.data_dir() / (std::string(kFileName) + ".done")).close();
  RunShell("chown sftptest:sftptest '" + (server.data_dir() / kFileName).string() + ".done'");

  TempDir scratch;
  fs::create_directories(scratch.path() / "state");
  WriteConfig(scratch.path() / "tributary.yaml", server);
  fs::path log = scratch.path() / "daemon.log";
  fs::path spool = scratch.path() / "state/spool/bench-sftp" / kFileName;
  fs::path archived = server.data_dir() / "archive" / kFileName;

  auto start = std::chrono::steady_clock::now();
  pid_t daemon = fork();
  if (daemon == 0) {
    std::FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    dup2(STDOUT_FILENO, STDERR_FILENO);
    std::string config = (scratch.path() / "tributary.yaml").string();
    execl(TRIBUTARY_BINARY, TRIBUTARY_BINARY, "run", "--config", config.c_str(), nullptr);
    _exit(127);
  }
  std::optional<std::chrono::steady_clock::time_point> downloaded;
  bool done = false;
  while (!done) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::error_code ec;
    if (!downloaded && fs::file_size(spool, ec) == static_cast<uintmax_t>(bytes) && !ec) {
      downloaded = std::chrono::steady_clock::now();
    }
    done = fs::exists(archived);
    int status = 0;
    if (waitpid(daemon, &status, WNOHANG) == daemon) {
      std::fprintf(stderr, "the daemon exited early; its log: %s\n", log.c_str());
      return 1;
    }
    if (Seconds(std::chrono::steady_clock::now() - start) > 3600) {
      std::fprintf(stderr, "gave up after an hour; daemon log: %s\n", log.c_str());
      kill(daemon, SIGKILL);
      return 1;
    }
  }
  auto finished = std::chrono::steady_clock::now();
  kill(daemon, SIGTERM);
  int status = 0;
  rusage usage{};
  wait4(daemon, &status, 0, &usage);

  double total = Seconds(finished - start);
  double megabytes = static_cast<double>(bytes) / 1e6;
  std::printf("sftp_bench: %lld bytes (%lld rows) over SFTP into the store and archived\n",
              static_cast<long long>(bytes), static_cast<long long>(rows));
  if (downloaded) {
    double download = Seconds(*downloaded - start);
    std::printf("  download (incl. connect): %.1f s, %.1f MB/s\n", download, megabytes / download);
  }
  std::printf("  total: %.1f s, %.1f MB/s, %.0f rows/s\n", total, megabytes / total, static_cast<double>(rows) / total);
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  // On a shared machine the wall time also counts waiting for a core; CPU time does not.
  std::printf("  daemon CPU: %.1f s (%.0f rows per CPU second)\n", cpu, static_cast<double>(rows) / cpu);
  std::printf("  daemon peak RSS: %.1f MiB (ru_maxrss %ld KiB)\n", static_cast<double>(usage.ru_maxrss) / 1024.0,
              usage.ru_maxrss);
  std::printf("  daemon exit: %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}
