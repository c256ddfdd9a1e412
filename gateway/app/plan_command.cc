#include "gateway/app/plan_command.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>

#include <nlohmann/json.hpp>

#include "connectors/common/file_ingest.h"
#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/connector.h"
#include "connectors/directory/drop_folder.h"
#include "gateway/app/parameter_overrides.h"
#include "gateway/config/config.h"
#include "gateway/model/money.h"
#include "gateway/store/snapshot_guard.h"

namespace tributary::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "Usage: tributary plan --config FILE --connector NAME [--folder SUBDIR] [--param NAME=VALUE]... [--json] INPUT\n"
    "  what INPUT would change if the connector picked it up: per entity created, updated,\n"
    "  unchanged and closed, rejects, the open balance per currency and the biggest changes;\n"
    "  reads the store without writing to it; --folder: as if dropped in that sub-directory\n"
    "  of the drop folder (connectors with recursion: each folder is its own snapshot);\n"
    "  --param: overrides a mapping parameter over the files rule's `parameters` (repeat for a list)\n";

std::string Amount(model::MinorUnitsSum minor, const std::string& currency) {
  return model::FormatMinorUnits(minor, model::CurrencyExponent(currency).value_or(2));
}

std::string SignedAmount(model::MinorUnitsSum minor, const std::string& currency) {
  return (minor > 0 ? "+" : "") + Amount(minor, currency);
}

// 200000 ppm → "20", 125000 → "12.5".
std::string PpmAsPercent(int64_t ppm) {
  std::string text = model::FormatMinorUnits(ppm, 4);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

std::string Padded(std::string text, size_t width, bool right) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return right ? fill + text : text + fill;
}

// What the daemon does with a file whose content the ledger already knows.
struct KnownFileNote {
  std::string action;  // "apply" | "archive" | "wait" | "error"
  std::string words;
};

KnownFileNote DescribeKnownFile(const store::FileEntry& entry) {
  const std::string where = "ledger entry #" + std::to_string(entry.id) + ", " +
                            std::string(store::FileStateName(entry.state)) + " " + entry.updated_at;
  switch (connectors::DecideFileAction(entry)) {
    case connectors::FileAction::kApply:
      return {"apply", "this content was released from quarantine (" + where +
                           "): the daemon applies it without the guard"};
    case connectors::FileAction::kArchiveWhenSafe:
    case connectors::FileAction::kArchiveDuplicate:
      return {"archive", "this exact content was already applied (" + where +
                             "): the daemon archives it without applying it again; the figures "
                             "below are what applying it now would do"};
    case connectors::FileAction::kWait:
      return {"wait", "this exact content is in quarantine (" + where +
                          "): it waits for an admin to release or discard it"};
    case connectors::FileAction::kMoveToError:
      return {"error", "this exact content was " + std::string(store::FileStateName(entry.state)) + " before (" +
                           where + "): the daemon moves it to the error folder"};
  }
  return {"wait", where};
}

// As `tributary map` prints it: "file:line:col: field: reason", or with an xml/json record
// location "file:line: [location] field: reason".
std::string RejectLine(const model::Reject& reject) {
  if (reject.location.empty()) {
    return Diagnostic{reject.file, static_cast<int>(reject.line), reject.column, reject.field, reject.reason}
        .ToString();
  }
  std::string line = reject.file + ":" + std::to_string(reject.line) + ": [" + reject.location + "] ";
  if (!reject.field.empty()) line += reject.field + ": ";
  return line + reject.reason;
}

std::string GuardWords(const GuardPlan& guard) {
  if (guard.trips) {
    return "QUARANTINE: " + guard.reason + "; nothing of the file applies until an admin releases it";
  }
  const int64_t tenths = guard.active > 0 ? (guard.would_close * 2000 + guard.active) / (2 * guard.active) : 0;
  return "would close " + std::to_string(guard.would_close) + " of " + std::to_string(guard.active) + " (" +
         std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "%), within the guard of " +
         PpmAsPercent(guard.max_close_ppm) + "%";
}

struct ParsedPlanArgs {
  std::string config;
  std::string connector;
  std::string folder;  // relative to the drop folder; "" = the drop folder itself
  bool json = false;
  ParameterValues parameters;  // --param, over the files rule's parameters
  std::vector<std::string> inputs;
  std::string error;
};

