// The one error model of Tributary: fallible functions return Result<T>.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace tributary {

// A small, closed set of error codes. Retryability is decided from the code alone.
enum class ErrorCode {
  kInvalidArgument,  // the caller or the input is wrong; retrying will not help
  kNotFound,
  kParse,            // input could not be parsed
  kIo,               // local file system or database trouble
  kUnavailable,      // a remote peer is down or answered 5xx/408/429; retry later
  kTimeout,          // a remote peer did not answer in time; retry later
  kRejected,         // a remote peer refused the request for good (4xx)
  kConflict,         // a state precondition failed (e.g. already exists)
  kCancelled,        // stop was requested
  kInternal,         // a bug
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // True when the same operation may succeed if tried again later.
  [[nodiscard]] bool Retryable() const {
    return code == ErrorCode::kUnavailable || code == ErrorCode::kTimeout;
  }
  [[nodiscard]] std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

[[nodiscard]] inline std::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

inline Status Ok() { return {}; }

}  // namespace tributary
