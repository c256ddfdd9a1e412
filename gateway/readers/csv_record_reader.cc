#include "gateway/readers/csv_record_reader.h"

#include <algorithm>

#include "gateway/config/values.h"

namespace tributary::readers {
namespace {

bool IsLineBreak(char c) { return c == '\r' || c == '\n'; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

CsvRecordReader::CsvRecordReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input)
    : options_(options), plan_(plan), text_(input, options.encoding), decoder_(Encoding::kUtf8) {}

char CsvRecordReader::PickDelimiter() const {
  const std::vector<char>& candidates = options_.csv.delimiters;
  if (candidates.size() == 1) return candidates[0];
  // The first line that will be read: after skip_lines, not blank, not skipped by a pattern.
  const std::string_view head = text_.head();
  int to_skip = options_.skip_lines;
  size_t pos = 0;
  while (pos < head.size()) {
    size_t end = pos;
    while (end < head.size() && !IsLineBreak(head[end])) ++end;
    const std::string_view line = head.substr(pos, end - pos);
    pos = end;
    if (pos < head.size() && head[pos] == '\r') ++pos;
    if (pos < head.size() && head[pos] == '\n') ++pos;
    if (to_skip > 0) {
      --to_skip;
      continue;
    }
    if (IsBlank(line) || MatchesSkipPattern(options_.skip_patterns, line)) continue;
    char best = candidates[0];
    size_t best_count = 0;
    for (char candidate : candidates) {
      const auto count = static_cast<size_t>(std::count(line.begin(), line.end(), candidate));
      if (count > best_count) {
        best = candidate;
        best_count = count;
      }
    }
    return best;
  }
  return candidates[0];
}

Status CsvRecordReader::Start() {
  if (auto status = text_.Start(); !status) return status;
  decoder_ = FieldDecoder(text_.field_encoding());
  CsvOptions csv;
  csv.delimiter = PickDelimiter();
  csv.quote = options_.csv.quote;
  csv.escape = options_.csv.escape.value_or('\0');
  csv.skip_lines = options_.skip_lines;
  csv.strip_utf8_bom = false;  // TextInput dropped it
  csv_ = std::make_unique<CsvReader>(text_.stream(), csv);
  if (auto status = ReadPreamble(); !status) return status;
  if (options_.csv.header) {
    if (auto status = ReadHeader(); !status) return status;
  }
  return ResolveSlots();
}

Status CsvRecordReader::ReadPreamble() {
  for (int i = 0; i < options_.preamble_lines; ++i) {
    auto next = csv_->Next(current_);
    if (!next) return std::unexpected(next.error());
    if (!*next) {
      return Fail(ErrorCode::kParse, "the input ends before its " + std::to_string(options_.preamble_lines) +
                                         " preamble line" + (options_.preamble_lines == 1 ? "" : "s"));
    }
    const std::string where = "preamble line " + std::to_string(i + 1) + " (line " + std::to_string(current_.line) + ")";
    if (!current_.ok()) return Fail(ErrorCode::kParse, where + ": " + current_.error);
    std::vector<std::string>& fields = preamble_.emplace_back();
    for (size_t f = 0; f < current_.fields.size(); ++f) {
      std::string value;
      if (auto status = AppendUtf8(current_.fields[f], text_.field_encoding(), value); !status) {
        return Fail(ErrorCode::kParse, where + ", field " + std::to_string(f + 1) + ": " + status.error().message +
                                           text_.encoding_note());
      }
      fields.push_back(std::move(value));
    }
    // Field 0 is the whole line.
    std::string whole;
    (void)AppendUtf8(current_.raw, text_.field_encoding(), whole);
    fields.insert(fields.begin(), std::move(whole));
  }
  return Ok();
}

Result<bool> CsvRecordReader::NextCsvRecord() {
  while (true) {
    auto next = csv_->Next(current_);
    if (!next) return next;
    if (!*next) {
      if (auto error = text_.StreamError()) return std::unexpected(*error);
      return false;
    }
    // Every encoding a reader decodes writes ASCII as itself: one check of the record's
    // bytes for its display and its fields (Decode), no decoding buffer.
    ascii_record_ = IsAscii(current_.raw);
    display_ = decoder_.Display(current_.raw, ascii_record_);
    if (!options_.skip_patterns.empty() && MatchesSkipPattern(options_.skip_patterns, display_)) continue;
    return true;
  }
}

void CsvRecordReader::DropTrailingDelimiterField() {
  if (options_.csv.trailing_delimiter && current_.ok() && current_.fields.size() > 1 &&
      current_.fields.back().empty()) {
    current_.fields.pop_back();
  }
}

Status CsvRecordReader::ReadHeader() {
  auto next = NextCsvRecord();
  if (!next) return std::unexpected(next.error());
  if (!*next) return Fail(ErrorCode::kParse, "the input is empty (no header line)");
  const std::string where = "header (line " + std::to_string(current_.line) + ")";
  if (!current_.ok()) return Fail(ErrorCode::kParse, where + ": " + current_.error);
  DropTrailingDelimiterField();
  for (size_t i = 0; i < current_.fields.size(); ++i) {
    std::string name;
    if (auto status = AppendUtf8(current_.fields[i], text_.field_encoding(), name); !status) {
      return Fail(ErrorCode::kParse, where + ", column " + std::to_string(i + 1) + ": " + status.error().message +
                                         text_.encoding_note());
    }
    header_.emplace_back(TrimSpaces(name));
  }
  return Ok();
}

Status CsvRecordReader::ResolveSlots() {
  if (plan_.plans.size() != 1) {
    return Fail(ErrorCode::kInvalidArgument, "a csv reader reads one kind of record (the plan has " +
                                                 std::to_string(plan_.plans.size()) + ")");
  }
  const RecordPlan& record_plan = plan_.plans[0];
  slots_.assign(record_plan.fields.size(), Slot{});
  std::vector<std::string> missing;
  size_t highest = 0;
  for (size_t i = 0; i < record_plan.fields.size(); ++i) {
    const FieldSelector& selector = record_plan.fields[i];
    Slot& slot = slots_[i];
    switch (selector.kind) {
      case FieldSelector::Kind::kColumn: {
        // The first of the name and its alternatives that the header has.
        auto found = header_.end();
        auto try_name = [&](std::string_view name) {
          const std::string_view wanted = TrimSpaces(name);
          if (found == header_.end()) {
            found = std::find_if(header_.begin(), header_.end(),
                                 [&](const std::string& column) { return EqualsIgnoreAsciiCase(column, wanted); });
          }
        };
        try_name(selector.text);
        for (const std::string& alternative : selector.alternatives) try_name(alternative);
        if (found == header_.end()) {
          if (selector.optional && options_.csv.header) {
            slot.source = Slot::Source::kAbsent;
            continue;
          }
          std::string quoted = config::QuoteForMessage(selector.text);
          if (!selector.alternatives.empty()) {
            quoted += " (or ";
            for (size_t a = 0; a < selector.alternatives.size(); ++a) {
              quoted += (a == 0 ? "" : ", ") + config::QuoteForMessage(selector.alternatives[a]);
            }
            quoted += ")";
          }
          if (std::find(missing.begin(), missing.end(), quoted) == missing.end()) missing.push_back(std::move(quoted));
          continue;
        }
        slot.field = static_cast<size_t>(found - header_.begin());
        highest = std::max(highest, slot.field + 1);
        break;
      }
      case FieldSelector::Kind::kIndex:
        if (selector.index < 1) {
          return Fail(ErrorCode::kInvalidArgument, "column index " + std::to_string(selector.index) + " is not 1 or more");
        }
        slot.field = static_cast<size_t>(selector.index - 1);
        highest = std::max(highest, slot.field + 1);
        break;
      case FieldSelector::Kind::kPreamble: {
        slot.source = Slot::Source::kPreamble;
        if (selector.line < 1 || static_cast<size_t>(selector.line) > preamble_.size()) {
          return Fail(ErrorCode::kInvalidArgument, "preamble line " + std::to_string(selector.line) +
                                                       " is not among the " + std::to_string(preamble_.size()) +
                                                       " preamble lines");
        }
        const std::vector<std::string>& line = preamble_[static_cast<size_t>(selector.line - 1)];
        if (selector.index >= 0 && static_cast<size_t>(selector.index) < line.size()) {
          slot.preamble = line[static_cast<size_t>(selector.index)];
          slot.preamble_present = !slot.preamble.empty();
        }
        break;
      }
      case FieldSelector::Kind::kPath:
      case FieldSelector::Kind::kPosition:
        return Fail(ErrorCode::kInvalidArgument, "a csv reader has no paths (" +
                                                     config::QuoteForMessage(selector.text) + "); read columns");
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Fail(ErrorCode::kInvalidArgument, "the header has no column " + list + " (the mapping reads " +
                                                 (missing.size() == 1 ? "it" : "them") + ")");
  }
  if (options_.csv.header) {
    if (!options_.csv.min_columns) exact_fields_ = header_.size();
  } else if (options_.csv.columns) {
    exact_fields_ = static_cast<size_t>(*options_.csv.columns);
  }
  if (exact_fields_ > 0 && highest > exact_fields_) {
    return Fail(ErrorCode::kInvalidArgument, "the mapping reads column " + std::to_string(highest) +
                                                 " but the input has " + std::to_string(exact_fields_));
  }
  min_fields_ = std::max<size_t>(highest, static_cast<size_t>(options_.csv.min_columns.value_or(0)));
  column_names_ = header_;
  if (!options_.csv.header) {
    for (size_t i = 0; i < std::max(exact_fields_, min_fields_); ++i) column_names_.push_back(std::to_string(i + 1));
  }
  return Ok();
}

std::string CsvRecordReader::ColumnName(size_t field) const {
  if (field < header_.size()) return header_[field];
  return std::to_string(field + 1);
}

bool CsvRecordReader::CheckShape(SourceRecord& record) {
  const size_t found = current_.fields.size();
  if (exact_fields_ > 0 && found != exact_fields_) {
    record.error = "expected " + std::to_string(exact_fields_) + " fields, found " + std::to_string(found);
    return false;
  }
  if (found < min_fields_) {
    record.error = "expected at least " + std::to_string(min_fields_) + " fields, found " + std::to_string(found);
    return false;
  }
  return true;
}

bool CsvRecordReader::DecodeField(SourceRecord& record, size_t field, std::string_view& out) {
  if (ascii_record_) {
    out = current_.fields[field];
    return true;
  }
  if (decoder_.Decode(current_.fields[field], out)) return true;
  out = {};
  if (record.error.empty()) {
    record.error = decoder_.error() + text_.encoding_note();
    record.error_column = static_cast<int>(field) + 1;
    record.error_field = ColumnName(field);
  }
  return false;
}

void CsvRecordReader::Decode(SourceRecord& record) {
  const bool all = plan_.plans[0].all_columns;
  // ascii_record_ was set when the record was read (NextCsvRecord).
  if (!ascii_record_) {
    size_t total = 0;
    if (all) {
      for (std::string_view field : current_.fields) total += field.size();
    } else {
      for (const Slot& slot : slots_) {
        if (slot.source == Slot::Source::kField && slot.field < current_.fields.size()) {
          total += current_.fields[slot.field].size();
        }
      }
    }
    decoder_.Reset(total);
  }
  if (all && ascii_record_) {
    record.columns.assign(current_.fields.begin(), current_.fields.end());
  } else if (all) {
    record.columns.resize(current_.fields.size());
    for (size_t f = 0; f < current_.fields.size(); ++f) DecodeField(record, f, record.columns[f]);
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    FieldValue& value = record.values[i];
    switch (slot.source) {
      case Slot::Source::kAbsent:
        value = FieldValue{};
        continue;
      case Slot::Source::kPreamble:
        value.present = slot.preamble_present;
        value.text = slot.preamble;
        value.column = 0;
        continue;
      case Slot::Source::kField:
        break;
    }
    if (slot.field >= current_.fields.size()) {  // a row cut short (it has an error)
      value = FieldValue{};
      continue;
    }
    value.column = static_cast<int>(slot.field) + 1;
    std::string_view text;
    if (all) {
      text = record.columns[slot.field];  // empty when it did not decode (the record has an error)
    } else {
      DecodeField(record, slot.field, text);
    }
    value.text = text;
    value.present = !text.empty();
  }
  if (!record.error.empty()) record.columns.clear();
}

Result<bool> CsvRecordReader::Next(SourceRecord& record) {
  if (!csv_) return Fail(ErrorCode::kInternal, "Next() called before a successful Start()");
  auto next = NextCsvRecord();
  if (!next || !*next) return next;
  DropTrailingDelimiterField();
  record.plan = 0;
  record.line = current_.line;
  record.location.clear();
  record.raw = display_;
  record.error.clear();
  record.error_column = 0;
  record.error_field.clear();
  record.columns.clear();
  record.values.resize(slots_.size());
  if (!current_.ok()) {
    record.error = current_.error;
    record.error_column = current_.error_column;
    record.error_field = ColumnName(static_cast<size_t>(std::max(current_.error_column, 1) - 1));
    for (FieldValue& value : record.values) value = FieldValue{};
    return true;
  }
  if (!CheckShape(record)) {
    // A row cut short keeps its leading fields in their columns: they are read, so that
    // its reject can still name the row's key; the missing ones are absent, and so is its
    // last field, which may have been cut too. A row with too many fields is not read: a
    // delimiter inside an unquoted value shifts every column after it.
    if (current_.fields.size() < std::max(exact_fields_, min_fields_)) {
      if (!current_.fields.empty()) current_.fields.pop_back();
      Decode(record);
    } else {
      for (FieldValue& value : record.values) value = FieldValue{};
    }
    return true;
  }
  Decode(record);
  return true;
}

}  // namespace tributary::readers
