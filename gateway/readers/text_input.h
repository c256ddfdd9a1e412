// The bytes of one input made ready for a reader: the declared or detected encoding is
// settled from a sample of the start, a byte-order mark is dropped, UTF-16 is transcoded
// to UTF-8 on the fly. The sample is replayed, so the source is read once, in order, and
// need not be seekable. Not thread-safe; one per input.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/readers/encoding.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/stream_buffers.h"

namespace tributary::readers {

class TextInput {
 public:
  // The sample is 64 KiB, extended up to 1 MiB while it is pure ASCII (so that a file
  // whose first accented character comes late is still detected from real evidence).
  static constexpr size_t kSampleBytes = 64 * 1024;
  static constexpr size_t kMaxSampleBytes = 1024 * 1024;

  // `source` must outlive this object.
  TextInput(std::istream& source, InputEncoding encoding);

  // Reads the sample and settles the encoding. A declared utf-8 or one-byte encoding gives
  // way to UTF-16 when the sample has its NUL pattern (DetectUtf16WithoutBom; info() then
  // says detected, confidence 90). Errors: an encoding that cannot be detected, `utf-16`
  // declared without a byte-order mark, a read failure.
  Status Start();

  // The text to parse, in field_encoding() (UTF-8 after UTF-16 transcoding).
  std::istream& stream() { return *stream_; }
  // How the bytes of stream() decode to UTF-8 (for kDocument: utf-8, untouched).
  [[nodiscard]] Encoding field_encoding() const { return field_encoding_; }
  // The start of stream() (after the BOM, transcoded), for sniffing (delimiters).
  [[nodiscard]] std::string_view head() const { return head_; }
  [[nodiscard]] const ReadInfo& info() const { return info_; }
  // Appended to decoding errors: " (reader.encoding is utf-8)",
  // " (reader.encoding is auto: detected utf-8 with 1 invalid byte, confidence 88)".
  [[nodiscard]] const std::string& encoding_note() const { return encoding_note_; }
  [[nodiscard]] int64_t bytes_read() const { return replay_ ? replay_->bytes_read() : 0; }
  // Why stream() ended early (invalid UTF-16, a failing source); nullopt at a normal end.
  [[nodiscard]] std::optional<Error> StreamError() const;

 private:
  Status ReadSample(std::string& sample, bool& whole_input);
  Status Settle(InputEncoding encoding, std::string& sample, size_t bom_bytes);

  std::istream& source_;
  InputEncoding declared_;
  Encoding field_encoding_ = Encoding::kUtf8;
  std::string head_;
  ReadInfo info_;
  std::string encoding_note_;
  std::unique_ptr<SampleReplayBuffer> replay_;
  std::unique_ptr<Utf16ToUtf8Buffer> utf16_;
  std::unique_ptr<std::istream> stream_;
};

}  // namespace tributary::readers
