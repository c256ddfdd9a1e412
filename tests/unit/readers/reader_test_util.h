// Reader test support: options from YAML text, and records copied out of a reader.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/config/config_node.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"

namespace tributary::readers::testing {

// The `reader:` section of `yaml` (a whole mapping, or just the reader's keys at the top
// level under "reader:"), parsed; the diagnostics as text when it fails.
struct ParsedOptions {
  std::shared_ptr<const ReaderOptions> options;
  std::vector<std::string> diagnostics;
};

inline ParsedOptions ParseOptions(const std::string& yaml) {
  auto document = config::ConfigDocument::Parse(yaml, "mapping.yaml", "/tmp");
  ParsedOptions parsed;
  auto options = ParseReaderOptions(document->root().Child("reader"));
  if (options) parsed.options = *options;
  for (const Diagnostic& d : document->diagnostics()) parsed.diagnostics.push_back(d.ToString());
  return parsed;
}

inline std::shared_ptr<const ReaderOptions> Options(const std::string& yaml) {
  ParsedOptions parsed = ParseOptions(yaml);
  for (const std::string& d : parsed.diagnostics) ADD_FAILURE() << d;
  return parsed.options ? parsed.options : std::make_shared<ReaderOptions>();
}

inline FieldSelector Column(std::string name) { return {FieldSelector::Kind::kColumn, std::move(name)}; }
inline FieldSelector Index(int index) { return {FieldSelector::Kind::kIndex, "", index}; }
inline FieldSelector Path(std::string path) { return {FieldSelector::Kind::kPath, std::move(path)}; }
inline FieldSelector Preamble(int line, int field) { return {FieldSelector::Kind::kPreamble, "", field, line}; }

inline ReadPlan Plan(std::vector<FieldSelector> fields, std::string records = "") {
  ReadPlan plan;
  plan.plans.push_back(RecordPlan{std::move(records), std::move(fields)});
  return plan;
}

// A record copied out of the reader's buffers; a null value reads "<null>".
struct Row {
  size_t plan = 0;
  int64_t line = 0;
  std::string location;
  std::vector<std::string> values;
  std::vector<int> columns;
  std::string raw;
  std::string error;
  int error_column = 0;
  std::string error_field;
};

struct ReadResult {
  std::string start_error;  // Start() failed
  std::string next_error;   // Next() failed
  std::vector<Row> rows;
  ReadInfo info;
};

inline ReadResult ReadAll(const ReaderOptions& options, const ReadPlan& plan, const std::string& input_text) {
  std::istringstream input(input_text);
  auto reader = OpenReader(options, plan, input, "input");
  ReadResult result;
  if (auto status = reader->Start(); !status) {
    result.start_error = status.error().message;
    return result;
  }
  result.info = reader->info();
  SourceRecord record;
  while (true) {
    auto next = reader->Next(record);
    if (!next) {
      result.next_error = next.error().message;
      break;
    }
    if (!*next) break;
    Row row{record.plan, record.line, record.location, {}, {}, std::string(record.raw), record.error,
            record.error_column, record.error_field};
    for (const FieldValue& value : record.values) {
      row.values.push_back(value.present ? std::string(value.text) : "<null>");
      row.columns.push_back(value.column);
    }
    result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace tributary::readers::testing
