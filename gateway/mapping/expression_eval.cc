#include "gateway/mapping/expression_eval.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <re2/re2.h>

#include "gateway/config/values.h"

namespace tributary::mapping {
namespace {

using Op = Expr::Op;
using Kind = Value::Kind;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

size_t CharacterCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += IsContinuationByte(c) ? 0 : 1;
  return count;
}

// The byte offset of character `index` (0-based) in `text`, or text.size().
size_t ByteOffsetOfCharacter(std::string_view text, size_t index) {
  size_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (seen == index) return i;
    ++seen;
  }
  return text.size();
}

// ASCII letters and the Latin-1 letters (é <-> É); other characters are kept.
void ChangeCase(std::string& text, bool upper) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (upper && c >= 'a' && c <= 'z') text[i] = static_cast<char>(c - 32);
    if (!upper && c >= 'A' && c <= 'Z') text[i] = static_cast<char>(c + 32);
    if (c == 0xC3 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (upper && next >= 0xA0 && next <= 0xBE && next != 0xB7) text[i + 1] = static_cast<char>(next - 0x20);
      if (!upper && next >= 0x80 && next <= 0x9E && next != 0x97) text[i + 1] = static_cast<char>(next + 0x20);
      ++i;
    }
  }
}

std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull: return "nothing";
    case Kind::kText: return "text";
    case Kind::kDecimal: return "an amount";
    case Kind::kDate: return "a date";
    case Kind::kInteger: return "an integer";
    case Kind::kBool: return "a condition";
    case Kind::kError: return "an error";
  }
  return "a value";
}

}  // namespace

void RegexDeleter::operator()(re2::RE2* regex) const { delete regex; }

Evaluator::Evaluator(const CompiledMapping& mapping, const MappingContext& context,
                     const std::vector<std::vector<std::string>>& parameters)
    : mapping_(mapping),
      context_(context),
      parameters_(parameters),
      // Sized once: SourceKey hands out references into key_values_.
      key_serials_(mapping.entities.size(), 0),
      key_values_(mapping.entities.size()) {}

Value Evaluator::MakeError(std::string_view reason, int column) {
  return Value::Error(arena_.Copy(reason), column);
}

std::string_view Evaluator::Variable(ContextVariable variable) const {
  switch (variable) {
    case ContextVariable::kLegalEntity: return context_.legal_entity;
    case ContextVariable::kSource: return context_.source;
    case ContextVariable::kTenant: return context_.tenant;
    case ContextVariable::kFile: return context_.file_name;
    case ContextVariable::kFileDate:
      // source_updated_at is the file's mtime, RFC 3339 UTC: its date part.
      return std::string_view(context_.source_updated_at).substr(0, std::min<size_t>(10, context_.source_updated_at.size()));
  }
  return {};
}

std::string_view Evaluator::SingleParam(size_t index) const {
  const std::vector<std::string>& values = parameters_[index];
  // The run checks before the first record that a parameter read as one value has at most one.
  return values.empty() ? std::string_view() : std::string_view(values.front());
}

std::string_view Evaluator::Text(const Value& value) {
  switch (value.kind) {
    case Kind::kNull:
    case Kind::kError:
      return {};
    case Kind::kText:
      return value.text;
    case Kind::kDecimal:
      return arena_.Copy(value.decimal.ToString());
    case Kind::kDate:
      return arena_.Copy(IsoDateFromDays(value.number));
    case Kind::kInteger: {
      char buffer[24];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.number);
      return arena_.Copy(std::string_view(buffer, static_cast<size_t>(end - buffer)));
    }
    case Kind::kBool:
      return value.flag ? "true" : "false";
  }
  return {};
}

Value Evaluator::ToDecimal(const Value& value, const MoneyFormat& format) {
  switch (value.kind) {
    case Kind::kNull:
    case Kind::kError:
    case Kind::kDecimal:
      return value;
    case Kind::kInteger:
      return Value::OfDecimal(model::Decimal::FromMinorUnits(value.number, 0), value.column);
    case Kind::kText: {
      auto amount = ParseAmount(value.text, format);
      if (!amount) return MakeError(amount.error().message, value.column);
      return Value::OfDecimal(*amount, value.column);
    }
    default:
      return MakeError("expected an amount, found " + std::string(KindName(value.kind)) + " " + Quoted(Text(value)),
                       value.column);
  }
}

