// Text encodings of input files, decoded to UTF-8 with exact tables (no iconv).
//
// A file declares its encoding in its mapping (`reader.encoding`). Decoding never
// substitutes a replacement character: a byte that is not valid in the declared encoding
// is an error naming the byte and its position. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::readers {

enum class Encoding {
  kUtf8,
  kWindows1252,  // € at 0x80; 0x81 0x8D 0x8F 0x90 0x9D are undefined (errors)
  kIso8859_1,    // every byte is the code point of the same value
  kIso8859_15,   // Latin-9: € at 0xA4, Š š Ž ž Œ œ Ÿ replace ¤ ¦ ¨ ´ ¸ ¼ ½ ¾
};

// The encoding named `name` (case-insensitive): utf-8, windows-1252, iso-8859-1,
// iso-8859-15, and the aliases utf8, cp1252, latin1, latin9. nullopt when unknown.
std::optional<Encoding> ParseEncodingName(std::string_view name);
// The canonical name ("utf-8", "windows-1252", ...).
std::string_view EncodingName(Encoding encoding);
// "utf-8, windows-1252, iso-8859-1, iso-8859-15", for error messages.
std::string_view KnownEncodingNames();

// `bytes` without a leading UTF-8 byte-order mark (EF BB BF), if it has one.
std::string_view StripUtf8Bom(std::string_view bytes);

// True when every byte is below 0x80 (ASCII decodes to itself in every encoding here).
bool IsAscii(std::string_view bytes);

// The 0-based offset of the first byte of `bytes` that is not part of well-formed UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are not), or npos.
size_t FindInvalidUtf8(std::string_view bytes);

// Appends code point `cp` (at most U+10FFFF, not a surrogate) to `out` as UTF-8.
void AppendUtf8CodePoint(char32_t cp, std::string& out);

// Appends `bytes` decoded from `encoding` to `out` as UTF-8. On error `out` holds what
// was decoded before the bad byte, and the kParse message names the byte and its 1-based
// position in `bytes`, e.g. "invalid UTF-8 byte 0xE9 at position 4" or
// "byte 0x81 at position 2 is not defined in windows-1252".
Status AppendUtf8(std::string_view bytes, Encoding encoding, std::string& out);

// Decodes a whole text (a file's content): for utf-8 a byte-order mark at the start is
// dropped; otherwise as AppendUtf8.
Result<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding);

// Best-effort UTF-8 for messages (reject `raw` text): bytes that do not decode are
// written as "\xNN" so they stay visible. Never fails.
std::string DecodeForDisplay(std::string_view bytes, Encoding encoding);

}  // namespace tributary::readers
