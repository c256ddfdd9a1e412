#include "gateway/mapping/expression_compiler.h"

#include <algorithm>
#include <array>
#include <span>

#include <re2/re2.h>

#include "gateway/config/values.h"

namespace tributary::mapping {
namespace {

using config::ConfigNode;
using config::QuoteForMessage;
using model::FieldType;
using Op = Expr::Op;

constexpr int64_t kMaxColumns = 10000;

constexpr auto kSources = std::to_array<std::string_view>(
    {"column", "index", "path", "position", "preamble", "value", "const", "param", "var", "template", "ref", "agg"});
constexpr auto kOperators = std::to_array<std::string_view>(
    {"concat", "coalesce", "lookup", "when", "switch", "money", "sum", "subtract", "abs", "negate", "multiply", "date",
     "add_days", "date_from_parts", "integer", "equals", "in", "starts_with", "matches", "empty", "not_empty", "not",
     "all", "any", "positive", "negative", "zero", "reject"});
constexpr auto kModifierKeys = std::to_array<std::string_view>(
    {"trim", "regex", "substring", "replace", "pad", "upper", "lower", "map", "default", "required"});
constexpr auto kOperatorKeys = std::to_array<std::string_view>(
    {"then", "else", "key", "formats", "date_order", "decimal", "thousands", "negative", "negative_when", "optional"});

constexpr std::pair<std::string_view, ContextVariable> kVariables[] = {
    {"legal_entity", ContextVariable::kLegalEntity}, {"source", ContextVariable::kSource},
    {"tenant", ContextVariable::kTenant},           {"file", ContextVariable::kFile},
    {"file_date", ContextVariable::kFileDate},
};

bool Contains(std::span<const std::string_view> list, std::string_view key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

std::string Join(std::span<const std::string_view> names, std::string_view separator = ", ") {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += separator;
    out += name;
  }
  return out;
}

bool IsMoneyOp(Op op) {
  return op == Op::kMoney || op == Op::kSum || op == Op::kSubtract || op == Op::kAbs || op == Op::kNegate ||
         op == Op::kMultiply || op == Op::kPositive || op == Op::kNegative || op == Op::kZero;
}

bool IsConditionOp(Op op) {
  switch (op) {
    case Op::kEquals: case Op::kIn: case Op::kStartsWith: case Op::kMatches: case Op::kEmpty:
    case Op::kNotEmpty: case Op::kNot: case Op::kAll: case Op::kAny: case Op::kPositive:
    case Op::kNegative: case Op::kZero:
      return true;
    default:
      return false;
  }
}

bool IsCondition(const Expr& expr) {
  if (IsConditionOp(expr.op)) return true;
  if (expr.op == Op::kWhen) {
    return expr.args.size() >= 2 && std::all_of(expr.args.begin() + 1, expr.args.end(), IsCondition);
  }
  if (expr.op == Op::kSwitch) {
    for (size_t i = 1; i < expr.args.size(); i += 2) {
      if (!IsCondition(expr.args[i])) return false;
    }
    return !expr.has_default || IsCondition(expr.args.back());
  }
  return false;
}

Regex CompileRegex(const std::string& pattern, const ConfigNode& at) {
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto regex = Regex(new re2::RE2(pattern, options));
  if (!regex->ok()) {
    at.Error("invalid regex " + QuoteForMessage(pattern) + ": " + regex->error());
    return nullptr;
  }
  return regex;
}

class Compiler {
 public:
  explicit Compiler(CompileScope& scope) : scope_(scope) {}

  Expr Compile(ConfigNode node, FieldTarget& target) {
    Expr expr;
    if (node.IsScalar() && !node.IsNull()) {
      expr.op = Op::kConstant;
      expr.text = node.Scalar().value_or("");
      expr.written = expr.text;
      if (target.top_level) {
        target.format = scope_.locale;
        if (target.spec != nullptr) CheckFieldConstant(*target.spec, *target.format, expr.text, node);
      }
      return expr;
    }
    if (!node.IsMap()) {
      node.Error("expected an expression (a constant, or a map such as {column: NAME}), found " +
                 std::string(node.IsSequence() ? "a sequence" : "an empty value"));
      return expr;
    }
    std::vector<std::pair<std::string, ConfigNode>> members = node.Members();
    std::vector<std::string> heads;
    for (auto& [key, value] : members) {
      const bool head = Contains(kSources, key) || (Contains(kOperators, key) && (key != "negative" || value.IsMap()));
      if (head) {
        heads.push_back(key);
      } else if (!Contains(kModifierKeys, key) && !Contains(kOperatorKeys, key)) {
        value.Error("unknown operator or modifier '" + key + "'" + Suggestion(key));
      }
    }
    if (heads.empty()) {
      node.Error("expected a source (column, index, path, position, preamble, value, param, var, template, ref, "
                 "agg) or an operator (concat, coalesce, lookup, when, switch, money, sum, subtract, date, add_days, "
                 "equals, …)");
      return expr;
    }
    if (heads.size() > 1) {
      node.Error("two sources in one map: '" + heads[0] + "' and '" + heads[1] +
                 "' (an expression has exactly one source or operator)");
      return expr;
    }
    const std::string& head = heads[0];
    expr.written = head;
    CompileHead(node, head, expr, target);
    CheckOperatorKeys(node, expr, target);
    if (target.top_level) {
      target.format = FormatOf(node, expr.format ? expr.format : scope_.locale);
    }
    CompileModifiers(node, expr, target);
    if (node.Has("negative_when") && expr.op != Op::kMoney && target.top_level && target.spec != nullptr &&
        target.spec->type == FieldType::kMoney) {
      // `{column: Betrag, negative_when: …}` on an amount field: read as money, then flip.
      Expr wrapper;
      wrapper.op = Op::kMoney;
      wrapper.written = "money";
      wrapper.format = target.format;
      wrapper.args.push_back(std::move(expr));
      wrapper.args.push_back(Condition(node.Child("negative_when")));
      return wrapper;
    }
    return expr;
  }

