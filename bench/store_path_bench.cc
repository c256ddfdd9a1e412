// The store path end to end, on the real daemon: generated generic open-items snapshots
// of ROWS rows dropped with a done marker into the watched folder of `tributary run`
// (a child process with its own config, state and folders in a temporary directory),
// timed until the daemon archived them:
//   a. all new, b. all unchanged (the same rows in other bytes), c. 1 % of the rows with
//   another open amount (pull mode: no core, so archiving waits for nothing else);
//   d. push of the all-new snapshot to a loopback core (bench/store_path/loopback_core.h)
//      in a second daemon: changes/s from the first batch to the last acknowledgement;
//   e. the pull feed /v1/changes read from after=0 to the end;
//   f. the daemon's peak RSS (wait4) at ROWS and, with --large, at 5 x ROWS;
//   g. with --history, the store's size over 30 daily snapshots with 1 % churn.
// The plain-Python peer (bench/peers/ingest_peer.py) runs on the same files of a, b, c.
// Prints a table with the targets as the reference column; asserts nothing.
//
// Usage: store_path_bench [ROWS] [--large] [--history[=ROWS]] [--no-peer] [--keep]
//   ROWS       rows per snapshot (default 1 000 000)
//   --large    also a daemon run at 5 x ROWS (all new, then all unchanged): peak RSS
//   --history  30 daily snapshots of ROWS rows (default 100 000), store size on days 1, 10, 20, 30
//   --no-peer  skip the Python peer
//   --keep     keep the temporary folder (its path is printed)
// Environment: TRIBUTARY_BIN (default: the tributary built with this program), PYTHON
// (default /usr/bin/python3), TMPDIR (where the folder goes; it needs about 3 KB per row).
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bench/store_path/daemon_child.h"
#include "bench/store_path/loopback_core.h"
#include "bench/store_path/pull_feed.h"
#include "bench/store_path/snapshot_file.h"

namespace fs = std::filesystem;
using namespace tributary::bench;

namespace {

struct Options {
  int64_t rows = 1'000'000;
  bool large = false;
  std::optional<int64_t> history_rows;
  bool peer = true;
  bool keep = false;
  std::string binary = TRIBUTARY_BINARY;
  std::string python = "/usr/bin/python3";
  fs::path mapping = fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/generic/open_items.yaml";
  fs::path peer_script = fs::path(TRIBUTARY_SOURCE_DIR) / "bench/peers/ingest_peer.py";
};

// One line of the result table.
struct Figure {
  std::string phase;
  std::string unit;  // what `count` counts
  int64_t count = 0;
  double wall = 0;
  double cpu = -1;  // daemon CPU seconds in the phase; < 0 = not attributed
  std::string target;
  std::optional<double> peer_rate;
};

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

// 1234567 -> "1 234 567".
std::string Grouped(double value) {
  std::string digits = std::to_string(static_cast<long long>(value + 0.5));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ' ';
    out += digits[i];
  }
  return out;
}

double MiB(int64_t kib) { return static_cast<double>(kib) / 1024.0; }

int64_t FileSize(const fs::path& path) {
  std::error_code error;
  auto size = fs::file_size(path, error);
  return error ? 0 : static_cast<int64_t>(size);
}

// Runs the Python peer on `csv` with its database `db`; rows per second, or nullopt.
std::optional<double> RunPeer(const Options& options, const fs::path& db, const fs::path& csv, const char* label) {
  const std::string command = options.python + " '" + options.peer_script.string() + "' '" + db.string() + "' '" +
                              csv.string() + "'";
  std::FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  char line[512] = {};
  std::string output;
  while (std::fgets(line, sizeof line, pipe) != nullptr) output += line;
  if (pclose(pipe) != 0 || output.empty()) {
    std::fprintf(stderr, "the Python peer failed on %s: %s\n", csv.c_str(), output.c_str());
    return std::nullopt;
  }
  long long rows = 0;
  double seconds = 0;
  std::sscanf(output.c_str(), "rows=%lld seconds=%lf", &rows, &seconds);
  if (output.back() == '\n') output.pop_back();
  std::printf("  peer %-14s %s\n", label, output.c_str());
  std::fflush(stdout);
  if (seconds <= 0) return std::nullopt;
  return static_cast<double>(rows) / seconds;
}

