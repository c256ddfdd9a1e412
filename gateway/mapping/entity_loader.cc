// One entry of `entities:`: its records, filter, group, source key, fields (scalar,
// object and list), custom members and identifier checks.
#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/mapping/mapping_loader.h"
#include "gateway/readers/reader_options.h"

namespace tributary::mapping {
namespace {

using config::ConfigNode;
using config::Presence;
using config::QuoteForMessage;
using model::FieldSpec;
using model::FieldType;

std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// " (did you mean 'x'?)" for the field of `schema` closest to `name` within two edits.
std::string Suggestion(std::string_view name, const model::EntitySchema& schema) {
  std::string_view best;
  int best_distance = 3;
  for (const FieldSpec& spec : schema.fields) {
    const int distance = config::EditDistance(name, spec.name);
    if (distance < best_distance) {
      best_distance = distance;
      best = spec.name;
    }
  }
  return best.empty() ? "" : " (did you mean '" + std::string(best) + "'?)";
}

// 1: every value `expr` can yield is a canonical key (a `ref`); 0: none is; -1: mixed.
int YieldsKey(const Expr& expr) {
  using Op = Expr::Op;
  if (expr.op == Op::kRef) return 1;
  std::vector<const Expr*> branches;
  if (expr.op == Op::kWhen) {
    for (size_t i = 1; i < expr.args.size(); ++i) branches.push_back(&expr.args[i]);
  } else if (expr.op == Op::kSwitch) {
    for (size_t i = 1; i < expr.args.size(); i += 2) branches.push_back(&expr.args[i]);
    if (expr.has_default && !expr.args.empty()) branches.push_back(&expr.args.back());
  } else if (expr.op == Op::kCoalesce) {
    for (const Expr& arg : expr.args) branches.push_back(&arg);
  } else {
    return 0;
  }
  int kind = -2;
  for (const Expr* branch : branches) {
    // A constant null branch (`when` without else) fits either.
    const int branch_kind = YieldsKey(*branch);
    if (kind == -2) kind = branch_kind;
    if (branch_kind != kind) return -1;
  }
  return kind == -2 ? 0 : kind;
}

bool IsObjectType(FieldType type) {
  return type == FieldType::kObject || type == FieldType::kObjectList || type == FieldType::kStringList;
}

constexpr std::pair<std::string_view, AggregateRule::Function> kAggregateFunctions[] = {
    {"first", AggregateRule::Function::kFirst}, {"last", AggregateRule::Function::kLast},
    {"min", AggregateRule::Function::kMin},     {"max", AggregateRule::Function::kMax},
    {"sum", AggregateRule::Function::kSum},     {"count", AggregateRule::Function::kCount},
    {"any", AggregateRule::Function::kAny},     {"concat", AggregateRule::Function::kConcat},
};

}  // namespace

CompileScope MappingLoader::ScopeFor(size_t entity, size_t plan) {
  CompileScope scope;
  scope.shape = &out_.shape;
  scope.locale = locale_;
  scope.field_slot = [this, plan](const readers::FieldSelector& selector, const ConfigNode& at) {
    return FieldSlot(plan, selector, at);
  };
  scope.parameters = &out_.parameters;
  scope.lookups = &out_.lookups;
  scope.entity_names = &entity_names_;
  scope.entity = entity;
  scope.refs = &refs_;
  return scope;
}

void MappingLoader::LoadEntity(ConfigNode node) {
  EntityRule rule;
  EntityInfo info;
  const size_t index = out_.entities.size();
  if (const std::optional<std::string> name = node.String("entity", Presence::kRequired)) {
    rule.schema = model::FindEntitySchema(*name);
    if (rule.schema == nullptr) {
      std::vector<std::string_view> known;
      for (const model::EntitySchema* schema : model::AllEntitySchemas()) known.push_back(schema->name);
      node.Child("entity").Error("unknown entity " + QuoteForMessage(*name) + " (known: " + JoinNames(known) + ")");
    }
    for (const EntityInfo& other : out_.infos) {
      if (other.entity == *name) node.Child("entity").Error("entity '" + *name + "' is already mapped");
    }
    info.entity = *name;
  }
  info.repeatable = node.Bool("repeatable").value_or(false);
  info.closes_by_absence = node.Bool("closes_by_absence").value_or(false);

  if (out_.shape.Tabular()) {
    if (node.Has("records")) {
      node.Child("records").Error("'records' applies to xml and json readers (reader.type is " + out_.shape.type + ")");
    }
    rule.plan = PlanFor("", reader_node_);
  } else if (auto records = node.String("records")) {
    rule.plan = PlanFor(*records, node.Child("records"));
  } else {
    rule.plan = PlanFor(out_.reader->records, reader_node_.Child("records").IsDefined() ? reader_node_.Child("records")
                                                                                         : node);
  }

  CompileScope scope = ScopeFor(index, rule.plan);
  if (node.Has("filter")) rule.filter = CompileCondition(node.Child("filter"), scope);
  std::vector<std::string> aggregate_names;
  if (ConfigNode group = node.Child("group"); group.IsDefined()) {
    LoadGroup(group, rule, scope);
    for (const AggregateRule& aggregate : rule.group->values) aggregate_names.push_back(aggregate.name);
    scope.aggregates = &aggregate_names;
    if (group.IsMap() && group.Has("having")) rule.group->having = CompileCondition(group.Child("having"), scope);
    group.RejectUnknownKeys();
  }

  if (ConfigNode key = node.Child("source_key", Presence::kRequired); key.IsDefined()) {
    FieldTarget target;
    target.top_level = true;
    rule.source_key = CompileExpr(key, scope, target);
  }
  if (ConfigNode lifecycle = node.Child("lifecycle"); lifecycle.IsDefined()) LoadLifecycle(lifecycle, rule, scope);
  LoadFields(node, rule, scope);
  LoadCustom(node, rule, scope);
  LoadChecks(node, rule);
  node.RejectUnknownKeys();
  out_.entities.push_back(std::move(rule));
  out_.infos.push_back(std::move(info));
}

namespace {

// The constant texts `expr` can yield (a constant, or the constant branches of when and
// switch), for checking them when the mapping loads.
void ConstantResults(const Expr& expr, std::vector<const Expr*>& out) {
  if (expr.modifiers != nullptr) return;
  if (expr.op == Expr::Op::kConstant) {
    out.push_back(&expr);
  } else if (expr.op == Expr::Op::kWhen) {
    for (size_t i = 1; i < expr.args.size(); ++i) ConstantResults(expr.args[i], out);
  } else if (expr.op == Expr::Op::kSwitch) {
    for (size_t i = 1; i < expr.args.size(); i += 2) ConstantResults(expr.args[i], out);
    if (expr.has_default && !expr.args.empty()) ConstantResults(expr.args.back(), out);
  }
}

}  // namespace

// `lifecycle:` is `active` or `voided` (deleted and closed_by_absence are decided by
// connectors and the store). A constant is written with the envelope once per run.
void MappingLoader::LoadLifecycle(ConfigNode node, EntityRule& rule, CompileScope& scope) {
  FieldTarget target;
  target.top_level = true;
  Expr expr = CompileExpr(node, scope, target);
  std::vector<const Expr*> constants;
  ConstantResults(expr, constants);
  for (const Expr* constant : constants) {
    if (constant->text != model::kLifecycleActive && constant->text != model::kLifecycleVoided) {
      node.Error("lifecycle " + QuoteForMessage(constant->text) + " is not active or voided");
      return;
    }
  }
  if (expr.op == Expr::Op::kConstant && expr.modifiers == nullptr) {
    rule.lifecycle_constant =
        expr.text == model::kLifecycleVoided ? model::kLifecycleVoided : model::kLifecycleActive;
    return;
  }
  rule.lifecycle = std::move(expr);
}

void MappingLoader::LoadGroup(ConfigNode node, EntityRule& rule, CompileScope& scope) {
  rule.group.emplace();
  GroupRule& group = *rule.group;
  if (!node.IsMap()) {
    node.Error("expected {by: [EXPRESSION, …], values: {NAME: {sum: EXPRESSION}, …}, having: CONDITION}");
    return;
  }
  ConfigNode by = node.Child("by", Presence::kRequired);
  if (by.IsSequence()) {
    for (ConfigNode& item : node.Sequence("by")) {
      FieldTarget target;
      group.by.push_back(CompileExpr(item, scope, target));
    }
    if (group.by.empty()) by.Error("expected at least one expression");
  } else if (by.IsDefined()) {
    FieldTarget target;
    group.by.push_back(CompileExpr(by, scope, target));
  }
  ConfigNode values = node.Child("values");
  if (values.IsDefined() && !values.IsMap()) values.Error("expected a map of NAME: {first|last|min|max|sum|count|any|concat: EXPRESSION}");
  for (auto& [name, aggregate_node] : values.Members()) {
    AggregateRule aggregate;
    aggregate.name = name;
    std::vector<std::pair<std::string, ConfigNode>> members = aggregate_node.Members();
    if (!aggregate_node.IsMap() || members.size() != 1) {
      aggregate_node.Error("expected one of {first|last|min|max|sum|count|any|concat: EXPRESSION}");
      group.values.push_back(std::move(aggregate));
      continue;
    }
    auto& [function, operand] = members.front();
    auto it = std::find_if(std::begin(kAggregateFunctions), std::end(kAggregateFunctions),
                           [&](const auto& f) { return f.first == function; });
    if (it == std::end(kAggregateFunctions)) {
      operand.Error("unknown aggregate '" + function + "' (known: first, last, min, max, sum, count, any, concat)");
    } else {
      aggregate.function = it->second;
    }
    FieldTarget target;
    Expr expr = CompileExpr(operand, scope, target);
    if (aggregate.function == AggregateRule::Function::kSum && expr.op != Expr::Op::kMoney) {
      // A sum adds amounts: text is read with the locale, as `money:` would.
      Expr money;
      money.op = Expr::Op::kMoney;
      money.written = "money";
      money.format = locale_;
      money.args.push_back(std::move(expr));
      expr = std::move(money);
    }
    aggregate.expr = std::move(expr);
    group.values.push_back(std::move(aggregate));
  }
}

void MappingLoader::LoadFields(ConfigNode node, EntityRule& rule, CompileScope& scope) {
  ConfigNode fields = node.Child("fields", rule.schema ? Presence::kRequired : Presence::kOptional);
  if (rule.schema == nullptr) return;
  std::vector<const FieldSpec*> written;  // reported once, even when their expression is wrong
  for (auto& [field_name, field_node] : fields.Members()) {
    const FieldSpec* spec = rule.schema->Find(field_name);
    written.push_back(spec);
    if (spec == nullptr) {
      field_node.Error("unknown field '" + field_name + "' of " + std::string(rule.schema->name) +
                       Suggestion(field_name, *rule.schema));
      continue;
    }
    if (spec->derived) {
      field_node.Error("field '" + field_name + "' is derived by Tributary and cannot be mapped");
      continue;
    }
    if (spec->type == FieldType::kTimestamp) {
      field_node.Error("field '" + field_name + "' (timestamp) cannot be mapped yet");
      continue;
    }
    FieldRule field;
    field.name = field_name;
    field.spec = spec;
    field.required = spec->required;
    field.format = locale_;
    if (IsObjectType(spec->type)) {
      LoadObjectField(field_node, field, scope);
      rule.fields.push_back(std::move(field));
      continue;
    }
    FieldTarget target;
    target.spec = spec;
    target.top_level = true;
    field.expr = CompileExpr(field_node, scope, target);
    field.required = field.required || target.required;
    if (target.format) field.format = target.format;
    if (spec->type == FieldType::kEntityRef) {
      const int yields = YieldsKey(field.expr);
      field.yields_key = yields == 1;
      if (yields < 0) {
        field_node.Error("field '" + field_name + "' mixes 'ref' (a canonical key) and other values (source keys) "
                         "in its branches: use 'ref' with 'key' in every branch");
      }
      const bool is_ref = field.expr.op == Expr::Op::kRef;
      if (spec->ref_entity == "*" && !field.yields_key) {
        field_node.Error("field '" + field_name + "' can refer to any entity: write {ref: ENTITY, key: EXPRESSION}");
      }
      if (is_ref && !field.expr.text.empty()) {
        const std::string& target_name = field.expr.text;
        ConfigNode ref = field_node.Child("ref");
        if (field.expr.slot == out_.entities.size() && field.expr.args.empty()) {
          ref.Error("a ref must name another entity of the mapping, not its own (or give its key)");
        } else if (spec->ref_entity != "*" && spec->ref_entity != target_name) {
          ref.Error("field '" + field_name + "' refers to a " + std::string(spec->ref_entity) + ", not a " + target_name);
        }
      }
    }
    rule.fields.push_back(std::move(field));
  }
  CheckEntityFields(rule, written, fields.IsDefined() ? fields : node);
}

void MappingLoader::LoadObjectField(ConfigNode node, FieldRule& field, CompileScope& scope) {
  const FieldSpec& spec = *field.spec;
  auto load_element = [&](ConfigNode element) {
    std::vector<MemberRule> members;
    if (!element.IsMap()) {
      element.Error("expected a map of " + JoinNames(spec.members));
      return;
    }
    for (auto& [name, value] : element.Members()) {
      auto it = std::find(spec.members.begin(), spec.members.end(), name);
      if (it == spec.members.end()) {
        value.Error("unknown member '" + name + "' of " + std::string(spec.name) + " (members: " +
                    JoinNames(spec.members) + ")");
        continue;
      }
      FieldTarget target;
      MemberRule member;
      member.member = static_cast<size_t>(it - spec.members.begin());
      member.expr = CompileExpr(value, scope, target);
      members.push_back(std::move(member));
    }
    if (spec.name == "identifiers") {
      for (std::string_view needed : {"scheme", "value"}) {
        if (!element.Has(needed)) element.Error("an identifier needs '" + std::string(needed) + "'");
      }
    }
    field.elements.push_back(std::move(members));
  };
  switch (spec.type) {
    case FieldType::kObject:
      load_element(node);
      break;
    case FieldType::kObjectList:
      if (node.IsSequence()) {
        for (ConfigNode& item : node.Items()) load_element(item);
      } else {
        node.Error("expected a list of {" + JoinNames(spec.members) + "}");
      }
      break;
    case FieldType::kStringList:
      if (node.IsSequence()) {
        for (ConfigNode& item : node.Items()) {
          FieldTarget target;
          field.items.push_back(CompileExpr(item, scope, target));
        }
      } else {
        FieldTarget target;
        field.items.push_back(CompileExpr(node, scope, target));
      }
      break;
    default:
      break;
  }
}

void MappingLoader::LoadCustom(ConfigNode entity, EntityRule& rule, CompileScope& scope) {
  ConfigNode node = entity.Child("custom");
  if (!node.IsDefined() || node.IsNull()) return;
  auto add = [&](std::string name, ConfigNode at, std::optional<ConfigNode> expr_node) {
    if (name.empty()) {
      at.Error("expected a non-empty name");
      return;
    }
    FieldRule field;
    field.name = name;
    field.format = locale_;
    if (expr_node) {
      FieldTarget target;
      target.top_level = true;
      field.expr = CompileExpr(*expr_node, scope, target);
      field.required = target.required;
    } else {
      readers::FieldSelector selector;
      if (out_.shape.Tabular()) {
        selector.kind = readers::FieldSelector::Kind::kColumn;
        selector.text = std::string(TrimSpaces(name));
      } else {
        selector.kind = readers::FieldSelector::Kind::kPath;
        selector.text = name;
      }
      field.expr.op = Expr::Op::kField;
      field.expr.trim = true;
      field.expr.written = "column " + name;
      field.expr.slot = FieldSlot(rule.plan, selector, at);
    }
    rule.custom.push_back(std::move(field));
  };
  if (node.IsSequence()) {
    for (ConfigNode& item : entity.Sequence("custom")) {
      if (auto name = item.Scalar()) add(*name, item, std::nullopt);
    }
  } else if (node.IsMap()) {
    for (auto& [name, expr_node] : node.Members()) add(name, expr_node, expr_node);
  } else {
    node.Error("expected a list of column names or a map of name: expression");
  }
}

void MappingLoader::LoadChecks(ConfigNode entity, EntityRule& rule) {
  ConfigNode node = entity.Child("checks");
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    node.Error("expected a map of field: check (" + std::string(IdentifierCheckNames()) + ")");
    return;
  }
  for (auto& [name, value] : node.Members()) {
    auto kind = value.Scalar();
    if (!kind) continue;
    auto check = ParseIdentifierCheckName(*kind);
    if (!check) {
      value.Error("unknown check " + QuoteForMessage(*kind) + " (known: " + std::string(IdentifierCheckNames()) + ")");
      continue;
    }
    if (name.starts_with("identifiers.")) {
      const bool mapped = std::any_of(rule.fields.begin(), rule.fields.end(),
                                      [](const FieldRule& f) { return f.name == "identifiers"; });
      if (!mapped) {
        value.Error("'identifiers' is not mapped");
      } else {
        rule.identifier_checks.push_back(IdentifierSchemeCheck{name.substr(12), *check});
      }
      continue;
    }
    FieldRule* target = nullptr;
    for (auto* list : {&rule.fields, &rule.custom}) {
      for (FieldRule& field : *list) {
        if (field.name == name && target == nullptr) target = &field;
      }
    }
    if (target == nullptr) {
      value.Error("'" + name + "' is neither a mapped field nor a custom member of this entity");
    } else if (target->spec != nullptr && IsObjectType(target->spec->type)) {
      value.Error("'" + name + "' is a list or object; check one identifier with 'identifiers.SCHEME'");
    } else {
      target->check = *check;
    }
  }
}

