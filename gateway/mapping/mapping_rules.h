// The compiled form of a mapping file, shared by the loader (mapping_loader.cc) and the
// evaluator (row_mapper.cc). Internal to the mapping module; immutable once loaded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/readers/csv_reader.h"
#include "gateway/readers/encoding.h"
#include "gateway/mapping/mapping.h"
#include "gateway/mapping/value_parsers.h"
#include "gateway/model/canonical.h"

namespace tributary::mapping {

// The reader layer (gateway/readers) provides the CSV reader and the encodings.
using readers::AppendUtf8;
using readers::CsvOptions;
using readers::CsvReader;
using readers::CsvRecord;
using readers::DecodeForDisplay;
using readers::Encoding;
using readers::EncodingName;
using readers::FindInvalidUtf8;
using readers::IsAscii;
using readers::KnownEncodingNames;
using readers::ParseEncodingName;

// A context variable a template may use: {$legal_entity}, {$source}, {$tenant}, {$file}.
enum class ContextVariable { kLegalEntity, kSource, kTenant, kFile };

// A source column the mapping reads. Expressions refer to it by slot (its index in
// CompiledMapping::columns); a run resolves every slot to a CSV field index once, from
// the header.
struct ColumnRef {
  std::string name;  // header name as written in the mapping; empty when given by index
  int index = 0;     // 1-based field index when given by index
};

struct TemplatePart {
  enum class Kind { kLiteral, kColumn, kVariable };
  Kind kind = Kind::kLiteral;
  std::string literal;
  size_t slot = 0;
  ContextVariable variable = ContextVariable::kLegalEntity;
};

// Where a value comes from, and the text-level steps applied to it (trim, map, default).
struct ValueExpr {
  enum class Kind { kColumn, kConstant, kTemplate, kRef };
  Kind kind = Kind::kConstant;
  size_t slot = 0;                   // kColumn
  std::string constant;              // kConstant
  std::vector<TemplatePart> parts;   // kTemplate
  size_t ref_entity = 0;             // kRef: index in CompiledMapping::entities
  bool trim = true;
  // Source text -> canonical text, matched after trimming, ASCII case-insensitively.
  std::vector<std::pair<std::string, std::string>> map;
  // Used when the value is empty, or (with `map`) not in the map.
  std::optional<std::string> default_value;
  std::string text;  // the expression as written, for messages
};

// One canonical field (or `custom` member) of an entity and how to compute it.
struct FieldRule {
  std::string name;
  const model::FieldSpec* spec = nullptr;  // nullptr for custom members (strings)
  ValueExpr expr;
  bool required = false;                   // schema-required or `required: true`
  std::vector<DatePattern> formats;        // dates
  MoneyFormat money;                       // amounts
};

struct EntityRule {
  const model::EntitySchema* schema = nullptr;
  ValueExpr source_key;
  std::vector<FieldRule> fields;  // mapped schema fields, in schema order
  std::vector<FieldRule> custom;  // kept under data.custom
  std::optional<size_t> currency_field;  // index in `fields` of the entity's currency
  // The schema has due_date_source and the mapping leaves it unmapped: it becomes
  // "explicit" whenever due_date has a value.
  bool derive_due_date_source = false;
};

struct CompiledMapping {
  std::string name;
  std::string version;
  CsvOptions csv;
  bool header = true;
  Encoding encoding = Encoding::kUtf8;
  std::optional<int> expected_fields;  // reader.columns, for files without a header
  std::vector<ColumnRef> columns;      // every column some expression reads
  std::vector<EntityRule> entities;
  std::vector<EntityInfo> infos;       // parallel to `entities`
};

}  // namespace tributary::mapping
