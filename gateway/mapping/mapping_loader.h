// Compiles a mapping document into CompiledMapping (internal to the mapping module). The
// top level, parameters, reader and locale are in mapping_loader.cc; lookup tables in
// lookup_loader.cc; entities (filter, group, fields, custom, checks) in entity_loader.cc.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "gateway/config/config_node.h"
#include "gateway/mapping/expression_compiler.h"
#include "gateway/mapping/mapping_rules.h"

namespace tributary::mapping {

class MappingLoader {
 public:
  explicit MappingLoader(CompiledMapping& out) : out_(out) {}

  // Reports every problem into the document's diagnostics.
  void Load(config::ConfigNode root);

 private:
  // Where each record plan and each of its fields is written, for the reader's problems.
  struct PlanNodes {
    config::ConfigNode records;
    std::vector<config::ConfigNode> fields;
  };

  void LoadParameters(config::ConfigNode node);
  void LoadLookups(config::ConfigNode node);
  void LoadLookupFile(config::ConfigNode node, LookupTable& table);
  void LoadReader(config::ConfigNode node);
  void LoadLocale(config::ConfigNode node);
  void LoadEntity(config::ConfigNode node);
  void LoadLifecycle(config::ConfigNode node, EntityRule& rule, CompileScope& scope);
  void LoadGroup(config::ConfigNode node, EntityRule& rule, CompileScope& scope);
  void LoadFields(config::ConfigNode node, EntityRule& rule, CompileScope& scope);
  void LoadObjectField(config::ConfigNode node, FieldRule& field, CompileScope& scope);
  void LoadCustom(config::ConfigNode entity, EntityRule& rule, CompileScope& scope);
  void LoadChecks(config::ConfigNode entity, EntityRule& rule);
  void CheckEntityFields(EntityRule& rule, const std::vector<const model::FieldSpec*>& written,
                         config::ConfigNode at);
  void CheckRefs();
  void ValidateReadPlan(config::ConfigNode root);

  size_t PlanFor(const std::string& records, const config::ConfigNode& at);
  size_t FieldSlot(size_t plan, const readers::FieldSelector& selector, const config::ConfigNode& at);
  CompileScope ScopeFor(size_t entity, size_t plan);

  CompiledMapping& out_;
  std::shared_ptr<const ParseFormat> locale_;
  config::ConfigNode reader_node_;
  std::vector<std::string> entity_names_;  // every entity of the mapping, by position
  std::vector<PlanNodes> plan_nodes_;
  std::vector<RefUse> refs_;
};

}  // namespace tributary::mapping
