// Values quoted for error messages, the same way in every module.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

// `text` in double quotes for an error message: quotes, backslashes and control
// characters escaped (\n, \t, else \xHH), bytes that are not part of valid UTF-8 escaped
// as \xHH, text longer than 80 bytes cut with "..." at a character boundary. The result
// is always valid UTF-8, whatever `text` holds, so it can go into JSON as it is.
std::string QuoteForMessage(std::string_view text);

// The bytes of the UTF-8 character that starts at `index` of `text`: its 2 to 4 bytes when
// they form a valid sequence, else the one byte at `index` (ASCII, or a stray byte).
// Messages that quote "the character at i" quote this, never a lone byte of a multi-byte
// character. `index` must be < text.size().
std::string_view CharacterAt(std::string_view text, size_t index);

}  // namespace tributary
