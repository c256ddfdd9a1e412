#include "gateway/mapping/line_writer.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tributary::mapping {

Status LineWriter::Add(std::string& line) {
  if (block_.capacity() < kBatchBytes) block_.reserve(2 * kBatchBytes);
  block_.append(line);
  line.clear();
  if (block_.size() >= kBatchBytes) return Flush();
  return Ok();
}

Status LineWriter::Flush() {
  size_t done = 0;
  Status status = Ok();
  while (done < block_.size()) {
    const ssize_t written = ::write(fd_, block_.data() + done, block_.size() - done);
    if (written < 0) {
      if (errno == EINTR) continue;
      status = Fail(ErrorCode::kIo, std::string("cannot write the output: ") + std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(written);  // a short write: the rest goes next
  }
  block_.clear();
  return status;
}

}  // namespace tributary::mapping
