// Reading QuickBooks API answers: the entity objects of a query or CDC response, each
// re-written as one line of compact JSON whose numbers keep their exact source text
// (362.07 stays 362.07, 12345678901234567.89 is not rounded), with what the connector needs
// to know about it; the response's `time`; and Faults in both spellings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::quickbooks {

// One entity object found in a response.
struct QboObject {
  std::string entity;        // "Invoice"
  std::string id;            // Id
  bool deleted = false;      // a CDC stub with status "Deleted"
  std::string last_updated;  // MetaData.LastUpdatedTime as written
  std::string json;          // the object as one line of JSON, numbers as written
};

struct QboResponse {
  std::string time;                     // the top-level `time`, as written ("" when absent)
  std::vector<QboObject> objects;       // in response order
  std::optional<int64_t> total_count;   // QueryResponse.totalCount (SELECT COUNT(*))
  bool has_fault = false;               // a Fault was found (even in a 200 answer)
};

// Parses a query (`QueryResponse.<Entity>[]`) or CDC (`CDCResponse[].QueryResponse[].<Entity>[]`)
// response. kParse with the position when the body is not JSON.
Result<QboResponse> ParseQboResponse(std::string_view body);

// One error of a Fault, from `Fault.Error[]` (or the 401 gateway shape `fault.error[]`).
struct QboFault {
  std::string type;     // ValidationFault, SystemFault, AuthenticationFault, SERVICE, AUTHENTICATION, …
  std::string code;     // "3001", "610", …
  std::string message;
  std::string detail;
  std::string time;     // the response's time when it is text ("" for the 401's epoch milliseconds)
};

// The first error of the Fault in `body`; nullopt when there is none or the body is not JSON.
std::optional<QboFault> ParseQboFault(std::string_view body);

}  // namespace tributary::connectors::quickbooks
