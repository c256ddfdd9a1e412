#include "gateway/readers/encoding_detection.h"

#include <uchardet.h>

#include <algorithm>
#include <array>
#include <memory>

#include "gateway/readers/encoding.h"

namespace tributary::readers {
namespace {

constexpr size_t kNulPatternBytes = 4096;

DetectedEncoding Single(Encoding encoding, int confidence) {
  return DetectedEncoding{InputEncoding{InputEncoding::Kind::kSingle, encoding}, confidence,
                          std::string(EncodingName(encoding))};
}

}  // namespace

std::optional<DetectedEncoding> DetectUtf16WithoutBom(std::string_view sample) {
  const size_t pairs = std::min(sample.size(), kNulPatternBytes) / 2;
  if (pairs < 2) return std::nullopt;
  size_t even_nuls = 0;
  size_t odd_nuls = 0;
  for (size_t i = 0; i < pairs; ++i) {
    if (sample[2 * i] == '\0') ++even_nuls;
    if (sample[2 * i + 1] == '\0') ++odd_nuls;
  }
  auto confident = [&](size_t nuls, size_t other) { return nuls * 10 >= pairs * 4 && other * 20 < pairs; };
  if (confident(odd_nuls, even_nuls)) {
    return DetectedEncoding{InputEncoding{InputEncoding::Kind::kUtf16Le}, 90, "utf-16le"};
  }
  if (confident(even_nuls, odd_nuls)) {
    return DetectedEncoding{InputEncoding{InputEncoding::Kind::kUtf16Be}, 90, "utf-16be"};
  }
  return std::nullopt;
}

namespace {

struct Utf8Census {
  int valid_sequences = 0;  // well-formed multi-byte sequences
  int invalid_bytes = 0;    // bytes starting an ill-formed sequence
};

Utf8Census CountUtf8(std::string_view sample, bool whole_input) {
  Utf8Census census;
  size_t i = 0;
  while (i < sample.size()) {
    if (static_cast<unsigned char>(sample[i]) < 0x80) {
      ++i;
      continue;
    }
    std::string_view rest = sample.substr(i);
    const size_t bad = FindInvalidUtf8(rest.substr(0, std::min<size_t>(rest.size(), 4)));
    if (bad != 0) {
      // Well-formed at `i` (a bad byte, if any, comes later): its length is the lead's.
      const auto lead = static_cast<unsigned char>(rest[0]);
      ++census.valid_sequences;
      i += lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      continue;
    }
    // A sequence cut by the end of a sample is not the file's fault.
    if (!whole_input && rest.size() < 4) {
      const auto lead = static_cast<unsigned char>(rest[0]);
      const size_t needed = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      bool continuation = lead >= 0xC2 && lead <= 0xF4 && rest.size() < needed;
      for (size_t k = 1; continuation && k < rest.size(); ++k) {
        continuation = (static_cast<unsigned char>(rest[k]) & 0xC0) == 0x80;
      }
      if (continuation) break;
    }
    ++census.invalid_bytes;
    ++i;
  }
  return census;
}

// How a decoded character reads in Western European business text.
enum class Plausibility { kPlausible, kNeutral, kImplausible };

Plausibility Judge(char32_t cp) {
  if (cp >= 0x80 && cp <= 0x9F) return Plausibility::kImplausible;  // C1 control
  if (cp >= 0xC0 && cp <= 0xFF) return cp == 0xD7 || cp == 0xF7 ? Plausibility::kNeutral : Plausibility::kPlausible;
  static constexpr std::array<char32_t, 34> kCommon = {
      0x20AC, 0x00A3, 0x00A7, 0x00B0, 0x00AB, 0x00BB, 0x00B2, 0x00B3, 0x00B5, 0x00A9, 0x00AE, 0x00A0,
      0x2018, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014, 0x2026, 0x2022, 0x00B7, 0x00BF, 0x00A1, 0x2122,
      0x00AA, 0x00BA, 0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017D, 0x017E, 0x0192,
  };
  return std::find(kCommon.begin(), kCommon.end(), cp) != kCommon.end() ? Plausibility::kPlausible
                                                                         : Plausibility::kNeutral;
}

// The code point of a high byte in a one-byte encoding; 0 when undefined.
char32_t CodePoint(unsigned char byte, Encoding encoding) {
  std::string utf8;
  const char c = static_cast<char>(byte);
  if (!AppendUtf8(std::string_view(&c, 1), encoding, utf8)) return 0;
  const auto b0 = static_cast<unsigned char>(utf8[0]);
  if (utf8.size() == 2) return ((b0 & 0x1F) << 6) | (static_cast<unsigned char>(utf8[1]) & 0x3F);
  return ((b0 & 0x0F) << 12) | ((static_cast<unsigned char>(utf8[1]) & 0x3F) << 6) |
         (static_cast<unsigned char>(utf8[2]) & 0x3F);
}

struct Score {
  Encoding encoding;
  bool defined = true;  // every byte of the sample is defined
  int plausible = 0;
  int implausible = 0;
  int total = 0;
};

Score ScoreSingleByte(const std::array<int, 128>& high_counts, Encoding encoding) {
  Score score{encoding};
  for (int b = 0; b < 128; ++b) {
    const int count = high_counts[static_cast<size_t>(b)];
    if (count == 0) continue;
    const char32_t cp = CodePoint(static_cast<unsigned char>(0x80 + b), encoding);
    score.total += count;
    if (cp == 0) {
      score.defined = false;
      continue;
    }
    switch (Judge(cp)) {
      case Plausibility::kPlausible: score.plausible += count; break;
      case Plausibility::kImplausible: score.implausible += count; break;
      case Plausibility::kNeutral: break;
    }
  }
  return score;
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// uchardet's verdict on the sample, upper-case ("WINDOWS-1252"), "" when it has none.
std::string UchardetGuess(std::string_view sample) {
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, decltype(&uchardet_delete)> detector(uchardet_new(),
                                                                                          &uchardet_delete);
  if (!detector) return "";
  if (uchardet_handle_data(detector.get(), sample.data(), sample.size()) != 0) return "";
  uchardet_data_end(detector.get());
  const char* charset = uchardet_get_charset(detector.get());
  return charset == nullptr ? "" : AsciiUpper(charset);
}

// Encodings of Latin-script text: a guess among them still points at our candidates
// (uchardet often names a neighbour on short samples).
bool IsLatinFamily(const std::string& guess) {
  static constexpr std::array<std::string_view, 14> kLatin = {
      "WINDOWS-1252", "ISO-8859-1",  "ISO-8859-15", "WINDOWS-1250", "ISO-8859-2",  "ISO-8859-3", "ISO-8859-4",
      "ISO-8859-9",   "ISO-8859-13", "ISO-8859-16", "WINDOWS-1254", "WINDOWS-1257", "MAC-CENTRALEUROPE", "ASCII",
  };
  return std::find(kLatin.begin(), kLatin.end(), guess) != kLatin.end();
}

Result<DetectedEncoding> DetectSingleByte(std::string_view sample) {
  std::array<int, 128> high_counts{};
  for (char c : sample) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x80) ++high_counts[b - 0x80];
  }
  const std::string guess = UchardetGuess(sample);
  const std::string said = guess.empty() ? "no verdict" : guess;
  if (!guess.empty() && guess != "UTF-8" && !IsLatinFamily(guess)) {
    return Fail(ErrorCode::kParse, "cannot read the input with encoding: auto: it looks like " + guess +
                                       ", which is not supported (declare reader.encoding if it is one of: " +
                                       std::string(KnownEncodingNames()) + ", utf-16)");
  }
  // Best first: most plausible characters, fewest implausible.
  std::array<Score, 3> scores = {ScoreSingleByte(high_counts, Encoding::kWindows1252),
                                 ScoreSingleByte(high_counts, Encoding::kIso8859_15),
                                 ScoreSingleByte(high_counts, Encoding::kIso8859_1)};
  std::stable_sort(scores.begin(), scores.end(), [&](const Score& a, const Score& b) {
    if (a.defined != b.defined) return a.defined;
    // Equal evidence keeps the order above: windows-1252 decodes every printable byte
    // iso-8859-1 does the same way, and where they differ (80..9F) it is strict.
    return a.plausible - 5 * a.implausible > b.plausible - 5 * b.implausible;
  });
  const Score& best = scores[0];
  if (!best.defined || best.total == 0 || best.plausible * 2 < best.total) {
    return Fail(ErrorCode::kParse,
                "cannot tell the encoding of the input (encoding: auto): it is not UTF-8, and read as " +
                    std::string(EncodingName(best.encoding)) + " only " + std::to_string(best.plausible) + " of " +
                    std::to_string(best.total) + " non-ASCII characters look like text (uchardet: " + said +
                    "); declare reader.encoding");
  }
  // Thin evidence (a handful of bytes, all the same) cannot make a confident verdict.
  const int distinct = static_cast<int>(std::count_if(high_counts.begin(), high_counts.end(), [](int n) { return n > 0; }));
  const int evidence_cap = 50 + 5 * distinct + best.total / 2;
  int confidence = std::min(best.plausible * 100 / best.total, evidence_cap);
  const int cap = guess == AsciiUpper(EncodingName(best.encoding))                       ? 95
                  : guess == "WINDOWS-1252" || guess == "ISO-8859-1" || guess == "ISO-8859-15" ? 85
                                                                                          : 70;
  confidence = std::clamp(confidence, 1, cap);
  return Single(best.encoding, confidence);
}

}  // namespace

