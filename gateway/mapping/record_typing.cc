// RecordBuilder, typing: a field's value into its schema type as JSON text, by its
// shortcut (a field that reads one source field as it is, with the usual value) or the
// general way (TypeField). Both give the same bytes for the same value. The rest of the
// builder is in record_builder.cc.
#include <algorithm>
#include <cstring>
#include <optional>
#include <span>

#include "gateway/config/values.h"
#include "gateway/mapping/json_text.h"
#include "gateway/mapping/record_builder.h"
#include "gateway/mapping/value_parsers.h"
#include "gateway/model/money.h"

namespace tributary::mapping {
namespace {

using namespace std::string_view_literals;
using model::FieldType;
using Kind = Value::Kind;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

// The schema's enum word for `text` as TypeScalar finds it: as spelt, else ignoring case.
std::optional<std::string_view> EnumWord(std::span<const std::string_view> allowed, std::string_view text) {
  auto it = std::find(allowed.begin(), allowed.end(), text);
  if (it == allowed.end()) {
    it = std::find_if(allowed.begin(), allowed.end(), [&](std::string_view v) { return EqualsIgnoreCase(v, text); });
  }
  if (it == allowed.end()) return std::nullopt;
  return *it;
}

// A control character a text field does not keep: NUL and the other C0 controls and DEL,
// but for tab, line feed and carriage return (multi-line addresses and notes).
bool IsUnsafeControl(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
}

bool HasUnsafeControl(std::string_view text) { return std::ranges::any_of(text, IsUnsafeControl); }

// `text` with each unsafe control character replaced by a space: a name with a NUL in it
// reaches the core (and its logs and screens) readable and harmless.
std::string WithoutUnsafeControls(std::string_view text) {
  std::string safe(text);
  std::ranges::replace_if(safe, IsUnsafeControl, ' ');
  return safe;
}

}  // namespace

// kEnumMap when the modifiers are a `map:` alone (no default, no other step) whose keys
// differ from each other by more than case; `words` gets each key's enum word.
RecordBuilder::Shortcut RecordBuilder::EnumMapShortcut(const Modifiers& modifiers,
                                                       std::span<const std::string_view> allowed,
                                                       std::vector<std::pair<std::string_view, std::string_view>>& words) {
  if (modifiers.regex || modifiers.substring_start > 0 || modifiers.replace || modifiers.pad_width > 0 ||
      modifiers.letter_case != Modifiers::Case::kKeep || modifiers.map.empty() || modifiers.default_value ||
      modifiers.required) {
    return Shortcut::kNone;
  }
  for (size_t i = 0; i < modifiers.map.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(modifiers.map[i].first, modifiers.map[j].first)) return Shortcut::kNone;
    }
  }
  words.clear();
  for (const auto& [key, value] : modifiers.map) {
    if (auto word = EnumWord(allowed, value)) words.emplace_back(key, *word);
  }
  return Shortcut::kEnumMap;
}

RecordBuilder::Shortcut RecordBuilder::ShortcutOf(const FieldRule& rule, ShortcutData* data) const {
  const FieldType type = rule.spec ? rule.spec->type : FieldType::kString;
  if (rule.check) return Shortcut::kNone;
  if (rule.expr.modifiers) {
    if (rule.expr.op != Expr::Op::kField || type != FieldType::kEnum || data == nullptr) return Shortcut::kNone;
    return EnumMapShortcut(*rule.expr.modifiers, rule.spec->enum_values, data->enum_words);
  }
  if (rule.expr.op == Expr::Op::kRef && rule.expr.args.empty() && !rule.expr.trim && rule.yields_key &&
      type == FieldType::kEntityRef && data != nullptr) {
    // EvalRef's model::MakeKey, quoted: when the context's and entity's names need no
    // escaping, a plain source key does not either.
    const std::string prefix = context_.source + ":" + rule.expr.text + ":";
    if (!IsPlainJsonText(prefix)) return Shortcut::kNone;
    data->ref_prefix = "\"" + prefix;
    return Shortcut::kRef;
  }
  if (rule.expr.op != Expr::Op::kField) return Shortcut::kNone;
  if (type == FieldType::kString) return Shortcut::kText;
  if (rule.format == nullptr) return Shortcut::kNone;
  if (type == FieldType::kDate && rule.format->date_formats.size() == 1 && rule.format->date_formats[0].iso()) {
    return Shortcut::kIsoDate;
  }
  if (type == FieldType::kMoney && rule.format->money.decimal == '.') return Shortcut::kAmount;
  if (type == FieldType::kCurrency) return Shortcut::kCurrency;
  return Shortcut::kNone;
}

