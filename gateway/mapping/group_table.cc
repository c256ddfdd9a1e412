#include "gateway/mapping/group_table.h"

#include <algorithm>
#include <cstring>
#include <functional>

#include "gateway/config/values.h"
#include "gateway/mapping/group_merge.h"
#include "gateway/mapping/group_record.h"
#include "gateway/mapping/group_spill.h"

namespace tributary::mapping {
namespace {

using Function = AggregateRule::Function;
using Kind = Value::Kind;

// Separates the parts of a group key in the index (a byte no text field holds).
constexpr char kKeySeparator = '\x1f';
// The key index starts with this many slots and doubles when half full.
constexpr size_t kFirstIndexSlots = 1024;
constexpr uint64_t kPlaceMask = 0xffffffffu;
// A `concat` aggregate's list of distinct values is bounded: it becomes a field, and its
// place in the group's texts is addressed with 32 bits (kPlaceMask).
constexpr size_t kMaxConcatBytes = 64 << 10;

size_t StringBytes(const std::string& text) {
  // Short strings live inside the object; longer ones add a heap block and its header.
  return text.capacity() > 15 ? text.capacity() + 16 : 0;
}

}  // namespace

std::string_view GroupState::raw() const {
  std::string_view raw;
  if (has_record()) UnpackRecord(record(), &raw, nullptr, nullptr, nullptr);
  return raw;
}

std::string_view GroupState::location() const {
  std::string_view location;
  if (has_record()) UnpackRecord(record(), nullptr, &location, nullptr, nullptr);
  return location;
}

size_t GroupFootprint(const GroupState& group) { return sizeof(GroupState) + StringBytes(group.data); }

std::optional<std::string> GroupKeyOf(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                                      std::vector<PendingReject>* rejects) {
  std::string key;
  if (!GroupKeyInto(evaluator, rule, source, rejects, key)) return std::nullopt;
  return key;
}

bool GroupKeyInto(Evaluator& evaluator, const EntityRule& rule, const RecordSource& source,
                  std::vector<PendingReject>* rejects, std::string& key) {
  key.clear();
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
  }
  return true;
}

std::string ShownKey(std::string_view key) {
  std::string shown;
  for (const char c : key) {
    if (c == kKeySeparator) {
      shown += " | ";
    } else {
      shown += c;
    }
  }
  return shown;
}