Value Evaluator::ToDate(const Value& value, const ParseFormat& format) {
  switch (value.kind) {
    case Kind::kNull:
    case Kind::kError:
    case Kind::kDate:
      return value;
    case Kind::kText: {
      auto iso = ParseDate(value.text, format.date_formats, format.date_order);
      if (!iso) return MakeError(iso.error().message, value.column);
      auto days = DaysFromIsoDate(*iso);
      if (!days) return MakeError(days.error().message, value.column);
      return Value::Date(*days, value.column);
    }
    default:
      return MakeError("expected a date, found " + std::string(KindName(value.kind)) + " " + Quoted(Text(value)),
                       value.column);
  }
}

Value Evaluator::ToInteger(const Value& value) {
  switch (value.kind) {
    case Kind::kNull:
    case Kind::kError:
    case Kind::kInteger:
      return value;
    case Kind::kText: {
      auto number = ParseInteger(value.text);
      if (!number) return MakeError(number.error().message, value.column);
      return Value::Integer(*number, value.column);
    }
    case Kind::kDecimal: {
      auto whole = value.decimal.ToMinorUnits(0);
      if (!whole) return MakeError("expected an integer, found " + Quoted(value.decimal.ToString()), value.column);
      return Value::Integer(*whole, value.column);
    }
    default:
      return MakeError("expected an integer, found " + std::string(KindName(value.kind)) + " " + Quoted(Text(value)),
                       value.column);
  }
}

Value Evaluator::EvalAny(const Expr& expr, const EvalScope& scope) {
  Value value = EvalCore(expr, scope);
  if (expr.trim && value.kind == Kind::kText) value = Value::Text(TrimSpaces(value.text), value.column);
  if (expr.modifiers) value = ApplyModifiers(*expr.modifiers, value);
  return value;
}

Value Evaluator::Condition(const Expr& expr, const EvalScope& scope) {
  Value value = Eval(expr, scope);
  if (value.kind == Kind::kBool || value.kind == Kind::kError) return value;
  // Null (a `when` without else) is false; the compiler makes sure conditions are written
  // with condition operators.
  return Value::Bool(false, value.column);
}

Value Evaluator::EvalCore(const Expr& expr, const EvalScope& scope) {
  switch (expr.op) {
    case Op::kConstant:
      return Value::Text(expr.text);
    case Op::kField: {
      const readers::FieldValue& field = scope.fields[expr.slot];
      if (!field.present) return Value::Null(field.column);
      return Value::Text(field.text, field.column);
    }
    case Op::kParam:
      return Value::Text(SingleParam(expr.slot));
    case Op::kVariable:
      return Value::Text(Variable(expr.variable));
    case Op::kTemplate:
      return EvalTemplate(expr, scope);
    case Op::kRef:
      return EvalRef(expr, scope);
    case Op::kAggregate:
      if (expr.slot >= scope.aggregates.size()) return MakeError("aggregate read outside its group", 0);
      return scope.aggregates[expr.slot];
    case Op::kConcat: {
      std::string joined;
      int column = 0;
      for (const Expr& arg : expr.args) {
        Value part = Eval(arg, scope);
        if (part.IsError()) return part;
        if (column == 0) column = part.column;
        joined += Text(part);
      }
      return Value::Text(arena_.Copy(joined), column);
    }
    case Op::kCoalesce: {
      int column = 0;
      for (const Expr& arg : expr.args) {
        Value part = Eval(arg, scope);
        if (!part.IsNull()) return part;
        if (column == 0) column = part.column;
      }
      return Value::Null(column);
    }
    case Op::kLookup:
      return EvalLookup(expr, scope);
    case Op::kReject:
      return Value::Error(expr.text);
    case Op::kWhen: {
      Value condition = Condition(expr.args[0], scope);
      if (condition.IsError()) return condition;
      if (condition.flag) return Eval(expr.args[1], scope);
      return expr.args.size() > 2 ? Eval(expr.args[2], scope) : Value::Null();
    }
    case Op::kSwitch: {
      // args: condition, value, condition, value, ..., then the else value when has_default.
      const size_t end = expr.has_default ? expr.args.size() - 1 : expr.args.size();
      for (size_t i = 0; i + 1 < end; i += 2) {
        Value condition = Condition(expr.args[i], scope);
        if (condition.IsError()) return condition;
        if (condition.flag) return Eval(expr.args[i + 1], scope);
      }
      return expr.has_default ? Eval(expr.args.back(), scope) : Value::Null();
    }
    case Op::kMoney:
    case Op::kSum:
    case Op::kSubtract:
    case Op::kAbs:
    case Op::kNegate:
    case Op::kMultiply:
      return EvalArithmetic(expr, scope);
    case Op::kDate:
    case Op::kAddDays:
    case Op::kDateFromParts:
      return EvalDateOp(expr, scope);
    case Op::kInteger:
      return ToInteger(Eval(expr.args[0], scope));
    default:
      return EvalComparison(expr, scope);
  }
}

