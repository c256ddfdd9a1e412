// Mapping::Load and Mapping::Parse: YAML (through config::ConfigNode, which gives strict
// keys and positions) to CompiledMapping. Every problem is collected, none is thrown.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/config/config_node.h"
#include "gateway/config/values.h"
#include "gateway/mapping/mapping.h"
#include "gateway/mapping/mapping_rules.h"

namespace tributary::mapping {
namespace {

using config::ConfigNode;
using config::Presence;
using config::QuoteForMessage;
using model::FieldSpec;
using model::FieldType;

constexpr int64_t kMaxColumns = 10000;

bool IsMappableType(FieldType type) {
  switch (type) {
    case FieldType::kString:
    case FieldType::kDate:
    case FieldType::kMoney:
    case FieldType::kCurrency:
    case FieldType::kEnum:
    case FieldType::kBool:
    case FieldType::kInteger:
    case FieldType::kEntityRef:
      return true;
    case FieldType::kTimestamp:
    case FieldType::kStringList:
    case FieldType::kObject:
    case FieldType::kObjectList:
      return false;
  }
  return false;
}

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

struct Locale {
  MoneyFormat money;
  std::vector<DatePattern> date_formats;
};

// Where a `ref` waits to be resolved once every entity is known.
struct PendingRef {
  size_t entity;
  std::string field;
  std::string target;
  ConfigNode node;
};

class Loader {
 public:
  explicit Loader(CompiledMapping& out) : out_(out) {}

  void Load(ConfigNode root) {
    out_.name = root.String("name", Presence::kRequired).value_or("");
    if (root.Has("name") && out_.name.empty()) root.Child("name").Error("expected a non-empty name");
    root.String("description");
    LoadReader(root.Child("reader"));
    LoadLocale(root.Child("locale"));
    std::vector<ConfigNode> entities = root.Sequence("entities", Presence::kRequired);
    if (entities.empty() && root.Has("entities")) root.Child("entities").Error("expected at least one entity");
    for (ConfigNode& entity : entities) LoadEntity(entity);
    ResolveRefs();
    root.RejectUnknownKeys();
  }

 private:
  void LoadReader(ConfigNode reader) {
    if (!reader.IsDefined()) return;
    reader.Enum("type", {"csv"});
    if (auto delimiter = reader.String("delimiter")) {
      if (delimiter->size() != 1 || *delimiter == "\r" || *delimiter == "\n") {
        reader.Child("delimiter").Error("expected one character, found " + QuoteForMessage(*delimiter));
      } else {
        out_.csv.delimiter = (*delimiter)[0];
      }
    }
    if (auto quote = reader.String("quote")) {
      if (quote->size() > 1 || (quote->size() == 1 && (*quote)[0] == out_.csv.delimiter)) {
        reader.Child("quote").Error("expected one character other than the delimiter, or \"\" for none, found " +
                                    QuoteForMessage(*quote));
      } else {
        out_.csv.quote = quote->empty() ? '\0' : (*quote)[0];
      }
    }
    out_.header = reader.Bool("header").value_or(true);
    if (auto encoding = reader.String("encoding")) {
      if (auto parsed = ParseEncodingName(*encoding)) {
        out_.encoding = *parsed;
      } else {
        reader.Child("encoding").Error("unknown encoding " + QuoteForMessage(*encoding) + " (known: " +
                                       std::string(KnownEncodingNames()) + ")");
      }
    }
    out_.csv.strip_utf8_bom = out_.encoding == Encoding::kUtf8;
    out_.csv.skip_lines = static_cast<int>(reader.Integer("skip_lines", 0, 1000000).value_or(0));
    if (auto columns = reader.Integer("columns", 1, kMaxColumns)) {
      if (out_.header) {
        reader.Child("columns").Error("'columns' applies only with header: false (the header gives the count)");
      }
      out_.expected_fields = static_cast<int>(*columns);
    }
    reader.RejectUnknownKeys();
  }

