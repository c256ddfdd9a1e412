// Compiles the YAML of one expression (a constant, or a map with one source or operator
// and modifiers) into an Expr, reporting every problem at its node. Internal to the
// mapping module; used by the mapping loader.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/config/config_node.h"
#include "gateway/mapping/mapping_rules.h"

namespace tributary::mapping {

// A `ref` seen while compiling, checked once every entity is loaded.
struct RefUse {
  size_t owner = 0;   // the entity whose expression it is
  size_t target = 0;  // the entity it names
  bool has_key = false;
  config::ConfigNode node;
};

// What an expression may refer to, as the loader knows it at that point.
struct CompileScope {
  const ReaderShape* shape = nullptr;
  std::shared_ptr<const ParseFormat> locale;
  // Registers a record field the expression reads (in the entity's record plan) and
  // returns its slot; `at` is where it is written, for the reader's plan problems.
  std::function<size_t(const readers::FieldSelector&, const config::ConfigNode& at)> field_slot;
  std::vector<Parameter>* parameters = nullptr;
  const std::vector<LookupTable>* lookups = nullptr;
  const std::vector<std::string>* entity_names = nullptr;  // every entity of the mapping, by index
  size_t entity = 0;                                       // the entity being compiled
  const std::vector<std::string>* aggregates = nullptr;    // null outside a grouped entity's fields
  std::vector<RefUse>* refs = nullptr;
};

// The field an expression computes, when it is a field's top-level expression: it decides
// which typing keys (`formats`, `decimal`, …) the node may carry and checks constants.
struct FieldTarget {
  const model::FieldSpec* spec = nullptr;  // null: text (custom member, source key, nested)
  bool top_level = false;
  // Set by the compiler at top level: the `required: true` of the node, and the format
  // (locale plus the node's typing keys) the field's text is parsed with.
  bool required = false;
  std::shared_ptr<const ParseFormat> format;
};

// Compiles `node`. `target` describes the field at top level (see FieldTarget); nested
// operands use a default FieldTarget.
Expr CompileExpr(config::ConfigNode node, CompileScope& scope, FieldTarget& target);

// Compiles `node` as a condition (equals, in, all, …); other expressions are reported.
Expr CompileCondition(config::ConfigNode node, CompileScope& scope);

// Checks a constant the mapping writes for a typed field (value, map target, default).
void CheckFieldConstant(const model::FieldSpec& spec, const ParseFormat& format, const std::string& text,
                        const config::ConfigNode& at);

// Reads `decimal`, `thousands`, `negative` of `node` over `format` (the locale or a
// field's keys). Reports bad values at their nodes.
void LoadMoneyKeys(config::ConfigNode node, MoneyFormat& format);
// Reads the date pattern or list of patterns at member `key` of `parent`.
std::vector<DatePattern> LoadDatePatterns(config::ConfigNode parent, std::string_view key);

// True when `expr` reads an aggregate anywhere.
bool UsesAggregate(const Expr& expr);

}  // namespace tributary::mapping
