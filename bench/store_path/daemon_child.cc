#include "bench/store_path/daemon_child.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace tributary::bench {
namespace fs = std::filesystem;

namespace {

// A port free now on loopback (the daemon binds it a moment later; nothing else here
// binds ports in between).
uint16_t FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

int64_t StatusField(const std::string& status, const std::string& name) {
  size_t at = status.find("\n" + name + ":");
  if (at == std::string::npos) return 0;
  return std::atoll(status.c_str() + at + name.size() + 2);
}

double Seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

ProcessSample SampleProcess(pid_t pid) {
  ProcessSample sample;
  const std::string proc = "/proc/" + std::to_string(pid);
  std::ifstream stat_file(proc + "/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after the last ')':
  // state is field 3, utime field 14, stime field 15.
  size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    long long utime = 0;
    long long stime = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index) {
      if (index == 14) utime = std::atoll(field.c_str());
      if (index == 15) stime = std::atoll(field.c_str());
    }
    sample.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status_file(proc + "/status");
  std::string status = "\n" + std::string((std::istreambuf_iterator<char>(status_file)),
                                          std::istreambuf_iterator<char>());
  sample.peak_rss_kib = StatusField(status, "VmHWM");
  sample.rss_kib = StatusField(status, "VmRSS");
  return sample;
}

DaemonChild::DaemonChild(DaemonSetup setup)
    : setup_(std::move(setup)), client_(http::MakeCurlClient({})) {
  for (const char* folder : {"state", "drop", "archive", "error"}) fs::create_directories(setup_.root / folder);
}

DaemonChild::~DaemonChild() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void DaemonChild::WriteConfig() const {
  std::ofstream yaml(setup_.root / "tributary.yaml");
  yaml << "tenant: bench\nstate: sqlite:state/tributary.db\n"
       << "admin: {listen: 127.0.0.1:" << admin_port_ << "}\n"
       << "log: {level: info, format: text}\n";
  if (setup_.push_url) {
    yaml << "core:\n  push:\n    url: " << *setup_.push_url << "\n    token: ${env:BENCH_CORE_TOKEN}\n"
         << "    batch_size: " << setup_.batch_size << "\n    max_backoff: 1s\n";
  }
  // stable_for is long: only the done marker makes a file complete, so its wait is not
  // in the figures.
  yaml << "connectors:\n  - name: bench\n    type: directory\n    schedule: " << setup_.schedule << "\n"
       << "    legal_entity: FR01\n"
       << "    directory: {path: drop, archive_dir: archive, error_dir: error, stable_for: 1h}\n"
       << "    files:\n      - pattern: \"open_items*.csv\"\n        mapping: " << setup_.mapping.string() << "\n"
       << "        mode: snapshot\n        guard: {max_close_ratio: 0.2}\n"
       << setup_.extra_connectors_yaml;
}

bool DaemonChild::Start() {
  admin_port_ = FreeLoopbackPort();
  WriteConfig();
  const std::string config = (setup_.root / "tributary.yaml").string();
  const std::string log = log_path().string();
  pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the benchmark
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    setenv("BENCH_CORE_TOKEN", setup_.push_token.c_str(), 1);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    execl(setup_.binary.c_str(), setup_.binary.c_str(), "run", "--config", config.c_str(), nullptr);
    _exit(127);
  }
  pid_ = child;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Exited()) {
      std::fprintf(stderr, "the daemon exited at start; its log: %s\n", log.c_str());
      return false;
    }
    int status = 0;
    Get("/readyz", &status);
    if (status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::fprintf(stderr, "the daemon was not ready within a minute; its log: %s\n", log.c_str());
  return false;
}

bool DaemonChild::Exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

DaemonExit DaemonChild::Stop() {
  DaemonExit exit;
  if (pid_ <= 0) return exit;
  kill(pid_, SIGTERM);
  int status = 0;
  rusage usage{};
  wait4(pid_, &status, 0, &usage);
  pid_ = -1;
  exit.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  exit.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  exit.peak_rss_kib = usage.ru_maxrss;
  return exit;
}

std::optional<double> DaemonChild::DropAndWaitArchived(const fs::path& file, const std::string& name) {
  const fs::path dropped = setup_.root / "drop" / name;
  std::error_code error;
  fs::create_hard_link(file, dropped, error);
  if (error) {
    std::fprintf(stderr, "cannot link %s into the drop folder: %s\n", file.c_str(), error.message().c_str());
    return std::nullopt;
  }
  std::ofstream(dropped.string() + ".done").close();
  const auto start = std::chrono::steady_clock::now();
  const fs::path archived = setup_.root / "archive" / name;
  const fs::path failed = setup_.root / "error" / name;
  while (true) {
    if (fs::exists(archived)) return Seconds(std::chrono::steady_clock::now() - start);
    if (fs::exists(failed)) {
      std::fprintf(stderr, "%s went to the error folder; see %s.reason and %s\n", name.c_str(), failed.c_str(),
                   log_path().c_str());
      return std::nullopt;
    }
    if (Exited()) {
      std::fprintf(stderr, "the daemon died; its log: %s\n", log_path().c_str());
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() - start > std::chrono::hours(1)) {
      std::fprintf(stderr, "%s was not archived within an hour; daemon log: %s\n", name.c_str(),
                   log_path().c_str());
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string DaemonChild::SummaryOf(const std::string& name) const {
  std::ifstream log(log_path());
  std::string line;
  std::string found;
  const std::string needle = name + ": ";
  while (std::getline(log, line)) {
    size_t at = line.find(needle);
    if (at != std::string::npos && line.find(" rows, ", at) != std::string::npos) found = line.substr(at + needle.size());
  }
  return found;
}

std::optional<std::string> DaemonChild::Get(const std::string& target, int* status) {
  http::Request request{.method = "GET", .target = "http://127.0.0.1:" + std::to_string(admin_port_) + target};
  auto response = client_->Send(request);
  if (status != nullptr) *status = response ? response->status : 0;
  if (!response) return std::nullopt;
  return response->body;
}

}  // namespace tributary::bench
