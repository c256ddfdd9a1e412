// The reader layer: every input format (CSV of any dialect, fixed-width, XML, JSON
// documents, JSON lines) becomes a stream of records whose fields are UTF-8 text,
// addressed by the selectors a mapping asked for. The mapping engine never sees bytes,
// encodings or syntax; a reader never sees canonical entities.
//
// A run goes: ParseReaderOptions (when the mapping loads) -> OpenReader (per input) ->
// Start -> Next ... until false.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/config/config_node.h"

namespace tributary::readers {

// Where a field comes from, in the terms of the reader.
struct FieldSelector {
  enum class Kind {
    kColumn,    // csv: a header name; fixed_width: a column declared in reader.columns
    kIndex,     // csv without a header: the 1-based field index
    kPath,      // xml: an XPath relative to the record node (or absolute, from '/');
                // json: a dotted path relative to the record ("Line.0.Amount", "CurrencyRef.value",
                // "$.time" from the document root)
    kPreamble,  // csv/fixed_width: field `index` (1-based) of physical line `line` of the
                // preamble (reader.preamble_lines), e.g. the DATEV header line; index 0:
                // the whole line (fixed_width has only that)
    kPosition,  // xml: the 1-based ordinal, among the siblings of its local name and
                // namespace, of the first element the XPath `text` selects from the record
                // ("ancestor-or-self::camt:Ntry": the entry's rank in its statement); no
                // element: absent
  };
  Kind kind = Kind::kColumn;
  std::string text;  // kColumn, kPath, kPosition
  int index = 0;     // kIndex, kPreamble
  int line = 0;      // kPreamble
  // csv kColumn: other header names tried in order when `text` is not in the header
  // (language or version variants: "DocumentNo", then "Belegnr", then "N° pièce").
  std::vector<std::string> alternatives;
  // csv/fixed_width kColumn: a column absent from the header reads as absent (every value
  // present=false) instead of making the input unusable.
  bool optional = false;
};

// One record kind the mapping reads: the record selector and the fields it reads there.
// csv and fixed_width have exactly one plan, with an empty `records`.
struct RecordPlan {
  // xml: an XPath selecting the record elements (e.g. "//camt:Ntry/camt:NtryDtls/camt:TxDtls");
  // json: a dotted path to the array of records, "[]" marking each level that is iterated
  // ("QueryResponse.Invoice[]", "Line[].LinkedTxn[]"); empty: the document (or, for JSON
  // lines, each line) is the record.
  std::string records;
  std::vector<FieldSelector> fields;
  // csv/fixed_width: also decode every column of each record into SourceRecord::columns
  // (a bad byte in any column is then a record error, not only in the columns read).
  bool all_columns = false;
};

// With several plans (xml/json), a reader emits every record of plans[0] in document
// order, then every record of plans[1], and so on (json_lines: per line, plan by plan):
// put the plan of customers before the plan of the receivables that reference them.
struct ReadPlan {
  std::vector<RecordPlan> plans;
};

// One field's value in one record.
struct FieldValue {
  bool present = false;   // false: the column is empty / the path matched nothing (null)
  std::string_view text;  // UTF-8; valid until the next Next() call
  int column = 0;         // csv/fixed_width: 1-based field index (fixed_width: first character); else 0
};

// One record. Views stay valid until the next call of Next().
struct SourceRecord {
  size_t plan = 0;           // index in ReadPlan::plans this record belongs to
  int64_t line = 0;          // 1-based line where the record starts (xml: the element's line)
  std::string location;      // xml: the record's path ("/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]");
                             // json: its path ("QueryResponse.Invoice[2]"); empty for csv/fixed_width
  std::vector<FieldValue> values;  // one per RecordPlan::fields of `plan`
  std::string_view raw;      // the record's source text as UTF-8, bounded to 4 KiB, for rejects
  std::string error;         // non-empty: the record is malformed; it becomes a reject. Its values
                             // are all absent, but for a csv row with fewer fields than
                             // expected: its fields but the last (maybe cut) are read
  int error_column = 0;      // 1-based column of the problem, when known
  std::string error_field;   // the column (header name, fixed_width column, or its number as text)
                             // or path the error is about; empty when it is about the whole record
  // With RecordPlan::all_columns: every column, decoded, untrimmed, in order (names in
  // RecordReader::column_names()); empty when the record has an error.
  std::vector<std::string_view> columns;
};

// What a reader found out about its input, recorded in provenance.
struct ReadInfo {
  std::string encoding;        // canonical name of the encoding used ("utf-8", "windows-1252", "utf-16le", ...)
  int encoding_confidence = 100;  // 0-100; 100 when declared or certain (BOM, pure ASCII)
  std::string detail;          // e.g. xml: the namespace the document declared; json: ""
  bool encoding_detected = false;  // encoding: auto (record encoding_confidence only then)
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads what precedes the records (preamble, header line, the XML/JSON document) and
  // resolves the selectors. An error means the input as a whole cannot be read with this
  // plan: a column missing from the header, XML that is not well-formed, an encoding that
  // cannot be detected. The message is plain words for an admin and names a position.
  virtual Status Start() = 0;
  // The next record, false at the end. An error return is an I/O failure of the stream;
  // a malformed record is returned with `error` set and reading goes on.
  virtual Result<bool> Next(SourceRecord& record) = 0;
  // Valid after Start().
  virtual const ReadInfo& info() const = 0;
  // Bytes consumed so far, for progress.
  virtual int64_t bytes_read() const = 0;
  // csv: the header names (trimmed), or "1", "2", ... without a header (as many as the
  // records must have); fixed_width: the declared columns; xml/json: empty. After Start().
  virtual const std::vector<std::string>& column_names() const {
    static const std::vector<std::string> kNone;
    return kNone;
  }
};

struct ReaderOptions;  // reader_options.h: the parsed `reader:` section of a mapping

// Parses the `reader:` section of a mapping (its `type` picks the format); problems go to
// the node's diagnostics with positions. nullopt when there was a problem.
std::optional<std::shared_ptr<const ReaderOptions>> ParseReaderOptions(config::ConfigNode node);

// A selector that cannot work with these options, found when the mapping loads (a
// fixed_width column that is not declared, an XPath that does not compile, a preamble line
// beyond preamble_lines, a path on a csv reader). `field` is absent when the record
// selector itself is the problem.
struct PlanProblem {
  size_t plan = 0;
  std::optional<size_t> field;
  std::string message;
};
std::vector<PlanProblem> ValidatePlan(const ReaderOptions& options, const ReadPlan& plan);

// A reader over `input`; `options`, `plan` and `input` must outlive it. `display_name`
// names the input in messages.
std::unique_ptr<RecordReader> OpenReader(const ReaderOptions& options, const ReadPlan& plan,
                                         std::istream& input, std::string display_name);

}  // namespace tributary::readers
