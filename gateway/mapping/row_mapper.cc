#include "gateway/mapping/row_mapper.h"

#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

using model::FieldType;
using Json = nlohmann::ordered_json;

// `raw` of records and rejects is bounded: enough to audit a row, never a whole file.
constexpr size_t kMaxRawBytes = 4096;
// key, tenant, legal_entity, source, source_key, source_updated_at, lifecycle, raw, custom,
// and the derived fields Finalize adds.
constexpr size_t kEnvelopeMembers = 10;
// How often a run looks at its stop token.
constexpr int64_t kStopCheckRows = 256;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

// The longest prefix of `text` of at most `max` bytes that does not cut a UTF-8 character.
std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

Json NullIfEmpty(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }

}  // namespace

RowMapper::RowMapper(const CompiledMapping& mapping, const MappingContext& context, model::RecordSink& sink)
    : mapping_(mapping), context_(context), sink_(sink) {
  const size_t entities = mapping_.entities.size();
  source_keys_.resize(entities);
  fields_.resize(entities);
  custom_.resize(entities);
  rule_of_spec_.resize(entities);
  for (size_t e = 0; e < entities; ++e) {
    const EntityRule& rule = mapping_.entities[e];
    fields_[e].resize(rule.fields.size());
    custom_[e].resize(rule.custom.size());
    rule_of_spec_[e].assign(rule.schema->fields.size(), -1);
    for (size_t i = 0; i < rule.fields.size(); ++i) {
      rule_of_spec_[e][static_cast<size_t>(rule.fields[i].spec - rule.schema->fields.data())] = static_cast<int>(i);
    }
  }
}

Status RowMapper::Start(const CsvRecord* header) {
  header_names_.clear();
  if (header != nullptr) {
    const std::string where = "header (line " + std::to_string(header->line) + ")";
    if (!header->ok()) return Fail(ErrorCode::kParse, where + ": " + header->error);
    for (size_t i = 0; i < header->fields.size(); ++i) {
      std::string name;
      if (auto status = AppendUtf8(header->fields[i], mapping_.encoding, name); !status) {
        return Fail(ErrorCode::kParse, where + ", column " + std::to_string(i + 1) + ": " + status.error().message +
                                           " (reader.encoding is " + std::string(EncodingName(mapping_.encoding)) + ")");
      }
      header_names_.emplace_back(TrimSpaces(name));
    }
    expected_fields_ = header->fields.size();
  } else {
    expected_fields_ = static_cast<size_t>(mapping_.expected_fields.value_or(0));
  }

  slot_fields_.assign(mapping_.columns.size(), 0);
  std::vector<std::string> missing;
  for (size_t slot = 0; slot < mapping_.columns.size(); ++slot) {
    const ColumnRef& ref = mapping_.columns[slot];
    if (ref.index > 0) {
      const auto index = static_cast<size_t>(ref.index);
      if (expected_fields_ > 0 && index > expected_fields_) {
        return Fail(ErrorCode::kInvalidArgument, "the mapping reads column " + std::to_string(index) +
                                                     " but the input has " + std::to_string(expected_fields_));
      }
      slot_fields_[slot] = ref.index - 1;
      min_fields_ = std::max(min_fields_, index);
      continue;
    }
    auto it = std::find_if(header_names_.begin(), header_names_.end(),
                           [&](const std::string& name) { return EqualsIgnoreCase(name, ref.name); });
    if (it == header_names_.end()) {
      missing.push_back(Quoted(ref.name));
    } else {
      slot_fields_[slot] = static_cast<int>(it - header_names_.begin());
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& name : missing) list += (list.empty() ? "" : ", ") + name;
    return Fail(ErrorCode::kInvalidArgument, "the header has no column " + list + " (the mapping reads " +
                                                 (missing.size() == 1 ? "it" : "them") + ")");
  }
  if (header == nullptr) {
    for (size_t i = 0; i < std::max(expected_fields_, min_fields_); ++i) header_names_.push_back(std::to_string(i + 1));
  }
  return Ok();
}

std::string RowMapper::ColumnName(int column) const {
  if (column <= 0 || static_cast<size_t>(column) > header_names_.size()) return "";
  return header_names_[static_cast<size_t>(column) - 1];
}

void RowMapper::AddReject(int column, std::string field, std::string reason) {
  model::Reject reject;
  reject.file = context_.file_name;
  reject.line = record_->line;
  reject.column = column;
  reject.field = std::move(field);
  reject.reason = std::move(reason);
  std::string raw = DecodeForDisplay(record_->raw, mapping_.encoding);
  reject.raw = std::string(Utf8Prefix(raw, kMaxRawBytes));
  rejects_.push_back(std::move(reject));
}

