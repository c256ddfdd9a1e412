// The error answers of the admin API: {"error":{"code","message"[,"fields"]}}, and the
// HTTP status of a store error. Every route answers its errors through these.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"
#include "gateway/http/json_response.h"

namespace tributary::admin {

// `details`, when not null, becomes `error.fields`.
inline http::Response ErrorResponse(int status, const std::string& code, const std::string& message,
                                    nlohmann::ordered_json details = nullptr) {
  nlohmann::ordered_json error = {{"code", code}, {"message", message}};
  if (!details.is_null()) error["fields"] = std::move(details);
  return http::JsonResponse(status, nlohmann::ordered_json{{"error", std::move(error)}});
}

// 404 not found, 409 conflict, 400 invalid argument, 503 unavailable, else 500.
inline http::Response FromError(const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound: return ErrorResponse(404, "not_found", error.message);
    case ErrorCode::kConflict: return ErrorResponse(409, "conflict", error.message);
    case ErrorCode::kInvalidArgument: return ErrorResponse(400, "invalid_argument", error.message);
    case ErrorCode::kUnavailable: return ErrorResponse(503, "unavailable", error.message);
    default: return ErrorResponse(500, std::string(ErrorCodeName(error.code)), error.message);
  }
}

}  // namespace tributary::admin
