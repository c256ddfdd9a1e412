// One page of a REST query answer ({"totalSize", "done", "nextRecordsUrl", "records"}),
// read without losing anything the mapping needs: each record becomes one line of JSON
// text whose numbers are the exact text Salesforce sent (987654321098765.43 stays so; a
// double would round it), `attributes` removed at every level.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::salesforce {

struct QueryPage {
  int64_t total_size = 0;
  bool done = true;
  std::string next_records_url;  // "" when done
  int64_t records = 0;
  std::string json_lines;  // one record per line, in answer order
  // Per record, in order: its Id and SystemModstamp ("" when not selected).
  std::vector<std::string> ids;
  std::vector<std::string> stamps;
};

// Reads a query answer. `required` are the members every record must have (the first
// segment of each selected path: `Account` for Account.Name): a record without one is an
// error naming the member and the record, never a silent null.
Result<QueryPage> ParseQueryPage(const std::string& body, const std::vector<std::string>& required);

}  // namespace tributary::connectors::salesforce