Value Evaluator::EvalTemplate(const Expr& expr, const EvalScope& scope) {
  scratch_.clear();
  int column = 0;
  for (const TemplatePart& part : expr.parts) {
    switch (part.kind) {
      case TemplatePart::Kind::kLiteral:
        scratch_ += part.literal;
        break;
      case TemplatePart::Kind::kVariable:
        scratch_ += Variable(part.variable);
        break;
      case TemplatePart::Kind::kParam:
        scratch_ += SingleParam(part.slot);
        break;
      case TemplatePart::Kind::kField: {
        const readers::FieldValue& field = scope.fields[part.slot];
        std::string_view piece = field.present ? TrimSpaces(field.text) : std::string_view();
        if (column == 0) column = field.column;
        // A template over an empty field would make a key like "FR01-": null instead.
        if (piece.empty()) return Value::Null(field.column);
        scratch_ += piece;
        break;
      }
    }
  }
  return Value::Text(arena_.Copy(scratch_), column);
}

const Value& Evaluator::SourceKey(size_t entity, const EvalScope& scope) {
  if (!caching_) {
    uncached_key_ = Eval(mapping_.entities[entity].source_key, scope);
    return uncached_key_;
  }
  if (key_serials_[entity] != source_serial_) {
    // Member by member: a whole-object copy reads the just written value with wide loads
    // the narrow stores cannot forward to, and waits for them.
    static_assert(sizeof(Value) == 64, "a member added to Value must be copied here too");
    const Value key = Eval(mapping_.entities[entity].source_key, scope);
    Value& slot = key_values_[entity];
    slot.kind = key.kind;
    slot.flag = key.flag;
    slot.column = key.column;
    slot.number = key.number;
    slot.text = key.text;
    slot.decimal = key.decimal;
    key_serials_[entity] = source_serial_;
  }
  return key_values_[entity];
}

Value Evaluator::EvalRef(const Expr& expr, const EvalScope& scope) {
  Value evaluated;
  if (!expr.args.empty()) evaluated = Eval(expr.args[0], scope);
  const Value& key = expr.args.empty() ? SourceKey(expr.slot, scope) : evaluated;
  // Without `key:`, a failing source key is the target entity's own reject (it shares the
  // record), not this field's: the reference is null.
  if (key.IsError() && expr.args.empty()) return Value::Null(key.column);
  if (key.IsError() || key.IsNull()) return key;
  // model::MakeKey, built in the scratch buffer (the key's text lives in the arena).
  const std::string_view source_key = Text(key);
  scratch_.clear();
  scratch_.append(context_.source).append(":").append(expr.text).append(":").append(source_key);
  return Value::Text(arena_.Copy(scratch_), key.column);
}

Value Evaluator::EvalLookup(const Expr& expr, const EvalScope& scope) {
  Value key = Eval(expr.args[0], scope);
  if (key.IsError()) return key;
  const LookupTable& table = mapping_.lookups[expr.slot];
  if (!key.IsNull()) {
    scratch_.assign(Text(key));
    auto it = table.entries.find(scratch_);
    if (it != table.entries.end()) return Value::Text(it->second, key.column);
  }
  return expr.has_default ? Value::Text(expr.text, key.column) : Value::Null(key.column);
}

