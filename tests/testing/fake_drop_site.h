// An in-memory DropSite (connectors/common/drop_site.h) for unit tests of the picking
// loop: files and folders in maps, resolved like a real server would (".." and "."
// components are honoured, so a path built from a hostile name really escapes), with
// failure injection and a record of every path touched. Not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/common/drop_site.h"

namespace tributary::testing {

class FakeDropSite final : public connectors::DropSite {
 public:
  // `shares_local_clock`: what SharesLocalClock() answers (true = behaves like a local
  // folder for the completeness rule; false = like an SFTP server).
  explicit FakeDropSite(bool shares_local_clock = false) : shares_local_clock_(shares_local_clock) {}

  // --- the server's content, as the ERP would write it ------------------------------
  // Adds or replaces a file; its folders are created.
  void PutFile(const std::string& path, std::string content, std::chrono::system_clock::time_point mtime);
  void MakeFolder(const std::string& path);
  void RemoveFolder(const std::string& path);  // and everything below it
  [[nodiscard]] bool Exists(const std::string& path) const;
  [[nodiscard]] bool IsFolder(const std::string& path) const;
  [[nodiscard]] std::string Content(const std::string& path) const;  // "" when absent
  // Every file path, sorted.
  [[nodiscard]] std::vector<std::string> Files() const;

  // --- hostile or failing behaviour -------------------------------------------------
  // Entries List(dir) returns in addition to the real ones (names are sent as given).
  void ListExtra(const std::string& dir, connectors::DropEntry entry);
  // The next `count` calls fail with `code` (and a message naming the path).
  void FailRenames(int count, ErrorCode code = ErrorCode::kRejected) { fail_renames_ = {count, code}; }
  void FailRemoves(int count, ErrorCode code = ErrorCode::kRejected) { fail_removes_ = {count, code}; }
  void FailMakeDirs(int count, ErrorCode code = ErrorCode::kRejected) { fail_mkdirs_ = {count, code}; }
  // Listing `dir` fails with `code` until cleared with std::nullopt.
  void FailList(const std::string& dir, std::optional<ErrorCode> code);
  // The next reader opened drops the connection (kUnavailable) once it has returned
  // `bytes` bytes.
  void DropNextReadAfter(int64_t bytes) { drop_read_after_ = bytes; }
  // Runs `hook` once, when the next reader is opened (before it returns a byte).
  void OnNextOpen(std::function<void()> hook) { on_next_open_ = std::move(hook); }
  // Reads of `path` are refused (kRejected, like permission denied).
  void RefuseReads(const std::string& path) { refused_reads_.insert(Resolve(path)); }

  // --- observations -------------------------------------------------------------------
  // Every path a method was asked about, resolved, in call order.
  [[nodiscard]] const std::vector<std::string>& touched() const { return touched_; }
  [[nodiscard]] int opened_reads() const { return opened_reads_; }

  // --- DropSite -----------------------------------------------------------------------
  Result<std::vector<connectors::DropEntry>> List(const std::string& dir) override;
  Result<connectors::DropEntry> Stat(const std::string& path) override;
  Result<std::unique_ptr<connectors::DropReader>> OpenRead(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status Remove(const std::string& path) override;
  Status MakeDir(const std::string& dir) override;
  Status WriteFile(const std::string& path, const std::string& content) override;
  [[nodiscard]] bool SharesLocalClock() const override { return shares_local_clock_; }

 private:
  struct File {
    std::string content;
    std::chrono::system_clock::time_point mtime;
  };
  struct Failures {
    int count = 0;
    ErrorCode code = ErrorCode::kRejected;
  };
  static std::string Resolve(const std::string& path);
  static std::string Parent(const std::string& path);
  static std::string BaseName(const std::string& path);
  std::optional<Error> Injected(Failures& failures, const std::string& what);
  std::string Touch(const std::string& path);

  bool shares_local_clock_;
  std::map<std::string, File> files_;
  std::set<std::string> folders_ = {"/"};
  std::map<std::string, std::vector<connectors::DropEntry>> extra_;
  std::map<std::string, ErrorCode> failing_lists_;
  std::set<std::string> refused_reads_;
  Failures fail_renames_, fail_removes_, fail_mkdirs_;
  std::optional<int64_t> drop_read_after_;
  std::function<void()> on_next_open_;
  std::vector<std::string> touched_;
  int opened_reads_ = 0;
};

}  // namespace tributary::testing