  void LoadLocale(ConfigNode locale) {
    locale_.date_formats = {DatePattern::Compile("yyyy-MM-dd").value()};
    if (!locale.IsDefined()) return;
    LoadMoneyFormat(locale, locale_.money);
    if (locale.Has("date_formats")) locale_.date_formats = LoadDateFormats(locale, "date_formats");
    locale.RejectUnknownKeys();
  }

  // decimal, thousands and negative of `node` over `format`.
  void LoadMoneyFormat(ConfigNode node, MoneyFormat& format) {
    if (auto decimal = node.String("decimal")) {
      if (*decimal != "." && *decimal != ",") {
        node.Child("decimal").Error("expected \".\" or \",\", found " + QuoteForMessage(*decimal));
      } else {
        format.decimal = (*decimal)[0];
      }
    }
    if (auto thousands = node.String("thousands")) {
      if (!thousands->empty() && (thousands->size() != 1 || std::string_view(" .,'").find((*thousands)[0]) ==
                                                                std::string_view::npos)) {
        node.Child("thousands").Error("expected \"\", \" \", \".\", \",\" or \"'\", found " + QuoteForMessage(*thousands));
      } else {
        format.thousands = *thousands;
      }
    }
    if (auto negative = node.Enum("negative", {"reject", "absolute"})) {
      format.negative = *negative == "absolute" ? NegativeAmounts::kAbsolute : NegativeAmounts::kReject;
    }
    // Reported where a separator is written, not again at every amount that inherits it.
    if ((node.Has("decimal") || node.Has("thousands")) && format.thousands.size() == 1 &&
        format.thousands[0] == format.decimal) {
      node.Error("the decimal and thousands separators must differ");
    }
  }

  // The member `key` of `parent`: a date pattern or a list of them.
  std::vector<DatePattern> LoadDateFormats(ConfigNode parent, std::string_view key) {
    std::vector<DatePattern> patterns;
    auto add = [&](ConfigNode item) {
      if (auto text = item.Scalar()) {
        auto pattern = DatePattern::Compile(*text);
        if (pattern) {
          patterns.push_back(std::move(*pattern));
        } else {
          item.Error(pattern.error().message);
        }
      }
    };
    ConfigNode node = parent.Child(key);
    if (node.IsScalar()) {
      add(node);
    } else if (node.IsSequence()) {
      for (ConfigNode& item : parent.Sequence(key)) add(item);
    } else {
      node.Error("expected a date pattern or a list of them");
    }
    if (node.IsNull() || (node.IsSequence() && parent.Sequence(key).empty())) {
      node.Error("expected at least one date pattern");
    }
    return patterns;
  }

  size_t ColumnSlot(ColumnRef ref) {
    for (size_t i = 0; i < out_.columns.size(); ++i) {
      const ColumnRef& known = out_.columns[i];
      if (known.index == ref.index && known.name == ref.name) return i;
    }
    out_.columns.push_back(std::move(ref));
    return out_.columns.size() - 1;
  }

  // Checks a constant the mapping writes (value, map target, default) against the type.
  void CheckConstant(const FieldRule& rule, const std::string& text, ConfigNode at) {
    if (rule.spec == nullptr || text.empty()) return;
    Status status = Ok();
    switch (rule.spec->type) {
      case FieldType::kEnum:
        if (std::find(rule.spec->enum_values.begin(), rule.spec->enum_values.end(), text) ==
            rule.spec->enum_values.end()) {
          at.Error(QuoteForMessage(text) + " is not an allowed " + std::string(rule.spec->name) +
                   " (one of: " + JoinNames(rule.spec->enum_values) + ")");
        }
        return;
      case FieldType::kDate:
        if (auto date = ParseDate(text, rule.formats); !date) status = std::unexpected(date.error());
        break;
      case FieldType::kCurrency:
        if (auto code = ParseCurrency(text); !code) status = std::unexpected(code.error());
        break;
      case FieldType::kMoney:
        if (auto amount = NormalizeAmount(text, rule.money); !amount) status = std::unexpected(amount.error());
        break;
      case FieldType::kBool:
        if (auto flag = ParseBool(text); !flag) status = std::unexpected(flag.error());
        break;
      case FieldType::kInteger:
        if (auto number = ParseInteger(text); !number) status = std::unexpected(number.error());
        break;
      default:
        return;
    }
    if (!status) at.Error(status.error().message);
  }