// What TypeField writes for these values, without its bookkeeping: a null, an error, text
// that needs escaping or another reading of the value are left to it.
bool RecordBuilder::TypeByShortcut(Shortcut shortcut, const FieldRule& rule, Role role, const ShortcutData& data,
                                   const RecordSource& source, std::string& out) {
  if (shortcut == Shortcut::kRef) {
    const Value& key = evaluator_.SourceKey(rule.expr.slot, source.scope);
    if (key.kind != Kind::kText || !IsPlainJsonText(key.text)) return false;
    PutPieces(out, {data.ref_prefix, key.text, "\""sv});
    return true;
  }
  const readers::FieldValue& field = source.scope.fields[rule.expr.slot];
  const std::string_view text = rule.expr.trim ? TrimSpaces(field.text) : field.text;
  if (!field.present || text.empty()) return false;
  switch (shortcut) {
    case Shortcut::kText:
      if (plain_raw_.empty() || text.data() < plain_raw_.data() ||
          text.data() + text.size() > plain_raw_.data() + plain_raw_.size()) {
        return false;
      }
      PutQuoted(out, text);
      return true;
    case Shortcut::kIsoDate:
      if (DatePattern::MatchIso(TrimSpaces(text)) != DatePattern::Match::kOk) return false;
      PutQuoted(out, TrimSpaces(text));
      if (role == Role::kDueDate) facts_.has_due_date = true;
      return true;
    case Shortcut::kAmount: {
      int64_t canonical = 0;
      if (facts_.currency.empty() || !ReadCanonicalAmount(text, facts_.exponent, canonical)) return false;
      PutPieces(out, {"\""sv, text, "\""sv});
      RecordAmount(role, canonical);
      return true;
    }
    case Shortcut::kCurrency:
      if (!currency_known_ || text != currency_input_) return false;
      PutKnownCurrency(role, out);
      return true;
    case Shortcut::kEnumMap: {
      // The key as written: with no two keys alike but for case, the only one the map's
      // case-insensitive lookup can find.
      const std::string_view key = TrimSpaces(text);
      for (const auto& [written, word] : data.enum_words) {
        if (written != key) continue;
        PutQuoted(out, word);
        if (role == Role::kKind) facts_.kind = word;
        return true;
      }
      return false;
    }
    case Shortcut::kNone:
    case Shortcut::kRef:
      break;
  }
  return false;
}

