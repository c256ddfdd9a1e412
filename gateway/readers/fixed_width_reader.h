// The fixed_width RecordReader: one record per physical line, fields cut at declared
// character positions (after decoding: a UTF-8 "é" is one character). skip_lines,
// preamble lines (whole lines), skip_patterns and min_length as for csv; blank lines are
// skipped. Values are not trimmed here (the mapping's `trim` does that). Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "gateway/readers/line_reader.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/record_text.h"
#include "gateway/readers/text_input.h"

namespace tributary::readers {

class FixedWidthReader : public RecordReader {
 public:
  FixedWidthReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input);

  Status Start() override;
  Result<bool> Next(SourceRecord& record) override;
  [[nodiscard]] const ReadInfo& info() const override { return text_.info(); }
  [[nodiscard]] int64_t bytes_read() const override { return text_.bytes_read(); }
  [[nodiscard]] const std::vector<std::string>& column_names() const override { return column_names_; }

  // The longest line kept; a longer line is a record error.
  static constexpr size_t kMaxLineBytes = 1024 * 1024;

 private:
  struct Slot {
    bool preamble = false;
    size_t start = 0;   // 0-based character
    size_t length = 0;  // characters
    std::string name;
    std::string preamble_text;
  };

  // Byte offsets of the line's characters (only built for non-ASCII UTF-8 lines).
  void IndexCharacters(std::string_view line);
  std::string_view Cut(std::string_view line, size_t start, size_t length) const;
  size_t CharacterCount(std::string_view line) const;

  const ReaderOptions& options_;
  const ReadPlan& plan_;
  TextInput text_;
  FieldDecoder decoder_;
  std::unique_ptr<LineReader> lines_;
  Line line_;
  std::vector<Slot> slots_;
  std::vector<std::string> column_names_;  // the declared columns
  bool indexed_ = false;               // char_offsets_ describes the current line
  std::vector<uint32_t> char_offsets_;  // char i starts at byte char_offsets_[i]; one past the end too
};

}  // namespace tributary::readers
