// Runs the real `tributary` binary as a child process in a scratch folder, for
// end-to-end tests: writes its config, drops files, reads its admin API and its log.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"
#include "gateway/http/http_server.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait.h"

namespace tributary::testing {


struct HarnessOptions {
  std::string mode = "snapshot";
  std::optional<std::string> max_close_ratio = "0.2";
  std::optional<std::string> push_url;   // core.push.url; none = pull only
  std::string push_token = "core-secret";
  int batch_size = 500;
  std::string schedule = "200ms";
  std::string stable_for = "100ms";
  std::string notify_socket;  // NOTIFY_SOCKET for the daemon; "" = none
  std::string watchdog_usec;  // WATCHDOG_USEC for the daemon; "" = none
  // The list under `connectors:` (YAML, items indented by two spaces), replacing the
  // default directory connector. Relative paths resolve against root()/config.
  std::optional<std::string> connectors_yaml;
  // `admin.tls` (absolute paths): the admin API serves HTTPS, and the harness's requests
  // go to https://127.0.0.1:<port> through a client made with `admin_client`.
  std::optional<http::ServerTls> admin_tls;
  http::ClientOptions admin_client;  // e.g. the CA file, a client certificate
  // core.push.ca_file, client_cert_file, client_key_file ("" = left out).
  std::string push_ca_file;
  std::string push_client_cert_file;
  std::string push_client_key_file;
};

// One generic open-items row.
struct OpenItem {
  std::string account = "C001";
  std::string customer_name = "Dupont SA";
  std::string number;
  std::string type = "invoice";
  std::string issue_date = "2026-10-01";
  std::string due_date = "2026-10-31";
  std::string currency = "EUR";
  std::string total = "100.00";
  std::string open_amount = "100.00";
};

std::string OpenItemsCsv(const std::vector<OpenItem>& items);
// `count` invoices numbered INV-<n> spread over `customers` customers.
std::vector<OpenItem> GenerateOpenItems(int count, int customers, int first_number = 1);

class DaemonHarness {
 public:
  explicit DaemonHarness(HarnessOptions options);
  ~DaemonHarness();  // SIGKILLs a daemon still running

  const std::filesystem::path& root() const { return scratch_.path(); }
  std::filesystem::path drop_dir() const { return root() / "var/drop"; }
  std::filesystem::path archive_dir() const { return root() / "var/archive"; }
  std::filesystem::path error_dir() const { return root() / "var/error"; }
  std::filesystem::path config_path() const { return root() / "config/tributary.yaml"; }
  std::filesystem::path log_path() const { return root() / "daemon.log"; }

  // Starts the daemon and waits until /readyz answers 200.
  void Start();
  // Sends `signal` and waits for the exit; returns the exit status (or 128+signal).
  int StopWith(int signal);
  void Kill() { StopWith(9); }
  bool Running();
  pid_t pid() const { return pid_; }
  uint16_t admin_port() const { return admin_port_; }
  // "http(s)://127.0.0.1:<port><target>": the admin API's URL of `target`.
  std::string AdminUrl(const std::string& target) const;

  // Rewrites the config with `connectors_yaml` (as HarnessOptions::connectors_yaml) and
  // sends SIGHUP; the daemon reloads it.
  void Reconfigure(const std::string& connectors_yaml);

  // Writes `content` to root()/`name` readable by its owner only (a secret the config
  // names as ${file:PATH}); returns PATH.
  std::string SecretFile(const std::string& name, const std::string& content) const;

  // Writes a file atomically into the drop folder (temp name, then rename).
  void Drop(const std::string& name, const std::string& content);

  // GET/POST on the admin API; the body parsed as JSON.
  nlohmann::json Get(const std::string& target, int* status = nullptr);
  nlohmann::json Post(const std::string& target, int* status = nullptr);
  // POST of a JSON `body` (sent as given) with extra `headers` (e.g. Idempotency-Key).
  nlohmann::json PostJson(const std::string& target, const std::string& body, const http::Headers& headers,
                          int* status = nullptr);
  std::string GetText(const std::string& target);
  // Every change of the pull feed, following next_after.
  std::vector<nlohmann::json> AllChanges();

  std::string Log() const;

 private:
  void WriteConfig();

  HarnessOptions options_;
  TempDir scratch_;
  pid_t pid_ = -1;
  uint16_t admin_port_ = 0;
  std::unique_ptr<http::HttpClient> client_;
};

// Count of regular files in `folder` (0 when missing).
int CountFiles(const std::filesystem::path& folder);

}  // namespace tributary::testing
