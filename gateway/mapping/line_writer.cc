#include "gateway/mapping/line_writer.h"

#include <cerrno>
#include <cstring>

namespace tributary::mapping {

Status LineWriter::Add(std::string& line) {
  pending_bytes_ += line.size();
  if (pending_ == slots_.size()) slots_.emplace_back();
  slots_[pending_++].swap(line);
  if (pending_bytes_ >= kBatchBytes || pending_ >= kBatchLines) return Flush();
  return Ok();
}

Status LineWriter::Flush() {
  std::vector<iovec>& parts = parts_;
  parts.clear();
  for (size_t i = 0; i < pending_; ++i) parts.push_back({slots_[i].data(), slots_[i].size()});
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
  for (size_t i = 0; i < pending_; ++i) slots_[i].clear();
  pending_ = 0;
  pending_bytes_ = 0;
  return status;
}

}  // namespace tributary::mapping