// Drops `file` as `name`, waits for the archive, prints what the daemon logged of it and
// its memory after the phase; the figure's wall and CPU seconds, or nullopt.
std::optional<Figure> IngestPhase(DaemonChild& daemon, const fs::path& file, const std::string& name,
                                  Figure figure) {
  const double cpu_before = daemon.Sample().cpu_seconds;
  auto seconds = daemon.DropAndWaitArchived(file, name);
  if (!seconds) return std::nullopt;
  const ProcessSample after = daemon.Sample();
  figure.wall = *seconds;
  figure.cpu = after.cpu_seconds - cpu_before;
  std::printf("  %-26s %.2f s, daemon CPU %.2f s; %s; daemon RSS %.1f MiB, peak so far %.1f MiB\n",
              figure.phase.c_str(), figure.wall, figure.cpu, daemon.SummaryOf(name).c_str(), MiB(after.rss_kib),
              MiB(after.peak_rss_kib));
  std::fflush(stdout);
  return figure;
}

void PrintTable(const std::vector<Figure>& figures) {
  std::printf("\n%-28s %10s %-8s %8s %8s %12s %12s %12s %12s %8s\n", "phase", "count", "unit", "wall s", "CPU s",
              "per s", "per CPU s", "target", "peer per s", "ratio");
  for (const Figure& f : figures) {
    const double rate = f.wall > 0 ? static_cast<double>(f.count) / f.wall : 0;
    char cpu[32] = "-";
    if (f.cpu >= 0) std::snprintf(cpu, sizeof cpu, "%.2f", f.cpu);
    std::string per_cpu = f.cpu > 0 ? Grouped(static_cast<double>(f.count) / f.cpu) : "-";
    std::string peer = f.peer_rate ? Grouped(*f.peer_rate) : "-";
    char ratio[32] = "-";
    if (f.peer_rate && *f.peer_rate > 0) std::snprintf(ratio, sizeof ratio, "%.2f", rate / *f.peer_rate);
    std::printf("%-28s %10lld %-8s %8.2f %8s %12s %12s %12s %12s %8s\n", f.phase.c_str(),
                static_cast<long long>(f.count), f.unit.c_str(), f.wall, cpu, Grouped(rate).c_str(),
                per_cpu.c_str(), f.target.c_str(), peer.c_str(), ratio);
  }
}

void PrintRss(const char* what, int64_t rows, int64_t peak_kib) {
  std::printf("f. %-25s %10lld rows     peak RSS %.1f MiB (%.1f MB)   target < 100 MB\n", what,
              static_cast<long long>(rows), MiB(peak_kib), static_cast<double>(peak_kib) * 1024.0 / 1e6);
}

