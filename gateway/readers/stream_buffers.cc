#include "gateway/readers/stream_buffers.h"

#include <algorithm>
#include <cstring>

#include "gateway/readers/encoding.h"

namespace tributary::readers {
namespace {

constexpr size_t kBufferSize = 64 * 1024;

char16_t Unit(const char* p, bool little_endian) {
  const auto b0 = static_cast<unsigned char>(p[0]);
  const auto b1 = static_cast<unsigned char>(p[1]);
  return little_endian ? static_cast<char16_t>(b0 | (b1 << 8)) : static_cast<char16_t>((b0 << 8) | b1);
}

// Transcodes whole code points of `bytes`; returns how many bytes were used. A unit or
// surrogate pair cut by the end is left unused. Sets `error` on a malformed unit.
size_t TranscodeUtf16(std::string_view bytes, bool little_endian, int64_t base_offset, std::string& out,
                      std::optional<Error>& error) {
  size_t i = 0;
  while (i + 2 <= bytes.size()) {
    const char16_t unit = Unit(bytes.data() + i, little_endian);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      if (i + 4 > bytes.size()) break;  // wait for the low surrogate
      const char16_t low = Unit(bytes.data() + i + 2, little_endian);
      if (low < 0xDC00 || low > 0xDFFF) {
        error = Error{ErrorCode::kParse, "invalid UTF-16: high surrogate without a low surrogate at byte " +
                                             std::to_string(base_offset + static_cast<int64_t>(i) + 1)};
        return i;
      }
      AppendUtf8CodePoint(0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10) + (low - 0xDC00), out);
      i += 4;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      error = Error{ErrorCode::kParse, "invalid UTF-16: low surrogate without a high surrogate at byte " +
                                           std::to_string(base_offset + static_cast<int64_t>(i) + 1)};
      return i;
    } else {
      AppendUtf8CodePoint(unit, out);
      i += 2;
    }
  }
  return i;
}

bool HasBom(std::string_view bytes, bool little_endian) {
  return bytes.size() >= 2 && bytes.starts_with(little_endian ? "\xFF\xFE" : "\xFE\xFF");
}

}  // namespace

SampleReplayBuffer::SampleReplayBuffer(std::string sample, std::istream& source)
    : sample_(std::move(sample)), source_(source) {
  bytes_read_ = static_cast<int64_t>(sample_.size());
}

SampleReplayBuffer::int_type SampleReplayBuffer::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!sample_served_) {
    sample_served_ = true;
    if (!sample_.empty()) {
      setg(sample_.data(), sample_.data(), sample_.data() + sample_.size());
      return traits_type::to_int_type(*gptr());
    }
  }
  if (!source_.good()) return traits_type::eof();
  buffer_.resize(kBufferSize);
  source_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  const auto count = static_cast<size_t>(source_.gcount());
  bytes_read_ += static_cast<int64_t>(count);
  if (count == 0) return traits_type::eof();
  setg(buffer_.data(), buffer_.data(), buffer_.data() + count);
  return traits_type::to_int_type(*gptr());
}

std::streamsize SampleReplayBuffer::xsgetn(char* out, std::streamsize count) {
  std::streamsize done = 0;
  while (done < count) {
    if (gptr() < egptr()) {
      const auto n = std::min<std::streamsize>(egptr() - gptr(), count - done);
      std::memcpy(out + done, gptr(), static_cast<size_t>(n));
      gbump(static_cast<int>(n));
      done += n;
      continue;
    }
    if (sample_served_ && source_.good()) {
      // Large reads go straight from the source: no second copy.
      source_.read(out + done, count - done);
      const auto n = source_.gcount();
      bytes_read_ += n;
      done += n;
      if (n == 0) break;
      continue;
    }
    if (underflow() == traits_type::eof()) break;
  }
  return done;
}

Utf16ToUtf8Buffer::Utf16ToUtf8Buffer(std::streambuf& upstream, bool little_endian)
    : upstream_(upstream), little_endian_(little_endian) {}

Utf16ToUtf8Buffer::int_type Utf16ToUtf8Buffer::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (error_) return traits_type::eof();
  out_.clear();
  while (out_.empty()) {
    const size_t carried = in_.size();
    in_.resize(carried + kBufferSize);
    const auto count = static_cast<size_t>(upstream_.sgetn(in_.data() + carried, kBufferSize));
    in_.resize(carried + count);
    std::string_view bytes = in_;
    size_t skipped = 0;
    if (!started_ && in_.size() >= 2) {
      started_ = true;
      if (HasBom(bytes, little_endian_)) skipped = 2;
    }
    const size_t used =
        skipped + TranscodeUtf16(bytes.substr(skipped), little_endian_, offset_ + static_cast<int64_t>(skipped),
                                 out_, error_);
    offset_ += static_cast<int64_t>(used);
    in_.erase(0, used);
    if (error_) break;
    if (count == 0) {
      if (!in_.empty()) {
        error_ = Error{ErrorCode::kParse, "invalid UTF-16: the input ends in the middle of a character (byte " +
                                              std::to_string(offset_ + 1) + ")"};
      }
      break;
    }
  }
  if (out_.empty()) return traits_type::eof();
  setg(out_.data(), out_.data(), out_.data() + out_.size());
  return traits_type::to_int_type(*gptr());
}

Status Utf16ToUtf8(std::string_view bytes, bool little_endian, bool partial_end, std::string& out) {
  const size_t skipped = HasBom(bytes, little_endian) ? 2 : 0;
  std::optional<Error> error;
  const size_t used = skipped + TranscodeUtf16(bytes.substr(skipped), little_endian, static_cast<int64_t>(skipped),
                                               out, error);
  if (error) return std::unexpected(*error);
  if (used < bytes.size() && !partial_end) {
    return Fail(ErrorCode::kParse, "invalid UTF-16: the input ends in the middle of a character (byte " +
                                       std::to_string(used + 1) + ")");
  }
  return Ok();
}

}  // namespace tributary::readers