  // Compiles the value expression at `node` into `rule` (rule.spec nullptr: a string).
  // Returns false when `node` is not an expression at all (reported).
  bool LoadExpr(ConfigNode node, FieldRule& rule, bool is_source_key) {
    if (!node.IsMap()) {
      node.Error("expected a map such as {column: NAME}, found " +
                 std::string(node.IsSequence() ? "a sequence" : node.IsScalar() ? "a scalar" : "an empty value"));
      return false;
    }
    ValueExpr& expr = rule.expr;
    const FieldType type = rule.spec ? rule.spec->type : FieldType::kString;
    int sources = 0;
    for (std::string_view key : {"column", "index", "value", "template", "ref"}) sources += node.Has(key) ? 1 : 0;
    if (sources != 1) {
      node.Error("expected exactly one of: column, index, value, template, ref");
    }
    if (auto column = node.String("column")) {
      expr.kind = ValueExpr::Kind::kColumn;
      expr.text = "column " + *column;
      if (!out_.header) node.Child("column").Error("'column' needs reader.header: true; without a header use 'index'");
      expr.slot = ColumnSlot(ColumnRef{std::string(TrimSpaces(*column)), 0});
    }
    if (auto index = node.Integer("index", 1, kMaxColumns)) {
      expr.kind = ValueExpr::Kind::kColumn;
      expr.text = "column " + std::to_string(*index);
      expr.slot = ColumnSlot(ColumnRef{"", static_cast<int>(*index)});
    }
    if (auto text = node.String("template")) {
      expr.kind = ValueExpr::Kind::kTemplate;
      expr.text = "template " + *text;
      LoadTemplate(*text, node.Child("template"), expr);
    }
    if (node.Has("ref")) {
      auto target = node.String("ref");
      if (type != FieldType::kEntityRef || is_source_key) {
        node.Child("ref").Error("'ref' applies only to reference fields (customer, parent, applies_to)");
      } else if (target) {
        expr.kind = ValueExpr::Kind::kRef;
        expr.text = "ref " + *target;
        pending_refs_.push_back(PendingRef{out_.entities.size(), rule.name, *target, node.Child("ref")});
      }
    }
    expr.trim = node.Bool("trim").value_or(true);
    if (!is_source_key) rule.required = node.Bool("required").value_or(false) || rule.required;

    // Type-specific settings first: constants below are checked with them.
    if (type == FieldType::kDate) {
      rule.formats = node.Has("formats") ? LoadDateFormats(node, "formats") : locale_.date_formats;
    } else if (node.Has("formats")) {
      node.Child("formats").Error("'formats' applies only to date fields");
    }
    rule.money = locale_.money;
    if (type == FieldType::kMoney) {
      LoadMoneyFormat(node, rule.money);
    } else {
      for (std::string_view key : {"decimal", "thousands", "negative"}) {
        if (node.Has(key)) node.Child(key).Error("'" + std::string(key) + "' applies only to amount fields");
      }
    }

    if (auto value = node.String("value")) {
      expr.kind = ValueExpr::Kind::kConstant;
      expr.constant = expr.trim ? std::string(TrimSpaces(*value)) : *value;
      expr.text = "value " + *value;
      CheckConstant(rule, expr.constant, node.Child("value"));
    }
    if (ConfigNode map = node.Child("map"); map.IsDefined()) {
      if (expr.kind == ValueExpr::Kind::kRef) map.Error("'map' does not apply to 'ref'");
      for (auto& [from, target_node] : map.Members()) {
        std::optional<std::string> target = target_node.Scalar();
        if (!target) continue;
        CheckConstant(rule, *target, target_node);
        expr.map.emplace_back(std::string(TrimSpaces(from)), *target);
      }
      if (expr.map.empty() && !map.IsMap()) map.Error("expected a map of source value: canonical value");
    }
    if (auto default_value = node.String("default")) {
      CheckConstant(rule, *default_value, node.Child("default"));
      expr.default_value = *default_value;
    }
    node.RejectUnknownKeys();
    return true;
  }

