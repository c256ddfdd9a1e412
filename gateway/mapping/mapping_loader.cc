// Mapping::Load and Mapping::Parse: YAML (through config::ConfigNode, which gives strict
// keys and positions) to CompiledMapping. Every problem is collected, none is thrown.
// Entities are compiled by entity_loader.cc; expressions by expression_compiler.cc.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gateway/config/config_node.h"
#include "gateway/config/values.h"
#include "gateway/mapping/mapping_loader.h"
#include "gateway/readers/reader_options.h"

namespace tributary::mapping {
namespace {

using config::ConfigNode;
using config::Presence;
using config::QuoteForMessage;

bool IsIdentifier(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

void MappingLoader::Load(ConfigNode root) {
  out_.name = root.String("name", Presence::kRequired).value_or("");
  if (root.Has("name") && out_.name.empty()) root.Child("name").Error("expected a non-empty name");
  root.String("description");
  // Free YAML for anchors (&name) the entities use (*name); not interpreted.
  root.Child("definitions");
  LoadParameters(root.Child("parameters"));
  LoadLookups(root.Child("lookups"));
  LoadReader(root.Child("reader"));
  LoadLocale(root.Child("locale"));
  std::vector<ConfigNode> entities = root.Sequence("entities", Presence::kRequired);
  if (entities.empty() && root.Has("entities")) root.Child("entities").Error("expected at least one entity");
  for (ConfigNode& entity : entities) {
    entity_names_.push_back(entity.IsMap() && entity.Child("entity").IsScalar() ? entity.Child("entity").Scalar().value_or("")
                                                                               : "");
  }
  for (ConfigNode& entity : entities) LoadEntity(entity);
  CheckRefs();
  ValidateReadPlan(root);
  root.RejectUnknownKeys();
}

void MappingLoader::LoadParameters(ConfigNode node) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    node.Error("expected a map of parameter name: default value (a scalar or a list of scalars)");
    return;
  }
  for (auto& [name, value] : node.Members()) {
    Parameter parameter;
    parameter.name = name;
    if (!IsIdentifier(name)) {
      value.Error("a parameter name is letters, digits and '_', found " + QuoteForMessage(name));
    } else if (name == "legal_entity" || name == "source" || name == "tenant" || name == "file" ||
               name == "file_date") {
      value.Error("'" + name + "' is a context variable; choose another parameter name");
    }
    if (value.IsSequence()) {
      for (ConfigNode& item : value.Items()) {
        if (auto text = item.Scalar()) parameter.defaults.push_back(*text);
      }
    } else if (value.IsScalar() && !value.IsNull()) {
      parameter.defaults.push_back(value.Scalar().value_or(""));
    } else if (!value.IsNull()) {
      value.Error("expected a scalar or a list of scalars");
    }
    out_.parameters.push_back(std::move(parameter));
  }
}

void MappingLoader::LoadReader(ConfigNode node) {
  auto options = readers::ParseReaderOptions(node);
  if (options) {
    out_.reader = *options;
  } else {
    out_.reader = std::make_shared<const readers::ReaderOptions>();  // reported; defaults keep checking the rest
  }
  const readers::ReaderOptions& reader = *out_.reader;
  out_.shape.type = std::string(readers::ReaderTypeName(reader.type));
  out_.shape.header = reader.csv.header;
  out_.shape.encoding_auto = reader.encoding.kind == readers::InputEncoding::Kind::kAuto;
  reader_node_ = node;
}

void MappingLoader::LoadLocale(ConfigNode node) {
  auto locale = std::make_shared<ParseFormat>();
  locale->date_formats = {DatePattern::Compile("yyyy-MM-dd").value()};
  // What mappings accepted before negative styles could be named.
  locale->money.negative_styles = kLeadingMinus | kTrailingMinus | kParentheses;
  if (node.IsDefined() && !node.IsNull()) {
    LoadMoneyKeys(node, locale->money);
    if (node.Has("date_formats")) {
      std::vector<DatePattern> patterns = LoadDatePatterns(node, "date_formats");
      if (!patterns.empty()) locale->date_formats = std::move(patterns);
    }
    if (auto order = node.String("date_order")) {
      if (auto parsed = ParseDateOrderName(*order)) {
        locale->date_order = *parsed;
      } else {
        node.Child("date_order").Error(QuoteForMessage(*order) + " is not one of: dmy, mdy, ymd");
      }
    }
    node.RejectUnknownKeys();
  }
  locale_ = std::move(locale);
}

size_t MappingLoader::PlanFor(const std::string& records, const ConfigNode& at) {
  for (size_t i = 0; i < out_.read_plan.plans.size(); ++i) {
    if (out_.read_plan.plans[i].records == records) return i;
  }
  readers::RecordPlan plan;
  plan.records = records;
  out_.read_plan.plans.push_back(std::move(plan));
  plan_nodes_.push_back(PlanNodes{at, {}});
  return out_.read_plan.plans.size() - 1;
}

size_t MappingLoader::FieldSlot(size_t plan, const readers::FieldSelector& selector, const ConfigNode& at) {
  std::vector<readers::FieldSelector>& fields = out_.read_plan.plans[plan].fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    const readers::FieldSelector& known = fields[i];
    if (known.kind == selector.kind && known.text == selector.text && known.index == selector.index &&
        known.line == selector.line) {
      return i;
    }
  }
  // Every record field the mapping reads passes here once per plan (source keys, filters,
  // groups, lifecycle, fields, object members, lookups' keys, templates, custom members):
  // the one place to collect the paths a connector must fetch.
  if (selector.kind == readers::FieldSelector::Kind::kPath &&
      std::find(out_.source_paths.begin(), out_.source_paths.end(), selector.text) == out_.source_paths.end()) {
    out_.source_paths.push_back(selector.text);
  }
  fields.push_back(selector);
  plan_nodes_[plan].fields.push_back(at);
  return fields.size() - 1;
}