  Expr Condition(ConfigNode node) {
    Expr expr = Operand(node);
    if (!IsCondition(expr) && (node.IsMap() || node.IsScalar()) && !node.IsNull()) {
      if (expr.op != Op::kConstant || node.IsScalar()) {
        node.Error("expected a condition (equals, in, starts_with, matches, empty, not_empty, not, all, any, "
                   "positive, negative, zero), found " +
                   (expr.written.empty() ? std::string("a constant") : "'" + expr.written + "'"));
      }
    }
    return expr;
  }

 private:
  Expr Operand(ConfigNode node) {
    FieldTarget nested;
    return Compile(node, nested);
  }

  static std::string Suggestion(std::string_view key) {
    std::string_view best;
    int best_distance = 3;
    for (auto list : {std::span<const std::string_view>(kSources), std::span<const std::string_view>(kOperators),
                      std::span<const std::string_view>(kModifierKeys),
                      std::span<const std::string_view>(kOperatorKeys)}) {
      for (std::string_view candidate : list) {
        const int distance = config::EditDistance(key, candidate);
        if (distance < best_distance) {
          best_distance = distance;
          best = candidate;
        }
      }
    }
    return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
  }

  // The operands of `key` of `parent`: a sequence of `min`..`max` expressions.
  std::vector<Expr> Operands(ConfigNode parent, std::string_view key, size_t min, size_t max, bool conditions = false) {
    std::vector<Expr> out;
    ConfigNode list = parent.Child(key);
    if (!list.IsSequence()) {
      list.Error("expected a list of " + std::string(conditions ? "conditions" : "expressions") +
                 (min == max ? " (" + std::to_string(min) + ")" : ""));
      return out;
    }
    std::vector<ConfigNode> items = parent.Sequence(key);
    if (items.size() < min || items.size() > max) {
      std::string expected = min == max ? std::to_string(min)
                             : max == SIZE_MAX ? "at least " + std::to_string(min)
                                               : std::to_string(min) + " to " + std::to_string(max);
      list.Error("expected " + expected + " " + (conditions ? "conditions" : "expressions") + ", found " +
                 std::to_string(items.size()));
    }
    for (ConfigNode& item : items) out.push_back(conditions ? Condition(item) : Operand(item));
    return out;
  }

  // The locale with the typing keys of `node` applied, or `base` when it has none.
  std::shared_ptr<const ParseFormat> FormatOf(ConfigNode node, std::shared_ptr<const ParseFormat> base) {
    const bool money = node.Has("decimal") || node.Has("thousands") ||
                       (node.Has("negative") && !node.Child("negative").IsMap());
    const bool dates = node.Has("formats") || node.Has("date_order");
    if (!money && !dates) return base;
    auto format = std::make_shared<ParseFormat>(*base);
    if (money) LoadMoneyKeys(node, format->money);
    if (node.Has("formats")) {
      std::vector<DatePattern> patterns = LoadDatePatterns(node, "formats");
      if (!patterns.empty()) format->date_formats = std::move(patterns);
    }
    if (auto order = node.String("date_order")) {
      if (auto parsed = ParseDateOrderName(*order)) {
        format->date_order = *parsed;
      } else {
        node.Child("date_order").Error(QuoteForMessage(*order) + " is not one of: dmy, mdy, ymd");
      }
    }
    return format;
  }

