// `encoding: auto`: which encoding a file is in, from a sample of its first bytes.
//
// In order: a byte-order mark (UTF-8, UTF-16LE/BE: certain); UTF-16 without a BOM by
// its NUL-byte pattern; pure ASCII (certain: it reads the same in every candidate);
// valid UTF-8; UTF-8 with a few bad bytes (see below); else one of windows-1252,
// iso-8859-15, iso-8859-1, chosen by how plausible each decoding is for Western European
// business text, checked against uchardet. Anything else is an error: the file is not
// guessed at.
//
// UTF-8 with a few bad bytes (an accounting export where one label was pasted from a
// latin-1 tool, as FEC files often have): decoding the whole file as windows-1252 would
// silently turn every correct "é" into "Ã©". So when the sample holds well-formed UTF-8
// sequences and at least as many of them as bad bytes, the file is read as UTF-8 with a
// confidence below 90 (lower the more bad bytes), and each record holding a bad byte
// becomes a reject naming that byte.
//
// Confidence of a one-byte encoding: the share of its non-ASCII characters that are
// letters or usual symbols, capped at 95 when uchardet names the same encoding (85 when it
// names another of the three, 70 for another Latin one), and capped by the evidence:
// 50 + 5 per distinct non-ASCII byte value + half their count (six copies of one byte do
// not make a confident verdict). Pure function, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"
#include "gateway/readers/reader_options.h"

namespace tributary::readers {

struct DetectedEncoding {
  InputEncoding encoding;   // kind kSingle, kUtf16Le or kUtf16Be
  int confidence = 100;     // 0-100
  std::string name;         // "utf-8", "utf-16le", "windows-1252", ...
  size_t bom_bytes = 0;     // length of the byte-order mark at the start, if any
  int invalid_bytes = 0;    // utf-8 chosen despite this many bad bytes in the sample
};

// `sample` is the start of the input; `whole_input` says it is all of it (so a multi-byte
// sequence cut at its end is an error, not a cut). The error says why nothing fits.
Result<DetectedEncoding> DetectEncoding(std::string_view sample, bool whole_input);

// UTF-16 without a byte-order mark, by its NUL-byte pattern in the first 4 KiB of `sample`
// (text of mostly Latin characters has a NUL in every other byte): kind kUtf16Le or
// kUtf16Be, confidence 90, bom_bytes 0. nullopt when the pattern is not clear.
std::optional<DetectedEncoding> DetectUtf16WithoutBom(std::string_view sample);

}  // namespace tributary::readers
