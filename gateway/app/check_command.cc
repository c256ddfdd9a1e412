#include "gateway/app/check_command.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/connector.h"
#include "gateway/app/path_check.h"
#include "gateway/common/secret_redactor.h"
#include "gateway/config/config.h"
#include "gateway/mapping/mapping.h"

namespace tributary::app {
namespace {

std::string Counted(size_t count, std::string_view noun) {
  return std::to_string(count) + " " + std::string(noun) + (count == 1 ? "" : "s");
}

// The node at `dotted` ("connectors[0].directory.path") in `root`, or the deepest node
// on the way that exists: the position a finding about that key is reported at.
config::ConfigNode Locate(config::ConfigNode root, std::string_view dotted) {
  config::ConfigNode node = root;
  while (!dotted.empty()) {
    const size_t end = dotted.find('.');
    std::string_view part = dotted.substr(0, end);
    dotted = end == std::string_view::npos ? std::string_view() : dotted.substr(end + 1);
    std::optional<size_t> index;
    if (const size_t open = part.find('['); open != std::string_view::npos) {
      index = std::stoul(std::string(part.substr(open + 1)));
      part = part.substr(0, open);
    }
    config::ConfigNode next = node.Child(part);
    if (!next.IsDefined()) return node;
    if (index) {
      std::vector<config::ConfigNode> items = next.Items();
      if (*index >= items.size()) return next;
      next = items[*index];
    }
    node = next;
  }
  return node;
}

struct Finding {
  Diagnostic diagnostic;
  bool warning = false;
};

// The local paths of `config` (the state database, each connector's files and folders),
// positioned at the key that names them and sorted by position.
std::vector<Finding> CheckConfigPaths(const config::Config& config, const std::string& config_path) {
  std::unique_ptr<config::ConfigDocument> document = config::ConfigDocument::Load(config_path);
  config::ConfigNode root = document->root();
  std::vector<Finding> findings;
  auto add = [&](std::vector<PathFinding> found, const std::string& key_path) {
    config::ConfigNode node = Locate(root, key_path);
    for (PathFinding& finding : found) {
      const bool warning = finding.severity == PathFinding::Severity::kWarning;
      findings.push_back({.diagnostic = {.file = config.file,
                                         .line = node.line(),
                                         .column = node.column(),
                                         .path = key_path,
                                         .message = (warning ? "warning: " : "") + std::move(finding.message)},
                          .warning = warning});
    }
  };
  add(CheckStatePath(config.state_path), "state");
  for (size_t i = 0; i < config.connectors.size(); ++i) {
    const config::ConnectorConfig& connector = config.connectors[i];
    const std::vector<config::LocalPath> paths = connector.settings->LocalPaths();
    // A recursive drop folder does not list the archive and error folders inside it.
    std::vector<std::string> own;
    for (const config::LocalPath& path : paths) own.push_back(path.path);
    for (const config::LocalPath& path : paths) {
      add(CheckLocalPath(path, own), "connectors[" + std::to_string(i) + "]." + connector.type + "." + path.key);
    }
  }
  std::ranges::stable_sort(findings, [](const Finding& a, const Finding& b) {
    return std::tie(a.diagnostic.line, a.diagnostic.column) < std::tie(b.diagnostic.line, b.diagnostic.column);
  });
  return findings;
}

// Loads the mapping at `path` as the daemon does; prints its problems. Returns their count.
size_t CheckMapping(const std::string& path, std::ostream& err, std::string* description = nullptr) {
  auto mapping = mapping::Mapping::Load(path);
  if (!mapping) {
    for (const Diagnostic& diagnostic : mapping.error()) err << diagnostic.ToString() << "\n";
    return mapping.error().size();
  }
  if (description != nullptr) *description = "mapping " + (*mapping)->name() + "@" + (*mapping)->version();
  return 0;
}

// One verdict line per connector on `out`; returns how many probes failed.
size_t ProbeConnectors(const config::Config& config, std::ostream& out) {
  const SecretRedactor redactor(config.secrets);
  const connectors::ConnectorContext context{.tenant = config.tenant, .state_path = config.state_path};
  size_t failed = 0;
  for (const config::ConnectorConfig& connector : config.connectors) {
    out << connector.name << " (" << connector.type << "): ";
    const connectors::ConnectorFactory* factory = connectors::FindConnectorFactory(connector.type);
    if (factory == nullptr || !factory->probe) {
      out << "no remote check\n";
      continue;
    }
    auto verdict = factory->probe(connector, context);
    if (verdict) {
      out << "ok: " << redactor.Redact(*verdict) << "\n";
    } else {
      ++failed;
      out << "failed: " << redactor.Redact(verdict.error().message) << "\n";
    }
    out.flush();
  }
  return failed;
}

int CheckConfig(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  const std::string& config_path = options.config_path;
  auto types = connectors::RegisteredConfigTypes();
  auto config = config::LoadConfig(config_path, types, connectors::MappingParameterCheck());
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    err << Counted(config.error().size(), "problem") << " found in " << config_path << "\n";
    return 1;
  }
  size_t path_problems = 0;
  for (const Finding& finding : CheckConfigPaths(*config, config_path)) {
    if (!finding.warning) ++path_problems;
    err << finding.diagnostic.ToString() << "\n";
  }
  std::set<std::string> mappings;
  for (const config::ConnectorConfig& connector : config->connectors) {
    for (const config::FileRule& rule : connector.files) mappings.insert(rule.mapping_path);
    for (const std::string& path : connector.settings->MappingPaths()) mappings.insert(path);
  }
  size_t mapping_problems = 0;
  for (const std::string& path : mappings) mapping_problems += CheckMapping(path, err);
  const size_t failed_probes = options.connect ? ProbeConnectors(*config, out) : 0;
  if (path_problems + mapping_problems > 0) {
    err << Counted(path_problems + mapping_problems, "problem") << " found in "
        << (path_problems == 0 ? "the mappings of " : "") << config_path << "\n";
  }
  if (failed_probes > 0) err << Counted(failed_probes, "connector") << " failed the remote check\n";
  if (path_problems + mapping_problems + failed_probes > 0) return 1;
  out << config_path << ": OK (" << Counted(config->connectors.size(), "connector") << ", "
      << Counted(mappings.size(), "mapping") << ")\n";
  return 0;
}

}  // namespace

int RunCheckCommand(const CheckOptions& options, std::ostream& out, std::ostream& err) {
  int status = 0;
  if (!options.config_path.empty()) status = CheckConfig(options, out, err);
  if (!options.mapping_path.empty()) {
    std::string description;
    if (const size_t problems = CheckMapping(options.mapping_path, err, &description); problems > 0) {
      err << Counted(problems, "problem") << " found in " << options.mapping_path << "\n";
      status = 1;
    } else {
      out << options.mapping_path << ": OK (" << description << ")\n";
    }
  }
  return status;
}

}  // namespace tributary::app
