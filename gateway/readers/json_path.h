// The dotted paths of the json readers, parsed once.
//
// Record selector: "QueryResponse.Invoice[]", "CDCResponse[].QueryResponse[].Invoice[]",
// "[]" (the document is an array of records), "" (the document itself). A segment ending
// in "[]" iterates the array found there (each element is one record at that level; a
// value that is not an array counts as a one-element array); a missing member gives no
// records. A number segment indexes an array ("Line.0").
//
// Field path: "CurrencyRef.value", "Line.0.Amount" (0-based), "$.time" (from the document
// root; in json_lines the line's root), "^.Id" (the record one iteration level up, i.e. the
// element of the previous "[]"), "^.^.Id" or "^^.Id" (two levels up). No "[]" in fields.
// A member name cannot contain '.'.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::readers {

struct JsonSegment {
  std::string name;                // a member name, or the text of an index
  std::optional<size_t> index;     // set when `name` is a whole number
  bool iterate = false;            // records only: "[]"
};

struct JsonRecordPath {
  std::vector<JsonSegment> segments;
  // Number of iterated levels ("[]" segments).
  [[nodiscard]] size_t levels() const;
};

struct JsonFieldPath {
  enum class Anchor { kRecord, kRoot, kAncestor } anchor = Anchor::kRecord;
  size_t up = 0;  // kAncestor: how many levels up (1 for "^")
  std::vector<JsonSegment> segments;
};

// Errors are plain messages for the mapping diagnostics.
Result<JsonRecordPath> ParseJsonRecordPath(std::string_view text);
Result<JsonFieldPath> ParseJsonFieldPath(std::string_view text);

}  // namespace tributary::readers