// The pull-mode daemon: phases a, e, b, c. Returns false on a failure.
bool RunPullDaemon(const Options& options, const fs::path& root, const fs::path& files,
                   std::vector<Figure>& figures, int64_t& peak_kib) {
  DaemonChild daemon({.root = root / "pull", .binary = options.binary, .mapping = options.mapping});
  if (!daemon.Start()) return false;
  const int64_t n = options.rows;
  std::printf("pull-mode daemon (no core): pid %d, admin 127.0.0.1:%u, %s\n", daemon.pid(), daemon.admin_port(),
              (root / "pull").c_str());
  auto a = IngestPhase(daemon, files / "open_items_new.csv", "open_items_1_new.csv",
                       {.phase = "a. all new", .unit = "rows", .count = n, .target = ">= 200 000"});
  if (!a) return false;
  figures.push_back(*a);

  const double cpu_before = daemon.Sample().cpu_seconds;
  const double own_before = ProcessCpuSeconds();
  auto pulled = PullWholeFeed(daemon, 1000);
  if (!pulled) return false;
  const double pull_cpu = daemon.Sample().cpu_seconds - cpu_before;
  std::printf("  %-26s %.2f s, daemon CPU %.2f s; %lld changes in %lld pages of 1000, %.1f MB of JSON, last seq %lld; "
              "the reader's own CPU (curl + SAX) %.2f s, of which %.2f s parsing\n",
              "e. pull /v1/changes", pulled->seconds, pull_cpu, static_cast<long long>(pulled->changes),
              static_cast<long long>(pulled->pages), static_cast<double>(pulled->body_bytes) / 1e6,
              static_cast<long long>(pulled->last_seq), ProcessCpuSeconds() - own_before, pulled->parse_seconds);
  std::fflush(stdout);
  // The reader's parsing is a consumer's cost, not the daemon's: the second figure leaves
  // it out (the requests are sequential, so the daemon waits while the reader parses).
  Figure e{.phase = "e. pull /v1/changes", .unit = "changes", .count = pulled->changes, .wall = pulled->seconds,
           .cpu = pull_cpu, .target = ">= 100 000"};
  Figure e_daemon = e;
  e_daemon.phase = "e. pull, reader's parse out";
  e_daemon.wall = pulled->seconds - pulled->parse_seconds;

  auto b = IngestPhase(daemon, files / "open_items_same.csv", "open_items_2_same.csv",
                       {.phase = "b. all unchanged", .unit = "rows", .count = n, .target = ">= 400 000"});
  if (!b) return false;
  figures.push_back(*b);
  auto c = IngestPhase(daemon, files / "open_items_1pct.csv", "open_items_3_1pct.csv",
                       {.phase = "c. 1 % changed", .unit = "rows", .count = n, .target = ">= 300 000"});
  if (!c) return false;
  figures.push_back(*c);
  figures.push_back(e);
  figures.push_back(e_daemon);

  const int64_t store_bytes = FileSize(daemon.state_dir() / "tributary.db") +
                              FileSize(daemon.state_dir() / "tributary.db-wal");
  DaemonExit exit = daemon.Stop();
  peak_kib = exit.peak_rss_kib;
  std::printf("  stopped: exit %d, CPU over its life %.2f s, peak RSS %.1f MiB; store (db + WAL) %.1f MB after a, b, c\n",
              exit.status, exit.cpu_seconds, MiB(exit.peak_rss_kib), static_cast<double>(store_bytes) / 1e6);
  return true;
}

// The push-mode daemon: the all-new snapshot into a fresh store, pushed to the loopback
// core (phase d).
bool RunPushDaemon(const Options& options, const fs::path& root, const fs::path& files,
                   std::vector<Figure>& figures) {
  auto core = LoopbackCore::Start("bench-core-token");
  if (!core) return false;
  DaemonChild daemon({.root = root / "push", .binary = options.binary, .mapping = options.mapping,
                      .push_url = core->url(), .push_token = "bench-core-token"});
  if (!daemon.Start()) return false;
  core->ObserveDaemon(daemon.pid());
  std::printf("push-mode daemon: pid %d, core %s, batch_size 500\n", daemon.pid(), core->url().c_str());
  const double own_before = ProcessCpuSeconds();
  auto archived = daemon.DropAndWaitArchived(files / "open_items_new.csv", "open_items_1_new.csv");
  if (!archived) return false;
  const CoreCounts counts = core->counts();
  if (!counts.first_request || !counts.last_answer) {
    std::fprintf(stderr, "the core received no batch\n");
    return false;
  }
  const double push_seconds = std::chrono::duration<double>(*counts.last_answer - *counts.first_request).count();
  const double push_cpu = counts.daemon_cpu_at_last - counts.daemon_cpu_at_first;
  std::printf("  %-26s ingest + push until archived %.2f s (%s); first batch to last answer %.2f s, "
              "daemon CPU %.2f s; %lld batches (%lld replays), %lld applied, %lld duplicates, last seq %lld, "
              "%.1f MB of bodies; the core's handling %.2f s of it (the benchmark's CPU %.2f s)\n",
              "d. push", *archived, daemon.SummaryOf("open_items_1_new.csv").c_str(), push_seconds, push_cpu,
              static_cast<long long>(counts.batches), static_cast<long long>(counts.replays),
              static_cast<long long>(counts.applied), static_cast<long long>(counts.duplicates),
              static_cast<long long>(counts.last_seq), static_cast<double>(counts.body_bytes) / 1e6,
              counts.handling_seconds, ProcessCpuSeconds() - own_before);
  figures.push_back({.phase = "d. push to loopback core", .unit = "changes", .count = counts.applied + counts.duplicates,
                     .wall = push_seconds, .cpu = push_cpu, .target = ">= 50 000"});
  // One batch is in flight: the daemon waits while the core reads a batch. The second
  // figure leaves the core's handling out.
  Figure d_daemon = figures.back();
  d_daemon.phase = "d. push, core's handling out";
  d_daemon.wall = push_seconds - counts.handling_seconds;
  figures.push_back(d_daemon);
  DaemonExit exit = daemon.Stop();
  std::printf("  stopped: exit %d, CPU over its life %.2f s, peak RSS %.1f MiB (ingest and push)\n", exit.status,
              exit.cpu_seconds, MiB(exit.peak_rss_kib));
  return true;
}

