// The real `tributary` daemon as a child process of store_path_bench, in a folder of its
// own: writes its config, drops files into its watched folder with a done marker, waits
// for them to be archived, samples its CPU time and memory from /proc, reads its admin
// API, and stops it with SIGTERM (its whole rusage from wait4).
//
// Not thread-safe, except Sample(), which any thread may call while the child runs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "gateway/http/http_client.h"

namespace tributary::bench {

struct DaemonSetup {
  std::filesystem::path root;        // the daemon's folder: config, log, state, drop, archive
  std::string binary;                // the tributary executable
  std::filesystem::path mapping;     // the generic open-items mapping
  std::optional<std::string> push_url;  // core.push.url; none = pull only
  std::string push_token = "bench-core-token";
  int batch_size = 500;
  std::string schedule = "100ms";    // how often the drop folder is listed
  // More items of the `connectors:` list (two-space indented), after the drop connector.
  std::string extra_connectors_yaml;
};

// CPU seconds (user + system, all threads) and memory of a running process.
struct ProcessSample {
  double cpu_seconds = 0;
  int64_t peak_rss_kib = 0;  // VmHWM: the peak since the process started
  int64_t rss_kib = 0;       // VmRSS now
};
ProcessSample SampleProcess(pid_t pid);

struct DaemonExit {
  int status = -1;  // exit code, or 128 + signal
  double cpu_seconds = 0;
  int64_t peak_rss_kib = 0;  // ru_maxrss
};

class DaemonChild {
 public:
  explicit DaemonChild(DaemonSetup setup);
  ~DaemonChild();  // SIGKILLs a daemon still running
  DaemonChild(const DaemonChild&) = delete;
  DaemonChild& operator=(const DaemonChild&) = delete;

  // Writes the config, starts the daemon, waits until /readyz answers 200 (false, with
  // the reason on stderr, if it exits or is not ready within a minute).
  bool Start();
  // SIGTERM, then wait4: the daemon's exit status, CPU time and peak RSS over its life.
  DaemonExit Stop();

  // Hard-links `file` into the drop folder as `name`, then writes `name.done`, and waits
  // until the daemon has moved the file into the archive folder. Returns the seconds from
  // the marker to the archived file, or nullopt (reason on stderr) when the file went to
  // the error folder, the daemon died, or an hour passed.
  std::optional<double> DropAndWaitArchived(const std::filesystem::path& file, const std::string& name);

  // The daemon log's summary line of the file `name` ("N rows, C created, …"), or "".
  std::string SummaryOf(const std::string& name) const;

  // GET on the admin API; the body, or nullopt on a transport error. *status gets the code.
  std::optional<std::string> Get(const std::string& target, int* status = nullptr);

  ProcessSample Sample() const { return SampleProcess(pid_); }
  pid_t pid() const { return pid_; }
  uint16_t admin_port() const { return admin_port_; }
  std::filesystem::path state_dir() const { return setup_.root / "state"; }
  std::filesystem::path log_path() const { return setup_.root / "daemon.log"; }

 private:
  bool Exited();
  void WriteConfig() const;

  DaemonSetup setup_;
  pid_t pid_ = -1;
  uint16_t admin_port_ = 0;
  std::unique_ptr<http::HttpClient> client_;
};

}  // namespace tributary::bench
