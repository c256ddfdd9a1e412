#include "gateway/readers/line_reader.h"

#include <algorithm>
#include <cstring>

namespace tributary::readers {

LineReader::LineReader(std::istream& input, size_t max_line_bytes, size_t chunk_size)
    : input_(input), max_line_bytes_(std::max<size_t>(max_line_bytes, 1)) {
  chunk_.resize(std::max<size_t>(chunk_size, 16));
}

bool LineReader::Fill() {
  if (eof_) return false;
  input_.read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
  const auto count = static_cast<size_t>(input_.gcount());
  if (count < chunk_.size()) eof_ = true;
  pos_ = 0;
  end_ = count;
  return count > 0;
}

Result<bool> LineReader::Next(Line& line) {
  line_.clear();
  line.too_long = false;
  bool any = false;  // a byte (or line break) of this line was seen
  while (true) {
    if (pos_ == end_ && !Fill()) {
      if (input_.bad()) return Fail(ErrorCode::kIo, "read error on the input stream");
      if (!any) return false;
      break;
    }
    if (after_cr_) {
      after_cr_ = false;
      if (chunk_[pos_] == '\n') {
        ++pos_;
        continue;
      }
    }
    const char* begin = chunk_.data() + pos_;
    const char* end = chunk_.data() + end_;
    const char* stop = begin;
    while (stop < end && *stop != '\n' && *stop != '\r') ++stop;
    any = true;
    const size_t room = max_line_bytes_ - std::min(line_.size(), max_line_bytes_);
    const auto run = static_cast<size_t>(stop - begin);
    if (run > room) line.too_long = true;
    line_.append(begin, std::min(run, room));
    pos_ += run;
    if (stop < end) {
      after_cr_ = *stop == '\r';
      ++pos_;
      break;
    }
  }
  line.number = ++number_;
  line.text = line_;
  return true;
}

}  // namespace tributary::readers
