#include "gateway/mapping/line_writer.h"

#include <sys/uio.h>

#include <cerrno>
#include <cstring>

namespace tributary::mapping {

Status LineWriter::Add(std::string& line) {
  pending_bytes_ += line.size();
  pending_.emplace_back();
  pending_.back().swap(line);
  if (!spare_.empty()) {
    line.swap(spare_.back());
    spare_.pop_back();
  }
  if (pending_bytes_ >= kBatchBytes || pending_.size() >= kBatchLines) return Flush();
  return Ok();
}

Status LineWriter::Flush() {
  std::vector<iovec> parts;
  parts.reserve(pending_.size());
  for (std::string& line : pending_) parts.push_back({line.data(), line.size()});
  size_t first = 0;
  Status status = Ok();
  while (first < parts.size()) {
    const ssize_t written = ::writev(fd_, parts.data() + first, static_cast<int>(parts.size() - first));
    if (written < 0) {
      if (errno == EINTR) continue;
      status = Fail(ErrorCode::kIo, std::string("cannot write the output: ") + std::strerror(errno));
      break;
    }
    // A short write: skip what went out, resume inside the part it stopped in.
    auto left = static_cast<size_t>(written);
    while (first < parts.size() && left >= parts[first].iov_len) left -= parts[first++].iov_len;
    if (first < parts.size()) {
      parts[first].iov_base = static_cast<char*>(parts[first].iov_base) + left;
      parts[first].iov_len -= left;
    }
  }
  for (std::string& line : pending_) {
    line.clear();
    spare_.push_back(std::move(line));
  }
  pending_.clear();
  pending_bytes_ = 0;
  return status;
}

}  // namespace tributary::mapping
