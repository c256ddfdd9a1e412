// Physical lines of a stream, in fixed-size chunks, with constant memory: the base of the
// fixed_width and json_lines readers. Line breaks are CR, LF or CRLF. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::readers {

struct Line {
  int64_t number = 0;      // 1-based
  std::string_view text;   // without the line break; valid until the next Next()
  bool too_long = false;   // the line was longer than max_line_bytes: `text` is its start
};

class LineReader {
 public:
  // `input` must outlive the reader.
  LineReader(std::istream& input, size_t max_line_bytes, size_t chunk_size = 64 * 1024);

  // The next line (empty lines included); false at the end of the input. An error is a
  // failure of the stream. A last line without a line break is still a line.
  Result<bool> Next(Line& line);

 private:
  bool Fill();

  std::istream& input_;
  size_t max_line_bytes_;
  std::string chunk_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool after_cr_ = false;  // the previous line ended with CR: a leading LF belongs to it
  int64_t number_ = 0;
  std::string line_;
};

}  // namespace tributary::readers
