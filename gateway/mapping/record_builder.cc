#include "gateway/mapping/record_builder.h"

#include <algorithm>
#include <cstring>

#include <openssl/evp.h>

#include "gateway/config/values.h"
#include "gateway/mapping/json_text.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

using namespace std::string_view_literals;
using model::FieldType;
using Kind = Value::Kind;

// The member after the schema fields; left out of the content hash with its value.
constexpr std::string_view kRawMember = ",\"raw\":";

// `raw` of records is bounded: enough to audit a row, never a whole file.
constexpr size_t kMaxRawBytes = 4096;

// The longest prefix of `text` of at most `max` bytes that does not cut a UTF-8 character.
std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

// `to` = `text`. A record buffer reused from row to row mostly holds it already (its
// entity, currency, kind): comparing is cheaper than assigning.
void SetText(std::string& to, std::string_view text) {
  if (std::string_view(to) != text) to.assign(text);
}

void AppendStringOrNull(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    AppendKnownJsonString(out, text);
  }
}

// The content hash of `json` without the byte ranges in `skip` (sorted): ContentHash of
// the same object, which leaves out `source_updated_at` and `raw`.
std::string HashWithout(std::string_view json, std::initializer_list<std::pair<size_t, size_t>> skip) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  size_t at = 0;
  for (const auto& [begin, end] : skip) {
    EVP_DigestUpdate(context, json.data() + at, begin - at);
    at = end;
  }
  EVP_DigestUpdate(context, json.data() + at, json.size() - at);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context, digest, &size);
  EVP_MD_CTX_free(context);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hash = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    hash.push_back(kDigits[digest[i] >> 4]);
    hash.push_back(kDigits[digest[i] & 0xF]);
  }
  return hash;
}

}  // namespace

RecordBuilder::RecordBuilder(const CompiledMapping& mapping, const MappingContext& context, Evaluator& evaluator,
                             bool with_data, bool with_tree)
    : mapping_(mapping), context_(context), evaluator_(evaluator), with_data_(with_data), with_tree_(with_tree) {
  PrepareLayouts();
}

RecordBuilder::Role RecordBuilder::RoleOf(const std::string& name) {
  if (name == "open_amount") return Role::kOpenAmount;
  if (name == "total") return Role::kTotal;
  if (name == "amount") return Role::kAmount;
  if (name == "due_date") return Role::kDueDate;
  if (name == "currency") return Role::kCurrency;
  if (name == "kind") return Role::kKind;
  return Role::kOther;
}

// The context is the same for every record of the run: the envelope, the members the
// mapping leaves null and every member name are written once here, and a record's text
// is these pieces with its values between them.
void RecordBuilder::PrepareLayouts() {
  for (const EntityRule& rule : mapping_.entities) {
    const model::EntitySchema& schema = *rule.schema;
    Layout& layout = layouts_.emplace_back();
    std::string key_prefix = "{\"key\":\"";
    if (AppendJsonStringContent(key_prefix, context_.source) && AppendJsonStringContent(key_prefix, ":") &&
        AppendJsonStringContent(key_prefix, schema.name) && AppendJsonStringContent(key_prefix, ":")) {
      layout.key_prefix = std::move(key_prefix);
    }
    layout.after_key = ",\"tenant\":";
    AppendKnownJsonString(layout.after_key, context_.tenant);
    layout.after_key += ",\"legal_entity\":";
    AppendStringOrNull(layout.after_key, context_.legal_entity);
    layout.after_key += ",\"source\":";
    AppendKnownJsonString(layout.after_key, context_.source);
    layout.after_key += ",\"source_key\":";
    layout.updated = ",\"source_updated_at\":";
    AppendStringOrNull(layout.updated, context_.source_updated_at);
    layout.between_keys = "\"" + layout.after_key + "\"";
    layout.after_keys = "\"" + layout.updated;
    // A lifecycle that depends on the record is written by Build() after `updated`.
    std::string literal;
    if (!rule.lifecycle) literal = ",\"lifecycle\":\"" + std::string(rule.lifecycle_constant) + "\"";
    for (size_t s = 0; s < schema.fields.size(); ++s) {
      const model::FieldSpec& spec = schema.fields[s];
      if (spec.derived) continue;
      literal += ",\"" + std::string(spec.name) + "\":";
      const int index = rule.rule_of_spec[s];
      Step step;
      if (spec.name == "due_date_source" && rule.derive_due_date_source) {
        // due_date precedes due_date_source in the schema: it is typed already.
        step.kind = Step::Kind::kDueDateSource;
      } else if (index < 0) {
        literal += "null";
        continue;
      } else if (rule.currency_field && static_cast<size_t>(index) == *rule.currency_field) {
        step.kind = Step::Kind::kCurrency;
      } else {
        step.field = static_cast<size_t>(index);
        step.shortcut = ShortcutOf(rule.fields[step.field], &step.shortcut_data);
      }
      step.literal = std::move(literal);
      literal.clear();
      layout.steps.push_back(std::move(step));
    }
    layout.receivable = schema.name == "receivable";
    layout.after_fields_and_raw = std::move(literal);
    layout.after_fields_and_raw += kRawMember;
    for (const FieldRule& field : rule.fields) layout.roles.push_back(RoleOf(field.name));
    if (rule.currency_field) layout.currency_shortcut = ShortcutOf(rule.fields[*rule.currency_field], nullptr);
  }
}

