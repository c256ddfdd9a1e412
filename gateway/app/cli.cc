#include "gateway/app/cli.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/kit/connector.h"
#include "gateway/config/config.h"
#include "gateway/app/auth_command.h"
#include "gateway/app/check_command.h"
#include "gateway/app/compact_command.h"
#include "gateway/app/daemon.h"
#include "gateway/app/map_command.h"
#include "gateway/app/parameter_overrides.h"
#include "gateway/app/plan_command.h"
#include "gateway/app/test_command.h"
#include "gateway/mapping/dry_run.h"

namespace tributary::app {
namespace {

constexpr const char* kUsage = R"(tributary: the receivables connector gateway

Usage:
  tributary run   --config FILE     run the daemon (systemd Type=notify; SIGTERM stops, SIGHUP reloads)
  tributary check --config FILE [--connect] | --mapping FILE
                                    validate the config, the local files and folders and every mapping it names
                                    (warning: a folder the daemon would create); --connect: also log in to each
                                    connector's remote side, one verdict line each; --mapping: one mapping alone
  tributary map   --mapping FILE [--tenant T] [--source S] [--legal-entity L] [--param NAME=VALUE]...
                  [--group-memory MIB] INPUT...
                                    dry run: canonical JSON lines on stdout, rejects and a summary on stderr;
                                    groups past MIB (default 64) spill to $TMPDIR
  tributary map   --config FILE --connector NAME [--param NAME=VALUE]... [--group-memory MIB] INPUT...
                                    the same with the connector's tenant, name, legal entity and the files rule
                                    INPUT's name matches (mapping, parameters): the daemon's keys
  tributary test  [--update] [DIR...] run the mapping test cases (folders with case.yaml) under each DIR
  tributary plan  --config FILE --connector NAME [--folder SUBDIR] [--json] INPUT
                                    what INPUT would change in the store (read-only: works beside the daemon)
  tributary compact --config FILE   apply the retention once (old delivered changes compacted, old rejects and
                                    ledger rows deleted) and print what was removed; works beside the daemon
  tributary auth TYPE --config FILE --connector NAME [--redirect-url URL]
                                    OAuth consent or grant check of a connector (TYPE: AUTH_TYPES)
TOOLS  tributary --help | --version

Exit codes: 0 success, 1 invalid input (config problems, rejects), 2 usage or unusable files.
)";

struct ParsedArgs {
  std::string command;
  std::map<std::string, std::string> options;
  std::vector<std::string> params;  // every --param, in order
  std::vector<std::string> positional;
  std::string error;
};

// `value_options` take a value (`--config FILE`, `--config=FILE`); `flags` do not (`--connect`).
ParsedArgs Parse(int argc, char** argv, const std::vector<std::string>& value_options,
                 const std::vector<std::string>& flags = {}) {
  ParsedArgs args;
  if (argc < 2) return args;
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::string value;
      if (std::ranges::find(flags, name) != flags.end()) {
        args.options[name] = "";
        continue;
      }
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        args.error = "option --" + name + " needs a value";
        return args;
      }
      bool known = false;
      for (const std::string& option : value_options) known = known || option == name;
      if (!known) {
        args.error = "unknown option --" + name;
        return args;
      }
      args.options[name] = value;
      if (name == "param") args.params.push_back(value);
    } else {
      args.positional.push_back(arg);
    }
  }
  return args;
}

// kUsage with the connector types' consent types and tools of this build.
std::string Usage() {
  std::string usage = kUsage;
  std::string auth_types;
  std::string tools;
  for (const auto& factory : connectors::RegisteredConnectors()) {
    if (factory.consent) auth_types += (auth_types.empty() ? "" : ", ") + factory.config_type.type;
    for (const auto& tool : factory.tools) tools += "  tributary " + tool.usage + "\n";
  }
  usage.replace(usage.find("AUTH_TYPES"), 10, auth_types.empty() ? "none in this build" : auth_types);
  usage.replace(usage.find("TOOLS"), 5, tools);
  return usage;
}

// The lines of Usage() that describe `command` (its usage and their continuation), or ""
// when no line does.
std::string CommandUsage(const std::string& command) {
  std::istringstream lines(Usage());
  std::string line;
  std::string found;
  bool inside = false;
  const std::string start = "  tributary " + command + " ";
  while (std::getline(lines, line)) {
    if (line.rfind("  tributary ", 0) == 0 || line.empty() || line[0] != ' ') inside = line.rfind(start, 0) == 0;
    if (inside) found += line + "\n";
  }
  return found;
}

// `tributary COMMAND --help` (or -h anywhere after COMMAND): the command's usage on stdout.
std::optional<int> CommandHelp(int argc, char** argv) {
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg != "--help" && arg != "-h") continue;
    const std::string usage = CommandUsage(argv[1]);
    if (usage.empty()) return std::nullopt;
    std::cout << "Usage:\n" << usage
              << "\nExit codes: 0 success, 1 invalid input (config problems, rejects), 2 usage or unusable files.\n";
    return 0;
  }
  return std::nullopt;
}

int UsageError(const std::string& message) {
  std::cerr << "tributary: " << message << "\n\n" << Usage();
  return 2;
}

}  // namespace

