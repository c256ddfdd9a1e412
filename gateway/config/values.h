// Small parsers and formatters shared by the config reader, its users and its messages.
// All functions are thread-safe; only ReadSmallFile touches the file system.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/common/quote.h"
#include "gateway/common/result.h"

namespace tributary::config {

// Parses a whole number followed by a unit: "250ms", "30s", "5m", "1h", "2d".
// Returns nullopt when malformed or too large; "0s" parses to zero (callers that need a
// positive duration check it).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest exact spelling of `duration` that ParseDuration reads back:
// 30000ms -> "30s", 300000ms -> "5m", 1500ms -> "1500ms".
std::string FormatDuration(std::chrono::milliseconds duration);

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
// two adjacent characters each cost 1. Used for "did you mean" suggestions.
int EditDistance(std::string_view a, std::string_view b);

// gateway/common/quote.h, under the name the config's callers use.
using ::tributary::QuoteForMessage;

// True for "localhost", an IPv4 address in 127.0.0.0/8, "::1" and IPv4-mapped loopback
// ("::ffff:127.0.0.1"). Host names other than localhost are never loopback: they could
// resolve anywhere.
bool IsLoopbackHost(std::string_view host);

// `text` as an absolute, lexically normal path without a trailing slash; relative text
// resolves against `base_dir` (itself absolute).
std::string ResolvePath(const std::string& base_dir, std::string_view text);

// The whole content of a file of at most `max_bytes`. The error message is the reason
// only ("No such file or directory", "larger than 65536 bytes"), for the caller to frame.
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes);

}  // namespace tributary::config