  void CheckOperatorKeys(ConfigNode node, Expr& expr, const FieldTarget& target) {
    const bool field_money = target.top_level && target.spec != nullptr && target.spec->type == FieldType::kMoney;
    const bool field_date = target.top_level && target.spec != nullptr && target.spec->type == FieldType::kDate;
    const bool date_op = expr.op == Op::kDate || expr.op == Op::kAddDays;
    for (std::string_view key : {"decimal", "thousands"}) {
      if (node.Has(key) && !IsMoneyOp(expr.op) && !field_money) {
        node.Child(key).Error("'" + std::string(key) + "' applies only to amount fields and money operators");
      }
    }
    if (node.Has("negative") && !node.Child("negative").IsMap() && !IsMoneyOp(expr.op) && !field_money) {
      node.Child("negative").Error("'negative' applies only to amount fields and money operators");
    }
    if (node.Has("negative_when") && expr.op != Op::kMoney && !field_money) {
      node.Child("negative_when").Error("'negative_when' applies only to 'money' and amount fields");
    }
    for (std::string_view key : {"formats", "date_order"}) {
      if (node.Has(key) && !date_op && !field_date) {
        node.Child(key).Error("'" + std::string(key) + "' applies only to date fields and date operators");
      }
    }
    if (node.Has("key") && expr.op != Op::kRef) node.Child("key").Error("'key' applies only to 'ref'");
    if (node.Has("optional") && expr.written.rfind("column", 0) != 0) {
      node.Child("optional").Error("'optional' applies only to 'column'");
    }
    for (std::string_view key : {"then", "else"}) {
      if (node.Has(key) && expr.op != Op::kWhen) {
        node.Child(key).Error("'" + std::string(key) + "' applies only to 'when'");
      }
    }
    if (IsMoneyOp(expr.op) || date_op) expr.format = FormatOf(node, scope_.locale);
  }

  void CompileHead(ConfigNode node, const std::string& head, Expr& expr, FieldTarget& target) {
    ConfigNode value = node.Child(head);
    if (head == "column" || head == "index" || head == "path" || head == "position" || head == "preamble") {
      CompileSelector(node, head, expr);
    } else if (head == "value" || head == "const") {
      expr.op = Op::kConstant;
      auto text = value.IsNull() ? std::optional<std::string>("") : value.Scalar();
      const bool trim = node.Bool("trim").value_or(true);
      expr.text = trim ? std::string(TrimSpaces(text.value_or(""))) : text.value_or("");
      if (target.top_level && target.spec != nullptr) {
        CheckFieldConstant(*target.spec, *FormatOf(node, scope_.locale), expr.text, value);
      }
    } else if (head == "param") {
      expr.op = Op::kParam;
      if (auto name = value.Scalar()) {
        if (auto index = ParamIndex(*name, value)) {
          expr.slot = *index;
          UseParamAsSingleValue(*index, value);
        }
      }
    } else if (head == "var") {
      expr.op = Op::kVariable;
      if (auto name = value.Scalar()) {
        auto it = std::find_if(std::begin(kVariables), std::end(kVariables), [&](const auto& v) { return v.first == *name; });
        if (it == std::end(kVariables)) {
          value.Error("unknown variable " + QuoteForMessage(*name) +
                      " (known: legal_entity, source, tenant, file, file_date)");
        } else {
          expr.variable = it->second;
        }
      }
    } else if (head == "template") {
      expr.op = Op::kTemplate;
      if (auto text = value.Scalar()) CompileTemplate(*text, value, expr);
    } else if (head == "ref") {
      CompileRef(node, value, expr);
    } else if (head == "agg") {
      expr.op = Op::kAggregate;
      auto name = value.Scalar();
      if (scope_.aggregates == nullptr) {
        value.Error("'agg' applies only in a grouped entity (one with group.values)");
      } else if (name) {
        auto it = std::find(scope_.aggregates->begin(), scope_.aggregates->end(), *name);
        if (it == scope_.aggregates->end()) {
          std::vector<std::string_view> known(scope_.aggregates->begin(), scope_.aggregates->end());
          value.Error("no aggregate " + QuoteForMessage(*name) + " in group.values" +
                      (known.empty() ? std::string() : " (known: " + Join(known) + ")"));
        } else {
          expr.slot = static_cast<size_t>(it - scope_.aggregates->begin());
        }
      }
    } else {
      CompileOperator(node, head, value, expr);
    }
  }

