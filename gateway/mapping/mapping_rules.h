// The compiled form of a mapping file, shared by the loader (mapping_loader.cc and its
// helpers) and the run (mapping_run.cc and its helpers). Internal to the mapping module;
// immutable once loaded.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/mapping/expression.h"
#include "gateway/mapping/identifier_checks.h"
#include "gateway/mapping/mapping.h"
#include "gateway/model/canonical.h"
#include "gateway/readers/record_reader.h"

namespace tributary::mapping {

// One member of an object field (`identifiers[].scheme`, `pdf.url`): an index into the
// schema's `members` and its expression.
struct MemberRule {
  size_t member = 0;
  Expr expr;
};

// One canonical field (or `custom` member) of an entity and how to compute it.
struct FieldRule {
  std::string name;
  const model::FieldSpec* spec = nullptr;  // nullptr for custom members (text)
  Expr expr;                               // scalar fields and custom members
  bool required = false;                   // schema-required or `required: true`
  std::shared_ptr<const ParseFormat> format;  // how text becomes this field's type
  // kObject: one element; kObjectList: one per listed element (dropped when empty).
  std::vector<std::vector<MemberRule>> elements;
  std::vector<Expr> items;                 // kStringList: one per item (null items dropped)
  std::optional<IdentifierCheck> check;    // `checks:` on this field
  // Reference fields: the expression yields canonical keys (`ref`, or when/switch/coalesce
  // of refs), not source keys.
  bool yields_key = false;
};

// `checks: {identifiers.SIREN: siren}`: checks the identifiers whose scheme is `scheme`.
struct IdentifierSchemeCheck {
  std::string scheme;
  IdentifierCheck check;
};

// A named aggregate of a grouped entity.
struct AggregateRule {
  enum class Function { kFirst, kLast, kMin, kMax, kSum, kCount, kAny, kConcat };
  std::string name;
  Function function = Function::kFirst;
  Expr expr;
};

struct GroupRule {
  std::vector<Expr> by;
  std::vector<AggregateRule> values;
  std::optional<Expr> having;
};

struct EntityRule {
  const model::EntitySchema* schema = nullptr;
  size_t plan = 0;                   // index in CompiledMapping::read_plan.plans
  std::optional<Expr> filter;
  std::optional<GroupRule> group;
  Expr source_key;
  // `lifecycle:` when it depends on the record (`active` or `voided` per record); absent
  // when it is a constant, which is `lifecycle_constant`.
  std::optional<Expr> lifecycle;
  std::string_view lifecycle_constant = model::kLifecycleActive;
  std::vector<FieldRule> fields;     // mapped schema fields, in schema order
  std::vector<FieldRule> custom;     // kept under data.custom
  std::vector<IdentifierSchemeCheck> identifier_checks;
  std::optional<size_t> currency_field;  // index in `fields` of the entity's currency
  std::vector<int> rule_of_spec;     // schema field index -> index in `fields`, or -1
  // The schema has due_date_source and the mapping leaves it unmapped: it becomes
  // "explicit" whenever due_date has a value.
  bool derive_due_date_source = false;
};

struct Parameter {
  std::string name;
  std::vector<std::string> defaults;
  bool used_as_single_value = false;  // read by `param:` or `{$name}`: at most one value
};

struct LookupTable {
  std::string name;
  std::unordered_map<std::string, std::string> entries;
};

// What the reader section declares that the engine needs to know itself.
struct ReaderShape {
  std::string type = "csv";  // csv, fixed_width, xml, json, json_lines
  bool header = true;        // csv only
  bool encoding_auto = false;
  [[nodiscard]] bool Tabular() const { return type == "csv" || type == "fixed_width"; }
};

struct CompiledMapping {
  std::string name;
  std::string version;
  std::shared_ptr<const readers::ReaderOptions> reader;
  ReaderShape shape;
  readers::ReadPlan read_plan;
  std::vector<Parameter> parameters;
  std::vector<LookupTable> lookups;
  std::vector<EntityRule> entities;
  std::vector<EntityInfo> infos;  // parallel to `entities`
  // Every distinct `path` selector the expressions read, in the order the loader first
  // met it (Mapping::SourcePaths).
  std::vector<std::string> source_paths;
};

}  // namespace tributary::mapping
