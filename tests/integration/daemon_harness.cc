#include "tests/integration/daemon_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace tributary::testing {
namespace fs = std::filesystem;

namespace {

uint16_t FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

void WriteFile(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

}  // namespace

std::string OpenItemsCsv(const std::vector<OpenItem>& items) {
  std::string csv = "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";
  for (const OpenItem& item : items) {
    csv += item.account + ";" + item.customer_name + ";" + item.number + ";" + item.type + ";" + item.issue_date +
           ";" + item.due_date + ";" + item.currency + ";" + item.total + ";" + item.open_amount + "\n";
  }
  return csv;
}

std::vector<OpenItem> GenerateOpenItems(int count, int customers, int first_number) {
  std::vector<OpenItem> items;
  items.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    OpenItem item;
    int customer = i % customers + 1;
    item.account = "C" + std::to_string(customer);
    item.customer_name = "Customer " + std::to_string(customer);
    item.number = "INV-" + std::to_string(first_number + i);
    int cents = 1000 + (i * 37) % 100000;
    std::string amount = std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + std::to_string(cents % 100);
    item.total = amount;
    item.open_amount = amount;
    items.push_back(item);
  }
  return items;
}

DaemonHarness::DaemonHarness(HarnessOptions options)
    : options_(std::move(options)), client_(http::MakeCurlClient(options_.admin_client)) {
  admin_port_ = FreeLoopbackPort();
  fs::create_directories(drop_dir());
  fs::create_directories(root() / "mappings/generic");
  fs::copy_file(fs::path(TRIBUTARY_SOURCE_DIR) / "mappings/generic/open_items.yaml",
                root() / "mappings/generic/open_items.yaml");
  WriteConfig();
}

DaemonHarness::~DaemonHarness() {
  if (pid_ > 0) StopWith(SIGKILL);
}

void DaemonHarness::WriteConfig() {
  std::ostringstream yaml;
  yaml << "tenant: acme\n"
       << "state: sqlite:../var/tributary.db\n"
       << "admin:\n  listen: 127.0.0.1:" << admin_port_ << "\n";
  if (options_.admin_tls) {
    yaml << "  tls:\n    cert_file: " << options_.admin_tls->cert_file << "\n    key_file: "
         << options_.admin_tls->key_file << "\n";
    if (!options_.admin_tls->client_ca_file.empty()) {
      yaml << "    client_ca_file: " << options_.admin_tls->client_ca_file << "\n";
    }
  }
  yaml << "log: {level: info, format: text}\n";
  if (options_.push_url) {
    yaml << "core:\n  push:\n    url: " << *options_.push_url << "\n    token: ${env:TEST_CORE_TOKEN}\n"
         << "    batch_size: " << options_.batch_size << "\n    max_backoff: 1s\n";
    if (!options_.push_ca_file.empty()) yaml << "    ca_file: " << options_.push_ca_file << "\n";
    if (!options_.push_client_cert_file.empty()) {
      yaml << "    client_cert_file: " << options_.push_client_cert_file << "\n";
    }
    if (!options_.push_client_key_file.empty()) {
      yaml << "    client_key_file: " << options_.push_client_key_file << "\n";
    }
  }
  if (options_.connectors_yaml) {
    yaml << "connectors:\n" << *options_.connectors_yaml;
    WriteFile(config_path(), yaml.str());
    return;
  }
  yaml << "connectors:\n"
       << "  - name: erp-drop\n    type: directory\n    schedule: " << options_.schedule << "\n"
       << "    legal_entity: FR01\n"
       << "    directory: {path: ../var/drop, archive_dir: ../var/archive, error_dir: ../var/error, stable_for: "
       << options_.stable_for << "}\n"
       << "    files:\n      - pattern: \"open_items*.csv\"\n        mapping: ../mappings/generic/open_items.yaml\n"
       << "        mode: " << options_.mode << "\n";
  if (options_.max_close_ratio && options_.mode == "snapshot") {
    yaml << "        guard: {max_close_ratio: " << *options_.max_close_ratio << "}\n";
  }
  WriteFile(config_path(), yaml.str());
}