namespace {

uint64_t HashKey(std::string_view key) { return std::hash<std::string_view>{}(key); }

bool HoldsText(const GroupAggregate& aggregate) {
  return aggregate.kind == Kind::kText || aggregate.kind == Kind::kError;
}

std::string_view TextOf(const GroupState& group, const GroupAggregate& aggregate) {
  return group.texts().substr(aggregate.low >> 32, aggregate.low & kPlaceMask);
}

// Sets `aggregate` (number `i` of `group`, not yet stored) to hold `text`, appended to the
// group's aggregate texts. The texts an aggregate no longer holds are dropped when they
// outweigh the live ones.
void StoreText(GroupState& group, size_t i, GroupAggregate& aggregate, std::string_view text) {
  aggregate.low = static_cast<uint64_t>(group.texts().size()) << 32 | text.size();
  group.data.append(text);
  size_t live = 0;
  for (size_t j = 0; j < group.aggregate_count; ++j) {
    const GroupAggregate other = j == i ? aggregate : group.aggregate(j);
    if (HoldsText(other)) live += other.low & kPlaceMask;
  }
  if (group.texts().size() <= 2 * live + 64) return;
  std::string texts;
  texts.reserve(live);
  for (size_t j = 0; j < group.aggregate_count; ++j) {
    GroupAggregate other = j == i ? aggregate : group.aggregate(j);
    if (!HoldsText(other)) continue;
    const std::string_view kept = TextOf(group, other);
    other.low = static_cast<uint64_t>(texts.size()) << 32 | kept.size();
    texts.append(kept);
    if (j == i) {
      aggregate = other;
    } else {
      group.set_aggregate(j, other);
    }
  }
  group.data.resize(group.texts_begin());
  group.data.append(texts);
}

model::Decimal DecimalOf(const GroupAggregate& aggregate) {
  model::Decimal decimal;
  if (aggregate.kind != Kind::kDecimal) return decimal;
  model::Decimal::FromUnits(aggregate.units(), aggregate.scale, decimal);
  return decimal;
}

void SetDecimal(GroupAggregate& aggregate, const model::Decimal& decimal) {
  const __int128 units = decimal.units();
  aggregate.kind = Kind::kDecimal;
  aggregate.low = static_cast<uint64_t>(units);
  aggregate.high = static_cast<int64_t>(units >> 64);
  aggregate.scale = static_cast<int8_t>(decimal.scale());
}

// The value `aggregate` of `group` holds (its text a view into the group).
Value ValueOf(const GroupState& group, const GroupAggregate& aggregate) {
  Value value;
  value.kind = aggregate.kind;
  value.column = aggregate.column;
  switch (aggregate.kind) {
    case Kind::kDecimal:
      value.decimal = DecimalOf(aggregate);
      break;
    case Kind::kDate:
    case Kind::kInteger:
      value.number = static_cast<int64_t>(aggregate.low);
      break;
    case Kind::kBool:
      value.flag = aggregate.flag;
      break;
    case Kind::kText:
    case Kind::kError:
      value.text = TextOf(group, aggregate);
      break;
    case Kind::kNull:
      break;
  }
  return value;
}

// Sets aggregate `i` of `group` (its copy `aggregate`) to `value` (not null).
void StoreValue(GroupState& group, size_t i, GroupAggregate& aggregate, const Value& value) {
  aggregate.kind = value.kind;
  aggregate.column = value.column;
  aggregate.set = true;
  switch (value.kind) {
    case Kind::kDecimal:
      SetDecimal(aggregate, value.decimal);
      break;
    case Kind::kDate:
    case Kind::kInteger:
      aggregate.low = static_cast<uint64_t>(value.number);
      break;
    case Kind::kBool:
      aggregate.flag = value.flag;
      break;
    case Kind::kText:
    case Kind::kError:
      StoreText(group, i, aggregate, value.text);
      break;
    case Kind::kNull:
      break;
  }
}

// A `concat` aggregate's distinct values: each a four-byte size and its bytes.
template <typename Each>
void ForEachListed(std::string_view list, Each each) {
  while (list.size() >= sizeof(uint32_t)) {
    uint32_t size = 0;
    std::memcpy(&size, list.data(), sizeof(size));
    list.remove_prefix(sizeof(size));
    if (size > list.size()) return;
    each(list.substr(0, size));
    list.remove_prefix(size);
  }
}

bool Listed(std::string_view list, std::string_view text) {
  bool found = false;
  ForEachListed(list, [&](std::string_view item) { found = found || item == text; });
  return found;
}

void AppendListed(std::string& list, std::string_view text) {
  const auto size = static_cast<uint32_t>(text.size());
  list.append(reinterpret_cast<const char*>(&size), sizeof(size));
  list.append(text);
}

// Makes `aggregate` (number `i` of `group`) the error of a `concat` past kMaxConcatBytes:
// the group is rejected when it is read. Whatever the order the records were folded or
// combined in, the list of distinct values is the same, so is the outcome.
void SetConcatTooLong(GroupState& group, size_t i, GroupAggregate& aggregate) {
  aggregate.kind = Kind::kError;
  aggregate.column = 0;
  StoreText(group, i, aggregate,
            "concat of more than " + std::to_string(kMaxConcatBytes >> 10) +
                " KiB of distinct values (a group field, not a document: map fewer values)");
}

}  // namespace

void GroupTable::CopyFirstRecord(const readers::SourceRecord& record, Group& group) {
  scratch_.clear();
  PackRecord(record, scratch_);
  group.data.reserve(group.data.size() + scratch_.size());
  group.data.insert(group.texts_begin(), scratch_);
  group.record_size = static_cast<uint32_t>(scratch_.size());
}

size_t GroupBudget::Held(const GroupTable* except) const {
  size_t held = 0;
  for (const GroupTable* table : tables_) {
    if (table != except) held += table->bytes();
  }
  return held;
}

GroupTable::GroupTable(const EntityRule& rule, GroupBudget& budget)
    : rule_(rule), budget_(budget), joined_(rule.group->values.size()) {
  budget_.tables_.push_back(this);
}

GroupTable::~GroupTable() { std::erase(budget_.tables_, this); }