int Main(int argc, char** argv) {
  if (argc < 2) return UsageError("a command is required");
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    std::cout << Usage();
    return 0;
  }
  if (first == "--version" || first == "version") {
    std::cout << "tributary " << TRIBUTARY_VERSION << "\n";
    return 0;
  }
  if (auto help = CommandHelp(argc, argv)) return *help;
  if (first == "check") {
    ParsedArgs args = Parse(argc, argv, {"config", "mapping"}, {"connect"});
    if (!args.error.empty()) return UsageError(args.error);
    if (!args.options.contains("config") && !args.options.contains("mapping")) {
      return UsageError("check needs --config FILE or --mapping FILE");
    }
    if (args.options.contains("connect") && !args.options.contains("config")) {
      return UsageError("check --connect needs --config FILE");
    }
    if (!args.positional.empty()) return UsageError("unexpected argument " + args.positional.front());
    return RunCheckCommand({.config_path = args.options["config"],
                            .mapping_path = args.options["mapping"],
                            .connect = args.options.contains("connect")},
                           std::cout, std::cerr);
  }
  if (first == "run" || first == "compact") {
    ParsedArgs args = Parse(argc, argv, {"config"});
    if (!args.error.empty()) return UsageError(args.error);
    if (!args.options.contains("config")) return UsageError(first + " needs --config FILE");
    if (!args.positional.empty()) return UsageError("unexpected argument " + args.positional.front());
    if (first == "compact") return RunCompactCommand(args.options["config"], std::cout, std::cerr);
    return RunDaemon(args.options["config"]);
  }
  if (first == "map") {
    ParsedArgs args = Parse(argc, argv, {"mapping", "tenant", "source", "legal-entity", "param", "group-memory",
                                         "config", "connector"});
    if (!args.error.empty()) return UsageError(args.error);
    const bool by_connector = args.options.contains("config") || args.options.contains("connector");
    if (by_connector) {
      if (!args.options.contains("config") || !args.options.contains("connector")) {
        return UsageError("map needs both --config FILE and --connector NAME");
      }
      for (const char* own : {"mapping", "tenant", "source", "legal-entity"}) {
        if (args.options.contains(own)) {
          return UsageError(std::string("map --connector takes --") + own + " from the config; leave it out");
        }
      }
    } else if (!args.options.contains("mapping")) {
      return UsageError("map needs --mapping FILE, or --config FILE and --connector NAME");
    }
    if (args.positional.empty()) return UsageError("map needs at least one INPUT file");
    mapping::MappingContext context;
    if (args.options.contains("tenant")) context.tenant = args.options["tenant"];
    if (args.options.contains("source")) context.source = args.options["source"];
    if (args.options.contains("legal-entity")) context.legal_entity = args.options["legal-entity"];
    std::optional<size_t> group_memory_bytes;
    if (args.options.contains("group-memory")) {
      const std::string& mib = args.options["group-memory"];
      size_t value = 0;
      const auto [end, error] = std::from_chars(mib.data(), mib.data() + mib.size(), value);
      constexpr auto kMax = static_cast<size_t>(config::FileRule::kMaxGroupMemoryMib);
      if (error != std::errc() || end != mib.data() + mib.size() || value == 0 || value > kMax) {
        return UsageError("--group-memory needs a number of MiB between 1 and " + std::to_string(kMax) + ", not " + mib);
      }
      group_memory_bytes = value << 20;
      context.group_memory_bytes = *group_memory_bytes;
    }
    ParameterValues parameters;
    for (const std::string& param : args.params) {
      if (auto added = AddParameterOverride(param, parameters); !added) return UsageError(added.error().message);
    }
    if (by_connector) {
      return RunConnectorMapCommand({.config_path = args.options["config"],
                                     .connector = args.options["connector"],
                                     .parameters = std::move(parameters),
                                     .group_memory_bytes = group_memory_bytes},
                                    args.positional, std::cout, std::cerr);
    }
    context.parameters = std::move(parameters);
    return mapping::RunMapCommand(args.options["mapping"], args.positional, context, std::cout, std::cerr);
  }
  if (first == "test" || first == "plan") {
    const std::vector<std::string> arguments(argv + 2, argv + argc);
    if (first == "test") return RunTestCommand(arguments, std::cout, std::cerr);
    return RunPlanCommand(arguments, std::cout, std::cerr);
  }
  if (first == "auth") {
    ParsedArgs args = Parse(argc, argv, {"config", "connector", "redirect-url"});
    if (!args.error.empty()) return UsageError(args.error);
    if (args.positional.size() != 1 || !args.options.contains("config") || !args.options.contains("connector")) {
      return UsageError("auth needs a connector type, --config FILE and --connector NAME");
    }
    AuthOptions options{.provider = args.positional[0], .config_path = args.options["config"],
                        .connector = args.options["connector"]};
    if (args.options.contains("redirect-url")) options.redirect_url = args.options["redirect-url"];
    return RunAuthCommand(options, std::cin, std::cout, std::cerr);
  }
  for (const auto& factory : connectors::RegisteredConnectors()) {
    for (const auto& tool : factory.tools) {
      if (tool.command == first) return tool.run(std::vector<std::string>(argv + 2, argv + argc), {std::cin, std::cout, std::cerr});
    }
  }
  return UsageError("unknown command '" + first + "'");
}

}  // namespace tributary::app
