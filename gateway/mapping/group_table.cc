#include "gateway/mapping/group_table.h"

#include <algorithm>

#include "gateway/config/values.h"

namespace tributary::mapping {
namespace {

using Function = AggregateRule::Function;
using Kind = Value::Kind;

// Separates the parts of a group key in the index (a byte no text field holds).
constexpr char kKeySeparator = '\x1f';

}  // namespace

std::optional<std::string> GroupKeyOf(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                                      std::vector<PendingReject>* rejects, std::string* shown) {
  std::string key;
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
      return std::nullopt;
    }
    const std::string_view text = evaluator.Text(part);
    if (i > 0) key += kKeySeparator;
    key += text;
    if (shown != nullptr) {
      if (i > 0) *shown += " | ";
      *shown += text;
    }
  }
  return key;
}

void GroupTable::Add(Evaluator& evaluator, const readers::SourceRecord& record, const RecordSource& source,
                     std::vector<PendingReject>& rejects) {
  std::string shown;
  std::optional<std::string> key = GroupKeyOf(evaluator, rule_, source, &rejects, &shown);
  if (!key) return;
  auto [it, inserted] = index_.try_emplace(*key, groups_.size());
  if (inserted) {
    Group& group = groups_.emplace_back();
    group.key = shown;
    group.line = record.line;
    group.location = record.location;
    group.raw = std::string(record.raw);
    group.spans.reserve(record.values.size());
    for (const readers::FieldValue& value : record.values) {
      group.spans.push_back({group.texts.size(), value.text.size(), value.present, value.column});
      group.texts.append(value.text);
    }
    for (std::string_view column : record.columns) {
      group.column_spans.emplace_back(group.column_texts.size(), column.size());
      group.column_texts.append(column);
    }
    group.aggregates.resize(rule_.group->values.size());
  }
  Group& group = groups_[it->second];
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
      if (!group.failure) {
        group.failure = rejects.back();
        group.failure_line = record.line;
      }
      continue;
    }
    Fold(evaluator, group.aggregates[i], aggregate, value);
  }
}

void GroupTable::Fail(const std::string& key, int64_t line, const PendingReject& reason) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Group& group = groups_[it->second];
  if (!group.failure) {
    group.failure = reason;
    group.failure_line = line;
  }
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

void GroupTable::Columns(const Group& group, std::vector<std::string_view>& columns) {
  columns.clear();
  for (const auto& [offset, size] : group.column_spans) {
    columns.push_back(std::string_view(group.column_texts).substr(offset, size));
  }
}

EvalScope GroupTable::Scope(Group& group, std::vector<readers::FieldValue>& fields,
                            std::vector<Value>& aggregates) const {
  fields.clear();
  for (const Group::Span& span : group.spans) {
    readers::FieldValue value;
    value.present = span.present;
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