// Phase f at 5 x ROWS: all new, then all unchanged, in a fresh pull-mode daemon.
bool RunLarge(const Options& options, const fs::path& root, int64_t& peak_kib) {
  const int64_t rows = options.rows * 5;
  const fs::path dir = root / "large";
  fs::create_directories(dir / "files");
  std::fprintf(stderr, "generating %lld rows...\n", static_cast<long long>(rows));
  WriteSnapshot(dir / "files/new.csv", {.rows = rows});
  WriteSnapshot(dir / "files/same.csv", {.rows = rows, .quote_first_field = true});
  DaemonChild daemon({.root = dir / "daemon", .binary = options.binary, .mapping = options.mapping});
  if (!daemon.Start()) return false;
  std::printf("pull-mode daemon at %lld rows: pid %d\n", static_cast<long long>(rows), daemon.pid());
  std::vector<Figure> figures;
  auto a = IngestPhase(daemon, dir / "files/new.csv", "open_items_1_new.csv",
                       {.phase = "a. all new (5 x N)", .unit = "rows", .count = rows, .target = ">= 200 000"});
  if (!a) return false;
  figures.push_back(*a);
  auto b = IngestPhase(daemon, dir / "files/same.csv", "open_items_2_same.csv",
                       {.phase = "b. all unchanged (5 x N)", .unit = "rows", .count = rows, .target = ">= 400 000"});
  if (!b) return false;
  figures.push_back(*b);
  DaemonExit exit = daemon.Stop();
  peak_kib = exit.peak_rss_kib;
  PrintTable(figures);
  if (!options.keep) fs::remove_all(dir);
  return true;
}

// Phase g: 30 daily snapshots of `rows` rows; each day 0.5 % of the invoices are gone
// (paid: closed by absence), as many new ones appear, and 0.5 % have a lower open amount.
bool RunHistory(const Options& options, const fs::path& root, int64_t rows) {
  const fs::path dir = root / "history";
  fs::create_directories(dir / "files");
  DaemonChild daemon({.root = dir / "daemon", .binary = options.binary, .mapping = options.mapping});
  if (!daemon.Start()) return false;
  std::printf("\ng. store size over 30 daily snapshots of %lld rows, 1 %% churn a day (0.5 %% paid and replaced "
              "by new invoices, 0.5 %% partially paid)\n",
              static_cast<long long>(rows));
  std::printf("%5s %8s %10s %10s %10s %12s   %s\n", "day", "wall s", "db MB", "WAL MB", "total MB", "outbox seq",
              "daemon's summary");
  const fs::path db = daemon.state_dir() / "tributary.db";
  for (int day = 1; day <= 30; ++day) {
    const fs::path file = dir / "files/day.csv";
    fs::remove(file);
    WriteSnapshot(file, {.rows = rows, .first_invoice = (day - 1) * (rows / 200), .day = day});
    char name[64];
    std::snprintf(name, sizeof name, "open_items_day%02d.csv", day);
    auto seconds = daemon.DropAndWaitArchived(file, name);
    if (!seconds) return false;
    if (day == 1 || day % 10 == 0) {
      const int64_t main_bytes = FileSize(db);
      const int64_t wal_bytes = FileSize(db.string() + "-wal");
      std::string seq = "?";
      if (auto metrics = daemon.Get("/metrics")) {
        size_t at = metrics->find("\ntributary_outbox_last_seq ");
        if (at != std::string::npos) seq = metrics->substr(at + 27, metrics->find('\n', at + 1) - at - 27);
      }
      std::printf("%5d %8.2f %10.1f %10.1f %10.1f %12s   %s\n", day, *seconds, static_cast<double>(main_bytes) / 1e6,
                  static_cast<double>(wal_bytes) / 1e6, static_cast<double>(main_bytes + wal_bytes) / 1e6,
                  seq.c_str(), daemon.SummaryOf(name).c_str());
      std::fflush(stdout);
    }
  }
  DaemonExit exit = daemon.Stop();
  std::printf("  stopped: exit %d, peak RSS %.1f MiB\n", exit.status, MiB(exit.peak_rss_kib));
  return true;
}