  void LoadTemplate(const std::string& text, ConfigNode at, ValueExpr& expr) {
    std::string literal;
    auto flush = [&] {
      if (literal.empty()) return;
      expr.parts.push_back(TemplatePart{TemplatePart::Kind::kLiteral, std::move(literal)});
      literal.clear();
    };
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
        literal.push_back(c);  // {{ and }} are literal braces
        ++i;
        continue;
      }
      if (c == '}') {
        at.Error("unmatched '}' in template (write '}}' for a literal brace)");
        return;
      }
      if (c != '{') {
        literal.push_back(c);
        continue;
      }
      const size_t close = text.find('}', i + 1);
      if (close == std::string::npos) {
        at.Error("unclosed '{' in template");
        return;
      }
      const std::string_view name = TrimSpaces(std::string_view(text).substr(i + 1, close - i - 1));
      flush();
      TemplatePart part;
      if (name.starts_with('$')) {
        static constexpr std::pair<std::string_view, ContextVariable> kVariables[] = {
            {"$legal_entity", ContextVariable::kLegalEntity},
            {"$source", ContextVariable::kSource},
            {"$tenant", ContextVariable::kTenant},
            {"$file", ContextVariable::kFile},
        };
        auto it = std::find_if(std::begin(kVariables), std::end(kVariables),
                               [&](const auto& v) { return v.first == name; });
        if (it == std::end(kVariables)) {
          at.Error("unknown template variable '{" + std::string(name) +
                   "}' (known: {$legal_entity}, {$source}, {$tenant}, {$file})");
          return;
        }
        part.kind = TemplatePart::Kind::kVariable;
        part.variable = it->second;
      } else if (name.empty()) {
        at.Error("empty '{}' in template");
        return;
      } else {
        if (!out_.header) at.Error("template columns need reader.header: true");
        part.kind = TemplatePart::Kind::kColumn;
        part.slot = ColumnSlot(ColumnRef{std::string(name), 0});
      }
      expr.parts.push_back(std::move(part));
      i = close;
    }
    flush();
  }

  void LoadEntity(ConfigNode node) {
    EntityRule rule;
    EntityInfo info;
    const std::optional<std::string> name = node.String("entity", Presence::kRequired);
    if (name) {
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

    FieldRule source_key;
    source_key.name = "source_key";
    source_key.required = true;
    if (ConfigNode key = node.Child("source_key", Presence::kRequired); key.IsDefined()) {
      if (LoadExpr(key, source_key, /*is_source_key=*/true)) rule.source_key = std::move(source_key.expr);
    }

    ConfigNode fields = node.Child("fields", rule.schema ? Presence::kRequired : Presence::kOptional);
    if (rule.schema != nullptr) {
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
        if (!IsMappableType(spec->type)) {
          field_node.Error("field '" + field_name + "' (" + std::string(model::FieldTypeName(spec->type)) +
                           ") cannot be mapped from a CSV column yet");
          continue;
        }
        FieldRule field;
        field.name = field_name;
        field.spec = spec;
        field.required = spec->required;
        if (LoadExpr(field_node, field, false)) rule.fields.push_back(std::move(field));
      }
      CheckEntityFields(rule, written, fields.IsDefined() ? fields : node);
    }
    LoadCustom(node, rule);
    node.RejectUnknownKeys();
    out_.entities.push_back(std::move(rule));
    out_.infos.push_back(std::move(info));
  }