Result<DetectedEncoding> DetectEncoding(std::string_view sample, bool whole_input) {
  if (sample.starts_with("\xEF\xBB\xBF")) {
    DetectedEncoding detected = Single(Encoding::kUtf8, 100);
    detected.bom_bytes = 3;
    return detected;
  }
  if (sample.starts_with("\xFF\xFE")) {
    return DetectedEncoding{InputEncoding{InputEncoding::Kind::kUtf16Le}, 100, "utf-16le", 2};
  }
  if (sample.starts_with("\xFE\xFF")) {
    return DetectedEncoding{InputEncoding{InputEncoding::Kind::kUtf16Be}, 100, "utf-16be", 2};
  }
  if (auto utf16 = DetectUtf16WithoutBom(sample)) return *utf16;
  if (IsAscii(sample)) return Single(Encoding::kUtf8, 100);
  const Utf8Census census = CountUtf8(sample, whole_input);
  if (census.invalid_bytes == 0) return Single(Encoding::kUtf8, census.valid_sequences >= 3 ? 100 : 90);
  if (census.valid_sequences >= census.invalid_bytes) {
    DetectedEncoding detected = Single(Encoding::kUtf8, 0);
    const int share = census.valid_sequences * 100 / (census.valid_sequences + census.invalid_bytes);
    detected.confidence = std::clamp(share - 10, 1, 89);
    detected.invalid_bytes = census.invalid_bytes;
    return detected;
  }
  return DetectSingleByte(sample);
}

}  // namespace tributary::readers
