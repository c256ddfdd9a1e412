#include "gateway/readers/json_reader.h"

#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/readers/record_text.h"

namespace tributary::readers {
namespace {

using config::QuoteForMessage;

std::string_view SelectorKindName(FieldSelector::Kind kind) {
  switch (kind) {
    case FieldSelector::Kind::kColumn: return "column";
    case FieldSelector::Kind::kIndex: return "index";
    case FieldSelector::Kind::kPreamble: return "preamble";
    case FieldSelector::Kind::kPath: return "path";
    case FieldSelector::Kind::kPosition: return "position";
  }
  return "selector";
}

// How many levels a "^" can climb from a record of `path`: the iterated levels that
// enclose the record (the record's own level does not count).
size_t EnclosingLevels(const JsonRecordPath& path) {
  const size_t levels = path.levels();
  const bool record_is_level = !path.segments.empty() && path.segments.back().iterate;
  return record_is_level ? levels - 1 : levels;
}

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

void ValidateJsonPlan(const ReaderOptions& options, const ReadPlan& plan, std::vector<PlanProblem>& problems) {
  const std::string type(ReaderTypeName(options.type));
  for (size_t p = 0; p < plan.plans.size(); ++p) {
    const std::string& records_text = plan.plans[p].records.empty() ? options.records : plan.plans[p].records;
    auto records = ParseJsonRecordPath(records_text);
    if (!records) problems.push_back({p, std::nullopt, records.error().message});
    for (size_t f = 0; f < plan.plans[p].fields.size(); ++f) {
      const FieldSelector& selector = plan.plans[p].fields[f];
      if (selector.kind == FieldSelector::Kind::kPosition) {
        problems.push_back({p, f, "'position' needs an xml reader; a " + type + " reader reads 'path'"});
        continue;
      }
      if (selector.kind != FieldSelector::Kind::kPath) {
        problems.push_back({p, f, "'" + std::string(SelectorKindName(selector.kind)) +
                                      "' needs a csv or fixed_width reader; a " + type + " reader reads 'path'"});
        continue;
      }
      auto path = ParseJsonFieldPath(selector.text);
      if (!path) {
        problems.push_back({p, f, path.error().message});
      } else if (records && path->anchor == JsonFieldPath::Anchor::kAncestor && path->up > EnclosingLevels(*records)) {
        problems.push_back({p, f, QuoteForMessage(selector.text) + " goes " + std::to_string(path->up) + " level" +
                                      (path->up == 1 ? "" : "s") + " up, but records " +
                                      QuoteForMessage(records_text) + " has " +
                                      std::to_string(EnclosingLevels(*records)) + " enclosing \"[]\" level" +
                                      (EnclosingLevels(*records) == 1 ? "" : "s")});
      }
    }
  }
}

JsonReader::JsonReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input)
    : options_(options), plan_(plan), text_(input, options.encoding),
      lines_mode_(options.type == ReaderType::kJsonLines) {}

Status JsonReader::ReadDocument(std::string& text) {
  std::istream& stream = text_.stream();
  const auto limit = static_cast<size_t>(options_.max_document_bytes);
  std::string chunk(64 * 1024, '\0');
  while (true) {
    stream.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto count = static_cast<size_t>(stream.gcount());
    if (text.size() + count > limit) {
      return Fail(ErrorCode::kParse, "the document is larger than reader.max_document_bytes (" +
                                         std::to_string(limit) + " bytes)");
    }
    text.append(chunk.data(), count);
    if (count < chunk.size()) break;
  }
  if (auto error = text_.StreamError()) return std::unexpected(*error);
  if (text_.field_encoding() != Encoding::kUtf8) {
    auto decoded = DecodeToUtf8(text, text_.field_encoding());
    if (!decoded) return Fail(ErrorCode::kParse, decoded.error().message + text_.encoding_note());
    text = std::move(*decoded);
  }
  return Ok();
}

Status JsonReader::Start() {
  for (const RecordPlan& record_plan : plan_.plans) {
    // A plan without its own selector uses reader.records.
    auto records = ParseJsonRecordPath(record_plan.records.empty() ? options_.records : record_plan.records);
    if (!records) return std::unexpected(records.error());
    record_paths_.push_back(std::move(*records));
    std::vector<JsonFieldPath>& fields = field_paths_.emplace_back();
    for (const FieldSelector& selector : record_plan.fields) {
      auto path = ParseJsonFieldPath(selector.text);
      if (!path) return std::unexpected(path.error());
      fields.push_back(std::move(*path));
    }
  }
  if (auto status = text_.Start(); !status) return status;
  started_ = true;
  if (lines_mode_) {
    lines_ = std::make_unique<LineReader>(text_.stream(), static_cast<size_t>(options_.max_document_bytes));
    return Ok();
  }
  if (auto status = ReadDocument(document_text_); !status) return status;
  if (auto status = document_.Parse(document_text_); !status) {
    return Fail(ErrorCode::kParse, "invalid JSON at " + status.error().message);
  }
  line_starts_.push_back(0);
  for (size_t i = 0; i < document_text_.size(); ++i) {
    if (document_text_[i] == '\n') line_starts_.push_back(i + 1);
  }
  FindRecords();
  return Ok();
}

void JsonReader::FindRecords() {
  found_.clear();
  levels_.clear();
  next_found_ = 0;
  std::string location;
  for (size_t p = 0; p < plan_.plans.size(); ++p) {
    location.clear();
    Walk(p, document_.root(), 0, -1, location);
  }
}

void JsonReader::Walk(size_t plan, JsonDocument::NodeId node, size_t segment, int32_t level,
                      std::string& location) {
  const std::vector<JsonSegment>& segments = record_paths_[plan].segments;
  if (node == JsonDocument::kNoNode) return;
  if (segment == segments.size()) {
    found_.push_back(Found{plan, node, level, location});
    return;
  }
  const JsonSegment& step = segments[segment];
  const size_t location_size = location.size();
  JsonDocument::NodeId next = node;
  if (!step.name.empty()) {
    if (document_.type(node) == JsonDocument::Type::kArray && step.index) {
      next = document_.Element(node, *step.index);
      location += "[" + step.name + "]";
    } else {
      next = document_.Member(node, step.name);
      if (!location.empty()) location += '.';
      location += step.name;
    }
    if (next == JsonDocument::kNoNode) {
      location.resize(location_size);
      return;
    }
  }
  if (!step.iterate) {
    Walk(plan, next, segment + 1, level, location);
  } else if (document_.type(next) != JsonDocument::Type::kArray) {
    // A single value where an array was expected (producers collapse one-element arrays).
    levels_.push_back(Level{next, level});
    Walk(plan, next, segment + 1, static_cast<int32_t>(levels_.size() - 1), location);
  } else {
    const size_t base = location.size();
    size_t index = 0;
    for (JsonDocument::NodeId element = document_.FirstChild(next); element != JsonDocument::kNoNode;
         element = document_.NextSibling(element), ++index) {
      location.resize(base);
      location += "[" + std::to_string(index) + "]";
      levels_.push_back(Level{element, level});
      Walk(plan, element, segment + 1, static_cast<int32_t>(levels_.size() - 1), location);
    }
  }
  location.resize(location_size);
}

JsonDocument::NodeId JsonReader::Resolve(const JsonFieldPath& path, const Found& found) const {
  JsonDocument::NodeId node = found.node;
  switch (path.anchor) {
    case JsonFieldPath::Anchor::kRecord:
      break;
    case JsonFieldPath::Anchor::kRoot:
      node = document_.root();
      break;
    case JsonFieldPath::Anchor::kAncestor: {
      int32_t level = found.level;
      // The record's own level is not an ancestor.
      if (level >= 0 && levels_[static_cast<size_t>(level)].node == found.node) level = levels_[static_cast<size_t>(level)].parent;
      for (size_t up = 1; up < path.up && level >= 0; ++up) level = levels_[static_cast<size_t>(level)].parent;
      if (level < 0) return JsonDocument::kNoNode;
      node = levels_[static_cast<size_t>(level)].node;
      break;
    }
  }
  for (const JsonSegment& step : path.segments) {
    if (node == JsonDocument::kNoNode) return node;
    if (document_.type(node) == JsonDocument::Type::kArray) {
      node = step.index ? document_.Element(node, *step.index) : JsonDocument::kNoNode;
    } else {
      node = document_.Member(node, step.name);
    }
  }
  return node;
}

int64_t JsonReader::LineOf(size_t offset) const {
  if (lines_mode_) return line_number_;
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<int64_t>(it - line_starts_.begin());
}

void JsonReader::Emit(const Found& found, SourceRecord& record) {
  record.plan = found.plan;
  record.line = LineOf(document_.begin_offset(found.node));
  record.location = found.location;
  record.error.clear();
  record.error_column = 0;
  record.error_field.clear();
  const std::vector<JsonFieldPath>& paths = field_paths_[found.plan];
  record.values.resize(paths.size());
  if (compact_.size() < paths.size()) compact_.resize(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    FieldValue& value = record.values[i];
    value = FieldValue{};
    const JsonDocument::NodeId node = Resolve(paths[i], found);
    if (node == JsonDocument::kNoNode) continue;
    switch (document_.type(node)) {
      case JsonDocument::Type::kNull:
        break;
      case JsonDocument::Type::kObject:
      case JsonDocument::Type::kArray:
        compact_[i].clear();
        document_.AppendCompact(node, compact_[i]);
        value.text = compact_[i];
        value.present = true;
        break;
      default:
        value.text = document_.text(node);
        value.present = !value.text.empty();
        break;
    }
  }
  const JsonDocument::NodeId node = found.node;
  if (document_.end_offset(node) > document_.begin_offset(node)) {
    const std::string_view source = document_text_;
    record.raw = Utf8Prefix(
        source.substr(document_.begin_offset(node), document_.end_offset(node) - document_.begin_offset(node)),
        kMaxRawBytes);
  } else {
    raw_.clear();
    document_.AppendCompact(found.node, raw_);
    record.raw = Utf8Prefix(raw_, kMaxRawBytes);
  }
}

Result<bool> JsonReader::NextLine() {
  Line line;
  while (true) {
    auto next = lines_->Next(line);
    if (!next) return next;
    if (!*next) {
      if (auto error = text_.StreamError()) return std::unexpected(*error);
      return false;
    }
    if (!IsBlank(line.text)) break;
  }
  line_number_ = line.number;
  found_.clear();
  levels_.clear();
  next_found_ = 0;
  line_error_.clear();
  if (line.too_long) {
    line_error_ = "line is longer than reader.max_document_bytes (" + std::to_string(options_.max_document_bytes) +
                  " bytes)";
    document_text_.assign(Utf8Prefix(line.text, kMaxRawBytes));
    return true;
  }
  document_text_.assign(line.text);
  if (text_.field_encoding() != Encoding::kUtf8) {
    auto decoded = DecodeToUtf8(document_text_, text_.field_encoding());
    if (!decoded) {
      line_error_ = decoded.error().message + text_.encoding_note();
      document_text_ = DecodeForDisplay(line.text, text_.field_encoding());
      return true;
    }
    document_text_ = std::move(*decoded);
  }
  if (auto status = document_.Parse(document_text_); !status) {
    // Positions are within the line: "line 1, column 7" says less than "column 7".
    std::string_view message = status.error().message;
    if (message.starts_with("line 1, ")) message.remove_prefix(8);
    line_error_ = "invalid JSON at " + std::string(message);
    if (FindInvalidUtf8(document_text_) != std::string_view::npos) {
      document_text_ = DecodeForDisplay(document_text_, Encoding::kUtf8);
    }
    return true;
  }
  FindRecords();
  return true;
}

Result<bool> JsonReader::Next(SourceRecord& record) {
  if (!started_) return Fail(ErrorCode::kInternal, "Next() called before a successful Start()");
  while (next_found_ >= found_.size()) {
    if (!line_error_.empty()) {
      // The line could not be read: one record error for the line, and reading goes on.
      record.plan = 0;
      record.line = line_number_;
      record.location.clear();
      record.values.assign(plan_.plans.empty() ? 0 : plan_.plans[0].fields.size(), FieldValue{});
      record.error = std::move(line_error_);
      line_error_.clear();
      record.error_column = 0;
      record.error_field.clear();
      record.raw = Utf8Prefix(document_text_, kMaxRawBytes);
      return true;
    }
    if (!lines_mode_) return false;
    auto next = NextLine();
    if (!next || !*next) return next;
  }
  Emit(found_[next_found_++], record);
  return true;
}

}  // namespace tributary::readers