bool RowMapper::CheckShape(const CsvRecord& record) {
  if (!record.ok()) {
    AddReject(record.error_column, ColumnName(record.error_column), record.error);
    return false;
  }
  const size_t found = record.fields.size();
  if (expected_fields_ > 0 && found != expected_fields_) {
    AddReject(0, "", "expected " + std::to_string(expected_fields_) + " fields, found " + std::to_string(found));
    return false;
  }
  if (found < min_fields_) {
    AddReject(0, "", "expected at least " + std::to_string(min_fields_) + " fields, found " + std::to_string(found));
    return false;
  }
  return true;
}

bool RowMapper::Decode(const CsvRecord& record) {
  values_.clear();
  decode_buffer_.clear();
  size_t total = 0;
  for (std::string_view field : record.fields) total += field.size();
  // A byte of these encodings is at most three UTF-8 bytes (€, ™): views into the buffer
  // stay valid because it never grows past this.
  if (mapping_.encoding != Encoding::kUtf8) decode_buffer_.reserve(3 * total);
  bool ok = true;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string_view field = record.fields[i];
    if (IsAscii(field) || (mapping_.encoding == Encoding::kUtf8 && FindInvalidUtf8(field) == std::string_view::npos)) {
      values_.push_back(field);
      continue;
    }
    const size_t start = decode_buffer_.size();
    Status status = Ok();
    if (mapping_.encoding == Encoding::kUtf8) {
      std::string ignored;
      status = AppendUtf8(field, mapping_.encoding, ignored);
    } else {
      status = AppendUtf8(field, mapping_.encoding, decode_buffer_);
    }
    if (!status) {
      const int column = static_cast<int>(i) + 1;
      AddReject(column, ColumnName(column), status.error().message + " (reader.encoding is " +
                                                std::string(EncodingName(mapping_.encoding)) + ")");
      ok = false;
      decode_buffer_.resize(start);
      values_.emplace_back();
      continue;
    }
    values_.emplace_back(decode_buffer_.data() + start, decode_buffer_.size() - start);
  }
  return ok;
}

std::string_view RowMapper::Variable(ContextVariable variable) const {
  switch (variable) {
    case ContextVariable::kLegalEntity: return context_.legal_entity;
    case ContextVariable::kSource: return context_.source;
    case ContextVariable::kTenant: return context_.tenant;
    case ContextVariable::kFile: return context_.file_name;
  }
  return {};
}

RowMapper::Value RowMapper::Evaluate(const ValueExpr& expr, std::string& scratch) const {
  Value value;
  std::string_view text;
  switch (expr.kind) {
    case ValueExpr::Kind::kColumn: {
      const auto field = static_cast<size_t>(slot_fields_[expr.slot]);
      text = values_[field];
      if (expr.trim) text = TrimSpaces(text);
      value.column = static_cast<int>(field) + 1;
      break;
    }
    case ValueExpr::Kind::kConstant:
      text = expr.constant;
      break;
    case ValueExpr::Kind::kTemplate:
      scratch.clear();
      for (const TemplatePart& part : expr.parts) {
        if (part.kind == TemplatePart::Kind::kLiteral) {
          scratch += part.literal;
        } else if (part.kind == TemplatePart::Kind::kVariable) {
          scratch += Variable(part.variable);
        } else {
          const auto field = static_cast<size_t>(slot_fields_[part.slot]);
          std::string_view piece = values_[field];
          if (expr.trim) piece = TrimSpaces(piece);
          // A template over an empty column would make a key like "FR01-": null instead.
          if (piece.empty()) {
            value.column = static_cast<int>(field) + 1;
            scratch.clear();
            break;
          }
          scratch += piece;
        }
      }
      text = scratch;
      break;
    case ValueExpr::Kind::kRef:
      break;
  }
  if (!expr.map.empty() && !text.empty()) {
    auto it = std::find_if(expr.map.begin(), expr.map.end(),
                           [&](const auto& entry) { return EqualsIgnoreCase(entry.first, text); });
    if (it != expr.map.end()) {
      text = it->second;
    } else if (expr.default_value) {
      text = *expr.default_value;
    } else {
      std::string known;
      for (const auto& entry : expr.map) known += (known.empty() ? "" : ", ") + entry.first;
      value.error = Quoted(text) + " is not in the map (expected one of: " + known + ")";
    }
  }
  if (text.empty() && expr.default_value) text = *expr.default_value;
  value.text = text;
  return value;
}

