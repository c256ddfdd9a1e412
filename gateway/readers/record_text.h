// Small pieces the line-based readers (csv, fixed_width) share: decoding the fields a
// mapping reads to UTF-8 without allocating in steady state, the bounded display text of
// a record for rejects, and the `skip_patterns` test. Not thread-safe (buffers).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/readers/encoding.h"
#include "gateway/readers/reader_options.h"

namespace tributary::readers {

// The most of a record's text kept for a reject.
inline constexpr size_t kMaxRawBytes = 4096;

// `text` cut to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view text, size_t max);

class FieldDecoder {
 public:
  explicit FieldDecoder(Encoding encoding) : encoding_(encoding) {}

  // Starts a record whose decoded fields total at most `input_bytes` input bytes: views
  // returned until the next Reset stay valid (the buffer never grows past its reserve).
  void Reset(size_t input_bytes);
  // `bytes` as UTF-8 into `out`: the bytes themselves when they are ASCII or valid UTF-8
  // in a utf-8 input, else a view of the buffer. False on a bad byte: error() then names
  // the byte and its position. (No Result<>: this runs for every field of every record.)
  bool Decode(std::string_view bytes, std::string_view& out);
  [[nodiscard]] const std::string& error() const { return error_; }

  // The record's raw text for rejects, as UTF-8, at most kMaxRawBytes: undecodable bytes
  // shown as \xNN. Valid until the next call. `ascii`: the caller knows `raw` is ASCII
  // (IsAscii), which every encoding reads as itself.
  std::string_view Display(std::string_view raw, bool ascii = false);

  [[nodiscard]] Encoding encoding() const { return encoding_; }

 private:
  Encoding encoding_;
  std::string buffer_;
  std::string display_;
  std::string error_;
};

// True when `text` matches one of `patterns` (the pre-check first, then the regex).
bool MatchesSkipPattern(const std::vector<SkipPattern>& patterns, std::string_view text);

}  // namespace tributary::readers