  // Builds the selector as written; whether the reader can serve it is the reader's to say
  // (readers::ValidatePlan, reported at the selector's node).
  void CompileSelector(ConfigNode node, const std::string& head, Expr& expr) {
    const ReaderShape& shape = *scope_.shape;
    ConfigNode value = node.Child(head);
    expr.op = Op::kField;
    expr.trim = true;
    readers::FieldSelector selector;
    if (head == "column") {
      std::vector<std::string> names;
      if (value.IsSequence()) {
        for (ConfigNode& item : value.Items()) {
          if (auto name = item.Scalar()) names.push_back(std::string(TrimSpaces(*name)));
        }
        if (names.empty()) {
          value.Error("expected a column name, or a list of alternative names");
          return;
        }
      } else if (auto name = value.Scalar()) {
        names.push_back(*name);
      } else {
        return;
      }
      const std::string& first = names.front();
      const bool digits = names.size() == 1 && !first.empty() &&
                          std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (digits && shape.type == "csv") {
        // `column: 3` is the third field, as `index: 3`.
        selector.kind = readers::FieldSelector::Kind::kIndex;
        selector.index = static_cast<int>(std::min<int64_t>(std::stoll(first.substr(0, 9)), kMaxColumns));
        if (selector.index < 1) value.Error("expected a column name, or an index from 1");
      } else {
        selector.kind = readers::FieldSelector::Kind::kColumn;
        selector.text = std::string(TrimSpaces(first));
        selector.alternatives.assign(names.begin() + 1, names.end());
      }
      selector.optional = node.Bool("optional").value_or(false);
      expr.written = "column " + first;
    } else if (head == "index") {
      auto index = node.Integer("index", 1, kMaxColumns);
      if (!index) return;
      selector.kind = readers::FieldSelector::Kind::kIndex;
      selector.index = static_cast<int>(*index);
      expr.written = "column " + std::to_string(*index);
    } else if (head == "path") {
      auto path = value.Scalar();
      if (!path) return;
      selector.kind = readers::FieldSelector::Kind::kPath;
      selector.text = *path;
      expr.written = "path " + *path;
    } else if (head == "position") {
      // The ordinal is the reader's to compute (xml: once per sibling, in document order).
      auto path = value.Scalar();
      if (!path) return;
      selector.kind = readers::FieldSelector::Kind::kPosition;
      selector.text = *path;
      expr.written = "position " + *path;
    } else {
      if (!value.IsMap()) {
        value.Error("expected {line: N, field: M}");
        return;
      }
      auto line = value.Integer("line", 1, 1000, config::Presence::kRequired);
      auto field = value.Integer("field", 0, kMaxColumns, config::Presence::kRequired);
      value.RejectUnknownKeys();
      if (!line || !field) return;
      selector.kind = readers::FieldSelector::Kind::kPreamble;
      selector.line = static_cast<int>(*line);
      selector.index = static_cast<int>(*field);
      expr.written = "preamble line " + std::to_string(*line) + " field " + std::to_string(*field);
    }
    (void)shape;
    expr.slot = scope_.field_slot(selector, value);
  }

  std::optional<size_t> ParamIndex(const std::string& name, const ConfigNode& at) {
    for (size_t i = 0; i < scope_.parameters->size(); ++i) {
      if ((*scope_.parameters)[i].name == name) return i;
    }
    std::vector<std::string_view> known;
    for (const Parameter& p : *scope_.parameters) known.push_back(p.name);
    at.Error("unknown parameter " + QuoteForMessage(name) +
             (known.empty() ? std::string(" (the mapping declares no parameters)") : " (declared: " + Join(known) + ")"));
    return std::nullopt;
  }

  void UseParamAsSingleValue(size_t index, const ConfigNode& at) {
    Parameter& parameter = (*scope_.parameters)[index];
    parameter.used_as_single_value = true;
    if (parameter.defaults.size() > 1) {
      at.Error("parameter '" + parameter.name + "' is a list (" + std::to_string(parameter.defaults.size()) +
               " values); read it with 'in'");
    }
  }

  void CompileTemplate(const std::string& text, const ConfigNode& at, Expr& expr) {
    std::string literal;
    auto flush = [&] {
      if (literal.empty()) return;
      TemplatePart part;
      part.literal = std::move(literal);
      expr.parts.push_back(std::move(part));
      literal.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
        literal.push_back(c);  // {{ and }} are literal braces
        ++i;
        continue;
      }
      if (c == '}') {
        at.Error("unmatched '}' in template (write '}}' for a literal brace)");
        return;
      }
      if (c != '{') {
        literal.push_back(c);
        continue;
      }
      const size_t close = text.find('}', i + 1);
      if (close == std::string::npos) {
        at.Error("unclosed '{' in template");
        return;
      }
      const std::string name(TrimSpaces(std::string_view(text).substr(i + 1, close - i - 1)));
      flush();
      TemplatePart part;
      if (name.starts_with('$')) {
        const std::string_view variable = std::string_view(name).substr(1);
        auto it = std::find_if(std::begin(kVariables), std::end(kVariables), [&](const auto& v) { return v.first == variable; });
        if (it != std::end(kVariables)) {
          part.kind = TemplatePart::Kind::kVariable;
          part.variable = it->second;
        } else {
          auto found = std::find_if(scope_.parameters->begin(), scope_.parameters->end(),
                                    [&](const Parameter& p) { return p.name == variable; });
          if (found == scope_.parameters->end()) {
            at.Error("unknown template variable '{" + name +
                     "}' (known: {$legal_entity}, {$source}, {$tenant}, {$file}, {$file_date} and the parameters)");
            return;
          }
          part.kind = TemplatePart::Kind::kParam;
          part.slot = static_cast<size_t>(found - scope_.parameters->begin());
          UseParamAsSingleValue(part.slot, at);
        }
      } else if (name.empty()) {
        at.Error("empty '{}' in template");
        return;
      } else {
        readers::FieldSelector selector;
        if (scope_.shape->Tabular()) {
          selector.kind = readers::FieldSelector::Kind::kColumn;
        } else {
          selector.kind = readers::FieldSelector::Kind::kPath;
        }
        selector.text = name;
        part.kind = TemplatePart::Kind::kField;
        part.slot = scope_.field_slot(selector, at);
      }
      expr.parts.push_back(std::move(part));
      i = close;
    }
    flush();
    expr.written = "template " + text;
  }