bool RowMapper::ComputeField(const FieldRule& rule, const std::string* currency, Json& out) {
  out = nullptr;
  if (rule.expr.kind == ValueExpr::Kind::kRef) {
    const std::string& key = source_keys_[rule.expr.ref_entity];
    // An empty key means the referenced entity failed: the row is rejected already.
    if (!key.empty()) {
      out = model::MakeKey(context_.source, mapping_.entities[rule.expr.ref_entity].schema->name, key);
    }
    return true;
  }
  const Value value = Evaluate(rule.expr, scratch_);
  if (!value.error.empty()) {
    AddReject(value.column, rule.name, value.error);
    return false;
  }
  if (value.text.empty()) {
    if (!rule.required) return true;
    AddReject(value.column, rule.name, "required value is empty");
    return false;
  }
  const std::string_view text = value.text;
  auto fail = [&](const Error& error) {
    AddReject(value.column, rule.name, error.message);
    return false;
  };
  switch (rule.spec ? rule.spec->type : FieldType::kString) {
    case FieldType::kDate: {
      auto date = ParseDate(text, rule.formats);
      if (!date) return fail(date.error());
      out = std::move(*date);
      return true;
    }
    case FieldType::kCurrency: {
      auto code = ParseCurrency(text);
      if (!code) return fail(code.error());
      out = std::move(*code);
      return true;
    }
    case FieldType::kMoney: {
      if (currency == nullptr) {
        // No usable currency (already rejected): still report a malformed amount.
        auto normalized = NormalizeAmount(text, rule.money);
        return normalized ? true : fail(normalized.error());
      }
      auto minor = ParseMoney(text, rule.money, *currency);
      if (!minor) return fail(minor.error());
      out = model::FormatMinorUnits(*minor, model::CurrencyExponent(*currency).value_or(2));
      return true;
    }
    case FieldType::kEnum: {
      const auto& allowed = rule.spec->enum_values;
      auto it = std::find_if(allowed.begin(), allowed.end(), [&](std::string_view v) { return EqualsIgnoreCase(v, text); });
      if (it == allowed.end()) {
        std::string known;
        for (std::string_view v : allowed) known += (known.empty() ? "" : ", ") + std::string(v);
        AddReject(value.column, rule.name,
                  Quoted(text) + " is not an allowed " + rule.name + " (one of: " + known + ")");
        return false;
      }
      out = std::string(*it);
      return true;
    }
    case FieldType::kBool: {
      auto flag = ParseBool(text);
      if (!flag) return fail(flag.error());
      out = *flag;
      return true;
    }
    case FieldType::kInteger: {
      auto number = ParseInteger(text);
      if (!number) return fail(number.error());
      out = *number;
      return true;
    }
    case FieldType::kEntityRef:
      out = model::MakeKey(context_.source, rule.spec->ref_entity, text);
      return true;
    default:
      out = std::string(text);
      return true;
  }
}

bool RowMapper::ComputeEntity(size_t entity) {
  const EntityRule& rule = mapping_.entities[entity];
  bool ok = true;
  std::string currency;
  const std::string* currency_ptr = nullptr;
  if (rule.currency_field) {
    Json& out = fields_[entity][*rule.currency_field];
    if (!ComputeField(rule.fields[*rule.currency_field], nullptr, out)) {
      ok = false;
    } else if (out.is_string()) {
      currency = out.get<std::string>();
      currency_ptr = &currency;
    }
  }
  for (size_t i = 0; i < rule.fields.size(); ++i) {
    if (rule.currency_field && i == *rule.currency_field) continue;
    ok = ComputeField(rule.fields[i], currency_ptr, fields_[entity][i]) && ok;
  }
  for (size_t i = 0; i < rule.custom.size(); ++i) {
    ok = ComputeField(rule.custom[i], nullptr, custom_[entity][i]) && ok;
  }
  return ok;
}

Status RowMapper::MapRecord(const CsvRecord& record, RunStats& stats) {
  record_ = &record;
  rejects_.clear();
  if (CheckShape(record) && Decode(record)) {
    // Every source key first: `ref` fields point at the keys of the row's other entities.
    for (size_t e = 0; e < mapping_.entities.size(); ++e) {
      source_keys_[e].clear();
      const Value key = Evaluate(mapping_.entities[e].source_key, scratch_);
      if (!key.error.empty()) {
        AddReject(key.column, "source_key", key.error);
      } else if (key.text.empty()) {
        std::string reason = "empty " + std::string(mapping_.entities[e].schema->name) + " source key";
        if (key.column > 0) reason += " (column " + Quoted(ColumnName(key.column)) + " is empty)";
        AddReject(key.column, "source_key", std::move(reason));
      } else {
        source_keys_[e].assign(key.text);
      }
    }
    for (size_t e = 0; e < mapping_.entities.size(); ++e) ComputeEntity(e);
    if (rejects_.empty()) return EmitRecords(record, stats);
  }
  // In the order of the row's columns, however the mapping evaluates them.
  std::stable_sort(rejects_.begin(), rejects_.end(),
                   [](const model::Reject& a, const model::Reject& b) { return a.column < b.column; });
  for (model::Reject& reject : rejects_) {
    ++stats.rejects;
    if (auto status = sink_.OnReject(std::move(reject)); !status) return status;
  }
  return Ok();
}