bool ParseArguments(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--large") {
      options.large = true;
    } else if (arg == "--history") {
      options.history_rows = 100'000;
    } else if (arg.starts_with("--history=")) {
      options.history_rows = std::atoll(arg.c_str() + 10);
      if (*options.history_rows < 200) return false;
    } else if (arg == "--no-peer") {
      options.peer = false;
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (!arg.empty() && arg[0] != '-' && std::atoll(arg.c_str()) >= 200) {
      options.rows = std::atoll(arg.c_str());
    } else {
      return false;
    }
  }
  if (const char* binary = std::getenv("TRIBUTARY_BIN")) options.binary = binary;
  if (const char* python = std::getenv("PYTHON")) options.python = python;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseArguments(argc, argv, options)) {
    std::fprintf(stderr, "usage: store_path_bench [ROWS] [--large] [--history[=ROWS]] [--no-peer] [--keep]\n"
                         "  ROWS >= 200 (default 1000000); --history default 100000 rows\n");
    return 2;
  }
  std::string pattern = (fs::temp_directory_path() / "tributary-store-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const fs::path root = pattern;
  const fs::path files = root / "files";
  fs::create_directories(files);
  fs::create_directories(root / "peer");

  const int64_t n = options.rows;
  std::fprintf(stderr, "generating %lld rows...\n", static_cast<long long>(n));
  const int64_t bytes = WriteSnapshot(files / "open_items_new.csv", {.rows = n});
  WriteSnapshot(files / "open_items_same.csv", {.rows = n, .quote_first_field = true});
  WriteSnapshot(files / "open_items_1pct.csv", {.rows = n, .one_percent_changed = true});
  std::printf("store_path_bench: %lld rows (%.1f MB, 5 000 customers: %lld changes when all new), daemon %s\n",
              static_cast<long long>(n), static_cast<double>(bytes) / 1e6, static_cast<long long>(n + std::min<int64_t>(n, 5000)),
              options.binary.c_str());
  std::printf("machine: %ld CPUs online, load average %s at start; folder %s\n", sysconf(_SC_NPROCESSORS_ONLN),
              LoadAverage().c_str(), root.c_str());
  std::fflush(stdout);

  int code = 0;
  std::vector<Figure> figures;
  int64_t peak_kib = 0;
  if (!RunPullDaemon(options, root, files, figures, peak_kib) || !RunPushDaemon(options, root, files, figures)) {
    code = 1;
  }
  if (code == 0 && !options.keep) fs::remove_all(root / "pull");
  if (code == 0 && !options.keep) fs::remove_all(root / "push");
  if (code == 0 && options.peer) {
    std::printf("Python peer (%s, csv.DictReader + json + hashlib + sqlite3, one transaction per file):\n",
                options.python.c_str());
    const fs::path db = root / "peer/peer.db";
    const char* names[] = {"open_items_new.csv", "open_items_same.csv", "open_items_1pct.csv"};
    const char* labels[] = {"all new", "all unchanged", "1 % changed"};
    for (int i = 0; i < 3; ++i) {
      auto rate = RunPeer(options, db, files / names[i], labels[i]);
      if (!rate) {
        code = 1;
        break;
      }
      figures[static_cast<size_t>(i)].peer_rate = rate;
    }
  }
  if (!figures.empty()) {
    PrintTable(figures);
    if (peak_kib > 0) PrintRss("daemon, a + e + b + c", n, peak_kib);
    std::fflush(stdout);
  }
  if (code == 0 && options.large) {
    int64_t large_kib = 0;
    if (RunLarge(options, root, large_kib)) {
      PrintRss("daemon, a + b at 5 x N", n * 5, large_kib);
    } else {
      code = 1;
    }
  }
  if (code == 0 && options.history_rows && !RunHistory(options, root, *options.history_rows)) code = 1;
  std::printf("load average at the end: %s\n", LoadAverage().c_str());
  if (options.keep || code != 0) {
    std::printf("kept %s\n", root.c_str());
  } else {
    fs::remove_all(root);
  }
  return code;
}
