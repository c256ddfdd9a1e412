// The canonical receivables model (contract v1): entity schemas, the envelope, and the
// record a mapping produces. Entities are described by data (EntitySchema), so adding one
// is a table entry plus, when it has derived fields, one function in canonical.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"

namespace tributary::model {

enum class FieldType {
  kString,
  kDate,        // civil date, ISO 8601 "YYYY-MM-DD" on the wire
  kTimestamp,   // UTC instant, RFC 3339 on the wire
  kMoney,       // decimal string at the exponent of the entity's `currency` field
  kCurrency,    // ISO 4217 code
  kEnum,        // one of `enum_values`
  kBool,
  kInteger,
  kEntityRef,   // the canonical key of another entity (`ref_entity`; "*": any entity)
  kStringList,
  kObject,      // an object whose members are the string sub-fields `members`
  kObjectList,  // a list of such objects
};

std::string_view FieldTypeName(FieldType type);

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  std::span<const std::string_view> enum_values = {};  // kEnum
  std::string_view ref_entity = {};                     // kEntityRef
  std::span<const std::string_view> members = {};       // kObject, kObjectList
  bool derived = false;  // computed by Tributary (e.g. receivable.status); not mappable
};

struct EntitySchema {
  std::string_view name;
  std::span<const FieldSpec> fields;

  [[nodiscard]] const FieldSpec* Find(std::string_view field) const;
};

// The schema of a canonical entity, or nullptr when `name` is not one.
const EntitySchema* FindEntitySchema(std::string_view name);
std::span<const EntitySchema* const> AllEntitySchemas();

// Lifecycle of any entity (envelope field `lifecycle`).
inline constexpr std::string_view kLifecycleActive = "active";
inline constexpr std::string_view kLifecycleVoided = "voided";
inline constexpr std::string_view kLifecycleDeleted = "deleted";
inline constexpr std::string_view kLifecycleClosedByAbsence = "closed_by_absence";

// `source:entity:source_key`, the stable key of every canonical entity.
std::string MakeKey(std::string_view source, std::string_view entity, std::string_view source_key);

// Where a canonical version came from: file and line (or API call) and mapping version.
struct Provenance {
  std::string file;         // file name as found by the connector
  std::string file_sha256;  // hex
  int64_t line = 0;         // 1-based physical line where the record starts
  std::string mapping;      // mapping name
  std::string mapping_version;
};

// One canonical entity version as a mapping produced it.
// `data` is the full wire object: envelope fields, entity fields, `raw` and `custom`.
struct CanonicalRecord {
  std::string entity;      // schema name
  std::string key;         // == data["key"]
  std::string source_key;
  nlohmann::ordered_json data;  // the wire object, members in envelope-then-schema order
  std::string hash;        // "sha256:<hex>" of the canonical content (see ContentHash)
  std::optional<int64_t> open_amount_minor;  // receivable-like entities: for guards, metrics
  std::string currency;
  Provenance provenance;
};

// Derives computed fields (receivable.status) into `record.data` and fills `hash`,
// `open_amount_minor` and `currency` from it. `record.data` must already hold the envelope
// and the mapped fields; `record.entity` must name `schema`.
Status Finalize(const EntitySchema& schema, CanonicalRecord& record);

// The hash of a wire object's canonical content: everything but `raw` and
// `source_updated_at`.
std::string ContentHash(const nlohmann::ordered_json& data);

// "sha256:<hex>" of `bytes`.
std::string Sha256Tagged(std::string_view bytes);
// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace tributary::model