  void CompileRef(ConfigNode node, ConfigNode value, Expr& expr) {
    expr.op = Op::kRef;
    expr.slot = kNotInMapping;
    auto name = value.Scalar();
    if (!name) return;
    expr.written = "ref " + *name;
    expr.text = *name;
    const bool has_key = node.Has("key");
    if (has_key) expr.args.push_back(Operand(node.Child("key")));
    const std::vector<std::string>& entities = *scope_.entity_names;
    auto it = std::find(entities.begin(), entities.end(), *name);
    if (it != entities.end()) {
      expr.slot = static_cast<size_t>(it - entities.begin());
      scope_.refs->push_back(RefUse{scope_.entity, expr.slot, has_key, value});
      return;
    }
    // With a key, any canonical entity: another mapping may produce it (a payment's
    // allocations refer to invoices of the invoice mapping).
    if (model::FindEntitySchema(*name) == nullptr) {
      value.Error("'" + *name + "' is not an entity of this mapping");
      expr.text.clear();
    } else if (!has_key) {
      expr.text.clear();
      value.Error("'" + *name + "' is not an entity of this mapping: give its source key, {ref: " + *name +
                  ", key: EXPRESSION}");
    }
  }

  void CompileOperator(ConfigNode node, const std::string& head, ConfigNode value, Expr& expr) {
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"concat", Op::kConcat},     {"coalesce", Op::kCoalesce},     {"lookup", Op::kLookup},
        {"when", Op::kWhen},         {"switch", Op::kSwitch},         {"money", Op::kMoney},
        {"sum", Op::kSum},           {"subtract", Op::kSubtract},     {"abs", Op::kAbs},
        {"negate", Op::kNegate},     {"multiply", Op::kMultiply},     {"date", Op::kDate},
        {"add_days", Op::kAddDays},  {"date_from_parts", Op::kDateFromParts}, {"integer", Op::kInteger},
        {"equals", Op::kEquals},     {"in", Op::kIn},                 {"starts_with", Op::kStartsWith},
        {"matches", Op::kMatches},   {"empty", Op::kEmpty},           {"not_empty", Op::kNotEmpty},
        {"not", Op::kNot},           {"all", Op::kAll},               {"any", Op::kAny},
        {"positive", Op::kPositive}, {"negative", Op::kNegative},     {"zero", Op::kZero},
        {"reject", Op::kReject},
    };
    for (const auto& [name, op] : kOps) {
      if (name == head) expr.op = op;
    }
    switch (expr.op) {
      case Op::kConcat:
      case Op::kCoalesce:
        expr.args = Operands(node, head, 1, SIZE_MAX);
        break;
      case Op::kSum:
        expr.args = Operands(node, head, 1, SIZE_MAX);
        break;
      case Op::kSubtract:
      case Op::kEquals:
      case Op::kStartsWith:
      case Op::kMultiply:
      case Op::kAddDays:
        expr.args = Operands(node, head, 2, 2);
        break;
      case Op::kAll:
      case Op::kAny:
        expr.args = Operands(node, head, 1, SIZE_MAX, /*conditions=*/true);
        break;
      case Op::kNot:
        expr.args.push_back(Condition(value));
        break;
      case Op::kMoney:
        expr.args.push_back(Operand(value));
        if (node.Has("negative_when")) expr.args.push_back(Condition(node.Child("negative_when")));
        break;
      case Op::kAbs: case Op::kNegate: case Op::kDate: case Op::kInteger: case Op::kEmpty: case Op::kNotEmpty:
      case Op::kPositive: case Op::kNegative: case Op::kZero:
        expr.args.push_back(Operand(value));
        break;
      case Op::kLookup:
        CompileLookup(value, expr);
        break;
      case Op::kReject:
        if (auto message = value.Scalar(); message && !message->empty()) {
          expr.text = *message;
        } else {
          value.Error("expected the reason of the reject, e.g. {reject: \"unknown posting key\"}");
        }
        break;
      case Op::kWhen:
        expr.args.push_back(Condition(value));
        if (!node.Has("then")) {
          node.Error("'when' needs 'then' (and optionally 'else')");
          break;
        }
        expr.args.push_back(Operand(node.Child("then")));
        if (node.Has("else")) expr.args.push_back(Operand(node.Child("else")));
        break;
      case Op::kSwitch:
        CompileSwitch(node, expr);
        break;
      case Op::kDateFromParts: {
        if (!value.IsMap()) {
          value.Error("expected {year: …, month: …, day: …}");
          break;
        }
        for (std::string_view part : {"year", "month", "day"}) {
          ConfigNode item = value.Child(part, config::Presence::kRequired);
          expr.args.push_back(item.IsDefined() ? Operand(item) : Expr{});
        }
        value.RejectUnknownKeys();
        break;
      }
      case Op::kIn:
        CompileIn(node, expr);
        break;
      case Op::kMatches: {
        std::vector<ConfigNode> items = node.Sequence("matches");
        if (items.size() != 2) {
          value.Error("expected [expression, \"regex\"]");
          break;
        }
        expr.args.push_back(Operand(items[0]));
        if (auto pattern = items[1].Scalar()) expr.regex = CompileRegex(*pattern, items[1]);
        break;
      }
      default:
        break;
    }
  }

  void CompileLookup(ConfigNode value, Expr& expr) {
    if (!value.IsMap()) {
      value.Error("expected {table: NAME, key: EXPRESSION}");
      return;
    }
    auto table = value.String("table", config::Presence::kRequired);
    ConfigNode key = value.Child("key", config::Presence::kRequired);
    if (auto fallback = value.String("default")) {
      expr.has_default = true;
      expr.text = *fallback;
    }
    value.RejectUnknownKeys();
    if (table) {
      const std::vector<LookupTable>& tables = *scope_.lookups;
      auto it = std::find_if(tables.begin(), tables.end(), [&](const LookupTable& t) { return t.name == *table; });
      if (it == tables.end()) {
        std::vector<std::string_view> known;
        for (const LookupTable& t : tables) known.push_back(t.name);
        value.Child("table").Error("unknown lookup table " + QuoteForMessage(*table) +
                                   (known.empty() ? std::string(" (the mapping declares no lookups)")
                                                  : " (declared: " + Join(known) + ")"));
      } else {
        expr.slot = static_cast<size_t>(it - tables.begin());
      }
    }
    expr.args.push_back(key.IsDefined() ? Operand(key) : Expr{});
  }

  void CompileSwitch(ConfigNode node, Expr& expr) {
    ConfigNode list = node.Child("switch");
    if (!list.IsSequence()) {
      list.Error("expected a list of {when: CONDITION, then: EXPRESSION} ending with an optional {else: EXPRESSION}");
      return;
    }
    std::vector<ConfigNode> items = node.Sequence("switch");
    for (size_t i = 0; i < items.size(); ++i) {
      ConfigNode& item = items[i];
      if (item.IsMap() && item.Has("else") && !item.Has("when")) {
        if (i + 1 != items.size()) item.Error("'else' must be the last case of a switch");
        Expr fallback = Operand(item.Child("else"));
        item.RejectUnknownKeys();
        if (i + 1 == items.size()) {
          expr.args.push_back(std::move(fallback));
          expr.has_default = true;
        }
        continue;
      }
      if (!item.IsMap() || !item.Has("when") || !item.Has("then")) {
        item.Error("expected {when: CONDITION, then: EXPRESSION} or {else: EXPRESSION}");
        continue;
      }
      expr.args.push_back(Condition(item.Child("when")));
      expr.args.push_back(Operand(item.Child("then")));
      item.RejectUnknownKeys();
    }
    if (expr.args.empty()) list.Error("expected at least one case");
  }

  void CompileIn(ConfigNode node, Expr& expr) {
    std::vector<ConfigNode> items = node.Sequence("in");
    if (items.size() != 2) {
      node.Child("in").Error("expected [expression, [value, …]] or [expression, {param: NAME}]");
      return;
    }
    expr.args.push_back(Operand(items[0]));
    ConfigNode& list = items[1];
    if (list.IsSequence()) {
      for (ConfigNode& value : list.Items()) {
        if (auto text = value.Scalar()) expr.list.push_back(*text);
      }
    } else if (list.IsMap() && list.Has("param")) {
      auto name = list.String("param");
      list.RejectUnknownKeys();
      if (name) expr.list_param = ParamIndex(*name, list.Child("param"));
    } else {
      list.Error("expected a list of values or {param: NAME}");
    }
  }

  void CompileModifiers(ConfigNode node, Expr& expr, FieldTarget& target) {
    auto modifiers = std::make_unique<Modifiers>();
    if (expr.op != Op::kConstant || node.Has("const") || node.Has("value")) {
      if (auto trim = node.Bool("trim")) expr.trim = *trim && expr.op != Op::kConstant;
    }
    if (auto pattern = node.String("regex")) modifiers->regex = CompileRegex(*pattern, node.Child("regex"));
    if (node.Has("substring")) {
      std::vector<ConfigNode> items = node.Sequence("substring");
      std::optional<int64_t> start;
      std::optional<int64_t> length;
      if (items.size() == 2 || items.size() == 1) {
        start = IntegerOf(items[0], 1, 100000);
        if (items.size() == 2) length = IntegerOf(items[1], 0, 100000);
      } else {
        node.Child("substring").Error("expected [start, length] (1-based, in characters) or [start]");
      }
      if (start) modifiers->substring_start = static_cast<int>(*start);
      if (length) modifiers->substring_length = static_cast<int>(*length);
    }
    if (node.Has("replace")) {
      std::vector<ConfigNode> items = node.Sequence("replace");
      if (items.size() != 2) {
        node.Child("replace").Error("expected [regex, replacement]");
      } else if (auto pattern = items[0].Scalar()) {
        modifiers->replace = CompileRegex(*pattern, items[0]);
        modifiers->replacement = items[1].IsNull() ? "" : items[1].Scalar().value_or("");
        std::string why;
        if (modifiers->replace && !modifiers->replace->CheckRewriteString(modifiers->replacement, &why)) {
          items[1].Error("invalid replacement " + QuoteForMessage(modifiers->replacement) + ": " + why);
          modifiers->replace.reset();
        }
      }
    }
    if (ConfigNode pad = node.Child("pad"); pad.IsDefined()) {
      if (!pad.IsMap()) {
        pad.Error("expected {width: N, char: \"0\", side: left|right}");
      } else {
        modifiers->pad_width = static_cast<int>(pad.Integer("width", 1, 1000, config::Presence::kRequired).value_or(0));
        if (auto fill = pad.String("char")) {
          if (fill->empty() || (*fill)[0] == '\0' ||
              std::count_if(fill->begin(), fill->end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }) != 1) {
            pad.Child("char").Error("expected one character, found " + QuoteForMessage(*fill));
          } else {
            modifiers->pad_char = *fill;
          }
        }
        if (auto side = pad.Enum("side", {"left", "right"})) modifiers->pad_left = *side == "left";
        pad.RejectUnknownKeys();
      }
    }
    const bool upper = node.Bool("upper").value_or(false);
    const bool lower = node.Bool("lower").value_or(false);
    if (upper && lower) node.Error("'upper' and 'lower' exclude each other");
    modifiers->letter_case = upper ? Modifiers::Case::kUpper : lower ? Modifiers::Case::kLower : Modifiers::Case::kKeep;
    const model::FieldSpec* spec = target.top_level ? target.spec : nullptr;
    if (ConfigNode map = node.Child("map"); map.IsDefined()) {
      for (auto& [from, target_node] : map.Members()) {
        std::optional<std::string> to = target_node.IsNull() ? std::optional<std::string>("") : target_node.Scalar();
        if (!to) continue;
        if (spec != nullptr) CheckFieldConstant(*spec, *target.format, *to, target_node);
        modifiers->map.emplace_back(std::string(TrimSpaces(from)), *to);
      }
      if (modifiers->map.empty() && !map.IsMap()) map.Error("expected a map of source value: value");
    }
    if (auto fallback = node.String("default")) {
      if (spec != nullptr) CheckFieldConstant(*spec, *target.format, *fallback, node.Child("default"));
      modifiers->default_value = *fallback;
    }
    const bool required = node.Bool("required").value_or(false);
    if (target.top_level) {
      target.required = required;
    } else {
      modifiers->required = required;
    }
    if (modifiers->TransformsText() || modifiers->default_value || modifiers->required) {
      expr.modifiers = std::move(modifiers);
    }
  }

  static std::optional<int64_t> IntegerOf(ConfigNode& node, int64_t min, int64_t max) {
    auto text = node.Scalar();
    if (!text) return std::nullopt;
    auto number = ParseInteger(*text);
    if (!number || *number < min || *number > max) {
      node.Error("expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                 QuoteForMessage(*text));
      return std::nullopt;
    }
    return *number;
  }

  CompileScope& scope_;
};

}  // namespace

