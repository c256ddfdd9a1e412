// Stream buffers that sit between an input stream and a reader: one replays a sample that
// was read ahead (for encoding and delimiter detection) and then continues with the rest
// of the source; one transcodes UTF-16 to UTF-8 on the fly. Neither is thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <streambuf>
#include <string>

#include "gateway/common/result.h"

namespace tributary::readers {

// Serves `sample` first, then the remaining bytes of `source` (which must outlive it).
class SampleReplayBuffer : public std::streambuf {
 public:
  SampleReplayBuffer(std::string sample, std::istream& source);
  // Bytes taken from the source so far (the sample included).
  [[nodiscard]] int64_t bytes_read() const { return bytes_read_; }
  // True when the source failed (not merely ended).
  [[nodiscard]] bool source_failed() const { return source_.bad(); }

 protected:
  int_type underflow() override;
  std::streamsize xsgetn(char* out, std::streamsize count) override;

 private:
  std::string sample_;
  bool sample_served_ = false;
  std::istream& source_;
  std::string buffer_;
  int64_t bytes_read_ = 0;
};

// Reads UTF-16 (little- or big-endian) from `upstream` and serves UTF-8. A byte-order
// mark at the very start is dropped. An unpaired surrogate or an odd number of bytes ends
// the stream early with error() set (never a replacement character).
class Utf16ToUtf8Buffer : public std::streambuf {
 public:
  Utf16ToUtf8Buffer(std::streambuf& upstream, bool little_endian);
  // The problem that ended the stream, naming the byte offset in the UTF-16 input.
  [[nodiscard]] const std::optional<Error>& error() const { return error_; }

 protected:
  int_type underflow() override;

 private:
  std::streambuf& upstream_;
  bool little_endian_;
  bool started_ = false;
  std::string in_;       // raw bytes, a carried-over partial unit at the front
  std::string out_;      // UTF-8 served to the reader
  int64_t offset_ = 0;   // offset of in_[0] in the UTF-16 input
  std::optional<Error> error_;
};

// Transcodes a complete UTF-16 text (a sample) to UTF-8; a leading BOM is dropped. Stops
// at the first malformed unit: `out` then holds what came before and the result names it.
// When `partial_end` is true a unit cut by the end of `bytes` is not an error.
Status Utf16ToUtf8(std::string_view bytes, bool little_endian, bool partial_end, std::string& out);

}  // namespace tributary::readers
