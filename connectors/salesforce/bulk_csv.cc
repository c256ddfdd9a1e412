#include "connectors/salesforce/bulk_csv.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "gateway/readers/csv_reader.h"

namespace tributary::connectors::salesforce {
namespace {

using json = nlohmann::ordered_json;

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1) {
    parts.push_back(path.substr(start, dot - start));
  }
  parts.push_back(path.substr(start));
  return parts;
}

// Sets `value` at `parts` under `object`, making parents; a parent already null (an empty
// lookup seen in another column) stays null only while every value under it is null.
void SetAt(json& object, const std::vector<std::string>& parts, size_t index, json value) {
  if (index + 1 == parts.size()) {
    object[parts[index]] = std::move(value);
    return;
  }
  json& child = object[parts[index]];
  if (!child.is_object()) {
    if (value.is_null()) {
      if (!child.is_object()) child = nullptr;
      return;
    }
    child = json::object();
  }
  SetAt(child, parts, index + 1, std::move(value));
}

}  // namespace

Result<CsvPage> CsvToJsonLines(const std::string& csv, const std::vector<std::string>& required) {
  std::istringstream input(csv);
  readers::CsvReader reader(input, {});
  readers::CsvRecord record;
  CsvPage page;
  std::vector<std::vector<std::string>> columns;
  int id_column = -1;
  int stamp_column = -1;
  while (true) {
    auto more = reader.Next(record);
    if (!more) return std::unexpected(more.error());
    if (!*more) break;
    if (!record.ok()) {
      return Fail(ErrorCode::kParse, "Bulk API results, line " + std::to_string(record.line) + ": " + record.error);
    }
    if (columns.empty()) {
      for (std::string_view name : record.fields) {
        if (name == "Id") id_column = static_cast<int>(columns.size());
        if (name == "SystemModstamp") stamp_column = static_cast<int>(columns.size());
        columns.push_back(Split(std::string(name)));
      }
      for (const std::string& member : required) {
        if (std::none_of(columns.begin(), columns.end(), [&](const auto& parts) { return parts.front() == member; })) {
          return Fail(ErrorCode::kParse, "Salesforce sent Bulk API results without the field " + member +
                                             " the query selected");
        }
      }
      continue;
    }
    if (record.fields.size() != columns.size()) {
      return Fail(ErrorCode::kParse, "Bulk API results, line " + std::to_string(record.line) + ": " +
                                         std::to_string(record.fields.size()) + " fields, the header has " +
                                         std::to_string(columns.size()));
    }
    json object = json::object();
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string_view text = record.fields[i];
      SetAt(object, columns[i], 0, text.empty() ? json(nullptr) : json(std::string(text)));
    }
    page.json_lines += object.dump();
    page.json_lines += '\n';
    page.ids.emplace_back(id_column >= 0 ? record.fields[id_column] : std::string_view());
    page.stamps.emplace_back(stamp_column >= 0 ? record.fields[stamp_column] : std::string_view());
    ++page.records;
  }
  return page;
}

}  // namespace tributary::connectors::salesforce