  void CheckEntityFields(EntityRule& rule, const std::vector<const FieldSpec*>& written, ConfigNode at) {
    // Schema order, so records list fields the way the contract does.
    auto schema_position = [&](const FieldRule& field) { return field.spec - rule.schema->fields.data(); };
    std::stable_sort(rule.fields.begin(), rule.fields.end(),
                     [&](const FieldRule& a, const FieldRule& b) { return schema_position(a) < schema_position(b); });
    bool has_money = false;
    bool maps_due_date_source = false;
    for (size_t i = 0; i < rule.fields.size(); ++i) {
      const FieldRule& field = rule.fields[i];
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

  void LoadCustom(ConfigNode entity, EntityRule& rule) {
    ConfigNode node = entity.Child("custom");
    if (!node.IsDefined() || node.IsNull()) return;
    auto add = [&](std::string name, ConfigNode at, std::optional<ConfigNode> expr_node) {
      if (name.empty()) {
        at.Error("expected a non-empty name");
        return;
      }
      FieldRule field;
      field.name = name;
      if (expr_node) {
        if (!LoadExpr(*expr_node, field, false)) return;
      } else {
        if (!out_.header) at.Error("custom columns by name need reader.header: true");
        field.expr.kind = ValueExpr::Kind::kColumn;
        field.expr.text = "column " + name;
        field.expr.slot = ColumnSlot(ColumnRef{std::string(TrimSpaces(name)), 0});
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

  void ResolveRefs() {
    for (const PendingRef& ref : pending_refs_) {
      if (ref.entity >= out_.entities.size()) continue;
      EntityRule& owner = out_.entities[ref.entity];
      auto field_it = std::find_if(owner.fields.begin(), owner.fields.end(),
                                   [&](const FieldRule& f) { return f.name == ref.field; });
      if (field_it == owner.fields.end()) continue;
      FieldRule& field = *field_it;
      auto it = std::find_if(out_.infos.begin(), out_.infos.end(),
                             [&](const EntityInfo& info) { return info.entity == ref.target; });
      if (it == out_.infos.end()) {
        ref.node.Error("'" + ref.target + "' is not an entity of this mapping");
        continue;
      }
      const auto target = static_cast<size_t>(it - out_.infos.begin());
      if (target == ref.entity) {
        ref.node.Error("a ref must name another entity of the mapping, not its own");
      } else if (field.spec->ref_entity != ref.target) {
        ref.node.Error("field '" + field.name + "' refers to a " + std::string(field.spec->ref_entity) +
                       ", not a " + ref.target);
      }
      field.expr.ref_entity = target;
    }
  }

  CompiledMapping& out_;
  Locale locale_;
  std::vector<PendingRef> pending_refs_;
};

}  // namespace

Mapping::Mapping(std::unique_ptr<const CompiledMapping> compiled) : compiled_(std::move(compiled)) {}
Mapping::~Mapping() = default;

const std::string& Mapping::name() const { return compiled_->name; }
const std::string& Mapping::version() const { return compiled_->version; }
std::span<const EntityInfo> Mapping::entities() const { return compiled_->infos; }

std::expected<std::unique_ptr<Mapping>, Diagnostics> Mapping::Parse(const std::string& text,
                                                                   const std::string& display_name,
                                                                   const std::string& base_dir) {
  std::unique_ptr<config::ConfigDocument> document = config::ConfigDocument::Parse(text, display_name, base_dir);
  auto compiled = std::make_unique<CompiledMapping>();
  // Even after a YAML error: the root is then undefined and reports nothing more.
  Loader(*compiled).Load(document->root());
  Diagnostics diagnostics = std::move(document->diagnostics());
  if (!diagnostics.empty()) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return std::unexpected(std::move(diagnostics));
  }
  compiled->version = model::Sha256Hex(text).substr(0, 12);
  return std::unique_ptr<Mapping>(new Mapping(std::move(compiled)));
}

std::expected<std::unique_ptr<Mapping>, Diagnostics> Mapping::Load(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return std::unexpected(Diagnostics{Diagnostic{path, 0, 0, "", "cannot read mapping file: is a directory"}});
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return std::unexpected(
        Diagnostics{Diagnostic{path, 0, 0, "", std::string("cannot read mapping file: ") + std::strerror(errno)}});
  }
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return std::unexpected(Diagnostics{Diagnostic{path, 0, 0, "", "cannot read mapping file"}});
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return Parse(text.str(), path, error ? "." : absolute.parent_path().string());
}

}  // namespace tributary::mapping
