// Values quoted for error messages, the same way in every module.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

// `text` in double quotes for an error message: quotes, backslashes and control
// characters escaped (\n, \t, else \xHH), text longer than 80 bytes cut with "...".
std::string QuoteForMessage(std::string_view text);

}  // namespace tributary