ParsedPlanArgs ParsePlanArgs(const std::vector<std::string>& arguments) {
  ParsedPlanArgs args;
  for (size_t i = 0; i < arguments.size(); ++i) {
    std::string argument = arguments[i];
    if (argument == "--json") {
      args.json = true;
      continue;
    }
    if (!argument.starts_with("--")) {
      args.inputs.push_back(argument);
      continue;
    }
    std::string name = argument.substr(2);
    std::string value;
    if (auto equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    } else if (i + 1 < arguments.size()) {
      value = arguments[++i];
    } else {
      args.error = "option --" + name + " needs a value";
      return args;
    }
    if (name == "config") {
      args.config = value;
    } else if (name == "connector") {
      args.connector = value;
    } else if (name == "param") {
      if (auto added = AddParameterOverride(value, args.parameters); !added) {
        args.error = added.error().message;
        return args;
      }
    } else if (name == "folder") {
      args.folder = value;
      while (args.folder.ends_with('/')) args.folder.pop_back();
    } else {
      args.error = "unknown option --" + name + " for plan";
      return args;
    }
  }
  if (args.error.empty() && args.config.empty()) args.error = "plan needs --config FILE";
  if (args.error.empty() && args.connector.empty()) args.error = "plan needs --connector NAME";
  if (args.error.empty() && args.inputs.size() != 1) args.error = "plan needs exactly one INPUT file";
  if (args.error.empty() && !args.folder.empty()) {
    const fs::path folder(args.folder);
    bool safe = folder.is_relative();
    for (const fs::path& part : folder) safe = safe && part != ".." && part != ".";
    if (!safe) args.error = "--folder must be a sub-directory of the drop folder, without . or .., got " + args.folder;
  }
  return args;
}

int UsageError(const std::string& message, std::ostream& err) {
  err << "tributary: " << message << "\n\n" << kUsage;
  return 2;
}

}  // namespace

void PrintPlanText(const PlanHeader& header, const FilePlan& plan, std::ostream& out) {
  out << "plan: " << header.file << " on connector " << header.connector << " (files rule \"" << header.pattern
      << "\", " << (header.snapshot ? "snapshot" : "delta") << " feed), mapping " << header.mapping << "\n";
  out << "store: " << header.store_path << " (read-only; nothing was written)\n";
  if (!plan.store_exists) out << "note: there is no database yet: everything in the file would be new\n";
  if (plan.known) out << "note: " << DescribeKnownFile(*plan.known).words << "\n";

  size_t name_width = 6;
  for (const EntityPlan& entity : plan.entities) name_width = std::max(name_width, entity.entity.size());
  out << "\n  " << Padded("", name_width, false) << "   created   updated unchanged    closed\n";
  for (const EntityPlan& entity : plan.entities) {
    out << "  " << Padded(entity.entity, name_width, false);
    for (int64_t count : {entity.created, entity.updated, entity.unchanged, entity.closed}) {
      out << Padded(std::to_string(count), 10, true);
    }
    out << "\n";
  }

  out << "\nrows: " << plan.stats.rows << " read, " << plan.records << " records, " << plan.rejects
      << (plan.rejects == 1 ? " reject" : " rejects");
  if (plan.stats.skipped > 0) out << ", " << plan.stats.skipped << " skipped by the mapping's filters";
  out << "\n";
  for (const model::Reject& reject : plan.reject_samples) out << "  " << RejectLine(reject) << "\n";
  if (plan.rejects > static_cast<int64_t>(plan.reject_samples.size())) {
    out << "  … " << plan.rejects - static_cast<int64_t>(plan.reject_samples.size()) << " more\n";
  }

  if (!plan.balances.empty()) {
    out << "\nopen balance of receivables, whole store (before → after, change):\n";
    for (const BalancePlan& balance : plan.balances) {
      out << "  " << balance.currency << Padded(Amount(balance.before_minor, balance.currency), 16, true) << " → "
          << Padded(Amount(balance.after_minor, balance.currency), 16, true) << "  ("
          << SignedAmount(balance.after_minor - balance.before_minor, balance.currency) << ")\n";
    }
  }
  if (!plan.biggest.empty()) {
    size_t key_width = 0;
    for (const ItemChange& change : plan.biggest) key_width = std::max(key_width, change.key.size());
    out << "\nbiggest changes of open amount:\n";
    for (const ItemChange& change : plan.biggest) {
      out << "  " << Padded(change.change, 8, false) << "  " << Padded(change.key, key_width, false) << "  "
          << change.currency << Padded(Amount(change.before_minor, change.currency), 14, true) << " → "
          << Padded(Amount(change.after_minor, change.currency), 14, true) << "  ("
          << SignedAmount(change.after_minor - change.before_minor, change.currency) << ")";
      if (change.line > 0) out << "  line " << change.line;
      out << "\n";
    }
  }
  if (plan.kept > 0) {
    out << "\nkept: " << plan.kept << (plan.kept == 1 ? " open item whose row was" : " open items whose rows were")
        << " rejected: kept as stored, not closed\n";
  }
  if (!plan.withheld.empty()) {
    out << "\nwithheld: " << plan.withheld_reason << "; the other records of the feed close normally\n";
  }
  if (!plan.unreadable.empty()) {
    out << "\nunreadable rejects: QUARANTINE: " << plan.unreadable_reason
        << "; nothing of the file applies until an admin releases it (closes included) or discards it\n";
  }
  if (plan.guard) out << "\nguard: " << GuardWords(*plan.guard) << "\n";
}

