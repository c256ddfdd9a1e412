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
// Every canonical entity, in dependency order (an entity after those it refers to:
// customer, contact, receivable, payment, allocation, risk_score, credit_limit).
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
  std::string location;     // xml/json: the record's path ("/Document/.../Ntry[3]"); empty otherwise
  std::string encoding;     // the encoding the input was read with ("utf-8", "windows-1252", …)
  std::optional<int> encoding_confidence;  // 0-100, only when the encoding was detected (`auto`)
  std::string format_version;  // xml: the namespace the document uses (e.g. camt.053.001.08)
};

// One canonical entity version as a mapping produced it.
// `data` is the full wire object: envelope fields, entity fields, `raw` and `custom`.
// The mapping engine also fills `json`, the same object as compact JSON text (exactly
// data.dump()); it leaves `data` null and `hash` empty for a sink that only prints
// (RecordSink::WantsData()), so printing a record costs no JSON tree. Records built by
// hand may leave `json` empty: readers fall back to `data`.
struct CanonicalRecord {
  std::string entity;      // schema name
  std::string key;         // == data["key"]
  std::string source_key;
  nlohmann::ordered_json data;  // the wire object, members in envelope-then-schema order
  std::string json;        // the wire object as compact JSON text, when the mapping engine made it
  std::string hash;        // "sha256:<hex>" of the canonical content (see ContentHash)
  std::optional<int64_t> open_amount_minor;  // receivable-like entities: for guards, metrics
  std::string currency;
  std::string kind;        // receivable: its kind ("invoice", "credit_note", …); else empty
  std::string lifecycle;   // == data["lifecycle"] when the mapping engine made the record; may be empty otherwise
  std::optional<int64_t> amount_minor;  // payment, allocation: `amount` in minor units
  Provenance provenance;

  // The wire object as compact JSON: `json` when set, else data.dump().
  [[nodiscard]] std::string JsonText() const { return json.empty() ? data.dump() : json; }
};

// receivable.status from its amounts and lifecycle, never trusted from the source:
// "voided" for a voided lifecycle, "paid" when nothing is open, "partially_paid" when less
// than the total is open, else "open".
std::string_view ReceivableStatus(std::string_view lifecycle, int64_t open_minor, std::optional<int64_t> total_minor);

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