bool RecordBuilder::TypeMoney(const FieldRule& rule, Role role, const Value& value, std::string& out,
                              std::string& error) {
  const MoneyFormat& format = rule.format->money;
  int64_t canonical = 0;
  if (value.kind == Kind::kText && format.decimal == '.' && !facts_.currency.empty() &&
      ReadCanonicalAmount(value.text, facts_.exponent, canonical)) {
    // Already written as the record writes it ("10.00" in EUR): no decimal, no formatting.
    PutPieces(out, {"\""sv, value.text, "\""sv});
    RecordAmount(role, canonical);
    return true;
  }
  Value amount = evaluator_.ToDecimal(value, format);
  if (amount.IsError()) {
    error = amount.text;
    return false;
  }
  // No usable currency (already rejected): the amount was still checked above.
  if (facts_.currency.empty()) return true;
  auto shown = [&] {
    return value.kind == Kind::kText ? std::string(TrimSpaces(value.text)) : amount.decimal.ToString();
  };
  const int exponent = facts_.exponent;
  auto minor = amount.decimal.ToMinorUnits(exponent);
  if (!minor) {
    error = amount.decimal.SignificantScale() > exponent
                ? "amount " + Quoted(shown()) + " has more than " + std::to_string(exponent) + " decimal digits for " +
                      std::string(facts_.currency)
                : AmountOutOfRange(shown(), exponent, facts_.currency);
    return false;
  }
  if (*minor > model::kMaxAmountMinorUnits || *minor < -model::kMaxAmountMinorUnits) {
    error = AmountOutOfRange(shown(), exponent, facts_.currency);
    return false;
  }
  if (*minor < 0) {
    if (format.negative == NegativeAmounts::kReject) {
      error = "negative amount " + Quoted(shown()) + "; amounts are magnitudes, the kind gives the sign";
      return false;
    }
    *minor = -*minor;
  }
  AppendQuotedMinorUnits(out, *minor, exponent);
  RecordAmount(role, *minor);
  return true;
}

void RecordBuilder::RecordAmount(Role role, int64_t minor) {
  if (role == Role::kOpenAmount) facts_.open_minor = minor;
  if (role == Role::kTotal) facts_.total_minor = minor;
  if (role == Role::kAmount) facts_.amount_minor = minor;
}

bool RecordBuilder::TypeCurrency(Role role, const Value& value, std::string& out, std::string& error) {
  const std::string_view text = evaluator_.Text(value);
  if (!currency_known_ || text != currency_input_) {
    auto code = ParseCurrency(text);
    if (!code) {
      error = code.error().message;
      return false;
    }
    currency_input_.assign(text);
    currency_exponent_ = model::CurrencyExponent(*code).value_or(2);
    currency_json_.clear();
    AppendKnownJsonString(currency_json_, *code);
    currency_code_ = std::move(*code);
    currency_known_ = true;
    fact_currency_stale_ = true;
  }
  PutKnownCurrency(role, out);
  return true;
}

void RecordBuilder::PutKnownCurrency(Role role, std::string& out) {
  Put(out, currency_json_);
  if (role == Role::kCurrency) {
    facts_.exponent = currency_exponent_;
    if (fact_currency_stale_) {
      fact_currency_ = currency_code_;
      fact_currency_stale_ = false;
    }
    facts_.currency = fact_currency_;
  }
}

