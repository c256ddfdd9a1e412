// The json and json_lines RecordReaders.
//
// json: the whole input is one document (at most reader.max_document_bytes), parsed into
// a JsonDocument at Start(); malformed JSON is a Start() error with line and column.
// json_lines: one document per line, parsed as it comes; a malformed or too long line is
// a record error and reading goes on; blank lines are skipped.
//
// Records come from each plan's records path (json_path.h), plan by plan (json_lines:
// per line, plan by plan). Field values: strings unescaped; numbers in their exact source
// text; true/false; null and "" are absent; objects and arrays as compact JSON text.
// `location` is the record's path ("QueryResponse.Invoice[2]", 0-based), `line` the line
// where it starts. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "gateway/readers/json_document.h"
#include "gateway/readers/json_path.h"
#include "gateway/readers/line_reader.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/text_input.h"

namespace tributary::readers {

class JsonReader : public RecordReader {
 public:
  JsonReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input);

  Status Start() override;
  Result<bool> Next(SourceRecord& record) override;
  [[nodiscard]] const ReadInfo& info() const override { return text_.info(); }
  [[nodiscard]] int64_t bytes_read() const override { return text_.bytes_read(); }

 private:
  // An element reached through a "[]" segment; `parent` is the index of the enclosing
  // level's entry (-1: none).
  struct Level {
    JsonDocument::NodeId node;
    int32_t parent;
  };
  struct Found {
    size_t plan;
    JsonDocument::NodeId node;
    int32_t level;                   // the innermost level entry enclosing the record (-1: none)
    std::string location;
  };

  Status ReadDocument(std::string& text);
  // Fills found_ with the records of every plan in `document_`.
  void FindRecords();
  void Walk(size_t plan, JsonDocument::NodeId node, size_t segment, int32_t level, std::string& location);
  JsonDocument::NodeId Resolve(const JsonFieldPath& path, const Found& found) const;
  int64_t LineOf(size_t offset) const;
  void Emit(const Found& found, SourceRecord& record);
  Result<bool> NextLine();

  const ReaderOptions& options_;
  const ReadPlan& plan_;
  TextInput text_;
  bool lines_mode_ = false;
  std::vector<JsonRecordPath> record_paths_;           // per plan
  std::vector<std::vector<JsonFieldPath>> field_paths_;  // per plan, per field
  JsonDocument document_;
  std::string document_text_;
  std::vector<size_t> line_starts_;  // json: byte offset of each line's start
  std::vector<Level> levels_;
  std::vector<Found> found_;
  size_t next_found_ = 0;
  std::unique_ptr<LineReader> lines_;
  int64_t line_number_ = 1;          // json_lines: the current line
  std::vector<std::string> compact_;  // per field: compact JSON of object/array values
  std::string raw_;
  std::string line_error_;  // json_lines: why the current line gave no records
  bool started_ = false;
};

// Record selectors and paths that cannot work (ValidatePlan for json and json_lines).
void ValidateJsonPlan(const ReaderOptions& options, const ReadPlan& plan, std::vector<PlanProblem>& problems);

}  // namespace tributary::readers
