#include "gateway/readers/text_input.h"

#include "gateway/readers/encoding_detection.h"

namespace tributary::readers {
namespace {

constexpr size_t kHeadBytes = 8 * 1024;

bool StartsWithBom16(std::string_view bytes, bool little_endian) {
  return bytes.starts_with(little_endian ? "\xFF\xFE" : "\xFE\xFF");
}

}  // namespace

TextInput::TextInput(std::istream& source, InputEncoding encoding) : source_(source), declared_(encoding) {}

Status TextInput::ReadSample(std::string& sample, bool& whole_input) {
  whole_input = false;
  size_t want = kSampleBytes;
  while (true) {
    const size_t have = sample.size();
    sample.resize(want);
    source_.read(sample.data() + have, static_cast<std::streamsize>(want - have));
    sample.resize(have + static_cast<size_t>(source_.gcount()));
    if (source_.bad()) return Fail(ErrorCode::kIo, "read error on the input stream");
    if (sample.size() < want) {
      whole_input = true;
      return Ok();
    }
    // Only an all-ASCII sample says nothing about the encoding: read on for evidence.
    if (declared_.kind != InputEncoding::Kind::kAuto || want >= kMaxSampleBytes || !IsAscii(sample)) return Ok();
    want = std::min(want * 4, kMaxSampleBytes);
  }
}

Status TextInput::Start() {
  std::string sample;
  bool whole_input = false;
  if (auto status = ReadSample(sample, whole_input); !status) return status;

  InputEncoding encoding = declared_;
  size_t bom_bytes = 0;
  switch (declared_.kind) {
    case InputEncoding::Kind::kAuto: {
      auto detected = DetectEncoding(sample, whole_input);
      if (!detected) return std::unexpected(detected.error());
      encoding = detected->encoding;
      bom_bytes = detected->bom_bytes;
      info_.encoding = detected->name;
      info_.encoding_confidence = detected->confidence;
      info_.encoding_detected = true;
      encoding_note_ = " (reader.encoding is auto: detected " + detected->name;
      if (detected->invalid_bytes > 0) {
        encoding_note_ += " despite " + std::to_string(detected->invalid_bytes) + " invalid byte" +
                          (detected->invalid_bytes == 1 ? "" : "s") + " in the first " +
                          std::to_string(sample.size()) + " bytes";
      }
      encoding_note_ += ", confidence " + std::to_string(detected->confidence) + ")";
      break;
    }
    case InputEncoding::Kind::kUtf16:
      if (StartsWithBom16(sample, true)) {
        encoding.kind = InputEncoding::Kind::kUtf16Le;
      } else if (StartsWithBom16(sample, false)) {
        encoding.kind = InputEncoding::Kind::kUtf16Be;
      } else {
        return Fail(ErrorCode::kParse,
                    "reader.encoding is utf-16 but the input does not start with a byte-order mark "
                    "(declare utf-16le or utf-16be)");
      }
      break;
    case InputEncoding::Kind::kSingle:
      if (declared_.single == Encoding::kUtf8 && sample.starts_with("\xEF\xBB\xBF")) {
        bom_bytes = 3;
      } else if (auto utf16 = DetectUtf16WithoutBom(sample)) {
        // UTF-16 read byte by byte puts a NUL before or after every Latin letter (the
        // header then matches no column). No text in utf-8 or a one-byte encoding holds
        // NULs like that, so the pattern overrides the declaration (or the utf-8 default).
        encoding = utf16->encoding;
        info_.encoding = utf16->name;
        info_.encoding_confidence = utf16->confidence;
        info_.encoding_detected = true;
        encoding_note_ = " (reader.encoding is " + std::string(EncodingName(declared_.single)) + ", but the input is " +
                         utf16->name + " without a byte-order mark, confidence " + std::to_string(utf16->confidence) +
                         ")";
      }
      break;
    case InputEncoding::Kind::kDocument:
    case InputEncoding::Kind::kUtf16Le:
    case InputEncoding::Kind::kUtf16Be:
      break;
  }
  return Settle(encoding, sample, bom_bytes);
}

Status TextInput::Settle(InputEncoding encoding, std::string& sample, size_t bom_bytes) {
  const bool utf16 = encoding.kind == InputEncoding::Kind::kUtf16Le || encoding.kind == InputEncoding::Kind::kUtf16Be;
  const bool little_endian = encoding.kind == InputEncoding::Kind::kUtf16Le;
  if (info_.encoding.empty()) {
    switch (encoding.kind) {
      case InputEncoding::Kind::kUtf16Le: info_.encoding = "utf-16le"; break;
      case InputEncoding::Kind::kUtf16Be: info_.encoding = "utf-16be"; break;
      case InputEncoding::Kind::kDocument: info_.encoding = ""; break;  // the XML reader fills it in
      default: info_.encoding = std::string(EncodingName(encoding.single)); break;
    }
    encoding_note_ = " (reader.encoding is " + (info_.encoding.empty() ? "utf-8" : info_.encoding) + ")";
  }
  field_encoding_ = utf16 || encoding.kind == InputEncoding::Kind::kDocument ? Encoding::kUtf8 : encoding.single;

  if (utf16) {
    // The head is transcoded separately (a partial unit at its end is not an error here;
    // the stream reports real problems when it reaches them).
    std::string head;
    (void)Utf16ToUtf8(std::string_view(sample).substr(0, 2 * kHeadBytes), little_endian, true, head);
    head_ = std::move(head);
  } else {
    head_.assign(sample, bom_bytes, std::min(kHeadBytes, sample.size() - bom_bytes));
  }
  sample.erase(0, utf16 ? 0 : bom_bytes);  // the transcoder drops a UTF-16 BOM itself
  replay_ = std::make_unique<SampleReplayBuffer>(std::move(sample), source_);
  if (utf16) {
    utf16_ = std::make_unique<Utf16ToUtf8Buffer>(*replay_, little_endian);
    stream_ = std::make_unique<std::istream>(utf16_.get());
  } else {
    stream_ = std::make_unique<std::istream>(replay_.get());
  }
  return Ok();
}

std::optional<Error> TextInput::StreamError() const {
  if (utf16_ && utf16_->error()) return utf16_->error();
  if (replay_ && replay_->source_failed()) return Error{ErrorCode::kIo, "read error on the input stream"};
  return std::nullopt;
}

}  // namespace tributary::readers