Result<GroupTable::Group*> GroupTable::Find(const std::string& key) {
  if (sorted_) {
    if (!groups_.empty() && key == groups_.back().index_key()) return &groups_.back();
    if (!groups_.empty() && std::string_view(key) < groups_.back().index_key()) {
      // Not sorted after all: from here on, groups are looked up by key, and the run
      // written so far is one run among others.
      sorted_ = false;
      if (!runs_.empty()) {
        if (auto status = runs_.back()->Rewind(); !status) return std::unexpected(status.error());
      }
      Index();
    }
  }
  const uint64_t hash = HashKey(key);
  if (!sorted_) {
    const size_t mask = index_.size() - 1;
    for (size_t slot = hash & mask; index_[slot] != 0; slot = (slot + 1) & mask) {
      if ((index_[slot] >> 32) != (hash >> 32)) continue;
      Group& group = groups_[(index_[slot] & kPlaceMask) - 1];
      if (group.index_key() == key) return &group;
    }
  }
  Group& group = groups_.emplace_back();
  group.aggregate_count = static_cast<uint16_t>(rule_.group->values.size());
  group.key_size = static_cast<uint32_t>(key.size());
  group.data.assign(group.aggregate_count * sizeof(GroupAggregate), '\0');  // zero bytes: unset aggregates
  group.data.append(key);
  bytes_ += GroupFootprint(group);
  if (!sorted_) IndexInsert(hash, groups_.size() - 1);
  return &group;
}

void GroupTable::IndexInsert(uint64_t hash, size_t place) {
  if (2 * (indexed_ + 1) > index_.size()) {
    // Twice the slots, the groups indexed so far placed again.
    std::vector<uint64_t> old(std::max(kFirstIndexSlots, 2 * index_.size()), 0);
    old.swap(index_);
    bytes_ += (index_.capacity() - old.capacity()) * sizeof(uint64_t);
    for (const uint64_t slot : old) {
      if (slot == 0) continue;
      const size_t indexed = (slot & kPlaceMask) - 1;
      Place(HashKey(groups_[indexed].index_key()), indexed);
    }
  }
  Place(hash, place);
  ++indexed_;
}

void GroupTable::Place(uint64_t hash, size_t place) {
  const size_t mask = index_.size() - 1;
  size_t slot = hash & mask;
  while (index_[slot] != 0) slot = (slot + 1) & mask;
  index_[slot] = (hash >> 32) << 32 | (place + 1);
}

void GroupTable::Index() {
  std::fill(index_.begin(), index_.end(), 0);
  indexed_ = 0;
  for (size_t i = 0; i < groups_.size(); ++i) IndexInsert(HashKey(groups_[i].index_key()), i);
}

Status GroupTable::Add(Evaluator& evaluator, const readers::SourceRecord& record, const RecordSource& source,
                       std::vector<PendingReject>& rejects) {
  if (!GroupKeyInto(evaluator, rule_, source, &rejects, key_)) return Ok();
  auto found = Find(key_);
  if (!found) return std::unexpected(found.error());
  Group& group = **found;
  const size_t bytes_before = GroupFootprint(group);
  const bool first = !group.has_record();
  if (first) {
    group.order = next_order_++;
    group.line = record.line;
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
                             config::QuoteForMessage(ShownKey(group.index_key())) + " is not emitted)"});
      if (!group.failed) {
        group.failed = true;
        group.failure_line = record.line;
      }
      continue;
    }
    Fold(evaluator, group, i, aggregate, value);
  }
  // A new group's block was sized for its record: its first texts may have doubled it.
  if (first && group.data.capacity() > group.data.size() + 64) group.data.shrink_to_fit();
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

void GroupTable::Fold(Evaluator& evaluator, Group& group, size_t i, const AggregateRule& rule, const Value& value) {
  GroupAggregate aggregate = group.aggregate(i);
  if (rule.function == Function::kCount) {
    if (!value.IsNull() && !(value.kind == Kind::kBool && !value.flag)) ++aggregate.low;
    aggregate.set = true;
    group.set_aggregate(i, aggregate);
    return;
  }
  if (value.IsNull()) return;
  switch (rule.function) {
    case Function::kFirst:
    case Function::kAny:
      if (aggregate.set) return;
      StoreValue(group, i, aggregate, value);
      break;
    case Function::kLast:
      StoreValue(group, i, aggregate, value);
      break;
    case Function::kMin:
      if (aggregate.set && CompareValues(evaluator, value, ValueOf(group, aggregate)) >= 0) return;
      StoreValue(group, i, aggregate, value);
      break;
    case Function::kMax:
      if (aggregate.set && CompareValues(evaluator, value, ValueOf(group, aggregate)) <= 0) return;
      StoreValue(group, i, aggregate, value);
      break;
    case Function::kSum: {
      if (!aggregate.set) {
        StoreValue(group, i, aggregate, value);
        break;
      }
      if (aggregate.kind != Kind::kDecimal) return;  // an error: it stays
      auto total = model::Decimal::Add(DecimalOf(aggregate), value.decimal);
      if (total) {
        SetDecimal(aggregate, *total);
      } else {
        // Beyond 38 digits: keep the error so the group fails when it is read.
        aggregate.kind = Kind::kError;
        aggregate.column = value.column;
        StoreText(group, i, aggregate, total.error().message);
      }
      break;
    }
    case Function::kConcat: {
      if (aggregate.kind == Kind::kError) return;  // too long already: it stays
      const std::string_view text = evaluator.Text(value);
      if (aggregate.set && Listed(TextOf(group, aggregate), text)) return;
      scratch_.assign(aggregate.set ? TextOf(group, aggregate) : std::string_view());
      AppendListed(scratch_, text);
      aggregate.set = true;
      if (scratch_.size() > kMaxConcatBytes) {
        SetConcatTooLong(group, i, aggregate);
        break;
      }
      aggregate.kind = Kind::kText;
      StoreText(group, i, aggregate, scratch_);
      break;
    }
    case Function::kCount:
      break;
  }
  group.set_aggregate(i, aggregate);
}