void MappingLoader::CheckEntityFields(EntityRule& rule, const std::vector<const FieldSpec*>& written, ConfigNode at) {
  // Schema order, so records list fields the way the contract does.
  auto schema_position = [&](const FieldRule& field) { return field.spec - rule.schema->fields.data(); };
  std::stable_sort(rule.fields.begin(), rule.fields.end(),
                   [&](const FieldRule& a, const FieldRule& b) { return schema_position(a) < schema_position(b); });
  bool has_money = false;
  bool maps_due_date_source = false;
  rule.rule_of_spec.assign(rule.schema->fields.size(), -1);
  for (size_t i = 0; i < rule.fields.size(); ++i) {
    const FieldRule& field = rule.fields[i];
    rule.rule_of_spec[static_cast<size_t>(schema_position(field))] = static_cast<int>(i);
    if (field.spec->type == FieldType::kMoney) has_money = true;
    if (field.name == "currency" && field.spec->type == FieldType::kCurrency) rule.currency_field = i;
    if (field.name == "due_date_source") maps_due_date_source = true;
  }
  for (const FieldSpec& spec : rule.schema->fields) {
    if (!spec.required || spec.derived) continue;
    if (std::find(written.begin(), written.end(), &spec) == written.end()) {
      at.Error("required field '" + std::string(spec.name) + "' of " + std::string(rule.schema->name) +
               " is not mapped");
    }
  }
  if (has_money && !rule.currency_field) at.Error("amount fields need the entity's 'currency' field mapped");
  rule.derive_due_date_source = rule.schema->Find("due_date_source") != nullptr && !maps_due_date_source;
}

}  // namespace tributary::mapping