void MappingLoader::CheckRefs() {
  for (const RefUse& ref : refs_) {
    if (ref.has_key || ref.target >= out_.entities.size() || ref.owner >= out_.entities.size()) continue;
    const EntityRule& owner = out_.entities[ref.owner];
    const EntityRule& target = out_.entities[ref.target];
    if (target.schema == nullptr) continue;
    if (owner.plan != target.plan) {
      ref.node.Error("'" + std::string(target.schema->name) + "' reads other records (records: " +
                     QuoteForMessage(out_.read_plan.plans[target.plan].records) +
                     "): give the key, {ref: " + std::string(target.schema->name) + ", key: EXPRESSION}");
    } else if (UsesAggregate(target.source_key) && (!owner.group || ref.owner != ref.target)) {
      ref.node.Error("the source key of '" + std::string(target.schema->name) +
                     "' reads an aggregate: give the key, {ref: " + std::string(target.schema->name) +
                     ", key: EXPRESSION}");
    }
  }
}

void MappingLoader::ValidateReadPlan(ConfigNode root) {
  if (out_.read_plan.plans.empty()) PlanFor(out_.shape.Tabular() ? "" : out_.reader->records, reader_node_);
  // Records keep every column of a csv/fixed_width row under `raw`.
  if (out_.shape.Tabular()) {
    for (readers::RecordPlan& plan : out_.read_plan.plans) plan.all_columns = true;
  }
  for (const readers::PlanProblem& problem : readers::ValidatePlan(*out_.reader, out_.read_plan)) {
    if (problem.plan >= plan_nodes_.size()) {
      root.Error(problem.message);
      continue;
    }
    const PlanNodes& nodes = plan_nodes_[problem.plan];
    if (problem.field && *problem.field < nodes.fields.size()) {
      nodes.fields[*problem.field].Error(problem.message);
    } else if (nodes.records.IsDefined()) {
      nodes.records.Error(problem.message);
    } else {
      root.Error(problem.message);
    }
  }
}

Mapping::Mapping(std::unique_ptr<const CompiledMapping> compiled) : compiled_(std::move(compiled)) {}
Mapping::~Mapping() = default;

const std::string& Mapping::name() const { return compiled_->name; }
const std::string& Mapping::version() const { return compiled_->version; }
std::span<const EntityInfo> Mapping::entities() const { return compiled_->infos; }
const std::vector<std::string>& Mapping::SourcePaths() const { return compiled_->source_paths; }

std::string_view Mapping::source_record_noun() const {
  return compiled_->shape.Tabular() ? "row" : "source record";
}

std::expected<std::unique_ptr<Mapping>, Diagnostics> Mapping::Parse(const std::string& text,
                                                                   const std::string& display_name,
                                                                   const std::string& base_dir) {
  std::unique_ptr<config::ConfigDocument> document = config::ConfigDocument::Parse(text, display_name, base_dir);
  auto compiled = std::make_unique<CompiledMapping>();
  // Even after a YAML error: the root is then undefined and reports nothing more.
  if (document->root().IsDefined()) MappingLoader(*compiled).Load(document->root());
  Diagnostics diagnostics = std::move(document->diagnostics());
  if (!diagnostics.empty()) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    // The same problem reached twice (a node read by two checks) is reported once.
    diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                  [](const Diagnostic& a, const Diagnostic& b) {
                                    return a.line == b.line && a.column == b.column && a.message == b.message;
                                  }),
                      diagnostics.end());
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