void LoadMoneyKeys(ConfigNode node, MoneyFormat& format) {
  if (auto decimal = node.String("decimal")) {
    if (*decimal != "." && *decimal != ",") {
      node.Child("decimal").Error("expected \".\" or \",\", found " + QuoteForMessage(*decimal));
    } else {
      format.decimal = (*decimal)[0];
    }
  }
  if (auto thousands = node.String("thousands")) {
    static constexpr std::string_view kNoBreakSpace = "\xC2\xA0";
    static constexpr std::string_view kNarrowNoBreakSpace = "\xE2\x80\xAF";
    if (*thousands == kNoBreakSpace || *thousands == kNarrowNoBreakSpace) {
      format.thousands = " ";  // a space accepts both no-break spaces too
    } else if (!thousands->empty() && (thousands->size() != 1 || std::string_view(" .,'").find((*thousands)[0]) ==
                                                                     std::string_view::npos)) {
      node.Child("thousands").Error("expected \"\", \" \", \".\", \",\" or \"'\", found " + QuoteForMessage(*thousands));
    } else {
      format.thousands = *thousands;
    }
  }
  if (ConfigNode negative = node.Child("negative"); negative.IsDefined() && !negative.IsMap()) {
    static constexpr std::pair<std::string_view, unsigned> kStyles[] = {
        {"leading_minus", kLeadingMinus}, {"trailing_minus", kTrailingMinus},
        {"parentheses", kParentheses},    {"cr_suffix", kCrSuffix}};
    unsigned styles = 0;
    auto read = [&](ConfigNode item) {
      auto word = item.Scalar();
      if (!word) return;
      if (*word == "reject") {
        format.negative = NegativeAmounts::kReject;
      } else if (*word == "absolute") {
        format.negative = NegativeAmounts::kAbsolute;
      } else {
        auto it = std::find_if(std::begin(kStyles), std::end(kStyles), [&](const auto& s) { return s.first == *word; });
        if (it == std::end(kStyles)) {
          item.Error(QuoteForMessage(*word) +
                     " is not one of: reject, absolute, leading_minus, trailing_minus, parentheses, cr_suffix");
        } else {
          styles |= it->second;
        }
      }
    };
    if (negative.IsSequence()) {
      for (ConfigNode& item : node.Sequence("negative")) read(item);
    } else {
      read(negative);
    }
    if (styles != 0) format.negative_styles = styles;
  }
  // Reported where a separator is written, not again at every amount that inherits it.
  if ((node.Has("decimal") || node.Has("thousands")) && format.thousands.size() == 1 &&
      format.thousands[0] == format.decimal) {
    node.Error("the decimal and thousands separators must differ");
  }
}