Value Evaluator::EvalArithmetic(const Expr& expr, const EvalScope& scope) {
  const MoneyFormat& format = expr.format->money;
  auto operand = [&](size_t i) { return ToDecimal(Eval(expr.args[i], scope), format); };
  switch (expr.op) {
    case Op::kMoney: {
      Value amount = operand(0);
      if (amount.IsError() || amount.IsNull() || expr.args.size() < 2) return amount;
      Value flip = Condition(expr.args[1], scope);
      if (flip.IsError()) return flip;
      if (flip.flag) amount.decimal = amount.decimal.Negated();
      return amount;
    }
    case Op::kSum:
    case Op::kSubtract: {
      // Like SQL arithmetic: a null operand (an empty column) makes the result null, so an
      // empty amount never silently counts as zero; `default: "0"` says so explicitly.
      Value total = Value::Null();
      for (size_t i = 0; i < expr.args.size(); ++i) {
        Value term = operand(i);
        if (term.IsError() || term.IsNull()) return term;
        if (i == 0) {
          total = term;
          continue;
        }
        auto next = expr.op == Op::kSubtract ? model::Decimal::Subtract(total.decimal, term.decimal)
                                             : model::Decimal::Add(total.decimal, term.decimal);
        if (!next) return MakeError(next.error().message, term.column);
        total.decimal = *next;
      }
      return total;
    }
    case Op::kAbs:
    case Op::kNegate: {
      Value amount = operand(0);
      if (amount.kind != Kind::kDecimal) return amount;
      amount.decimal = expr.op == Op::kAbs ? amount.decimal.Abs() : amount.decimal.Negated();
      return amount;
    }
    case Op::kMultiply: {
      Value amount = operand(0);
      if (amount.kind != Kind::kDecimal) return amount;
      Value factor = ToInteger(Eval(expr.args[1], scope));
      if (factor.kind != Kind::kInteger) return factor;
      auto product = model::Decimal::MultiplyInteger(amount.decimal, factor.number);
      if (!product) return MakeError(product.error().message, amount.column);
      amount.decimal = *product;
      return amount;
    }
    default:
      return MakeError("not an arithmetic operator", 0);
  }
}

Value Evaluator::EvalDateOp(const Expr& expr, const EvalScope& scope) {
  switch (expr.op) {
    case Op::kDate:
      return ToDate(Eval(expr.args[0], scope), *expr.format);
    case Op::kAddDays: {
      Value date = ToDate(Eval(expr.args[0], scope), *expr.format);
      if (date.kind != Kind::kDate) return date;
      Value days = ToInteger(Eval(expr.args[1], scope));
      if (days.kind != Kind::kInteger) return days;
      // Days since 1970-01-01 of 0001-01-01 and 9999-12-31: the dates a record can hold.
      constexpr int64_t kFirstDay = -719162;
      constexpr int64_t kLastDay = 2932896;
      if (days.number > kLastDay - kFirstDay || days.number < kFirstDay - kLastDay ||
          date.number + days.number < kFirstDay || date.number + days.number > kLastDay) {
        return MakeError("cannot add " + std::to_string(days.number) + " days to " + IsoDateFromDays(date.number),
                         days.column);
      }
      date.number += days.number;
      return date;
    }
    case Op::kDateFromParts: {
      int64_t parts[3] = {0, 0, 0};
      int column = 0;
      for (size_t i = 0; i < 3; ++i) {
        Value part = ToInteger(Eval(expr.args[i], scope));
        if (part.kind != Kind::kInteger) return part;
        if (column == 0) column = part.column;
        parts[i] = part.number;
      }
      const std::chrono::year_month_day day{
          std::chrono::year(static_cast<int>(std::clamp<int64_t>(parts[0], -30000, 30000))),
          std::chrono::month(static_cast<unsigned>(std::clamp<int64_t>(parts[1], 0, 13))),
          std::chrono::day(static_cast<unsigned>(std::clamp<int64_t>(parts[2], 0, 32)))};
      if (parts[0] < 1 || parts[0] > 9999 || !day.ok()) {
        return MakeError("no such date: year " + std::to_string(parts[0]) + ", month " + std::to_string(parts[1]) +
                             ", day " + std::to_string(parts[2]),
                         column);
      }
      return Value::Date(std::chrono::sys_days(day).time_since_epoch().count(), column);
    }
    default:
      return MakeError("not a date operator", 0);
  }
}