void DaemonHarness::Start() {
  ASSERT_LE(pid_, 0) << "already running";
  pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test process
    int log = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    setenv("TEST_CORE_TOKEN", options_.push_token.c_str(), 1);
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    if (!options_.notify_socket.empty()) setenv("NOTIFY_SOCKET", options_.notify_socket.c_str(), 1);
    if (!options_.watchdog_usec.empty()) setenv("WATCHDOG_USEC", options_.watchdog_usec.c_str(), 1);
    execl(TRIBUTARY_BINARY, TRIBUTARY_BINARY, "run", "--config", config_path().c_str(), nullptr);
    _exit(127);
  }
  pid_ = child;
  bool ready = WaitUntil([&] {
    int status = 0;
    if (!Running()) return true;
    Get("/readyz", &status);
    return status == 200;
  }, std::chrono::seconds(30));
  ASSERT_TRUE(ready && Running()) << "daemon did not become ready:\n" << Log();
}

bool DaemonHarness::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int DaemonHarness::StopWith(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string DaemonHarness::AdminUrl(const std::string& target) const {
  return std::string(options_.admin_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(admin_port_) + target;
}

void DaemonHarness::Reconfigure(const std::string& connectors_yaml) {
  options_.connectors_yaml = connectors_yaml;
  WriteConfig();
  if (pid_ > 0) kill(pid_, SIGHUP);
}

std::string DaemonHarness::SecretFile(const std::string& name, const std::string& content) const {
  const fs::path path = root() / name;
  WriteFile(path, content);
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path.string();
}

void DaemonHarness::Drop(const std::string& name, const std::string& content) {
  fs::path temp = drop_dir() / ("." + name + ".part");
  WriteFile(temp, content);
  fs::rename(temp, drop_dir() / name);
}

nlohmann::json DaemonHarness::Get(const std::string& target, int* status) {
  http::Request request{.method = "GET", .target = AdminUrl(target)};
  auto response = client_->Send(request);
  if (status != nullptr) *status = response ? response->status : 0;
  if (!response) return nullptr;
  return nlohmann::json::parse(response->body, nullptr, false);
}

nlohmann::json DaemonHarness::Post(const std::string& target, int* status) {
  http::Request request{.method = "POST", .target = AdminUrl(target)};
  auto response = client_->Send(request);
  if (status != nullptr) *status = response ? response->status : 0;
  if (!response) return nullptr;
  return nlohmann::json::parse(response->body, nullptr, false);
}

nlohmann::json DaemonHarness::PostJson(const std::string& target, const std::string& body,
                                       const http::Headers& headers, int* status) {
  http::Request request{.method = "POST", .target = AdminUrl(target)};
  request.headers = headers;
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = body;
  auto response = client_->Send(request);
  if (status != nullptr) *status = response ? response->status : 0;
  if (!response) return nullptr;
  return nlohmann::json::parse(response->body, nullptr, false);
}

std::string DaemonHarness::GetText(const std::string& target) {
  http::Request request{.method = "GET", .target = AdminUrl(target)};
  auto response = client_->Send(request);
  return response ? response->body : "";
}

std::vector<nlohmann::json> DaemonHarness::AllChanges() {
  std::vector<nlohmann::json> changes;
  int64_t after = 0;
  while (true) {
    auto page = Get("/v1/changes?after=" + std::to_string(after) + "&limit=1000");
    if (!page.is_object() || page["changes"].empty()) return changes;
    for (auto& change : page["changes"]) changes.push_back(change);
    after = page["next_after"].get<int64_t>();
  }
}

std::string DaemonHarness::Log() const {
  std::ifstream in(log_path());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int CountFiles(const fs::path& folder) {
  std::error_code ec;
  int count = 0;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) ++count;
  }
  return count;
}

}  // namespace tributary::testing
