// What a mapping run emits: canonical records and rejects, in file order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/result.h"
#include "gateway/model/canonical.h"

namespace tributary::model {

// An entity a rejected source record would have produced, with its canonical key when
// the mapping could still compute it from the fields of the record that are readable (a
// row cut short still has its leading columns). A snapshot keeps that key exactly as it
// is instead of closing it by absence. Without a key, the customer the record names
// limits what it holds back: a snapshot then withholds only that customer's closes of the
// entity, and without either it quarantines the file's closes (store/rejected_keys.h).
struct RejectedEntity {
  std::string entity;              // "receivable"
  std::optional<std::string> key;  // "erp:receivable:F-001"; nullopt: the key itself failed
  // The canonical key of the customer the record references (its `customer` field), when
  // the key failed and the mapping could compute that reference; nullopt otherwise.
  std::optional<std::string> customer;
};

// A source record that could not be mapped. Never stops the rest of the file.
struct Reject {
  std::string file;    // file name as found by the connector
  int64_t line = 0;    // 1-based physical line where the record starts
  int column = 0;      // 1-based column (field index in a CSV row); 0 = whole record
  std::string field;   // canonical field or source column involved, when known
  std::string reason;  // plain words, e.g. "invalid date \"31/02/2026\" (expected YYYY-MM-DD)"
  std::string raw;     // the source record as text, bounded (≤ 4 KiB)
  std::string location;  // xml/json: the record's path ("QueryResponse.Invoice[2]"); empty otherwise
  // The entities the record would have produced (every reject of one record lists the
  // same); empty when none is known (e.g. a duplicate key found by the store).
  std::vector<RejectedEntity> entities;
};

// Receives a mapping run's output. Records of one source row arrive together, customer
// before receivable, in the order the mapping declares its entities. Returning an error
// aborts the run with that error.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Status OnRecord(CanonicalRecord&& record) = 0;
  virtual Status OnReject(Reject&& reject) = 0;
  // False when the sink only prints records: it reads CanonicalRecord::json and the plain
  // members but `key` and `source_key` (both in the text), never `data`, `hash` nor
  // `provenance`. The mapping engine then leaves `data` null, `hash`, `key` and
  // `source_key` empty and `provenance` empty but for its line, and saves a JSON tree, a
  // SHA-256 and nine string copies per record.
  [[nodiscard]] virtual bool WantsData() const { return true; }
  // Only read when WantsData(): false when the sink reads CanonicalRecord::json (and the
  // plain members, `lifecycle` among them) but never the `data` tree. The mapping engine
  // then leaves `data` null and saves a JSON parse per record; the rest is as WantsData().
  [[nodiscard]] virtual bool WantsTree() const { return true; }
};

}  // namespace tributary::model
