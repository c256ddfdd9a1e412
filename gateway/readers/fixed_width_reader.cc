#include "gateway/readers/fixed_width_reader.h"

#include <algorithm>

namespace tributary::readers {
namespace {

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// Length of the UTF-8 sequence a lead byte announces; a byte that cannot lead counts as
// one character (its decoding error is reported when a read column holds it).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 1;
}

}  // namespace

FixedWidthReader::FixedWidthReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input)
    : options_(options), plan_(plan), text_(input, options.encoding), decoder_(Encoding::kUtf8) {}

Status FixedWidthReader::Start() {
  if (plan_.plans.size() != 1) {
    return Fail(ErrorCode::kInvalidArgument, "a fixed_width reader reads one kind of record");
  }
  if (auto status = text_.Start(); !status) return status;
  decoder_ = FieldDecoder(text_.field_encoding());
  lines_ = std::make_unique<LineReader>(text_.stream(), kMaxLineBytes);
  for (int i = 0; i < options_.skip_lines; ++i) {
    auto next = lines_->Next(line_);
    if (!next) return std::unexpected(next.error());
    if (!*next) break;
  }
  std::vector<std::string> preamble;
  for (int i = 0; i < options_.preamble_lines; ++i) {
    auto next = lines_->Next(line_);
    if (!next) return std::unexpected(next.error());
    if (!*next) {
      return Fail(ErrorCode::kParse, "the input ends before its " + std::to_string(options_.preamble_lines) +
                                         " preamble line" + (options_.preamble_lines == 1 ? "" : "s"));
    }
    std::string text;
    if (auto status = AppendUtf8(line_.text, text_.field_encoding(), text); !status) {
      return Fail(ErrorCode::kParse, "preamble line " + std::to_string(i + 1) + " (line " +
                                         std::to_string(line_.number) + "): " + status.error().message +
                                         text_.encoding_note());
    }
    preamble.push_back(std::move(text));
  }
  for (const FixedWidthColumn& column : options_.fixed_width.columns) column_names_.push_back(column.name);
  for (const FieldSelector& selector : plan_.plans[0].fields) {
    Slot& slot = slots_.emplace_back();
    if (selector.kind == FieldSelector::Kind::kPreamble) {
      slot.preamble = true;
      if (selector.line < 1 || static_cast<size_t>(selector.line) > preamble.size() || selector.index != 0) {
        return Fail(ErrorCode::kInvalidArgument, "preamble line " + std::to_string(selector.line) +
                                                     " field " + std::to_string(selector.index) +
                                                     " cannot be read (fixed_width: field 0 of a preamble line)");
      }
      slot.preamble_text = preamble[static_cast<size_t>(selector.line - 1)];
      continue;
    }
    const auto& columns = options_.fixed_width.columns;
    auto column = std::find_if(columns.begin(), columns.end(),
                               [&](const FixedWidthColumn& c) { return c.name == selector.text; });
    if (selector.kind != FieldSelector::Kind::kColumn || column == columns.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the mapping reads " + selector.text + ", which is not a column declared in reader.columns");
    }
    slot.name = column->name;
    slot.start = static_cast<size_t>(column->start - 1);
    slot.length = static_cast<size_t>(column->length);
  }
  return Ok();
}

void FixedWidthReader::IndexCharacters(std::string_view line) {
  char_offsets_.clear();
  size_t i = 0;
  while (i < line.size()) {
    char_offsets_.push_back(static_cast<uint32_t>(i));
    i += std::min(SequenceLength(static_cast<unsigned char>(line[i])), line.size() - i);
  }
  char_offsets_.push_back(static_cast<uint32_t>(line.size()));
  indexed_ = true;
}

size_t FixedWidthReader::CharacterCount(std::string_view line) const {
  return indexed_ ? char_offsets_.size() - 1 : line.size();
}

std::string_view FixedWidthReader::Cut(std::string_view line, size_t start, size_t length) const {
  const size_t count = CharacterCount(line);
  if (start >= count) return {};
  const size_t end = std::min(count, start + length);
  if (!indexed_) return line.substr(start, end - start);
  return line.substr(char_offsets_[start], char_offsets_[end] - char_offsets_[start]);
}

Result<bool> FixedWidthReader::Next(SourceRecord& record) {
  if (!lines_) return Fail(ErrorCode::kInternal, "Next() called before a successful Start()");
  while (true) {
    auto next = lines_->Next(line_);
    if (!next) return next;
    if (!*next) {
      if (auto error = text_.StreamError()) return std::unexpected(*error);
      return false;
    }
    if (IsBlank(line_.text)) continue;
    record.raw = decoder_.Display(line_.text);
    if (!options_.skip_patterns.empty() && MatchesSkipPattern(options_.skip_patterns, record.raw)) continue;
    break;
  }
  const std::string_view line = line_.text;
  record.plan = 0;
  record.line = line_.number;
  record.location.clear();
  record.error.clear();
  record.error_column = 0;
  record.error_field.clear();
  record.columns.clear();
  record.values.resize(slots_.size());
  for (FieldValue& value : record.values) value = FieldValue{};
  if (line_.too_long) {
    record.error = "line is longer than " + std::to_string(kMaxLineBytes) + " bytes";
    return true;
  }
  // Positions count characters: UTF-8 lines with non-ASCII bytes need an index.
  indexed_ = false;
  if (text_.field_encoding() == Encoding::kUtf8 && !IsAscii(line)) IndexCharacters(line);
  const size_t characters = CharacterCount(line);
  if (options_.fixed_width.min_length && characters < static_cast<size_t>(*options_.fixed_width.min_length)) {
    record.error = "line is " + std::to_string(characters) + " characters long, expected at least " +
                   std::to_string(*options_.fixed_width.min_length);
    return true;
  }
  const bool all = plan_.plans[0].all_columns;
  const auto& declared = options_.fixed_width.columns;
  size_t total = 0;
  for (const Slot& slot : slots_) {
    if (!slot.preamble) total += Cut(line, slot.start, slot.length).size();
  }
  if (all) {
    for (const FixedWidthColumn& column : declared) {
      total += Cut(line, static_cast<size_t>(column.start - 1), static_cast<size_t>(column.length)).size();
    }
  }
  decoder_.Reset(total);
  if (all) {
    record.columns.resize(declared.size());
    for (size_t c = 0; c < declared.size(); ++c) {
      const bool decoded = decoder_.Decode(
          Cut(line, static_cast<size_t>(declared[c].start - 1), static_cast<size_t>(declared[c].length)),
          record.columns[c]);
      if (!decoded) record.columns[c] = {};
      if (!decoded && record.error.empty()) {
        record.error = decoder_.error() + text_.encoding_note();
        record.error_column = declared[c].start;
        record.error_field = declared[c].name;
      }
    }
  }
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    FieldValue& value = record.values[i];
    if (slot.preamble) {
      value.text = slot.preamble_text;
      value.present = !slot.preamble_text.empty();
      continue;
    }
    value.column = static_cast<int>(slot.start) + 1;
    std::string_view decoded;
    if (!decoder_.Decode(Cut(line, slot.start, slot.length), decoded)) {
      if (record.error.empty()) {
        record.error = decoder_.error() + text_.encoding_note();
        record.error_column = value.column;
        record.error_field = slot.name;
      }
      continue;
    }
    value.text = decoded;
    value.present = !decoded.empty();
  }
  if (!record.error.empty()) record.columns.clear();
  return true;
}

}  // namespace tributary::readers