std::string RecordBuilder::ColumnName(int column, const RecordSource& source) {
  if (column <= 0) return "";
  if (source.column_names != nullptr && static_cast<size_t>(column) <= source.column_names->size()) {
    return (*source.column_names)[static_cast<size_t>(column) - 1];
  }
  if (source.plan == nullptr) return "";
  for (size_t i = 0; i < source.plan->fields.size() && i < source.scope.fields.size(); ++i) {
    if (source.scope.fields[i].column != column) continue;
    const readers::FieldSelector& selector = source.plan->fields[i];
    if (selector.kind == readers::FieldSelector::Kind::kColumn) return selector.text;
    if (selector.kind == readers::FieldSelector::Kind::kIndex) return std::to_string(selector.index);
  }
  return "";
}

std::string RecordBuilder::SourceKey(size_t entity, const RecordSource& source, std::vector<PendingReject>& rejects) {
  return std::string(SourceKeyText(entity, source, rejects));
}

std::string_view RecordBuilder::SourceKeyText(size_t entity, const RecordSource& source,
                                              std::vector<PendingReject>& rejects) {
  const EntityRule& rule = mapping_.entities[entity];
  const Value& key = evaluator_.SourceKey(entity, source.scope);
  if (key.IsError()) {
    rejects.push_back({key.column, "source_key", std::string(key.text)});
    return {};
  }
  if (key.IsNull()) {
    std::string reason = "empty " + std::string(rule.schema->name) + " source key";
    if (const std::string name = ColumnName(key.column, source); !name.empty()) {
      reason += " (column " + Quoted(name) + " is empty)";
    }
    rejects.push_back({key.column, "source_key", std::move(reason)});
    return {};
  }
  return evaluator_.Text(key);
}

void RecordBuilder::AppendRaw(const RecordSource& source, std::string& out) {
  if (!mapping_.shape.Tabular() || source.column_names == nullptr) {
    AppendKnownJsonString(out, Utf8Prefix(source.raw, kMaxRawBytes));
    return;
  }
  // Column name -> text of every column, in column order, 4 KiB at most. The names are
  // the same for the whole input: their JSON is written once.
  const std::vector<std::string>& names = *source.column_names;
  if (raw_names_for_ != &names || raw_names_.size() != names.size()) {
    raw_names_for_ = &names;
    raw_names_.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      std::string member;
      // A name repeated in the header keeps its first column, as a JSON object would.
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) ==
          names.begin() + static_cast<std::ptrdiff_t>(i)) {
        AppendKnownJsonString(member, names[i]);
        member.push_back(':');
      }
      raw_names_.push_back(std::move(member));
    }
  }
  // The columns are made of the record's bytes: when those need no escaping (and are all
  // there), neither do the columns; nor when those need none but for tabs and no column
  // holds a tab.
  const size_t count = std::min(source.columns.size(), names.size());
  bool plain = raw_plain_;
  if (!plain && !plain_but_tabs_raw_.empty()) {
    plain = std::none_of(source.columns.begin(), source.columns.end(), [](std::string_view column) {
      return std::memchr(column.data(), '\t', column.size()) != nullptr;
    });
  }
  if (plain) {
    // The usual record: when names and texts fit the bound together, nothing is cut and
    // the object is written in one step.
    size_t budget_used = 0;
    size_t size = 2;  // {}
    for (size_t i = 0; i < count; ++i) {
      budget_used += names[i].size() + source.columns[i].size();
      if (!raw_names_[i].empty()) size += raw_names_[i].size() + source.columns[i].size() + 3;  // ,"…"
    }
    if (budget_used < kMaxRawBytes) {
      const size_t start = out.size();
      out.resize_and_overwrite(start + size, [&](char* p, size_t) {
        char* w = p + start;
        *w++ = '{';
        bool first = true;
        for (size_t i = 0; i < count; ++i) {
          const std::string& name = raw_names_[i];
          if (name.empty()) continue;
          if (!first) *w++ = ',';
          first = false;
          CopyBytes(w, name.data(), name.size());
          w += name.size();
          *w++ = '"';
          CopyBytes(w, source.columns[i].data(), source.columns[i].size());
          w += source.columns[i].size();
          *w++ = '"';
        }
        *w++ = '}';
        return static_cast<size_t>(w - p);
      });
      return;
    }
  }
  Put(out, "{");
  size_t budget = kMaxRawBytes;
  bool first = true;
  for (size_t i = 0; i < source.columns.size() && i < names.size(); ++i) {
    const size_t name_size = names[i].size();
    if (name_size >= budget) break;
    const std::string_view text = Utf8Prefix(source.columns[i], budget - name_size);
    if (!raw_names_[i].empty()) {
      if (!first) Put(out, ",");
      first = false;
      Put(out, raw_names_[i]);
      if (plain) {
        PutQuoted(out, text);
      } else {
        AppendKnownJsonString(out, text);
      }
    }
    budget -= name_size + text.size();
    if (text.size() < source.columns[i].size()) break;
  }
  Put(out, "}");
}

