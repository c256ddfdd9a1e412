// A JSON answer of the admin API: the one way every route renders its body.
#pragma once

#include <string>

#include "gateway/http/http_types.h"

namespace tributary::http {

// `body` as compact JSON with its Content-Type. Strings that are not valid UTF-8 (a byte
// from a file the daemon could not decode, a provider's echo) come out with U+FFFD in
// place of the bad bytes instead of failing the whole answer: every body is valid JSON.
// `Json` is nlohmann::json or nlohmann::ordered_json.
template <class Json>
Response JsonResponse(int status, const Json& body) {
  return Response{status,
                  {{"Content-Type", "application/json"}},
                  body.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"};
}

}  // namespace tributary::http
