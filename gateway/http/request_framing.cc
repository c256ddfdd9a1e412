#include "gateway/http/request_framing.h"

#include <strings.h>

#include <string_view>

namespace tributary::http {
namespace {

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

}  // namespace

int CheckRequestFraming(const std::vector<std::string_view>& transfer_encodings, bool has_content_length) {
  if (transfer_encodings.empty()) return 0;
  if (has_content_length) return 400;
  // The codings of every field line form one list (RFC 9110 section 5.3); empty list
  // elements are allowed and skipped.
  int codings = 0;
  bool only_chunked = true;
  for (std::string_view value : transfer_encodings) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const std::string_view element = Trim(value.substr(0, comma));
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
      if (element.empty()) continue;
      ++codings;
      if (element.size() != 7 || ::strncasecmp(element.data(), "chunked", 7) != 0) only_chunked = false;
    }
  }
  return codings == 1 && only_chunked ? 0 : 501;
}

}  // namespace tributary::http