bool RecordBuilder::EvaluateLifecycle(const Expr& expr, const RecordSource& source, std::string_view& lifecycle,
                                      std::vector<PendingReject>& rejects) {
  const Value value = evaluator_.Eval(expr, source.scope);
  if (value.IsError()) {
    rejects.push_back({value.column, "lifecycle", std::string(value.text)});
    return false;
  }
  if (value.IsNull()) {
    rejects.push_back({value.column, "lifecycle", "lifecycle is empty (expected active or voided)"});
    return false;
  }
  const std::string_view text = evaluator_.Text(value);
  if (text == model::kLifecycleActive || text == model::kLifecycleVoided) {
    lifecycle = text == model::kLifecycleVoided ? model::kLifecycleVoided : model::kLifecycleActive;
    return true;
  }
  rejects.push_back({value.column, "lifecycle", "lifecycle " + Quoted(text) + " is not active or voided"});
  return false;
}

bool RecordBuilder::Build(size_t entity, std::string_view source_key, const RecordSource& source,
                          model::CanonicalRecord& out, std::vector<PendingReject>& rejects) {
  const EntityRule& rule = mapping_.entities[entity];
  const model::EntitySchema& schema = *rule.schema;
  const Layout& layout = layouts_[entity];
  facts_.Reset();
  if (!raw_ready_) {
    raw_plain_ = source.raw.size() < kMaxRawBytes && IsPlainJsonText(source.raw);
    plain_raw_ = raw_plain_ ? source.raw : std::string_view();
    plain_but_tabs_raw_ = !raw_plain_ && source.raw.size() < kMaxRawBytes && IsPlainJsonTextButTabs(source.raw)
                              ? source.raw
                              : std::string_view();
  }
  // The currency first: amounts are read at its exponent.
  currency_text_.clear();
  bool ok = true;
  if (rule.currency_field) {
    const FieldRule& field = rule.fields[*rule.currency_field];
    const Role role = layout.roles[*rule.currency_field];
    if (layout.currency_shortcut == Shortcut::kNone ||
        !TypeByShortcut(layout.currency_shortcut, field, role, layout.currency_data, source, currency_text_)) {
      ok = TypeField(field, role, rule, source, currency_text_, rejects);
    }
  }

  SetText(out.entity, schema.name);
  // model::MakeKey, in the record's own buffer; a printing sink reads neither (both are
  // in the text).
  out.key.clear();
  out.source_key.clear();
  if (with_data_ || layout.key_prefix.empty()) {
    out.key.append(context_.source).append(":").append(schema.name).append(":").append(source_key);
    out.source_key.assign(source_key);
  }
  std::string& json = out.json;
  json.clear();
  // The record leaves with its text: size the new buffer once, like the previous record's.
  json.reserve(json_capacity_);
  auto invalid_source_key = [&] {
    rejects.push_back({0, "source_key", "invalid UTF-8 in " + Quoted(source_key)});
    return false;
  };
  const bool plain_key = IsPlainJsonText(source_key);
  if (!plain_key) {
    // A key is an identifier the core and every log line quote: a control character in
    // it is a broken export, never part of an id.
    for (size_t i = 0; i < source_key.size(); ++i) {
      const auto byte = static_cast<unsigned char>(source_key[i]);
      if (byte < 0x20 || byte == 0x7f) {
        rejects.push_back({0, "source_key", "control character " + Quoted(source_key.substr(i, 1)) +
                                                " in " + std::string(schema.name) + " source key " +
                                                Quoted(source_key)});
        return false;
      }
    }
  }
  size_t updated_begin = 0;
  if (plain_key && !layout.key_prefix.empty()) {
    // The usual envelope, with source_updated_at, in one step.
    PutPieces(json, {layout.key_prefix, source_key, layout.between_keys, source_key, layout.after_keys});
    updated_begin = json.size() - layout.updated.size();
  } else {
    if (!layout.key_prefix.empty()) {
      Put(json, layout.key_prefix);
      if (plain_key) {
        Put(json, source_key);
      } else if (!AppendJsonStringContent(json, source_key)) {
        return invalid_source_key();
      }
      Put(json, "\"");
    } else {
      json += "{\"key\":"sv;
      AppendKnownJsonString(json, out.key);
    }
    Put(json, layout.after_key);
    if (plain_key) {
      PutQuoted(json, source_key);
    } else if (!AppendJsonString(json, source_key)) {
      return invalid_source_key();
    }
    updated_begin = json.size();
    Put(json, layout.updated);
  }
  const size_t updated_end = json.size();
  std::string_view lifecycle = rule.lifecycle_constant;
  if (rule.lifecycle) {
    ok = EvaluateLifecycle(*rule.lifecycle, source, lifecycle, rejects) && ok;
    PutPieces(json, {",\"lifecycle\":\""sv, lifecycle, "\""sv});
  }
  for (const Step& step : layout.steps) {
    switch (step.kind) {
      case Step::Kind::kDueDateSource:
        PutPieces(json, {step.literal, facts_.has_due_date ? "\"explicit\""sv : "null"sv});
        break;
      case Step::Kind::kCurrency:
        PutPieces(json, {step.literal, currency_text_});
        break;
      case Step::Kind::kField:
        Put(json, step.literal);
        if (step.shortcut == Shortcut::kNone ||
            !TypeByShortcut(step.shortcut, rule.fields[step.field], layout.roles[step.field], step.shortcut_data,
                            source, json)) {
          ok = TypeField(rule.fields[step.field], layout.roles[step.field], rule, source, json, rejects) && ok;
        }
        break;
    }
  }
  if (!raw_ready_) {
    raw_.clear();
    AppendRaw(source, raw_);
    raw_ready_ = true;
  }
  const size_t raw_begin = json.size() + layout.after_fields_and_raw.size() - kRawMember.size();
  const size_t raw_end = raw_begin + kRawMember.size() + raw_.size();
  auto status = [&] { return model::ReceivableStatus(lifecycle, facts_.open_minor.value_or(0), facts_.total_minor); };
  if (rule.custom.empty()) {
    // The usual end, in one step.
    if (!ok || source_key.empty()) return false;
    if (layout.receivable) {
      PutPieces(json, {layout.after_fields_and_raw, raw_, ",\"custom\":{},\"status\":\""sv, status(), "\"}"sv});
    } else {
      PutPieces(json, {layout.after_fields_and_raw, raw_, ",\"custom\":{}}"sv});
    }
  } else {
    PutPieces(json, {layout.after_fields_and_raw, raw_, ",\"custom\":{"sv});
    for (size_t i = 0; i < rule.custom.size(); ++i) {
      if (i > 0) json.push_back(',');
      AppendKnownJsonString(json, rule.custom[i].name);
      json.push_back(':');
      ok = TypeField(rule.custom[i], Role::kOther, rule, source, json, rejects) && ok;
    }
    if (!ok || source_key.empty()) return false;
    if (layout.receivable) {
      PutPieces(json, {"},\"status\":\""sv, status(), "\"}"sv});
    } else {
      Put(json, "}}");
    }
  }
  // Always set: `out` may be a record of another entity reused.
  out.open_amount_minor = layout.receivable ? facts_.open_minor : std::nullopt;
  SetText(out.kind, layout.receivable ? facts_.kind : std::string_view());
  json_capacity_ = std::max(json_capacity_, json.size() + 64);
  SetText(out.currency, facts_.currency);
  SetText(out.lifecycle, lifecycle);
  out.amount_minor = facts_.amount_minor;
  if (with_data_) out.hash = HashWithout(json, {{updated_begin, updated_end}, {raw_begin, raw_end}});
  if (with_tree_) {
    try {
      out.data = nlohmann::ordered_json::parse(json);
    } catch (const nlohmann::json::exception& e) {
      // The text was written by this builder, so this is unexpected; still never a crash.
      rejects.push_back({0, "", std::string("cannot build the record: ") + e.what()});
      return false;
    }
  } else {
    out.data = nullptr;
  }
  return true;
}

}  // namespace tributary::mapping
