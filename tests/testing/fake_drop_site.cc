#include "tests/testing/fake_drop_site.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <memory>

namespace tributary::testing {
namespace {

using connectors::DropEntry;
using connectors::DropEntryKind;

class FakeReader final : public connectors::DropReader {
 public:
  FakeReader(std::string content, std::optional<int64_t> drop_after, std::string path)
      : content_(std::move(content)), drop_after_(drop_after), path_(std::move(path)) {}

  Result<size_t> Read(std::span<char> buffer) override {
    size_t limit = content_.size();
    if (drop_after_ && static_cast<size_t>(*drop_after_) < limit) {
      if (offset_ >= static_cast<size_t>(*drop_after_)) {
        return Fail(ErrorCode::kUnavailable, "download of " + path_ + " interrupted: connection dropped");
      }
      limit = static_cast<size_t>(*drop_after_);
    }
    size_t count = std::min(buffer.size(), limit - offset_);
    std::memcpy(buffer.data(), content_.data() + offset_, count);
    offset_ += count;
    return count;
  }

 private:
  std::string content_;
  std::optional<int64_t> drop_after_;
  std::string path_;
  size_t offset_ = 0;
};

}  // namespace

std::string FakeDropSite::Resolve(const std::string& path) {
  std::string resolved = std::filesystem::path("/" + path).lexically_normal().generic_string();
  while (resolved.size() > 1 && resolved.ends_with('/')) resolved.pop_back();
  return resolved;
}

std::string FakeDropSite::Parent(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string FakeDropSite::BaseName(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

std::string FakeDropSite::Touch(const std::string& path) {
  std::string resolved = Resolve(path);
  touched_.push_back(resolved);
  return resolved;
}

std::optional<Error> FakeDropSite::Injected(Failures& failures, const std::string& what) {
  if (failures.count <= 0) return std::nullopt;
  --failures.count;
  return Error{failures.code, what + ": injected failure"};
}

void FakeDropSite::PutFile(const std::string& path, std::string content, std::chrono::system_clock::time_point mtime) {
  std::string resolved = Resolve(path);
  MakeFolder(Parent(resolved));
  files_[resolved] = File{std::move(content), mtime};
}

void FakeDropSite::MakeFolder(const std::string& path) {
  for (std::string folder = Resolve(path); folders_.insert(folder).second; folder = Parent(folder)) {
  }
}

void FakeDropSite::RemoveFolder(const std::string& path) {
  std::string prefix = Resolve(path);
  std::erase_if(files_, [&](const auto& item) { return item.first.starts_with(prefix + "/"); });
  std::erase_if(folders_, [&](const std::string& folder) { return folder == prefix || folder.starts_with(prefix + "/"); });
}

bool FakeDropSite::Exists(const std::string& path) const {
  std::string resolved = Resolve(path);
  return files_.contains(resolved) || folders_.contains(resolved);
}

bool FakeDropSite::IsFolder(const std::string& path) const { return folders_.contains(Resolve(path)); }

std::string FakeDropSite::Content(const std::string& path) const {
  auto found = files_.find(Resolve(path));
  return found == files_.end() ? "" : found->second.content;
}

std::vector<std::string> FakeDropSite::Files() const {
  std::vector<std::string> paths;
  for (const auto& [path, file] : files_) paths.push_back(path);
  return paths;
}

void FakeDropSite::ListExtra(const std::string& dir, DropEntry entry) { extra_[Resolve(dir)].push_back(std::move(entry)); }

void FakeDropSite::FailList(const std::string& dir, std::optional<ErrorCode> code) {
  if (code) {
    failing_lists_[Resolve(dir)] = *code;
  } else {
    failing_lists_.erase(Resolve(dir));
  }
}

Result<std::vector<DropEntry>> FakeDropSite::List(const std::string& dir) {
  std::string resolved = Touch(dir);
  if (auto failing = failing_lists_.find(resolved); failing != failing_lists_.end()) {
    return Fail(failing->second, "cannot list remote folder " + dir + ": injected failure");
  }
  if (!folders_.contains(resolved)) return Fail(ErrorCode::kNotFound, "cannot list remote folder " + dir + ": no such file or directory");
  std::vector<DropEntry> entries;
  for (const auto& [path, file] : files_) {
    if (Parent(path) != resolved) continue;
    entries.push_back(DropEntry{.name = BaseName(path),
                                .kind = DropEntryKind::kFile,
                                .size = static_cast<int64_t>(file.content.size()),
                                .mtime = file.mtime});
  }
  for (const std::string& folder : folders_) {
    if (folder == "/" || Parent(folder) != resolved) continue;
    entries.push_back(DropEntry{.name = BaseName(folder), .kind = DropEntryKind::kDirectory});
  }
  if (auto extra = extra_.find(resolved); extra != extra_.end()) {
    entries.insert(entries.end(), extra->second.begin(), extra->second.end());
  }
  return entries;
}

Result<DropEntry> FakeDropSite::Stat(const std::string& path) {
  std::string resolved = Touch(path);
  if (auto file = files_.find(resolved); file != files_.end()) {
    return DropEntry{.name = BaseName(resolved),
                     .kind = DropEntryKind::kFile,
                     .size = static_cast<int64_t>(file->second.content.size()),
                     .mtime = file->second.mtime};
  }
  if (folders_.contains(resolved)) return DropEntry{.name = BaseName(resolved), .kind = DropEntryKind::kDirectory};
  return Fail(ErrorCode::kNotFound, "cannot stat " + path + ": no such file or directory");
}

Result<std::unique_ptr<connectors::DropReader>> FakeDropSite::OpenRead(const std::string& path) {
  std::string resolved = Touch(path);
  if (refused_reads_.contains(resolved)) return Fail(ErrorCode::kRejected, "cannot open " + path + ": permission denied");
  auto file = files_.find(resolved);
  if (file == files_.end()) return Fail(ErrorCode::kNotFound, "cannot open " + path + ": no such file or directory");
  ++opened_reads_;
  if (on_next_open_) std::exchange(on_next_open_, nullptr)();
  std::optional<int64_t> drop_after = std::exchange(drop_read_after_, std::nullopt);
  return std::make_unique<FakeReader>(file->second.content, drop_after, path);
}

Status FakeDropSite::Rename(const std::string& from, const std::string& to) {
  std::string source = Touch(from);
  std::string target = Touch(to);
  if (auto error = Injected(fail_renames_, "cannot move " + from + " to " + to)) return std::unexpected(*error);
  auto file = files_.find(source);
  if (file == files_.end()) return Fail(ErrorCode::kNotFound, "cannot move " + from + ": no such file or directory");
  if (files_.contains(target) || folders_.contains(target)) {
    return Fail(ErrorCode::kRejected, "cannot move " + from + " to " + to + ": failure (e.g. the target exists)");
  }
  if (!folders_.contains(Parent(target))) return Fail(ErrorCode::kNotFound, "cannot move " + from + " to " + to + ": no such path");
  files_[target] = std::move(file->second);
  files_.erase(source);
  return Ok();
}

Status FakeDropSite::Remove(const std::string& path) {
  std::string resolved = Touch(path);
  if (auto error = Injected(fail_removes_, "cannot delete " + path)) return std::unexpected(*error);
  if (files_.erase(resolved) == 0) return Fail(ErrorCode::kNotFound, "cannot delete " + path + ": no such file or directory");
  return Ok();
}

Status FakeDropSite::MakeDir(const std::string& dir) {
  std::string resolved = Touch(dir);
  if (auto error = Injected(fail_mkdirs_, "cannot create remote folder " + dir)) return std::unexpected(*error);
  if (folders_.contains(resolved)) return Ok();
  if (!folders_.contains(Parent(resolved))) return Fail(ErrorCode::kNotFound, "cannot create remote folder " + dir + ": no such path");
  folders_.insert(resolved);
  return Ok();
}

Status FakeDropSite::WriteFile(const std::string& path, const std::string& content) {
  std::string resolved = Touch(path);
  if (!folders_.contains(Parent(resolved))) return Fail(ErrorCode::kNotFound, "cannot create " + path + ": no such path");
  files_[resolved] = File{content, std::chrono::system_clock::now()};
  return Ok();
}

}  // namespace tributary::testing
