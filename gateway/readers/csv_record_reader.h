// The csv RecordReader: CsvReader (streaming, constant memory) plus everything a mapping
// asks of a CSV dialect: delimiter candidates, skip_lines, preamble lines, skip_patterns,
// the header (names matched trimmed and ASCII-case-insensitively; a repeated name: the
// first wins), index selectors, trailing delimiters, field-count checks, and decoding of
// the fields the plan reads to UTF-8. Not thread-safe; one per input.
//
// Steady state allocates nothing per record: buffers and vectors are reused, values are
// views into them.
#pragma once

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/readers/csv_reader.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/record_text.h"
#include "gateway/readers/text_input.h"

namespace tributary::readers {

class CsvRecordReader : public RecordReader {
 public:
  CsvRecordReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input);

  Status Start() override;
  Result<bool> Next(SourceRecord& record) override;
  [[nodiscard]] const ReadInfo& info() const override { return text_.info(); }
  [[nodiscard]] int64_t bytes_read() const override { return text_.bytes_read(); }
  [[nodiscard]] const std::vector<std::string>& column_names() const override { return column_names_; }

 private:
  // Where a selector's value comes from once the header is known.
  struct Slot {
    enum class Source { kField, kPreamble, kAbsent } source = Source::kField;
    size_t field = 0;        // kField: 0-based field index
    std::string preamble;    // kPreamble: the decoded value (constant for the input)
    bool preamble_present = false;
  };

  char PickDelimiter() const;
  Status ReadPreamble();
  Status ReadHeader();
  Status ResolveSlots();
  // Reads the next record that is not skipped; false at the end.
  Result<bool> NextCsvRecord();
  void DropTrailingDelimiterField();
  std::string ColumnName(size_t field) const;
  bool CheckShape(SourceRecord& record);
  // Decodes field `field` into `out`; on failure sets the record's error (the first one).
  bool DecodeField(SourceRecord& record, size_t field, std::string_view& out);
  void Decode(SourceRecord& record);

  const ReaderOptions& options_;
  const ReadPlan& plan_;
  TextInput text_;
  FieldDecoder decoder_;
  // The current record is ASCII: its fields (made of its bytes) need no decoding.
  bool ascii_record_ = false;
  std::unique_ptr<CsvReader> csv_;
  CsvRecord current_;
  std::string_view display_;  // current_'s raw text as UTF-8 (bounded), for skip_patterns and rejects
  std::vector<std::vector<std::string>> preamble_;  // decoded fields per preamble line
  std::vector<std::string> header_;                 // trimmed names
  std::vector<std::string> column_names_;           // header_, or "1", "2", ... without one
  std::vector<Slot> slots_;                         // one per plan field
  size_t exact_fields_ = 0;                         // 0: not checked
  size_t min_fields_ = 0;
};

}  // namespace tributary::readers
