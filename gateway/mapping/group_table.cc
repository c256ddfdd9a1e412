#include "gateway/mapping/group_table.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "gateway/config/values.h"
#include "gateway/mapping/group_merge.h"
#include "gateway/mapping/group_spill.h"

namespace tributary::mapping {
namespace {

using Function = AggregateRule::Function;
using Kind = Value::Kind;

// Separates the parts of a group key in the index (a byte no text field holds).
constexpr char kKeySeparator = '\x1f';
// What an entry of the key index costs besides the group (node, hash, bucket).
constexpr size_t kIndexEntryBytes = 64;

size_t StringBytes(const std::string& text) {
  // Short strings live inside the object; longer ones add a heap block and its header.
  return text.capacity() > 15 ? text.capacity() + 16 : 0;
}

}  // namespace

size_t AggregateFootprint(const GroupAggregate& aggregate) {
  size_t bytes = sizeof(GroupAggregate) + StringBytes(aggregate.text);
  if (aggregate.distinct.capacity() > 0) bytes += aggregate.distinct.capacity() * sizeof(std::string) + 16;
  for (const std::string& text : aggregate.distinct) bytes += StringBytes(text);
  return bytes;
}

size_t GroupFootprint(const GroupState& group) {
  size_t bytes = sizeof(GroupState) + kIndexEntryBytes + StringBytes(group.index_key) + StringBytes(group.key) +
                 StringBytes(group.location) + StringBytes(group.texts) +
                 group.spans.capacity() * sizeof(GroupState::Span) +
                 group.column_spans.capacity() * sizeof(group.column_spans[0]) + 48;
  for (const GroupAggregate& aggregate : group.aggregates) bytes += AggregateFootprint(aggregate);
  return bytes;
}

std::optional<std::string> GroupKeyOf(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                                      std::vector<PendingReject>* rejects, std::string* shown) {
  std::string key;
  if (!GroupKeyInto(evaluator, rule, source, rejects, key, shown)) return std::nullopt;
  return key;
}

bool GroupKeyInto(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                  std::vector<PendingReject>* rejects, std::string& key, std::string* shown) {
  key.clear();
  if (shown != nullptr) shown->clear();
  for (size_t i = 0; i < rule.group->by.size(); ++i) {
    const Value part = evaluator.Eval(rule.group->by[i], source.scope);
    if (part.IsError() || part.IsNull()) {
      if (rejects != nullptr) {
        std::string reason = part.IsError() ? std::string(part.text)
                                            : "empty group key part " + std::to_string(i + 1) + " of " +
                                                  std::string(rule.schema->name);
        if (part.IsNull()) {
          if (const std::string name = RecordBuilder::ColumnName(part.column, source); !name.empty()) {
            reason += " (column " + config::QuoteForMessage(name) + " is empty)";
          }
        }
        rejects->push_back({part.column, "group.by", std::move(reason)});
      }
      return false;
    }
    const std::string_view text = evaluator.Text(part);
    if (i > 0) key += kKeySeparator;
    key += text;
    if (shown != nullptr) {
      if (i > 0) *shown += " | ";
      *shown += text;
    }
  }
  return true;
}

namespace {

// Whether `value` is a view into its own column of `record` (csv fields are).
bool IsColumnView(const readers::SourceRecord& record, const readers::FieldValue& value) {
  const auto index = static_cast<size_t>(value.column) - 1;
  return value.column > 0 && index < record.columns.size() &&
         std::less_equal<const char*>()(record.columns[index].data(), value.text.data()) &&
         std::less_equal<const char*>()(value.text.data() + value.text.size(),
                                        record.columns[index].data() + record.columns[index].size());
}

}  // namespace

// The raw text, then each column that is not made of its bytes and each field that is
// neither a view into its column nor made of the raw text's bytes (csv columns and fields
// are), in one allocation.
void GroupTable::CopyFirstRecord(const readers::SourceRecord& record, Group& group) {
  const std::string_view raw = record.raw;
  auto in_raw = [&](std::string_view text) {
    return std::less_equal<const char*>()(raw.data(), text.data()) &&
           std::less_equal<const char*>()(text.data() + text.size(), raw.data() + raw.size());
  };
  group.texts.clear();
  group.raw_size = static_cast<uint32_t>(raw.size());
  size_t end = raw.size();
  group.column_spans.resize(record.columns.size());
  for (size_t i = 0; i < record.columns.size(); ++i) {
    const std::string_view column = record.columns[i];
    size_t offset = end;
    if (in_raw(column)) {
      offset = static_cast<size_t>(column.data() - raw.data());
    } else {
      end += column.size();
    }
    group.column_spans[i] = {static_cast<uint32_t>(offset), static_cast<uint32_t>(column.size())};
  }
  group.spans.resize(record.values.size());
  for (size_t i = 0; i < record.values.size(); ++i) {
    const readers::FieldValue& value = record.values[i];
    GroupState::Span& span = group.spans[i];
    span = {.offset = 0, .size = static_cast<uint32_t>(value.text.size()), .column = value.column,
            .present = value.present ? 1u : 0u};
    if (IsColumnView(record, value)) {
      const auto index = static_cast<size_t>(value.column) - 1;
      span.offset = group.column_spans[index].offset +
                    static_cast<uint32_t>(value.text.data() - record.columns[index].data());
    } else if (in_raw(value.text)) {
      span.offset = static_cast<uint32_t>(value.text.data() - raw.data());
    } else {
      span.offset = static_cast<uint32_t>(end);
      end += value.text.size();
    }
  }
  // What lies past the raw text was appended above (a span inside it ends within it).
  group.texts.resize_and_overwrite(end, [&](char* p, size_t) {
    if (!raw.empty()) std::memcpy(p, raw.data(), raw.size());
    for (size_t i = 0; i < record.columns.size(); ++i) {
      const auto& [offset, size] = group.column_spans[i];
      if (size > 0 && offset >= raw.size()) std::memcpy(p + offset, record.columns[i].data(), size);
    }
    for (size_t i = 0; i < record.values.size(); ++i) {
      const GroupState::Span& span = group.spans[i];
      if (span.size > 0 && span.offset >= raw.size()) {
        std::memcpy(p + span.offset, record.values[i].text.data(), span.size);
      }
    }
    return end;
  });
}

GroupTable::GroupTable(const EntityRule& rule, GroupMemory memory) : rule_(rule), memory_(std::move(memory)) {}

GroupTable::~GroupTable() = default;

Result<GroupTable::Group*> GroupTable::Find(const std::string& key) {
  if (sorted_) {
    if (!groups_.empty() && key == groups_.back().index_key) return &groups_.back();
    if (!groups_.empty() && key < groups_.back().index_key) {
      // Not sorted after all: from here on, groups are looked up by key, and the run
      // written so far is one run among others.
      sorted_ = false;
      if (!runs_.empty()) {
        if (auto status = runs_.back()->Rewind(); !status) return std::unexpected(status.error());
      }
      Index();
    }
  }
  if (!sorted_) {
    if (auto it = index_.find(key); it != index_.end()) return &groups_[it->second];
  }
  Group& group = groups_.emplace_back();
  group.index_key = key;
  group.aggregates.resize(rule_.group->values.size());
  if (!sorted_) index_.emplace(group.index_key, groups_.size() - 1);
  bytes_ += GroupFootprint(group);
  return &group;
}

void GroupTable::Index() {
  index_.clear();
  index_.reserve(groups_.size());
  for (size_t i = 0; i < groups_.size(); ++i) index_.emplace(groups_[i].index_key, i);
}

Status GroupTable::Add(Evaluator& evaluator, const readers::SourceRecord& record, const RecordSource& source,
                       std::vector<PendingReject>& rejects) {
  if (!GroupKeyInto(evaluator, rule_, source, &rejects, key_, &shown_)) return Ok();
  auto found = Find(key_);
  if (!found) return std::unexpected(found.error());
  Group& group = **found;
  const size_t bytes_before = GroupFootprint(group);
  if (!group.has_record) {
    group.has_record = true;
    group.order = next_order_++;
    group.key = shown_;
    group.line = record.line;
    group.location = record.location;
    CopyFirstRecord(record, group);
  }
  const size_t first_reject = rejects.size();
  for (size_t i = 0; i < rule_.group->values.size(); ++i) {
    const AggregateRule& aggregate = rule_.group->values[i];
    const Value value = evaluator.Eval(aggregate.expr, source.scope);
    if (value.IsError()) {
      // One bad value read by several aggregates is reported once.
      const std::string_view reason = value.text;
      if (std::any_of(rejects.begin() + static_cast<std::ptrdiff_t>(first_reject), rejects.end(),
                      [&](const PendingReject& r) { return r.column == value.column && r.reason.starts_with(reason); })) {
        continue;
      }
      // Never a wrong total: a group with a failed record is not emitted at all.
      rejects.push_back({value.column, aggregate.name,
                         std::string(value.text) + " (the " + std::string(rule_.schema->name) + " group " +
                             config::QuoteForMessage(group.key) + " is not emitted)"});
      if (!group.failed) {
        group.failed = true;
        group.failure_line = record.line;
      }
      continue;
    }
    Fold(evaluator, group.aggregates[i], aggregate, value);
  }
  bytes_ += GroupFootprint(group) - bytes_before;
  return SpillIfOverBudget(evaluator);
}

Status GroupTable::Fail(Evaluator& evaluator, const std::string& key, int64_t line) {
  auto found = Find(key);
  if (!found) return std::unexpected(found.error());
  Group& group = **found;
  if (!group.failed) {
    group.failed = true;
    group.failure_line = line;
  }
  return SpillIfOverBudget(evaluator);
}

void GroupTable::Fold(Evaluator& evaluator, Aggregate& aggregate, const AggregateRule& rule, const Value& value) {
  if (rule.function == Function::kCount) {
    if (!value.IsNull() && !(value.kind == Kind::kBool && !value.flag)) ++aggregate.count;
    aggregate.set = true;
    return;
  }
  if (value.IsNull()) return;
  auto keep = [&](const Value& v) {
    aggregate.value = v;
    if (v.kind == Kind::kText) {
      aggregate.text.assign(v.text);
      aggregate.value.text = {};
    } else if (v.kind == Kind::kInteger || v.kind == Kind::kBool) {
      aggregate.text.clear();
    }
    aggregate.set = true;
  };
  auto current = [&] {
    Value v = aggregate.value;
    if (v.kind == Kind::kText) v.text = aggregate.text;
    return v;
  };
  switch (rule.function) {
    case Function::kFirst:
    case Function::kAny:
      if (!aggregate.set) keep(value);
      break;
    case Function::kLast:
      keep(value);
      break;
    case Function::kMin:
      if (!aggregate.set || CompareValues(evaluator, value, current()) < 0) keep(value);
      break;
    case Function::kMax:
      if (!aggregate.set || CompareValues(evaluator, value, current()) > 0) keep(value);
      break;
    case Function::kSum: {
      if (!aggregate.set) {
        keep(value);
        break;
      }
      auto total = model::Decimal::Add(aggregate.value.decimal, value.decimal);
      if (total) {
        aggregate.value.decimal = *total;
      } else {
        // Beyond 38 digits: keep the error so the group fails when it is read.
        aggregate.value = Value::Error({}, value.column);
        aggregate.text = total.error().message;
      }
      break;
    }
    case Function::kConcat: {
      std::string text(evaluator.Text(value));
      if (std::find(aggregate.distinct.begin(), aggregate.distinct.end(), text) == aggregate.distinct.end()) {
        aggregate.distinct.push_back(std::move(text));
      }
      aggregate.set = true;
      break;
    }
    case Function::kCount:
      break;
  }
}

// `later` covers records that all came after those of `into`: the result is what folding
// them one by one into `into` gives (Fold, above). One exception, documented: a sum past
// 38 digits is checked on partial sums, so its message (and, when such amounts cancel
// out, its outcome) may differ.
void GroupTable::Combine(Evaluator& evaluator, Group& into, Group& later) const {
  if (!into.has_record && later.has_record) {
    into.has_record = true;
    into.order = later.order;
    into.key = std::move(later.key);
    into.line = later.line;
    into.location = std::move(later.location);
    into.texts = std::move(later.texts);
    into.raw_size = later.raw_size;
    into.spans = std::move(later.spans);
    into.column_spans = std::move(later.column_spans);
  }
  if (!into.failed && later.failed) {
    into.failed = true;
    into.failure_line = later.failure_line;
  }
  auto text_of = [](const Aggregate& aggregate) {
    Value value = aggregate.value;
    if (value.kind == Kind::kText) value.text = aggregate.text;
    return value;
  };
  for (size_t i = 0; i < into.aggregates.size() && i < later.aggregates.size(); ++i) {
    Aggregate& a = into.aggregates[i];
    Aggregate& b = later.aggregates[i];
    if (!b.set) continue;
    auto take = [&] {
      a.value = b.value;
      a.text = std::move(b.text);
      a.set = true;
    };
    switch (rule_.group->values[i].function) {
      case Function::kCount:
        a.count += b.count;
        a.set = true;
        break;
      case Function::kFirst:
      case Function::kAny:
        if (!a.set) take();
        break;
      case Function::kLast:
        take();
        break;
      case Function::kMin:
        if (!a.set || CompareValues(evaluator, text_of(b), text_of(a)) < 0) take();
        break;
      case Function::kMax:
        if (!a.set || CompareValues(evaluator, text_of(b), text_of(a)) > 0) take();
        break;
      case Function::kSum: {
        if (!a.set || (a.value.kind != Kind::kError && b.value.kind == Kind::kError)) {
          take();
          break;
        }
        if (a.value.kind == Kind::kError) break;  // the first error stays
        auto total = model::Decimal::Add(a.value.decimal, b.value.decimal);
        if (total) {
          a.value.decimal = *total;
        } else {
          a.value = Value::Error({}, b.value.column);
          a.text = total.error().message;
        }
        break;
      }
      case Function::kConcat:
        for (std::string& text : b.distinct) {
          if (std::find(a.distinct.begin(), a.distinct.end(), text) == a.distinct.end()) {
            a.distinct.push_back(std::move(text));
          }
        }
        a.set = true;
        break;
    }
  }
}

void GroupTable::Columns(const Group& group, std::vector<std::string_view>& columns) {
  columns.clear();
  for (const auto& [offset, size] : group.column_spans) {
    columns.push_back(std::string_view(group.texts).substr(offset, size));
  }
}

EvalScope GroupTable::Scope(Group& group, std::vector<readers::FieldValue>& fields,
                            std::vector<Value>& aggregates) const {
  fields.clear();
  for (const Group::Span& span : group.spans) {
    readers::FieldValue value;
    value.present = span.present != 0;
    value.text = std::string_view(group.texts).substr(span.offset, span.size);
    value.column = span.column;
    fields.push_back(value);
  }
  aggregates.clear();
  for (size_t i = 0; i < group.aggregates.size(); ++i) {
    Aggregate& aggregate = group.aggregates[i];
    const Function function = rule_.group->values[i].function;
    if (function == Function::kCount) {
      aggregates.push_back(Value::Integer(aggregate.count));
    } else if (!aggregate.set) {
      aggregates.push_back(Value::Null());
    } else if (function == Function::kConcat) {
      aggregate.text.clear();
      for (const std::string& part : aggregate.distinct) {
        if (!aggregate.text.empty()) aggregate.text += "; ";
        aggregate.text += part;
      }
      aggregates.push_back(Value::Text(aggregate.text));
    } else {
      Value value = aggregate.value;
      if (value.kind == Kind::kText || value.kind == Kind::kError) value.text = aggregate.text;
      aggregates.push_back(value);
    }
  }
  return EvalScope{fields, aggregates};
}

}  // namespace tributary::mapping
