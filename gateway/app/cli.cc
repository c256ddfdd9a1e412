#include "gateway/app/cli.h"

#include <charconv>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "connectors/sftp/sftp_session.h"
#include "gateway/config/config.h"
#include "gateway/app/auth_command.h"
#include "gateway/app/check_command.h"
#include "gateway/app/daemon.h"
#include "gateway/app/parameter_overrides.h"
#include "gateway/app/plan_command.h"
#include "gateway/app/test_command.h"
#include "gateway/mapping/dry_run.h"

namespace tributary::app {
namespace {

constexpr const char* kUsage = R"(tributary: the receivables connector gateway

Usage:
  tributary run   --config FILE     run the daemon (systemd Type=notify; SIGTERM stops, SIGHUP reloads)
  tributary check --config FILE     validate the config and every mapping it names; no network
  tributary map   --mapping FILE [--tenant T] [--source S] [--legal-entity L] [--param NAME=VALUE]...
                  [--group-memory MIB] INPUT...
                                    dry run: canonical JSON lines on stdout, rejects and a summary on stderr;
                                    groups past MIB (default 64) spill to $TMPDIR
  tributary test  [--update] [DIR...] run the mapping test cases (folders with case.yaml) under each DIR
  tributary plan  --config FILE --connector NAME [--folder SUBDIR] [--json] INPUT
                                    what INPUT would change in the store (read-only: works beside the daemon)
  tributary auth quickbooks --config FILE --connector NAME [--redirect-url URL]
                                    OAuth consent: prints the authorization URL, stores the tokens
  tributary sftp-keyscan HOST[:PORT] print the SFTP server's host key as a known_hosts line and its
                                    SHA256 fingerprint (verify it out of band before pinning it)
  tributary --help | --version

Exit codes: 0 success, 1 invalid input (config problems, rejects), 2 usage or unusable files.
)";

struct ParsedArgs {
  std::string command;
  std::map<std::string, std::string> options;
  std::vector<std::string> params;  // every --param, in order
  std::vector<std::string> positional;
  std::string error;
};

ParsedArgs Parse(int argc, char** argv, const std::vector<std::string>& value_options) {
  ParsedArgs args;
  if (argc < 2) return args;
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0) {
      std::string name = arg.substr(2);
      std::string value;
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

int UsageError(const std::string& message) {
  std::cerr << "tributary: " << message << "\n\n" << kUsage;
  return 2;
}

// `sftp-keyscan HOST[:PORT]`: connects, takes the host key, does not authenticate.
int RunSftpKeyscan(const std::string& target) {
  std::string host = target;
  std::string port_text = "22";
  if (target.starts_with('[')) {
    size_t close = target.find(']');
    if (close == std::string::npos) return UsageError("invalid HOST[:PORT] " + target);
    host = target.substr(1, close - 1);
    if (close + 1 < target.size()) {
      if (target[close + 1] != ':') return UsageError("invalid HOST[:PORT] " + target);
      port_text = target.substr(close + 2);
    }
  } else if (size_t colon = target.find(':'); colon != std::string::npos && target.find(':', colon + 1) == std::string::npos) {
    host = target.substr(0, colon);
    port_text = target.substr(colon + 1);
  }
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = 0;
  } catch (const std::exception&) {
    port = 0;
  }
  if (host.empty() || port < 1 || port > 65535) return UsageError("invalid HOST[:PORT] " + target);
  auto scanned = connectors::sftp::ScanHostKey(host, static_cast<uint16_t>(port), std::chrono::seconds(30));
  if (!scanned) {
    std::cerr << "tributary: " << scanned.error().message << "\n";
    return 2;
  }
  // The fingerprint as a comment line, so the whole output can be appended to known_hosts.
  std::cout << "# " << scanned->key_type << " " << scanned->fingerprint << "\n" << scanned->known_hosts_line << "\n";
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  if (argc < 2) return UsageError("a command is required");
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (first == "--version" || first == "version") {
    std::cout << "tributary " << TRIBUTARY_VERSION << "\n";
    return 0;
  }
  if (first == "run" || first == "check") {
    ParsedArgs args = Parse(argc, argv, {"config"});
    if (!args.error.empty()) return UsageError(args.error);
    if (!args.options.contains("config")) return UsageError(first + " needs --config FILE");
    if (!args.positional.empty()) return UsageError("unexpected argument " + args.positional.front());
    if (first == "check") return RunCheckCommand(args.options["config"], std::cout, std::cerr);
    return RunDaemon(args.options["config"]);
  }
  if (first == "map") {
    ParsedArgs args = Parse(argc, argv, {"mapping", "tenant", "source", "legal-entity", "param", "group-memory"});
    if (!args.error.empty()) return UsageError(args.error);
    if (!args.options.contains("mapping")) return UsageError("map needs --mapping FILE");
    if (args.positional.empty()) return UsageError("map needs at least one INPUT file");
    mapping::MappingContext context;
    if (args.options.contains("tenant")) context.tenant = args.options["tenant"];
    if (args.options.contains("source")) context.source = args.options["source"];
    if (args.options.contains("legal-entity")) context.legal_entity = args.options["legal-entity"];
    if (args.options.contains("group-memory")) {
      const std::string& mib = args.options["group-memory"];
      size_t value = 0;
      const auto [end, error] = std::from_chars(mib.data(), mib.data() + mib.size(), value);
      constexpr auto kMax = static_cast<size_t>(config::FileRule::kMaxGroupMemoryMib);
      if (error != std::errc() || end != mib.data() + mib.size() || value == 0 || value > kMax) {
        return UsageError("--group-memory needs a number of MiB between 1 and " + std::to_string(kMax) + ", not " + mib);
      }
      context.group_memory_bytes = value << 20;
    }
    ParameterValues parameters;
    for (const std::string& param : args.params) {
      if (auto added = AddParameterOverride(param, parameters); !added) return UsageError(added.error().message);
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
      return UsageError("auth needs a provider (quickbooks), --config FILE and --connector NAME");
    }
    AuthOptions options{.provider = args.positional[0], .config_path = args.options["config"],
                        .connector = args.options["connector"]};
    if (args.options.contains("redirect-url")) options.redirect_url = args.options["redirect-url"];
    return RunAuthCommand(options, std::cin, std::cout, std::cerr);
  }
  if (first == "sftp-keyscan") {
    if (argc != 3) return UsageError("sftp-keyscan needs exactly one HOST[:PORT]");
    return RunSftpKeyscan(argv[2]);
  }
  return UsageError("unknown command '" + first + "'");
}

}  // namespace tributary::app
