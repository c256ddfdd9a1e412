// The parsed `reader:` section of a mapping: which format, and the options of that format.
// Built once when a mapping loads (ParseReaderOptions in record_reader.h), then shared,
// immutable, by every run of that mapping: all members are safe to read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/readers/encoding.h"

namespace re2 {
class RE2;
}

namespace tributary::readers {

enum class ReaderType { kCsv, kFixedWidth, kXml, kJson, kJsonLines };

// "csv", "fixed_width", "xml", "json", "json_lines".
std::string_view ReaderTypeName(ReaderType type);

// How the input's bytes become UTF-8 text.
struct InputEncoding {
  enum class Kind {
    kSingle,   // `single`: utf-8 or a one-byte encoding, decoded per field
    kUtf16Le,  // transcoded to UTF-8 while reading; a BOM is dropped
    kUtf16Be,
    kUtf16,    // `utf-16`: the byte-order mark says which; no BOM is an error
    kAuto,     // detected from the first 64 KiB (encoding_detection.h)
    kDocument, // xml only, the default: the document's own XML declaration decides
  };
  Kind kind = Kind::kSingle;
  Encoding single = Encoding::kUtf8;  // kSingle
};

// A `skip_patterns` entry: a physical record whose raw text matches is dropped.
struct SkipPattern {
  std::string text;                 // as written, for messages
  std::shared_ptr<const re2::RE2> regex;  // RE2 syntax (as every regex of a mapping), compiled once
  // A cheap pre-check that rules most records out without running the regex. When the
  // pattern is anchored (`^...`), `first_chars` are the characters that may open a
  // matching record (after leading spaces and tabs when `skip_spaces`); empty: no pre-check.
  std::string first_chars;
  bool skip_spaces = false;
};

// csv: the dialect.
struct CsvDialect {
  // One byte, or candidates: the one occurring most in the first line that is read
  // (after skip_lines; ties go to the earlier candidate).
  std::vector<char> delimiters = {','};
  char quote = '"';                  // '\0': no quoting
  std::optional<char> escape;        // the byte after it is literal (delimiter, quote, escape)
  bool header = true;
  bool trailing_delimiter = false;   // every line ends with a delimiter: drop the empty last field
  std::optional<int> columns;        // header: false only: the exact field count of every record
  std::optional<int> min_columns;    // records with fewer fields are errors; more are fine
};

// fixed_width: one declared column.
struct FixedWidthColumn {
  std::string name;
  int start = 1;   // 1-based, in characters (after decoding)
  int length = 1;  // in characters
};

struct FixedWidthLayout {
  std::vector<FixedWidthColumn> columns;  // in declaration order
  std::optional<int> min_length;          // lines shorter than this (in characters) are errors
};

// xml: a `namespaces` entry. A uri ending with '*' is a wildcard: the prefix binds to the
// first namespace of the document that starts with the text before the '*'.
struct XmlNamespace {
  std::string prefix;
  std::string uri;
  [[nodiscard]] bool wildcard() const { return !uri.empty() && uri.back() == '*'; }
};

struct ReaderOptions {
  ReaderType type = ReaderType::kCsv;
  InputEncoding encoding;  // csv/fixed_width/json: utf-8 unless declared; xml: kDocument

  // csv and fixed_width.
  int skip_lines = 0;        // physical lines dropped first
  int preamble_lines = 0;    // the next N lines (records), kept for `preamble` selectors
  std::vector<SkipPattern> skip_patterns;
  CsvDialect csv;
  FixedWidthLayout fixed_width;

  // xml and json: the default record selector (an entity may give its own); see RecordPlan.
  std::string records;
  std::vector<XmlNamespace> namespaces;  // xml
  // xml/json: a bigger document is refused; json_lines: a longer line is a record error.
  int64_t max_document_bytes = int64_t{256} * 1024 * 1024;
};

}  // namespace tributary::readers
