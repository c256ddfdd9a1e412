// How the server decides whether a request's message framing can be trusted (RFC 9112
// section 6). Kept apart from the Beast server so the rule is tested on its own.
#pragma once

#include <string_view>
#include <vector>

namespace tributary::http {

// Checks the framing headers of a request head before its body is read.
// `transfer_encodings` holds the value of every Transfer-Encoding field line, in order.
// Returns 0 when the framing is acceptable, otherwise the status to answer before closing
// the connection:
//   - 400 when both Transfer-Encoding and Content-Length are present (the two readings of
//     the body length could disagree: the classic request-smuggling setup);
//   - 501 when Transfer-Encoding is anything but exactly `chunked` (one coding, once):
//     `chunked, identity`, `xchunked`, `gzip, chunked`, `chunked, chunked`, an empty list.
// Pure function; thread-safe.
int CheckRequestFraming(const std::vector<std::string_view>& transfer_encodings, bool has_content_length);

}  // namespace tributary::http
