// The file sources of the conformance suite: a local drop folder (`directory`) and an SFTP
// server (`sftp`). Both receive snapshot files of the generic open-items format, so a
// receivable missing from the newest file is closed by absence.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/integration/conformance/source_remote.h"
#include "tests/testing/sftp_server.h"

namespace tributary::testing::conformance {
namespace {

namespace fs = std::filesystem;

const char* const kFileRule =
    "    files:\n      - pattern: \"open_items*.csv\"\n        mapping: ../mappings/generic/open_items.yaml\n"
    "        mode: snapshot\n";

// What both file remotes share: the receivables of the next snapshot, and its text.
class SnapshotRemote : public SourceRemote {
 public:
  void Put(const std::string& number, const std::string& amount) override { amounts_[number] = amount; }
  void Remove(const std::string& number) override { amounts_.erase(number); }
  std::string KeyOf(const std::string& number) override { return "src:receivable:FR01-" + number; }
  std::string DeletedLifecycle() override { return "closed_by_absence"; }

 protected:
  // The next file's name and content.
  std::pair<std::string, std::string> NextSnapshot() {
    std::vector<OpenItem> items;
    for (const auto& [number, amount] : amounts_) {
      items.push_back(OpenItem{.number = number, .total = amount, .open_amount = amount});
    }
    return {"open_items_" + std::to_string(++files_) + ".csv", OpenItemsCsv(items)};
  }

 private:
  std::map<std::string, std::string> amounts_;
  int files_ = 0;
};

class DirectoryRemote final : public SnapshotRemote {
 public:
  std::string ConnectorsYaml(DaemonHarness& daemon) override {
    daemon_ = &daemon;
    return std::string("  - name: src\n    type: directory\n    schedule: 200ms\n    legal_entity: FR01\n"
                       "    directory: {path: ../var/drop, archive_dir: ../var/archive, error_dir: ../var/error, "
                       "stable_for: 100ms}\n") +
           kFileRule;
  }
  void Publish() override {
    auto [name, content] = NextSnapshot();
    daemon_->Drop(name, content);
  }
  // The drop folder becomes a plain file: every listing fails.
  void Break() override {
    fs::rename(daemon_->drop_dir(), daemon_->root() / "var/drop.away");
    std::ofstream(daemon_->drop_dir()) << "not a folder";
  }
  void Repair() override {
    fs::remove(daemon_->drop_dir());
    fs::rename(daemon_->root() / "var/drop.away", daemon_->drop_dir());
  }

 private:
  DaemonHarness* daemon_ = nullptr;
};

class SftpRemote final : public SnapshotRemote {
 public:
  SftpRemote() { started_ = server_.Start(); }
  std::string ConnectorsYaml(DaemonHarness&) override {
    std::ostringstream yaml;
    yaml << "  - name: src\n    type: sftp\n    schedule: 200ms\n    legal_entity: FR01\n"
         << "    sftp:\n      host: 127.0.0.1\n      port: " << server_.port() << "\n      username: sftptest\n"
         << "      private_key_file: " << server_.client_key().string()
         << "\n      known_hosts_file: " << server_.known_hosts().string()
         << "\n      remote_dir: /data\n      archive_dir: /data/archive\n      error_dir: /data/error\n"
         << "      stable_for: 100ms\n      timeout: 5s\n"
         << kFileRule;
    return yaml.str();
  }
  void Publish() override {
    auto [name, content] = NextSnapshot();
    server_.Put(name, content);
  }
  // The server and its open sessions die (a plain stop would leave the connector's open
  // session serving).
  void Break() override { server_.Crash(); }
  void Repair() override { server_.Start(); }
  bool started() const { return started_; }

 private:
  SftpServer server_;
  bool started_ = false;
};

}  // namespace

std::unique_ptr<SourceRemote> MakeDirectoryRemote() { return std::make_unique<DirectoryRemote>(); }
std::unique_ptr<SourceRemote> MakeSftpRemote() { return std::make_unique<SftpRemote>(); }

}  // namespace tributary::testing::conformance
