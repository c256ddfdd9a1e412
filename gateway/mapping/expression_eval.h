// Evaluates compiled expressions (expression.h) against one record or group. Internal to
// the mapping module.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/mapping/mapping_rules.h"
#include "gateway/mapping/value.h"
#include "gateway/mapping/value_parsers.h"
#include "gateway/readers/record_reader.h"

namespace tributary::mapping {

// What an expression reads: the fields of the current record (for a group, its first
// record) and, in a grouped entity, the group's aggregates (indexed like GroupRule::values).
struct EvalScope {
  std::span<const readers::FieldValue> fields;
  std::span<const Value> aggregates;
};

// One per run, single-threaded. Values it returns may point into its arena: they stay
// valid until ResetArena(), which the run calls between records.
class Evaluator {
 public:
  // `parameters` holds each parameter's effective values (defaults or overrides), indexed
  // like CompiledMapping::parameters; it must outlive the evaluator.
  Evaluator(const CompiledMapping& mapping, const MappingContext& context,
            const std::vector<std::vector<std::string>>& parameters);

  Value Eval(const Expr& expr, const EvalScope& scope) {
    // The commonest expression, a field of the record as it is (trimmed), without a call.
    if (expr.op == Expr::Op::kField && !expr.modifiers) {
      const readers::FieldValue& field = scope.fields[expr.slot];
      if (!field.present) return Value::Null(field.column);
      return Value::Text(expr.trim ? TrimSpaces(field.text) : field.text, field.column);
    }
    return EvalAny(expr, scope);
  }
  // A condition's outcome: kBool, or kError.
  Value Condition(const Expr& expr, const EvalScope& scope);

  // Conversions, as operators and field typing use them. Null stays null; a value that
  // does not convert is kError with the reason.
  Value ToDecimal(const Value& value, const MoneyFormat& format);
  Value ToDate(const Value& value, const ParseFormat& format);
  Value ToInteger(const Value& value);
  // The text form of any value ("" for null): amounts as plain decimals, dates as
  // YYYY-MM-DD, booleans as true/false.
  std::string_view Text(const Value& value);

  // A value that keeps `reason` (copied) as an error at `column`.
  Value MakeError(std::string_view reason, int column);
  TextArena& arena() { return arena_; }
  void ResetArena() {
    arena_.Reset();
    caching_ = false;
  }
  // The source key of entity `entity` (an index in CompiledMapping::entities) on `scope`.
  // Between BeginSource() and EndSource() (or ResetArena()) every evaluation is over the
  // same source record or group: each entity's source key is then evaluated once, however
  // many `ref`s to it the record's fields have.
  // The reference stays valid until the next call.
  const Value& SourceKey(size_t entity, const EvalScope& scope);
  void BeginSource() {
    ++source_serial_;
    caching_ = true;
  }
  void EndSource() { caching_ = false; }

 private:
  Value EvalAny(const Expr& expr, const EvalScope& scope);  // Eval, for every expression
  Value EvalCore(const Expr& expr, const EvalScope& scope);
  Value ApplyModifiers(const Modifiers& modifiers, Value value);
  Value EvalTemplate(const Expr& expr, const EvalScope& scope);
  Value EvalRef(const Expr& expr, const EvalScope& scope);
  Value EvalLookup(const Expr& expr, const EvalScope& scope);
  Value EvalArithmetic(const Expr& expr, const EvalScope& scope);
  Value EvalDateOp(const Expr& expr, const EvalScope& scope);
  Value EvalComparison(const Expr& expr, const EvalScope& scope);
  std::string_view Variable(ContextVariable variable) const;
  std::string_view SingleParam(size_t index) const;

  const CompiledMapping& mapping_;
  const MappingContext& context_;
  const std::vector<std::vector<std::string>>& parameters_;
  TextArena arena_;
  std::string scratch_;
  // SourceKey's results per entity, valid while caching_ and their serial is source_serial_.
  bool caching_ = false;
  uint64_t source_serial_ = 0;
  std::vector<uint64_t> key_serials_;
  std::vector<Value> key_values_;
  Value uncached_key_;  // SourceKey's result outside BeginSource()/EndSource()
};

// True when `a` and `b` are the same value: numbers by value (1.50 = 1.5), dates by day,
// text exactly; null equals only null (or empty text).
bool ValuesEqual(Evaluator& evaluator, const Value& a, const Value& b);

// Orders two values of the same kind (amounts, dates, integers by value; text bytewise);
// used by min/max aggregates. Values of different kinds compare by their text.
int CompareValues(Evaluator& evaluator, const Value& a, const Value& b);

}  // namespace tributary::mapping
