// The wire format of a push batch (core sync contract v1): the request body the gateway
// sends and the per-change results the core answers. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/store/store.h"

namespace tributary::sync {

// Longest core error code / message kept in a dead letter (bytes, cut on a UTF-8
// boundary).
inline constexpr size_t kMaxErrorCodeBytes = 100;
inline constexpr size_t kMaxErrorMessageBytes = 1000;

// `{"batch_id":…,"tenant":…,"changes":[…]}` with each change's JSON as the store renders
// it (store::ChangeToJson) spliced in, not re-serialised.
std::string BuildBatchBody(std::string_view batch_id, std::string_view tenant,
                           const std::vector<std::string>& change_jsons);

// Reads a 2xx answer `{"results":[{"seq":N,"status":"applied"|"duplicate"|"rejected",
// "error":{"code","message"}}]}`. It must answer every change of the batch exactly once
// and nothing else; kParse otherwise. Results come back in the order of `changes`.
Result<std::vector<store::ChangeResult>> ParseBatchResults(
    std::string_view body, const std::vector<store::Change>& changes);

// A readable, bounded message from an error answer: error.message (or message) when the
// body is such JSON, else the body itself; valid UTF-8, at most kMaxErrorMessageBytes.
std::string CoreErrorMessage(std::string_view body);

// `text` cut to at most `max_bytes` on a UTF-8 boundary, invalid sequences replaced.
std::string BoundedUtf8(std::string_view text, size_t max_bytes);

}  // namespace tributary::sync
