#include "connectors/directory/drop_folder.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include <openssl/evp.h>

#include "gateway/common/time_format.h"

namespace tributary::connectors::directory {
namespace fs = std::filesystem;

namespace {

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<std::vector<DroppedFile>> ListDroppedFiles(const fs::path& folder, const std::string& done_suffix) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot list " + folder.string() + ": " + ec.message());
  std::vector<DroppedFile> files;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return Fail(ErrorCode::kIo, "cannot list " + folder.string() + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || EndsWith(name, done_suffix) || EndsWith(name, ".reason")) continue;
    std::error_code stat_ec;
    if (!entry.is_regular_file(stat_ec)) continue;
    DroppedFile file;
    file.path = entry.path();
    file.name = name;
    file.size = static_cast<int64_t>(entry.file_size(stat_ec));
    file.mtime = entry.last_write_time(stat_ec);
    if (stat_ec) continue;  // vanished meanwhile
    file.has_done_marker = fs::exists(folder / (name + done_suffix), stat_ec);
    files.push_back(std::move(file));
  }
  std::sort(files.begin(), files.end(), [](const DroppedFile& a, const DroppedFile& b) {
    return a.mtime != b.mtime ? a.mtime < b.mtime : a.name < b.name;
  });
  return files;
}

bool LooksComplete(const DroppedFile& file, std::chrono::milliseconds stable_for) {
  if (file.has_done_marker) return true;
  return fs::file_time_type::clock::now() - file.mtime >= stable_for;
}

bool Unchanged(const DroppedFile& file) {
  std::error_code ec;
  auto size = fs::file_size(file.path, ec);
  if (ec) return false;
  auto mtime = fs::last_write_time(file.path, ec);
  return !ec && static_cast<int64_t>(size) == file.size && mtime == file.mtime;
}

Result<std::string> HashFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(ErrorCode::kIo, "cannot open " + path.string());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 16);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return Fail(ErrorCode::kIo, "cannot read " + path.string());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

Result<fs::path> MoveInto(const fs::path& file, const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create " + folder.string() + ": " + ec.message());
  fs::path target = folder / file.filename();
  for (int n = 1; fs::exists(target, ec); ++n) {
    target = folder / (file.filename().string() + "." + std::to_string(n));
  }
  fs::rename(file, target, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot move " + file.string() + " to " + target.string() + ": " + ec.message());
  return target;
}

Status WriteReason(const fs::path& moved_file, const std::string& reason) {
  fs::path reason_path = moved_file;
  reason_path += ".reason";
  std::ofstream out(reason_path, std::ios::trunc);
  out << reason << '\n';
  if (!out) return Fail(ErrorCode::kIo, "cannot write " + reason_path.string());
  return Ok();
}

std::string FormatMtime(fs::file_time_type mtime) {
  return FormatRfc3339(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
      std::chrono::file_clock::to_sys(mtime)));
}

}  // namespace tributary::connectors::directory
