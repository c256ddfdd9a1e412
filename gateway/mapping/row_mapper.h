// The per-run evaluator of a compiled mapping: resolves columns from the header once,
// then turns each CSV record into canonical records or rejects. Internal to the module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/mapping/mapping_rules.h"

namespace tributary::mapping {

// Holds the buffers one run reuses row after row. Not thread-safe: one per run.
class RowMapper {
 public:
  RowMapper(const CompiledMapping& mapping, const MappingContext& context, model::RecordSink& sink);

  // Resolves every column the mapping reads against `header` (a header line), or against
  // field indexes when the mapping has no header (pass nullptr). An error means the file
  // cannot be mapped (a needed column is missing).
  Status Start(const CsvRecord* header);

  // Maps one data record: its records, or one reject per failing field, go to the sink.
  // Only a sink error is returned.
  Status MapRecord(const CsvRecord& record, RunStats& stats);

 private:
  // The text an expression yields for the current row.
  struct Value {
    std::string_view text;  // empty: null
    int column = 0;         // CSV field index it came from; 0 when not one column
    std::string error;      // non-empty: the value is unusable
  };

  bool CheckShape(const CsvRecord& record);
  bool Decode(const CsvRecord& record);
  Value Evaluate(const ValueExpr& expr, std::string& scratch) const;
  std::string_view Variable(ContextVariable variable) const;
  // Computes rule's canonical value into `out`; false (after a reject) when it fails.
  bool ComputeField(const FieldRule& rule, const std::string* currency, nlohmann::ordered_json& out);
  bool ComputeEntity(size_t entity);
  Status EmitRecords(const CsvRecord& record, RunStats& stats);
  void AddReject(int column, std::string field, std::string reason);
  std::string ColumnName(int column) const;

  const CompiledMapping& mapping_;
  const MappingContext& context_;
  model::RecordSink& sink_;

  std::vector<std::string> header_names_;  // decoded and trimmed; "1", "2", … without a header
  std::vector<int> slot_fields_;           // column slot -> 0-based field index
  size_t expected_fields_ = 0;             // exact count, or 0
  size_t min_fields_ = 0;                  // without a header or count: the highest index read

  // Row state, reused.
  const CsvRecord* record_ = nullptr;
  std::vector<std::string_view> values_;  // decoded UTF-8 field text
  std::string decode_buffer_;
  std::string scratch_;
  std::vector<std::string> source_keys_;                  // per entity
  std::vector<std::vector<nlohmann::ordered_json>> fields_;  // per entity, per FieldRule
  std::vector<std::vector<nlohmann::ordered_json>> custom_;  // per entity, per custom rule
  std::vector<std::vector<int>> rule_of_spec_;             // per entity: schema index -> field rule or -1
  std::vector<model::Reject> rejects_;
};

}  // namespace tributary::mapping