// `later` covers records that all came after those of `into`: the result is what folding
// them one by one into `into` gives (Fold, above). One exception, documented: a sum past
// 38 digits is checked on partial sums, so its message (and, when such amounts cancel
// out, its outcome) may differ.
void GroupTable::Combine(Evaluator& evaluator, Group& into, Group& later) const {
  if (!into.has_record() && later.has_record()) {
    into.order = later.order;
    into.line = later.line;
    into.data.insert(into.texts_begin(), later.record());
    into.record_size = later.record_size;
  }
  if (!into.failed && later.failed) {
    into.failed = true;
    into.failure_line = later.failure_line;
  }
  std::string list;
  for (size_t i = 0; i < into.aggregate_count && i < later.aggregate_count; ++i) {
    GroupAggregate a = into.aggregate(i);
    const GroupAggregate b = later.aggregate(i);
    if (!b.set) continue;
    auto take = [&] {
      a = b;
      if (HoldsText(b)) StoreText(into, i, a, TextOf(later, b));
    };
    switch (rule_.group->values[i].function) {
      case Function::kCount:
        a.low += b.low;
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
        if (!a.set || CompareValues(evaluator, ValueOf(later, b), ValueOf(into, a)) < 0) take();
        break;
      case Function::kMax:
        if (!a.set || CompareValues(evaluator, ValueOf(later, b), ValueOf(into, a)) > 0) take();
        break;
      case Function::kSum: {
        if (!a.set || (a.kind != Kind::kError && b.kind == Kind::kError)) {
          take();
          break;
        }
        if (a.kind == Kind::kError) break;  // the first error stays
        auto total = model::Decimal::Add(DecimalOf(a), DecimalOf(b));
        if (total) {
          SetDecimal(a, *total);
        } else {
          a.kind = Kind::kError;
          a.column = b.column;
          StoreText(into, i, a, total.error().message);
        }
        break;
      }
      case Function::kConcat: {
        if (!a.set || (a.kind != Kind::kError && b.kind == Kind::kError)) {
          take();
          break;
        }
        if (a.kind == Kind::kError) break;
        list.assign(TextOf(into, a));
        const size_t before = list.size();
        ForEachListed(TextOf(later, b), [&](std::string_view item) {
          if (!Listed(list, item)) AppendListed(list, item);
        });
        if (list.size() > kMaxConcatBytes) {
          SetConcatTooLong(into, i, a);
        } else if (list.size() != before) {
          StoreText(into, i, a, list);
        }
        break;
      }
    }
    into.set_aggregate(i, a);
  }
}

EvalScope GroupTable::Scope(const Group& group, std::vector<std::string_view>& columns,
                            std::vector<readers::FieldValue>& fields, std::vector<Value>& aggregates) {
  // A damaged record cannot be here: spill runs are checked when read back.
  UnpackRecord(group.record(), nullptr, nullptr, &columns, &fields);
  aggregates.clear();
  for (size_t i = 0; i < group.aggregate_count; ++i) {
    const GroupAggregate aggregate = group.aggregate(i);
    const Function function = rule_.group->values[i].function;
    if (function == Function::kCount) {
      aggregates.push_back(Value::Integer(static_cast<int64_t>(aggregate.low)));
    } else if (!aggregate.set) {
      aggregates.push_back(Value::Null());
    } else if (function == Function::kConcat && aggregate.kind != Kind::kError) {
      std::string& joined = joined_[i];
      joined.clear();
      ForEachListed(TextOf(group, aggregate), [&](std::string_view item) {
        if (!joined.empty()) joined += "; ";
        joined += item;
      });
      aggregates.push_back(Value::Text(joined));
    } else {
      aggregates.push_back(ValueOf(group, aggregate));
    }
  }
  return EvalScope{fields, aggregates};
}

}  // namespace tributary::mapping
