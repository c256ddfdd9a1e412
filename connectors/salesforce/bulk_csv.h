// A page of Bulk API 2.0 query results (CSV: a header of the selected paths, then one row
// per record) as the same JSON lines a REST query gives the mapping: every value a JSON
// string (its exact text), an empty field null, `Account.Name` columns nested as
// {"Account": {"Name": …}} (null when every column of the parent is empty).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::connectors::salesforce {

struct CsvPage {
  int64_t records = 0;
  std::string json_lines;
  std::vector<std::string> ids;
  std::vector<std::string> stamps;
};

// Reads `csv` with the project's CSV reader. `required` are the top-level members every
// record must have (a header without one is an error naming it).
Result<CsvPage> CsvToJsonLines(const std::string& csv, const std::vector<std::string>& required);

}  // namespace tributary::connectors::salesforce
