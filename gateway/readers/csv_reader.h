// A streaming RFC 4180 CSV reader: fixed-size chunks from a std::istream, constant
// memory (bounded by the longest record), no per-field heap allocation.
//
// Works on bytes: the delimiter and quote are ASCII, which no multi-byte character of the
// supported encodings contains, so decoding happens later, per field (see encoding.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::readers {

struct CsvOptions {
  char delimiter = ',';
  char quote = '"';             // '\0': no quoting, every quote character is text
  char escape = '\0';           // when set, the byte after it is text (delimiter, quote, line break, itself)
  int skip_lines = 0;           // physical lines dropped before the first record (e.g. a title)
  bool strip_utf8_bom = true;   // drop a UTF-8 byte-order mark at the start of the input
  size_t chunk_size = 64 * 1024;
  // A record longer than this (usually a quote that is never closed) becomes an error
  // record, and reading resumes at the next physical line; this bounds memory.
  size_t max_record_bytes = 1024 * 1024;
};

// One record. The views point into the reader's buffers and stay valid until the next
// call of CsvReader::Next().
struct CsvRecord {
  int64_t line = 0;                      // 1-based physical line where the record starts
  std::vector<std::string_view> fields;  // field text, quotes removed; fields[i] is column i + 1
  std::string_view raw;                  // the record as read, without its line break (bounded)
  std::string error;                     // non-empty: the record is malformed, `fields` unusable
  int error_column = 0;                  // 1-based field index where the error was found

  [[nodiscard]] bool ok() const { return error.empty(); }
};

// Reads records one at a time. Not thread-safe; one reader per stream.
//
// Line breaks are CR, LF or CRLF, inside quoted fields too (kept in the field text).
// A quote inside an unquoted field is text. Blank lines (empty, or only spaces and tabs)
// are skipped. Malformed records (text after a closing quote, a quote never closed, a
// record over max_record_bytes) are returned with `error` set; reading goes on at the
// next physical line.
class CsvReader {
 public:
  // `input` must outlive the reader; it is read in binary chunks of options.chunk_size.
  CsvReader(std::istream& input, CsvOptions options);

  // Reads the next record into `record` (its vector is reused). Returns false at the end
  // of the input, or a kIo error when the stream fails.
  Result<bool> Next(CsvRecord& record);

  // Bytes consumed so far, for progress reporting.
  [[nodiscard]] int64_t bytes_read() const { return bytes_read_; }

 private:
  enum class State {
    kSkipLines,       // dropping options.skip_lines physical lines
    kFieldStart,
    kUnquoted,
    kQuoted,
    kQuoteInQuoted,   // a quote inside a quoted field: its end, or the first of a pair
    kAfterQuoted,     // spaces after a closing quote
    kSkipToLineEnd,   // after an error: the rest of the physical line belongs to the record
    kEscaped,         // after the escape byte: the next byte is text, then back to escaped_from_
  };

  bool Fill();
  // The common record, read without the state machine: a whole line in the current chunk,
  // with at least one delimiter and no quote, escape or CR. Its fields are views into the
  // chunk. False (nothing consumed, `record.fields` cleared) for any other line.
  bool NextPlainRecord(CsvRecord& record);
  // Consumes bytes of the current chunk; true once a record is complete.
  bool Consume();
  // The raw text of a record is a view into the chunk when the record lies in one chunk;
  // a record that straddles chunks is copied ("spilled") into raw_ as chunks are refilled.
  void SpillRaw(const char* end);
  void SetRawView(const char* end);
  size_t RecordBytes(const char* p) const;
  // Where a scanning run from `p` must stop: the chunk's end, or the byte that reaches
  // max_record_bytes.
  const char* RunEnd(const char* p, const char* end) const;
  // The first byte in [p, run_end) that ends an unquoted run (delimiter, CR, LF, escape),
  // or run_end.
  const char* ScanUnquoted(const char* p, const char* run_end) const;
  void EndField();
  void EndRecord();
  void SetError(std::string message);
  // Counts a line break byte; returns true when it is the LF of a CRLF already counted.
  bool CountLineBreak(char c);
  bool IsBlankRecord() const;

  std::istream& input_;
  CsvOptions options_;
  std::array<bool, 256> ends_unquoted_{};  // delimiter, CR, LF, escape
  std::array<bool, 256> ends_quoted_{};    // quote, CR, LF, escape
  std::string chunk_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the BOM check is done
  int64_t bytes_read_ = 0;

  State state_ = State::kFieldStart;
  State escaped_from_ = State::kUnquoted;
  int skip_remaining_ = 0;
  int64_t line_ = 1;        // physical line of the next byte
  bool after_cr_ = false;   // the previous byte was a CR (a following LF is the same break)
  bool in_record_ = false;  // a byte of the current record was consumed
  bool any_quote_ = false;  // the record has a quoted field (so it is never blank)
  int64_t record_line_ = 0;
  std::string raw_;            // spilled raw text of the current record
  size_t raw_start_ = 0;       // offset in chunk_ of the record's raw text not spilled yet
  std::string_view raw_view_;  // the finished record's raw text
  std::string data_;
  std::vector<size_t> field_ends_;
  std::string error_;
  int error_column_ = 0;
};

}  // namespace tributary::readers
