// The compiled form of a mapping expression: a tree built once when the mapping loads
// (expression_compiler.cc) and evaluated per record (expression_eval.cc). Sources are
// resolved to slots (a field of the record plan, a parameter, a lookup table, an
// aggregate), so evaluating does no name lookup. Internal to the mapping module.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/mapping/value_parsers.h"

namespace re2 {
class RE2;
}

namespace tributary::mapping {

// What `var:` and `{$name}` read from the run's context.
enum class ContextVariable { kLegalEntity, kSource, kTenant, kFile, kFileDate };

struct Expr;

// Expr::slot of a `ref` to an entity another mapping produces (written with `key:`).
inline constexpr size_t kNotInMapping = static_cast<size_t>(-1);

struct TemplatePart {
  enum class Kind { kLiteral, kField, kVariable, kParam };
  Kind kind = Kind::kLiteral;
  std::string literal;
  size_t slot = 0;  // kField: record field slot; kParam: parameter index
  ContextVariable variable = ContextVariable::kLegalEntity;
};

// Deleter for RE2 so this header does not need re2's.
struct RegexDeleter {
  void operator()(re2::RE2* regex) const;
};
using Regex = std::unique_ptr<re2::RE2, RegexDeleter>;

// Text steps applied after the source or operator (and its trim), in this order: regex,
// substring, replace, pad, upper/lower, map, default, required.
struct Modifiers {
  Regex regex;                      // first capture group, or the whole match; no match -> null
  int substring_start = 0;          // 1-based, in characters; 0 = no substring
  int substring_length = -1;        // -1 = to the end
  Regex replace;                    // global replace
  std::string replacement;          // RE2 rewrite: \1 for a group
  int pad_width = 0;                // 0 = no padding
  std::string pad_char = " ";       // one character (UTF-8)
  bool pad_left = true;
  enum class Case { kKeep, kUpper, kLower } letter_case = Case::kKeep;
  // Source text -> text, matched after trimming, ASCII case-insensitively.
  std::vector<std::pair<std::string, std::string>> map;
  std::optional<std::string> default_value;  // when null, or (with map) not in the map
  bool required = false;                     // null -> error "required value is empty"

  [[nodiscard]] bool TransformsText() const {
    return regex || substring_start > 0 || replace || pad_width > 0 || letter_case != Case::kKeep || !map.empty();
  }
};

// Number and date conventions an operator parses text with (the locale, overridden by
// the operator's own keys).
struct ParseFormat {
  MoneyFormat money;
  std::vector<DatePattern> date_formats;
  DateOrder date_order = DateOrder::kUnspecified;
};

struct Expr {
  enum class Op {
    // sources
    kConstant,       // `text`
    kField,          // record field `slot` (column, index, path, preamble)
    kParam,          // parameter `slot`
    kVariable,       // context `variable`
    kTemplate,       // `parts`
    kRef,            // canonical key of entity `text` (`slot` in the mapping, or kNotInMapping);
                     // args[0] is the source key (absent: the entity's own source key expression)
    kAggregate,      // group aggregate `slot`
    // text
    kConcat, kCoalesce,
    kReject,         // always an error: `text` is the reason
    kLookup,         // table `slot`, args[0] the key; `text` the default when has_default
    kWhen,           // args: condition, then, else (else may be absent)
    kSwitch,         // args: cond, value, cond, value, ..., [else value when has_default]
    // money
    kMoney,          // args[0] parsed as an amount; args[1] (optional) negative_when
    kSum, kSubtract, kAbs, kNegate, kMultiply,
    // dates and integers
    kDate, kAddDays, kDateFromParts, kInteger,
    // conditions
    kEquals, kIn, kStartsWith, kMatches, kEmpty, kNotEmpty, kNot, kAll, kAny, kPositive, kNegative, kZero,
  };
  Op op = Op::kConstant;
  std::vector<Expr> args;
  std::string text;             // kConstant; kLookup default
  bool has_default = false;     // kLookup, kSwitch
  size_t slot = 0;
  ContextVariable variable = ContextVariable::kLegalEntity;
  std::vector<TemplatePart> parts;
  std::vector<std::string> list;      // kIn: the constant list
  std::optional<size_t> list_param;   // kIn: the list is this parameter
  Regex regex;                        // kMatches
  std::shared_ptr<const ParseFormat> format;  // kMoney, kSum…, kDate, kAddDays: how text operands parse
  // Drop spaces around the result (default for column, index, path, preamble).
  bool trim = false;
  std::unique_ptr<Modifiers> modifiers;       // null when there are none
  std::string written;                // the expression as written, for messages
};

}  // namespace tributary::mapping