bool RecordBuilder::TypeScalar(const FieldRule& rule, Role role, const Value& value, std::string& out,
                               std::string& error) {
  const FieldType type = rule.spec ? rule.spec->type : FieldType::kString;
  std::string_view text;
  switch (type) {
    case FieldType::kDate: {
      const std::span<const DatePattern> patterns = rule.format->date_formats;
      if (value.kind == Kind::kText && patterns.size() == 1 && patterns[0].iso() &&
          DatePattern::MatchIso(TrimSpaces(value.text)) == DatePattern::Match::kOk) {
        // An ISO date: its own text.
        PutQuoted(out, TrimSpaces(value.text));
      } else if (value.kind == Kind::kText && patterns.size() == 1 && !patterns[0].iso() &&
                 patterns[0].Parse(TrimSpaces(value.text), date_) == DatePattern::Match::kOk) {
        // One pattern that matches: ParseDate's result, without its bookkeeping.
        PutQuoted(out, date_);
      } else if (value.kind == Kind::kText) {
        // Text straight to its ISO form: what ToDate and IsoDateFromDays would give.
        auto iso = ParseDate(value.text, rule.format->date_formats, rule.format->date_order);
        if (!iso) {
          error = iso.error().message;
          return false;
        }
        PutQuoted(out, *iso);
      } else {
        Value date = evaluator_.ToDate(value, *rule.format);
        if (date.IsError()) {
          error = date.text;
          return false;
        }
        out.push_back('"');
        out += IsoDateFromDays(date.number);
        out.push_back('"');
      }
      if (role == Role::kDueDate) facts_.has_due_date = true;
      return true;
    }
    case FieldType::kCurrency:
      return TypeCurrency(role, value, out, error);
    case FieldType::kMoney:
      return TypeMoney(rule, role, value, out, error);
    case FieldType::kEnum: {
      text = evaluator_.Text(value);
      const auto& allowed = rule.spec->enum_values;
      // The schema's own spelling first: what most sources (and `map:`) give.
      auto it = std::find(allowed.begin(), allowed.end(), text);
      if (it == allowed.end()) {
        it = std::find_if(allowed.begin(), allowed.end(), [&](std::string_view v) { return EqualsIgnoreCase(v, text); });
      }
      if (it == allowed.end()) {
        std::string known;
        for (std::string_view v : allowed) known += (known.empty() ? "" : ", ") + std::string(v);
        error = Quoted(text) + " is not an allowed " + rule.name + " (one of: " + known + ")";
        return false;
      }
      PutQuoted(out, *it);  // the schema's own words: ASCII identifiers
      if (role == Role::kKind) facts_.kind = *it;
      return true;
    }
    case FieldType::kBool: {
      bool flag = value.flag;
      if (value.kind != Kind::kBool) {
        auto parsed = ParseBool(evaluator_.Text(value));
        if (!parsed) {
          error = parsed.error().message;
          return false;
        }
        flag = *parsed;
      }
      out += flag ? "true" : "false";
      return true;
    }
    case FieldType::kInteger: {
      Value number = evaluator_.ToInteger(value);
      if (number.IsError()) {
        error = number.text;
        return false;
      }
      AppendJsonInteger(out, number.number);
      return true;
    }
    case FieldType::kEntityRef:
      // `ref` yields the canonical key; any other expression a source key of ref_entity.
      if (rule.yields_key) {
        text = evaluator_.Text(value);
      } else {
        plain_ = model::MakeKey(context_.source, rule.spec->ref_entity, evaluator_.Text(value));
        text = plain_;
      }
      break;
    default:
      text = evaluator_.Text(value);
      break;
  }
  // Bytes of a record that needs no escaping need none either (nor do those of a
  // tab-separated line that needs none but for its tabs, when they hold no tab).
  if (!plain_raw_.empty() && text.data() >= plain_raw_.data() &&
      text.data() + text.size() <= plain_raw_.data() + plain_raw_.size()) {
    PutQuoted(out, text);
    return true;
  }
  if (!plain_but_tabs_raw_.empty() && text.data() >= plain_but_tabs_raw_.data() &&
      text.data() + text.size() <= plain_but_tabs_raw_.data() + plain_but_tabs_raw_.size() &&
      std::memchr(text.data(), '\t', text.size()) == nullptr) {
    PutQuoted(out, text);
    return true;
  }
  std::string safe;
  if (type == FieldType::kString && HasUnsafeControl(text)) {
    safe = WithoutUnsafeControls(text);
    text = safe;
  }
  if (!AppendJsonString(out, text)) {
    error = "invalid UTF-8 in " + Quoted(text);
    return false;
  }
  return true;
}

bool RecordBuilder::TypeField(const FieldRule& rule, Role role, const EntityRule& entity, const RecordSource& source,
                              std::string& out, std::vector<PendingReject>& rejects) {
  const size_t start = out.size();
  if (rule.spec != nullptr && (rule.spec->type == FieldType::kObject || rule.spec->type == FieldType::kObjectList ||
                               rule.spec->type == FieldType::kStringList)) {
    return TypeObjectField(rule, entity, source, out, rejects);
  }
  const Value value = evaluator_.Eval(rule.expr, source.scope);
  if (value.IsError()) {
    rejects.push_back({value.column, rule.name, std::string(value.text)});
    return false;
  }
  if (value.IsNull()) {
    out += "null";
    if (!rule.required) return true;
    rejects.push_back({value.column, rule.name, "required value is empty"});
    return false;
  }
  std::string error;
  if (!TypeScalar(rule, role, value, out, error)) {
    rejects.push_back({value.column, rule.name, std::move(error)});
    return false;
  }
  if (out.size() == start) out += "null";  // an amount without a usable currency
  if (rule.check) {
    if (auto status = CheckIdentifier(*rule.check, evaluator_.Text(value)); !status) {
      rejects.push_back({value.column, rule.name, status.error().message});
      return false;
    }
  }
  return true;
}

