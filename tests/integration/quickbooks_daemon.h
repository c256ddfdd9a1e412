// What the QuickBooks end-to-end tests share: the real daemon (DaemonHarness) configured
// with a quickbooks connector pointing at the QuickBooks double, pushing to the fake core;
// `tributary auth` run as a child process with its stdin and stdout on pipes.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/store/store.h"
#include "tests/integration/daemon_harness.h"
#include "tests/testing/fake_core.h"
#include "tests/testing/quickbooks_double.h"

namespace tributary::testing::qbo_e2e {

inline constexpr const char* kRealm = "9130357785543026";
inline constexpr const char* kVerifier = "verifier-token-of-the-app";

struct QuickBooksSetup {
  std::string schedule = "1s";
  int page_size = 1000;
  std::string extra;  // more lines of the quickbooks: section (4 spaces indented)
};

// Writes the daemon's config: the admin API on the harness's port, push to `core`, one
// quickbooks connector "qbo" on `qbo`.
inline void WriteQuickBooksConfig(DaemonHarness& daemon, const FakeCore& core, const QuickBooksDouble& qbo,
                                  const QuickBooksSetup& setup = {}) {
  std::ostringstream yaml;
  yaml << "tenant: acme\nstate: sqlite:../var/tributary.db\n"
       << "admin: {listen: 127.0.0.1:" << daemon.admin_port() << "}\n"
       << "log: {level: info, format: text}\n"
       << "core:\n  push:\n    url: " << core.base_url() << "\n    token: " << core.token()
       << "\n    batch_size: 100\n    max_backoff: 1s\n"
       << "connectors:\n"
       << "  - name: qbo\n    type: quickbooks\n    schedule: " << setup.schedule << "\n    legal_entity: US01\n"
       << "    quickbooks:\n"
       << "      realm_id: \"" << kRealm << "\"\n"
       << "      client_id: " << qbo.options().client_id << "\n"
       << "      client_secret: " << qbo.options().client_secret << "\n"
       << "      redirect_uri: http://127.0.0.1:" << daemon.admin_port() << "/oauth/callback\n"
       << "      base_url: " << qbo.base_url() << "\n"
       << "      token_url: " << qbo.token_url() << "\n"
       << "      authorize_url: " << qbo.authorize_url() << "\n"
       << "      webhook_verifier_token: " << kVerifier << "\n"
       << "      mappings_dir: " << TRIBUTARY_SOURCE_DIR << "/mappings/quickbooks\n"
       << "      page_size: " << setup.page_size << "\n"
       << "      backoff: 20ms\n      max_backoff: 200ms\n      max_attempts: 20\n"
       << setup.extra;
  std::ofstream(daemon.config_path(), std::ios::trunc) << yaml.str();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `tributary auth quickbooks --config … --connector qbo` interactively: reads its output
// until the authorization URL, lets `consent` turn that URL into the redirect address (as a
// browser would), types it on stdin, and waits for the exit.
template <typename Consent>
CommandResult RunAuthInteractively(const DaemonHarness& daemon, Consent consent) {
  int in_pipe[2], out_pipe[2];
  if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return {};
  pid_t child = fork();
  if (child == 0) {
    dup2(in_pipe[0], STDIN_FILENO);
    dup2(out_pipe[1], STDOUT_FILENO);
    dup2(out_pipe[1], STDERR_FILENO);
    close(in_pipe[1]);
    close(out_pipe[0]);
    execl(TRIBUTARY_BINARY, TRIBUTARY_BINARY, "auth", "quickbooks", "--config", daemon.config_path().c_str(),
          "--connector", "qbo", nullptr);
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  CommandResult result;
  char buffer[4096];
  bool typed = false;
  while (true) {
    ssize_t got = read(out_pipe[0], buffer, sizeof buffer);
    if (got <= 0) break;
    result.output.append(buffer, static_cast<size_t>(got));
    const size_t url = result.output.find("  http");
    if (!typed && url != std::string::npos && result.output.find("> ", url) != std::string::npos) {
      const size_t end = result.output.find('\n', url);
      std::string line = consent(result.output.substr(url + 2, end - url - 2)) + "\n";
      (void)!write(in_pipe[1], line.data(), line.size());
      typed = true;
    }
  }
  close(in_pipe[1]);
  close(out_pipe[0]);
  int status = 0;
  waitpid(child, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The daemon's store, read from the test (WAL lets a reader in beside the daemon).
inline std::unique_ptr<store::Store> OpenDaemonStore(const DaemonHarness& daemon) {
  auto store = store::Store::Open((daemon.root() / "var/tributary.db").string());
  return store ? std::move(*store) : nullptr;
}

inline nlohmann::json ConnectorStatus(DaemonHarness& daemon, const std::string& name = "qbo") {
  auto list = daemon.Get("/v1/connectors");
  if (!list.is_object()) return nullptr;
  for (const auto& connector : list["connectors"]) {
    if (connector["name"] == name) return connector;
  }
  return nullptr;
}

// What every end-to-end QuickBooks test starts from: a fake core, the QuickBooks double with
// the company kRealm, and a daemon harness, neither configured nor started.
class QuickBooksEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto core = FakeCore::Start();
    ASSERT_TRUE(core.has_value()) << core.error().message;
    core_ = std::move(*core);
    auto qbo = QuickBooksDouble::Start();
    ASSERT_TRUE(qbo.has_value()) << qbo.error().message;
    qbo_ = std::move(*qbo);
    qbo_->AddRealm(kRealm);
    daemon_ = std::make_unique<DaemonHarness>(HarnessOptions{});
  }

  std::unique_ptr<FakeCore> core_;
  std::unique_ptr<QuickBooksDouble> qbo_;
  std::unique_ptr<DaemonHarness> daemon_;
};

}  // namespace tributary::testing::qbo_e2e
