#include "gateway/admin/openapi_document.h"

#include <string>

namespace tributary::admin {

http::Response OpenApiDocumentResponse() {
  return http::Response{200, {{"Content-Type", "application/json"}}, std::string(OpenApiDocumentText())};
}

}  // namespace tributary::admin