bool RecordBuilder::AppendText(std::string& out, std::string_view text, const std::string& field, int column,
                               std::vector<PendingReject>& rejects) {
  if (AppendJsonString(out, text)) return true;
  rejects.push_back({column, field, "invalid UTF-8 in " + Quoted(text)});
  return false;
}

bool RecordBuilder::TypeObjectField(const FieldRule& rule, const EntityRule& entity, const RecordSource& source,
                                    std::string& out, std::vector<PendingReject>& rejects) {
  const model::FieldSpec& spec = *rule.spec;
  const size_t start = out.size();
  bool ok = true;
  size_t count = 0;
  if (spec.type == FieldType::kStringList) {
    out.push_back('[');
    for (const Expr& item : rule.items) {
      const Value value = evaluator_.Eval(item, source.scope);
      if (value.IsError()) {
        rejects.push_back({value.column, rule.name, std::string(value.text)});
        ok = false;
        continue;
      }
      if (value.IsNull()) continue;
      if (count++ > 0) out.push_back(',');
      ok = AppendText(out, evaluator_.Text(value), rule.name, value.column, rejects) && ok;
    }
    out.push_back(']');
  } else {
    if (spec.type == FieldType::kObjectList) out.push_back('[');
    std::vector<Value> members(spec.members.size());
    for (const std::vector<MemberRule>& element : rule.elements) {
      std::fill(members.begin(), members.end(), Value::Null());
      for (const MemberRule& member : element) {
        members[member.member] = evaluator_.Eval(member.expr, source.scope);
        if (members[member.member].IsError()) {
          rejects.push_back({members[member.member].column, rule.name, std::string(members[member.member].text)});
          ok = false;
        }
      }
      // An identifier without a value, or an address with only its type, is left out.
      bool any = false;
      for (size_t m = 0; m < spec.members.size(); ++m) {
        if (!members[m].IsNull() && !members[m].IsError() && spec.members[m] != "type" && spec.members[m] != "scheme") {
          any = true;
        }
      }
      if (spec.name == "identifiers") {
        any = !members[1].IsNull() && !members[1].IsError();
        for (const IdentifierSchemeCheck& check : entity.identifier_checks) {
          if (!any || evaluator_.Text(members[0]) != check.scheme) continue;
          if (auto status = CheckIdentifier(check.check, evaluator_.Text(members[1])); !status) {
            rejects.push_back({members[1].column, "identifiers." + check.scheme, status.error().message});
            ok = false;
          }
        }
      }
      if (!any) continue;
      if (count++ > 0) out.push_back(',');
      out.push_back('{');
      for (size_t m = 0; m < spec.members.size(); ++m) {
        if (m > 0) out.push_back(',');
        AppendKnownJsonString(out, spec.members[m]);
        out.push_back(':');
        if (members[m].IsNull() || members[m].IsError()) {
          out += "null";
        } else {
          ok = AppendText(out, evaluator_.Text(members[m]), rule.name, members[m].column, rejects) && ok;
        }
      }
      out.push_back('}');
    }
    if (spec.type == FieldType::kObjectList) out.push_back(']');
  }
  if (count == 0) {
    out.resize(start);
    out += "null";
    if (rule.required) {
      rejects.push_back({0, rule.name, "required value is empty"});
      return false;
    }
  }
  return ok;
}

}  // namespace tributary::mapping
