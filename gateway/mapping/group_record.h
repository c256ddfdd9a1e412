// The first record of a group, packed into a few bytes more than its text: what a group
// keeps of it until the group is emitted (its fields, columns, raw text and location), held
// in memory and written to spill runs as is. Internal to the mapping module.
//
// The form: five varints (raw size, location size, extra size, column count, field count),
// the texts (the raw text, the location, then the bytes of columns and fields that are not
// slices of the raw text), then each column as (start relative to the previous column's
// end, zigzag; size) and each field as (column, flags, and unless it is its whole column:
// start, size). A csv column or field costs two bytes besides its text, which it shares
// with the raw text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gateway/readers/record_reader.h"

namespace tributary::mapping {

// Appends the packed form of `record` (its raw text, location, columns and fields) to `out`.
void PackRecord(const readers::SourceRecord& record, std::string& out);

// The parts of a packed record. Each pointer may be null (that part is not wanted), but
// `fields` needs `columns`; views point into `packed`. False when what it reads of `packed`
// is not a packed record; raw text and location alone read only the start.
bool UnpackRecord(std::string_view packed, std::string_view* raw, std::string_view* location,
                  std::vector<std::string_view>* columns, std::vector<readers::FieldValue>* fields);

// Whether `packed` is a whole packed record (a spill file read back may be damaged).
bool ValidRecord(std::string_view packed);

}  // namespace tributary::mapping