std::vector<DatePattern> LoadDatePatterns(ConfigNode parent, std::string_view key) {
  std::vector<DatePattern> patterns;
  auto add = [&](ConfigNode item) {
    if (auto text = item.Scalar()) {
      auto pattern = DatePattern::Compile(*text);
      if (pattern) {
        patterns.push_back(std::move(*pattern));
      } else {
        item.Error(pattern.error().message);
      }
    }
  };
  ConfigNode node = parent.Child(key);
  if (node.IsScalar() && !node.IsNull()) {
    add(node);
  } else if (node.IsSequence()) {
    for (ConfigNode& item : parent.Sequence(key)) add(item);
  } else if (!node.IsNull()) {
    node.Error("expected a date pattern or a list of them");
  }
  if (node.IsNull() || (node.IsSequence() && parent.Sequence(key).empty())) {
    node.Error("expected at least one date pattern");
  }
  return patterns;
}

void CheckFieldConstant(const model::FieldSpec& spec, const ParseFormat& format, const std::string& text,
                        const ConfigNode& at) {
  if (text.empty()) return;
  Status status = Ok();
  switch (spec.type) {
    case FieldType::kEnum:
      if (std::find(spec.enum_values.begin(), spec.enum_values.end(), text) == spec.enum_values.end()) {
        at.Error(QuoteForMessage(text) + " is not an allowed " + std::string(spec.name) + " (one of: " +
                 Join(spec.enum_values) + ")");
      }
      return;
    case FieldType::kDate:
      if (auto date = ParseDate(text, format.date_formats, format.date_order); !date) {
        status = std::unexpected(date.error());
      }
      break;
    case FieldType::kCurrency:
      if (auto code = ParseCurrency(text); !code) status = std::unexpected(code.error());
      break;
    case FieldType::kMoney:
      if (auto amount = ParseAmount(text, format.money); !amount) status = std::unexpected(amount.error());
      break;
    case FieldType::kBool:
      if (auto flag = ParseBool(text); !flag) status = std::unexpected(flag.error());
      break;
    case FieldType::kInteger:
      if (auto number = ParseInteger(text); !number) status = std::unexpected(number.error());
      break;
    default:
      return;
  }
  if (!status) at.Error(status.error().message);
}

Expr CompileExpr(ConfigNode node, CompileScope& scope, FieldTarget& target) {
  return Compiler(scope).Compile(node, target);
}

Expr CompileCondition(ConfigNode node, CompileScope& scope) { return Compiler(scope).Condition(node); }

bool UsesAggregate(const Expr& expr) {
  if (expr.op == Op::kAggregate) return true;
  return std::any_of(expr.args.begin(), expr.args.end(), UsesAggregate);
}

}  // namespace tributary::mapping