Value Evaluator::EvalComparison(const Expr& expr, const EvalScope& scope) {
  switch (expr.op) {
    case Op::kEquals: {
      Value a = Eval(expr.args[0], scope);
      if (a.IsError()) return a;
      Value b = Eval(expr.args[1], scope);
      if (b.IsError()) return b;
      return Value::Bool(ValuesEqual(*this, a, b), a.column);
    }
    case Op::kIn: {
      Value a = Eval(expr.args[0], scope);
      if (a.IsError()) return a;
      const std::string_view text = Text(a);
      const std::vector<std::string>& list = expr.list_param ? parameters_[*expr.list_param] : expr.list;
      return Value::Bool(!a.IsNull() && std::find(list.begin(), list.end(), text) != list.end(), a.column);
    }
    case Op::kStartsWith: {
      Value a = Eval(expr.args[0], scope);
      if (a.IsError()) return a;
      Value prefix = Eval(expr.args[1], scope);
      if (prefix.IsError()) return prefix;
      return Value::Bool(!a.IsNull() && Text(a).starts_with(Text(prefix)), a.column);
    }
    case Op::kMatches: {
      Value a = Eval(expr.args[0], scope);
      if (a.IsError()) return a;
      return Value::Bool(!a.IsNull() && expr.regex && re2::RE2::PartialMatch(Text(a), *expr.regex), a.column);
    }
    case Op::kEmpty:
    case Op::kNotEmpty: {
      Value a = Eval(expr.args[0], scope);
      if (a.IsError()) return a;
      return Value::Bool(a.IsNull() == (expr.op == Op::kEmpty), a.column);
    }
    case Op::kNot: {
      Value a = Condition(expr.args[0], scope);
      if (a.IsError()) return a;
      return Value::Bool(!a.flag, a.column);
    }
    case Op::kAll:
    case Op::kAny: {
      const bool want = expr.op == Op::kAny;
      for (const Expr& arg : expr.args) {
        Value a = Condition(arg, scope);
        if (a.IsError()) return a;
        if (a.flag == want) return Value::Bool(want, a.column);
      }
      return Value::Bool(!want);
    }
    case Op::kPositive:
    case Op::kNegative:
    case Op::kZero: {
      Value a = ToDecimal(Eval(expr.args[0], scope), expr.format->money);
      if (a.IsError()) return a;
      if (a.IsNull()) return Value::Bool(false, a.column);
      const int sign = a.decimal.Sign();
      const int want = expr.op == Op::kPositive ? 1 : expr.op == Op::kNegative ? -1 : 0;
      return Value::Bool(sign == want, a.column);
    }
    default:
      return MakeError("unknown operator", 0);
  }
}