void PrintPlanJson(const PlanHeader& header, const FilePlan& plan, std::ostream& out) {
  nlohmann::ordered_json json;
  json["file"] = header.file;
  json["connector"] = header.connector;
  json["rule"] = header.pattern;
  json["feed"] = header.feed;
  json["mode"] = header.snapshot ? "snapshot" : "delta";
  json["mapping"] = header.mapping;
  json["store"] = {{"path", header.store_path}, {"exists", plan.store_exists}};
  if (plan.known) {
    const KnownFileNote note = DescribeKnownFile(*plan.known);
    json["known_file"] = {{"id", plan.known->id},
                          {"state", std::string(store::FileStateName(plan.known->state))},
                          {"updated_at", plan.known->updated_at},
                          {"daemon_action", note.action}};
  } else {
    json["known_file"] = nullptr;
  }
  json["rows"] = plan.stats.rows;
  json["records"] = plan.records;
  json["rejects"] = plan.rejects;
  json["skipped"] = plan.stats.skipped;
  json["reject_samples"] = nlohmann::ordered_json::array();
  for (const model::Reject& reject : plan.reject_samples) json["reject_samples"].push_back(RejectLine(reject));
  json["entities"] = nlohmann::ordered_json::array();
  for (const EntityPlan& entity : plan.entities) {
    json["entities"].push_back({{"entity", entity.entity},
                                {"created", entity.created},
                                {"updated", entity.updated},
                                {"unchanged", entity.unchanged},
                                {"closed", entity.closed}});
  }
  json["open_balance"] = nlohmann::ordered_json::array();
  for (const BalancePlan& balance : plan.balances) {
    json["open_balance"].push_back({{"currency", balance.currency},
                                    {"before", Amount(balance.before_minor, balance.currency)},
                                    {"after", Amount(balance.after_minor, balance.currency)},
                                    {"delta", Amount(balance.after_minor - balance.before_minor, balance.currency)}});
  }
  json["biggest_changes"] = nlohmann::ordered_json::array();
  for (const ItemChange& change : plan.biggest) {
    nlohmann::ordered_json item = {{"change", change.change},
                                   {"entity", change.entity},
                                   {"key", change.key},
                                   {"currency", change.currency},
                                   {"before", Amount(change.before_minor, change.currency)},
                                   {"after", Amount(change.after_minor, change.currency)},
                                   {"delta", Amount(change.after_minor - change.before_minor, change.currency)}};
    item["line"] = change.line > 0 ? nlohmann::ordered_json(change.line) : nlohmann::ordered_json(nullptr);
    json["biggest_changes"].push_back(std::move(item));
  }
  json["kept"] = plan.kept;
  json["closes_withheld"] = nlohmann::ordered_json::array();
  for (const store::WithheldCloses& withheld : plan.withheld) {
    json["closes_withheld"].push_back({{"entity", withheld.entity},
                                       {"closes", withheld.closes},
                                       {"rejects_without_key", withheld.keyless_rejects},
                                       {"lines", withheld.lines},
                                       {"customers", withheld.customers}});
  }
  json["unreadable_rejects"] = nlohmann::ordered_json::array();
  for (const store::UnreadableRejects& unreadable : plan.unreadable) {
    json["unreadable_rejects"].push_back({{"entity", unreadable.entity},
                                          {"closes", unreadable.closes},
                                          {"rows", unreadable.rows},
                                          {"lines", unreadable.lines},
                                          {"reason", plan.unreadable_reason}});
  }
  if (plan.guard) {
    json["guard"] = {{"would_close", plan.guard->would_close},
                     {"active", plan.guard->active},
                     {"max_close_ratio", store::FormatPpmRatio(plan.guard->max_close_ppm)},
                     {"trips", plan.guard->trips},
                     {"reason", plan.guard->reason}};
  } else {
    json["guard"] = nullptr;
  }
  out << json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int RunPlanCommand(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  if (std::ranges::find(arguments, "--help") != arguments.end()) {
    out << kUsage;
    return 0;
  }
  ParsedPlanArgs args = ParsePlanArgs(arguments);
  if (!args.error.empty()) return UsageError(args.error, err);
  const std::string& input_path = args.inputs.front();

  auto types = connectors::RegisteredConfigTypes();
  // A plan reads the input file and the store, never a network peer: it needs no secret,
  // and an admin or core token's variable need not be set where it runs.
  auto config = config::LoadConfig(args.config, types, connectors::MappingParameterCheck(),
                                   [](std::string_view) { return false; });
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    return 1;
  }
  const config::ConnectorConfig* connector = nullptr;
  std::string names;
  for (const config::ConnectorConfig& candidate : config->connectors) {
    if (candidate.name == args.connector) connector = &candidate;
    names += (names.empty() ? "" : ", ") + candidate.name;
  }
  if (connector == nullptr) {
    return UsageError("no connector named " + args.connector + " in " + args.config + " (connectors: " + names + ")",
                      err);
  }
  auto rules = connectors::PrepareFileRules(*connector);
  if (!rules) {
    err << "tributary: " << rules.error().message << "\n";
    return 1;
  }
  const std::string file_name = fs::path(input_path).filename().string();
  const connectors::FileRuleRuntime* rule = connectors::MatchRule(*rules, file_name);
  if (rule == nullptr) {
    std::string patterns;
    for (const connectors::FileRuleRuntime& candidate : *rules) {
      patterns += (patterns.empty() ? "" : ", ") + candidate.rule.pattern;
    }
    err << "tributary: no files rule of connector " << connector->name << " matches " << file_name
        << " (patterns: " << patterns << ")\n";
    return 2;
  }

  auto sha256 = connectors::directory::HashFile(input_path);
  if (!sha256) {
    err << "tributary: " << input_path << ": " << sha256.error().message << "\n";
    return 2;
  }
  std::error_code mtime_error;
  const auto mtime = fs::last_write_time(input_path, mtime_error);
  PlanTarget target{.mapping = rule->mapping.get(), .options = rule->options, .connector = connector->name};
  // As the connectors do: a sub-directory is its own snapshot feed, and the file is known
  // by its path relative to the drop folder.
  if (!args.folder.empty()) target.options.feed = connector->name + "/" + args.folder + "/" + rule->rule.pattern;
  target.context = connectors::FileMappingContext(config->tenant, connector->name, connector->legal_entity, rule->rule,
                                                 args.folder.empty() ? file_name : args.folder + "/" + file_name);
  target.context.file_sha256 = *sha256;
  // Precedence: --param, then the files rule's parameters, then the mapping's defaults.
  for (const auto& [name, values] : args.parameters) target.context.parameters[name] = values;
  if (!mtime_error) target.context.source_updated_at = connectors::directory::FormatMtime(mtime);

  std::unique_ptr<store::StoreSnapshot> snapshot;
  if (auto opened = store::StoreSnapshot::Open(config->state_path); opened) {
    snapshot = std::move(*opened);
  } else if (opened.error().code != ErrorCode::kNotFound) {
    err << "tributary: " << opened.error().message << "\n";
    return 2;
  }
  std::ifstream input(input_path, std::ios::binary);
  auto plan = PlanFile(input, target, snapshot.get());
  if (!plan) {
    err << "tributary: " << input_path << ": " << plan.error().message << "\n";
    return 2;
  }
  const PlanHeader header{input_path,
                          connector->name,
                          rule->rule.pattern,
                          target.options.feed,
                          rule->options.mode == store::SyncMode::kSnapshot,
                          rule->mapping->name() + "@" + rule->mapping->version(),
                          config->state_path};
  if (args.json) {
    PrintPlanJson(header, *plan, out);
  } else {
    PrintPlanText(header, *plan, out);
  }
  return plan->rejects > 0 || (plan->guard && plan->guard->trips) || !plan->unreadable.empty() ? 1 : 0;
}

}  // namespace tributary::app