Status RowMapper::EmitRecords(const CsvRecord& record, RunStats& stats) {
  Json raw = Json::object();
  size_t budget = kMaxRawBytes;
  for (size_t i = 0; i < values_.size() && i < header_names_.size(); ++i) {
    const std::string& name = header_names_[i];
    if (name.size() >= budget) break;
    const std::string_view text = Utf8Prefix(values_[i], budget - name.size());
    raw[name] = std::string(text);
    budget -= name.size() + text.size();
    if (text.size() < values_[i].size()) break;
  }

  std::vector<model::CanonicalRecord> records;
  records.reserve(mapping_.entities.size());
  for (size_t e = 0; e < mapping_.entities.size(); ++e) {
    const EntityRule& rule = mapping_.entities[e];
    const model::EntitySchema& schema = *rule.schema;
    model::CanonicalRecord out;
    out.entity = std::string(schema.name);
    out.source_key = source_keys_[e];
    out.key = model::MakeKey(context_.source, schema.name, out.source_key);
    // Appended straight to the member vector: the keys are distinct by construction, and
    // operator[] would search the object for each of them (a hot path).
    Json data = Json::object();
    auto& members = data.get_ref<Json::object_t&>();
    members.reserve(kEnvelopeMembers + schema.fields.size());
    auto put = [&](std::string_view key, Json value) { members.emplace_back(std::string(key), std::move(value)); };
    put("key", out.key);
    put("tenant", context_.tenant);
    put("legal_entity", NullIfEmpty(context_.legal_entity));
    put("source", context_.source);
    put("source_key", out.source_key);
    put("source_updated_at", NullIfEmpty(context_.source_updated_at));
    put("lifecycle", model::kLifecycleActive);
    bool has_due_date = false;
    for (size_t s = 0; s < schema.fields.size(); ++s) {
      const model::FieldSpec& spec = schema.fields[s];
      if (spec.derived) continue;
      const int index = rule_of_spec_[e][s];
      Json value = index >= 0 ? std::move(fields_[e][static_cast<size_t>(index)]) : Json(nullptr);
      if (spec.name == "due_date") has_due_date = !value.is_null();
      if (spec.name == "due_date_source" && rule.derive_due_date_source && has_due_date) value = "explicit";
      put(spec.name, std::move(value));
    }
    put("raw", e + 1 == mapping_.entities.size() ? std::move(raw) : raw);
    Json custom = Json::object();
    for (size_t i = 0; i < rule.custom.size(); ++i) custom[rule.custom[i].name] = std::move(custom_[e][i]);
    put("custom", std::move(custom));
    out.data = std::move(data);
    if (auto status = model::Finalize(schema, out); !status) {
      // The mapping checked every field, so this is unexpected; still never a crash.
      AddReject(0, "", status.error().message);
      ++stats.rejects;
      return sink_.OnReject(std::move(rejects_.back()));
    }
    out.provenance = model::Provenance{context_.file_name, context_.file_sha256, record.line, mapping_.name,
                                       mapping_.version};
    records.push_back(std::move(out));
  }
  for (model::CanonicalRecord& out : records) {
    ++stats.records;
    if (auto status = sink_.OnRecord(std::move(out)); !status) return status;
  }
  return Ok();
}

Result<RunStats> Mapping::Run(std::istream& input, const MappingContext& context, model::RecordSink& sink,
                              std::stop_token stop) const {
  CsvReader reader(input, compiled_->csv);
  RowMapper mapper(*compiled_, context, sink);
  CsvRecord record;
  RunStats stats;
  if (compiled_->header) {
    auto next = reader.Next(record);
    if (!next) return std::unexpected(next.error());
    if (!*next) return Fail(ErrorCode::kParse, "the input is empty (no header line)");
    if (auto status = mapper.Start(&record); !status) return std::unexpected(status.error());
  } else if (auto status = mapper.Start(nullptr); !status) {
    return std::unexpected(status.error());
  }
  while (true) {
    if (stats.rows % kStopCheckRows == 0 && stop.stop_requested()) {
      return Fail(ErrorCode::kCancelled, "mapping stopped at row " + std::to_string(stats.rows));
    }
    auto next = reader.Next(record);
    if (!next) return std::unexpected(next.error());
    if (!*next) break;
    ++stats.rows;
    if (auto status = mapper.MapRecord(record, stats); !status) return std::unexpected(status.error());
  }
  return stats;
}

}  // namespace tributary::mapping