Value Evaluator::ApplyModifiers(const Modifiers& modifiers, Value value) {
  if (value.IsError()) return value;
  const int column = value.column;
  if (modifiers.TransformsText() && !value.IsNull()) {
    std::string_view text = Text(value);
    if (modifiers.regex) {
      const re2::RE2& regex = *modifiers.regex;
      re2::StringPiece groups[2];
      const int wanted = regex.NumberOfCapturingGroups() > 0 ? 2 : 1;
      if (!regex.Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups, wanted) ||
          groups[wanted - 1].data() == nullptr) {
        text = {};
      } else {
        text = std::string_view(groups[wanted - 1].data(), groups[wanted - 1].size());
      }
    }
    if (modifiers.substring_start > 0 && !text.empty()) {
      const size_t begin = ByteOffsetOfCharacter(text, static_cast<size_t>(modifiers.substring_start - 1));
      size_t end = text.size();
      if (modifiers.substring_length >= 0) {
        const std::string_view rest = text.substr(begin);
        end = begin + ByteOffsetOfCharacter(rest, static_cast<size_t>(modifiers.substring_length));
      }
      text = text.substr(begin, end - begin);
    }
    if (modifiers.replace && !text.empty()) {
      std::string replaced(text);
      re2::RE2::GlobalReplace(&replaced, *modifiers.replace, modifiers.replacement);
      text = arena_.Copy(replaced);
    }
    if (modifiers.pad_width > 0 && !text.empty()) {
      const size_t count = CharacterCount(text);
      if (count < static_cast<size_t>(modifiers.pad_width)) {
        std::string fill;
        for (size_t i = count; i < static_cast<size_t>(modifiers.pad_width); ++i) fill += modifiers.pad_char;
        text = arena_.Copy(modifiers.pad_left ? fill + std::string(text) : std::string(text) + fill);
      }
    }
    if (modifiers.letter_case != Modifiers::Case::kKeep && !text.empty()) {
      std::string changed(text);
      ChangeCase(changed, modifiers.letter_case == Modifiers::Case::kUpper);
      text = arena_.Copy(changed);
    }
    value = Value::Text(text, column);
    if (!modifiers.map.empty() && !value.IsNull()) {
      const std::string_view key = TrimSpaces(value.text);
      auto it = std::find_if(modifiers.map.begin(), modifiers.map.end(),
                             [&](const auto& entry) { return EqualsIgnoreCase(entry.first, key); });
      if (it != modifiers.map.end()) {
        value = Value::Text(it->second, column);
      } else if (modifiers.default_value) {
        value = Value::Text(*modifiers.default_value, column);
      } else {
        std::string known;
        for (const auto& entry : modifiers.map) known += (known.empty() ? "" : ", ") + entry.first;
        return MakeError(Quoted(key) + " is not in the map (expected one of: " + known + ")", column);
      }
    }
  }
  if (value.IsNull() && modifiers.default_value) value = Value::Text(*modifiers.default_value, column);
  if (value.IsNull() && modifiers.required) return MakeError("required value is empty", column);
  return value;
}

bool ValuesEqual(Evaluator& evaluator, const Value& a, const Value& b) {
  if (a.IsNull() || b.IsNull()) return a.IsNull() && b.IsNull();
  auto numeric = [](const Value& v) { return v.kind == Kind::kDecimal || v.kind == Kind::kInteger; };
  if (numeric(a) || numeric(b)) {
    auto as_decimal = [](const Value& v) -> std::optional<model::Decimal> {
      if (v.kind == Kind::kDecimal) return v.decimal;
      if (v.kind == Kind::kInteger) return model::Decimal::FromMinorUnits(v.number, 0);
      if (v.kind != Kind::kText) return std::nullopt;
      auto parsed = model::Decimal::Parse(TrimSpaces(v.text));
      return parsed ? std::optional<model::Decimal>(*parsed) : std::nullopt;
    };
    auto x = as_decimal(a);
    auto y = as_decimal(b);
    return x && y && *x == *y;
  }
  if (a.kind == Kind::kDate || b.kind == Kind::kDate) {
    auto as_days = [](const Value& v) -> std::optional<int64_t> {
      if (v.kind == Kind::kDate) return v.number;
      if (v.kind != Kind::kText) return std::nullopt;
      auto days = DaysFromIsoDate(TrimSpaces(v.text));
      return days ? std::optional<int64_t>(*days) : std::nullopt;
    };
    auto x = as_days(a);
    auto y = as_days(b);
    return x && y && *x == *y;
  }
  return evaluator.Text(a) == evaluator.Text(b);
}

int CompareValues(Evaluator& evaluator, const Value& a, const Value& b) {
  if (a.kind == b.kind) {
    switch (a.kind) {
      case Kind::kDecimal: {
        auto order = a.decimal <=> b.decimal;
        return order < 0 ? -1 : order > 0 ? 1 : 0;
      }
      case Kind::kDate:
      case Kind::kInteger:
        return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
      default:
        break;
    }
  }
  const int order = evaluator.Text(a).compare(evaluator.Text(b));
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

}  // namespace tributary::mapping
