// Mapping::Run: reads records through the reader layer, maps ungrouped entities record by
// record and folds grouped ones into their groups, then emits the groups.
#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/mapping/group_table.h"
#include "gateway/mapping/mapping_rules.h"
#include "gateway/mapping/record_builder.h"
#include "gateway/readers/reader_options.h"

namespace tributary::mapping {
namespace {

constexpr std::string_view kCustomer = "customer";
// Rejects carry the source record as text, bounded.
constexpr size_t kMaxRawBytes = 4096;

std::string_view Utf8Prefix(std::string_view text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Each parameter's values for this run: the declared defaults, then the context's overrides.
Result<std::vector<std::vector<std::string>>> ResolveParameters(const CompiledMapping& mapping,
                                                                const MappingContext& context) {
  std::vector<std::vector<std::string>> values;
  for (const Parameter& parameter : mapping.parameters) values.push_back(parameter.defaults);
  for (const auto& [name, override_values] : context.parameters) {
    auto it = std::find_if(mapping.parameters.begin(), mapping.parameters.end(),
                           [&](const Parameter& p) { return p.name == name; });
    if (it == mapping.parameters.end()) {
      std::string known;
      for (const Parameter& p : mapping.parameters) known += (known.empty() ? "" : ", ") + p.name;
      return Fail(ErrorCode::kInvalidArgument,
                  "mapping " + mapping.name + " has no parameter " + config::QuoteForMessage(name) +
                      (known.empty() ? std::string(" (it declares none)") : " (it declares: " + known + ")"));
    }
    values[static_cast<size_t>(it - mapping.parameters.begin())] = override_values;
  }
  for (size_t i = 0; i < mapping.parameters.size(); ++i) {
    if (mapping.parameters[i].used_as_single_value && values[i].size() > 1) {
      return Fail(ErrorCode::kInvalidArgument, "parameter '" + mapping.parameters[i].name + "' has " +
                                                   std::to_string(values[i].size()) +
                                                   " values, but the mapping reads it as one value");
    }
  }
  return values;
}

// Puts a record's rejects in the order of its columns (evaluation order within one) and
// makes one reject of those with one cell and one reason: a bad value that several fields
// read is one problem, reported once with every field that read it ("total, open_amount").
void OrderRejects(std::vector<PendingReject>& rejects) {
  std::stable_sort(rejects.begin(), rejects.end(),
                   [](const PendingReject& a, const PendingReject& b) { return a.column < b.column; });
  size_t kept = 0;
  for (size_t i = 0; i < rejects.size(); ++i) {
    PendingReject& reject = rejects[i];
    PendingReject* same = nullptr;
    for (size_t k = kept; k > 0 && reject.column > 0 && rejects[k - 1].column == reject.column; --k) {
      if (rejects[k - 1].reason == reject.reason) same = &rejects[k - 1];
    }
    if (same == nullptr) {
      if (kept != i) rejects[kept] = std::move(reject);
      ++kept;
      continue;
    }
    const std::string listed = ", " + same->field + ", ";
    if (listed.find(", " + reject.field + ", ") == std::string::npos) same->field += ", " + reject.field;
  }
  rejects.resize(kept);
}

// Ends the evaluator's per-source caching when the source's mapping is done, however.
struct SourceGuard {
  explicit SourceGuard(Evaluator& e) : evaluator(e) {}
  SourceGuard(const SourceGuard&) = delete;
  SourceGuard& operator=(const SourceGuard&) = delete;
  ~SourceGuard() { evaluator.EndSource(); }
  Evaluator& evaluator;
};

class MappingRun {
 public:
  MappingRun(const CompiledMapping& mapping, const MappingContext& context, model::RecordSink& sink,
             const std::vector<std::vector<std::string>>& parameters)
      : mapping_(mapping),
        context_(context),
        sink_(sink),
        wants_data_(sink.WantsData()),
        evaluator_(mapping, context, parameters),
        builder_(mapping, context, evaluator_, wants_data_, wants_data_ && sink.WantsTree()),
        entities_of_plan_(mapping.read_plan.plans.size()),
        group_budget_(context.group_memory_bytes, context.group_spill_dir) {
    for (size_t e = 0; e < mapping.entities.size(); ++e) {
      const EntityRule& rule = mapping.entities[e];
      entities_of_plan_[rule.plan].push_back(e);
      tables_.emplace_back(rule.group ? std::make_unique<GroupTable>(rule, group_budget_) : nullptr);
    }
  }

  Result<RunStats> Run(std::istream& input, std::stop_token stop) {
    std::unique_ptr<readers::RecordReader> reader =
        readers::OpenReader(*mapping_.reader, mapping_.read_plan, input, context_.file_name);
    if (auto status = reader->Start(); !status) return std::unexpected(status.error());
    info_ = reader->info();
    column_names_ = &reader->column_names();
    readers::SourceRecord record;
    while (true) {
      if (stats_.rows % kProgressRows == 0) {
        if (stop.stop_requested()) {
          return Fail(ErrorCode::kCancelled, "mapping stopped at record " + std::to_string(stats_.rows));
        }
        if (context_.progress) context_.progress(stats_.rows);
      }
      auto next = reader->Next(record);
      if (!next) return std::unexpected(next.error());
      if (!*next) break;
      ++stats_.rows;
      evaluator_.ResetArena();
      if (auto status = MapRecord(record); !status) return std::unexpected(status.error());
    }
    if (auto status = EmitGroups(); !status) return std::unexpected(status.error());
    return stats_;
  }

 private:
  RecordSource SourceOf(const readers::SourceRecord& record) const {
    return RecordSource{&mapping_.read_plan.plans[record.plan], EvalScope{record.values, {}}, record.raw,
                        record.columns, column_names_};
  }

  Status MapRecord(const readers::SourceRecord& record) {
    rejects_.clear();
    rejected_.clear();
    if (record.plan >= entities_of_plan_.size()) return Ok();
    if (!record.error.empty()) return RejectMalformed(record);
    const RecordSource source = SourceOf(record);
    builder_.NewSource();
    evaluator_.BeginSource();
    const SourceGuard guard{evaluator_};
    const std::vector<size_t>& entities = entities_of_plan_[record.plan];
    // The ungrouped entities of a record are one unit: all their records, or only rejects.
    unit_.clear();
    bool any_filter = false;
    bool all_filtered = true;
    bool unit_failed = false;
    for (size_t e : entities) {
      const EntityRule& rule = mapping_.entities[e];
      if (rule.filter) {
        any_filter = true;
        const Value keep = evaluator_.Condition(*rule.filter, source.scope);
        if (keep.IsError()) {
          rejects_.push_back({keep.column, "filter", std::string(keep.text)});
          rejected_.push_back(RejectedEntityOf(e, source));
          all_filtered = false;
          unit_failed = true;
          continue;
        }
        if (!keep.flag) continue;
      }
      all_filtered = false;
      if (tables_[e]) {
        group_rejects_.clear();
        if (auto status = tables_[e]->Add(evaluator_, record, source, group_rejects_); !status) return status;
        rejects_.insert(rejects_.end(), group_rejects_.begin(), group_rejects_.end());
        if (!group_rejects_.empty()) rejected_.push_back(RejectedEntityOf(e, source));
      } else {
        unit_.push_back(e);
      }
    }
    if (any_filter && all_filtered) ++stats_.skipped;
    // Every source key first: a rejected entity rejects its whole unit.
    keys_.resize(unit_.size());
    const size_t rejects_before = rejects_.size();
    for (size_t i = 0; i < unit_.size(); ++i) keys_[i] = builder_.SourceKeyText(unit_[i], source, rejects_);
    records_.resize(unit_.size());
    // Fields too when a key failed: the reject lists every problem of the record at once.
    for (size_t i = 0; i < unit_.size(); ++i) builder_.Build(unit_[i], keys_[i], source, records_[i], rejects_);
    const bool unit_ok = !unit_failed && rejects_.size() == rejects_before;
    if (!unit_ok) {
      for (size_t i = 0; i < unit_.size(); ++i) rejected_.push_back(RejectedOf(unit_[i], keys_[i], source));
    }
    if (!rejects_.empty()) {
      OrderRejects(rejects_);
      for (PendingReject& reject : rejects_) {
        if (auto status = SendReject(record.line, record.location, record.raw, std::move(reject)); !status) {
          return status;
        }
      }
    }
    if (!unit_ok) return Ok();
    for (size_t i = 0; i < unit_.size(); ++i) {
      if (auto status = SendRecord(std::move(records_[i]), record.line, record.location); !status) return status;
    }
    return Ok();
  }

  // A record the reader could not read: one reject. The groups it would have joined (when
  // its key can still be computed) are not emitted: their totals would miss it.
  Status RejectMalformed(const readers::SourceRecord& record) {
    std::string reason = record.error;
    const RecordSource source = SourceOf(record);
    rejected_.clear();
    for (size_t e : entities_of_plan_[record.plan]) {
      const EntityRule& rule = mapping_.entities[e];
      if (rule.filter) {
        const Value keep = evaluator_.Condition(*rule.filter, source.scope);
        if (!keep.IsError() && !keep.flag) continue;
      }
      rejected_.push_back(RejectedEntityOf(e, source));
    }
    for (size_t e : entities_of_plan_[record.plan]) {
      const EntityRule& rule = mapping_.entities[e];
      if (!tables_[e]) continue;
      if (rule.filter) {
        const Value keep = evaluator_.Condition(*rule.filter, source.scope);
        if (keep.IsError() || !keep.flag) continue;
      }
      if (auto key = GroupKeyOf(evaluator_, rule, source, nullptr)) {
        if (auto status = tables_[e]->Fail(evaluator_, *key, record.line); !status) return status;
        reason += " (the " + std::string(rule.schema->name) + " group " + config::QuoteForMessage(ShownKey(*key)) +
                  " is not emitted)";
      }
    }
    return SendReject(record.line, record.location, record.raw,
                      PendingReject{record.error_column, record.error_field, std::move(reason)});
  }

  Status EmitGroups() {
    std::vector<readers::FieldValue> fields;
    std::vector<Value> aggregates;
    std::vector<std::string_view> columns;
    for (size_t e = 0; e < mapping_.entities.size(); ++e) {
      if (!tables_[e]) continue;
      const EntityRule& rule = mapping_.entities[e];
      const readers::RecordPlan& plan = mapping_.read_plan.plans[rule.plan];
      if (auto status = tables_[e]->Finish(evaluator_); !status) return status;
      stats_.group_spills += tables_[e]->spills();
      while (true) {
        auto next = tables_[e]->Next();
        if (!next) return std::unexpected(next.error());
        if (*next == nullptr) break;
        GroupTable::Group& group = **next;
        ++stats_.groups;
        // A failed record was rejected when it was read; its group is left out.
        if (group.failed) continue;
        evaluator_.ResetArena();
        rejects_.clear();
        const EvalScope scope = tables_[e]->Scope(group, columns, fields, aggregates);
        const std::string location(group.location());
        RecordSource source{&plan, scope, group.raw(), columns, column_names_};
        builder_.NewSource();
        evaluator_.BeginSource();
        const SourceGuard guard{evaluator_};
        if (rule.group->having) {
          const Value keep = evaluator_.Condition(*rule.group->having, source.scope);
          if (keep.IsError()) {
            rejects_.push_back({keep.column, "having", std::string(keep.text)});
          } else if (!keep.flag) {
            continue;
          }
        }
        model::CanonicalRecord out;
        rejected_.clear();
        if (rejects_.empty()) {
          std::string key = builder_.SourceKey(e, source, rejects_);
          rejected_.push_back(RejectedOf(e, key, source));
          builder_.Build(e, std::move(key), source, out, rejects_);
        } else {
          rejected_.push_back(RejectedEntityOf(e, source));
        }
        if (rejects_.empty()) {
          if (auto status = SendRecord(std::move(out), group.line, location); !status) return status;
          continue;
        }
        OrderRejects(rejects_);
        for (PendingReject& reject : rejects_) {
          if (auto status = SendReject(group.line, location, group.raw(), std::move(reject)); !status) {
            return status;
          }
        }
      }
    }
    return Ok();
  }

  // What a reject tells a snapshot about `entity` on `source`: its canonical key, or when
  // its key expression fails or is empty there, the customer it references.
  model::RejectedEntity RejectedEntityOf(size_t entity, const RecordSource& source) {
    key_rejects_.clear();
    return RejectedOf(entity, builder_.SourceKey(entity, source, key_rejects_), source);
  }

  // `entity` with its source key as SourceKey gave it ("" when it failed).
  model::RejectedEntity RejectedOf(size_t entity, std::string_view source_key, const RecordSource& source) {
    const std::string_view name = mapping_.entities[entity].schema->name;
    if (source_key.empty()) return {std::string(name), std::nullopt, CustomerOf(entity, source)};
    return {std::string(name), model::MakeKey(context_.source, name, source_key), std::nullopt};
  }

  // The canonical key of the customer `entity`'s `customer` field references on `source`,
  // or nullopt when the entity has no such field or it cannot be computed there.
  std::optional<std::string> CustomerOf(size_t entity, const RecordSource& source) {
    for (const FieldRule& rule : mapping_.entities[entity].fields) {
      if (rule.name != kCustomer || rule.spec == nullptr || rule.spec->ref_entity != kCustomer) continue;
      const Value value = evaluator_.Eval(rule.expr, source.scope);
      if (value.IsError() || value.IsNull()) return std::nullopt;
      const std::string_view text = evaluator_.Text(value);
      if (text.empty()) return std::nullopt;
      // `ref` yields the canonical key; any other expression a source key of a customer.
      return rule.yields_key ? std::string(text) : model::MakeKey(context_.source, kCustomer, text);
    }
    return std::nullopt;
  }

  Status SendRecord(model::CanonicalRecord&& record, int64_t line, const std::string& location) {
    record.provenance.line = line;
    ++stats_.records;
    // A printing sink never reads the provenance: its strings are not copied.
    if (!wants_data_) return sink_.OnRecord(std::move(record));
    record.provenance.file = context_.file_name;
    record.provenance.file_sha256 = context_.file_sha256;
    record.provenance.mapping = mapping_.name;
    record.provenance.mapping_version = mapping_.version;
    record.provenance.location = location;
    record.provenance.encoding = info_.encoding;
    if (info_.encoding_detected) record.provenance.encoding_confidence = info_.encoding_confidence;
    record.provenance.format_version = info_.detail;
    return sink_.OnRecord(std::move(record));
  }

  Status SendReject(int64_t line, const std::string& location, std::string_view raw, PendingReject&& pending) {
    model::Reject reject;
    reject.file = context_.file_name;
    reject.line = line;
    reject.column = pending.column;
    reject.field = std::move(pending.field);
    reject.reason = std::move(pending.reason);
    reject.raw = std::string(Utf8Prefix(raw, kMaxRawBytes));
    reject.location = location;
    reject.entities = rejected_;
    ++stats_.rejects;
    return sink_.OnReject(std::move(reject));
  }

  const CompiledMapping& mapping_;
  const MappingContext& context_;
  model::RecordSink& sink_;
  const bool wants_data_;
  Evaluator evaluator_;
  RecordBuilder builder_;
  std::vector<std::vector<size_t>> entities_of_plan_;
  GroupBudget group_budget_;  // shared by tables_, which it outlives
  std::vector<std::unique_ptr<GroupTable>> tables_;  // per entity; null when ungrouped
  readers::ReadInfo info_;
  const std::vector<std::string>* column_names_ = nullptr;  // the reader's, valid during Run
  RunStats stats_;
  // Per-record state, reused.
  std::vector<PendingReject> rejects_;
  std::vector<PendingReject> group_rejects_;
  std::vector<PendingReject> key_rejects_;            // RejectedEntityOf's, not sent
  std::vector<model::RejectedEntity> rejected_;     // what the current record's rejects name
  std::vector<size_t> unit_;
  std::vector<std::string_view> keys_;  // the unit's source keys (in the evaluator's arena)
  std::vector<model::CanonicalRecord> records_;
};

}  // namespace

Result<RunStats> Mapping::Run(std::istream& input, const MappingContext& context, model::RecordSink& sink,
                              std::stop_token stop) const {
  auto parameters = ResolveParameters(*compiled_, context);
  if (!parameters) return std::unexpected(parameters.error());
  MappingRun run(*compiled_, context, sink, *parameters);
  return run.Run(input, stop);
}

Status Mapping::CheckParameters(const std::map<std::string, std::vector<std::string>>& overrides) const {
  MappingContext context;
  context.parameters = overrides;
  auto parameters = ResolveParameters(*compiled_, context);
  if (!parameters) return std::unexpected(parameters.error());
  return Ok();
}

}  // namespace tributary::mapping
