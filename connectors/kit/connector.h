// What every connector is to the daemon, what the daemon gives it, and how a connector
// type presents itself: one ConnectorFactory per type, built from a typed FactoryOf<T> so
// that the connector's code sees its own settings struct and never downcasts.
#pragma once

#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "connectors/kit/action_connector.h"
#include "connectors/kit/connector_reporter.h"
#include "connectors/kit/grant_keeper.h"
#include "connectors/kit/request_budget.h"
#include "gateway/common/clock.h"
#include "gateway/common/metrics.h"
#include "gateway/common/result.h"
#include "gateway/config/config.h"
#include "gateway/http/http_types.h"

namespace tributary::connectors {

// The daemon-wide services every connector shares. Thread-safe; owned by the daemon's
// runtime and outliving every connector.
struct ConnectorServices {
  const Clock* clock = &MachineClock();
  kit::BudgetRegistry* budgets = nullptr;  // request budgets by provider account
  kit::GrantLocks* grant_locks = nullptr;  // one renewal at a time per OAuth grant
};

// What the daemon gives each connector. All members are thread-safe and outlive the
// connector.
struct ConnectorContext {
  std::string tenant;
  std::string state_path;   // the SQLite store; a connector opens its own Store on it
  bool push_enabled = false;  // archive only after the core has acknowledged the changes
  Metrics* metrics = nullptr;
  // Called after a commit that appended changes to the outbox (wakes long polls and the
  // pusher). Thread-safe.
  std::function<void()> notify_changes;
  // Requested when the daemon's stop budget is spent: the work in flight (a file being
  // downloaded or mapped) is abandoned and rolled back. A Poll's own `stop` only means
  // "start nothing new"; a default token is never requested.
  std::stop_token abandon;
  ConnectorServices services;
  // Where the connector reports the file in progress, unmatched files and failed files;
  // one per connector (the daemon gives each its own). May be null (tests, tools).
  ConnectorReporter* reporter = nullptr;

  [[nodiscard]] const Clock& clock() const { return *services.clock; }
};

// A source connector. Poll() is called by the daemon on the connector's own thread, on
// its schedule and when an admin action concerns it; never concurrently for one connector.
class Connector {
 public:
  virtual ~Connector() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;
  // One pass: fetch what is new, apply it, move the cursor (or archive files). Idempotent
  // and resumable: after a crash at any instant, the next Poll() finishes the work without
  // loss or duplicates. An error means the pass could not run (the folder is missing, the
  // provider refused the grant); per-record problems are rejects and do not fail it.
  virtual Status Poll(std::stop_token stop) = 0;
};

// Answers a request it owns (by method and `path`, the target without its query), or
// nullopt to let the next route look at it. Reached without the admin token: the route
// authenticates by its own means (a webhook signature, an OAuth `state`). Thread-safe.
using PublicRoute = std::function<std::optional<http::Response>(const http::Request& request, const std::string& path)>;

// What the daemon offers the routes of a connector type.
struct RouteDeps {
  std::string state_path;
  std::function<void(const std::string& connector)> wake_connector;  // thread-safe
  Metrics* metrics = nullptr;
  const Clock* clock = &MachineClock();
};

// `tributary auth <type> --config FILE --connector NAME [--redirect-url URL]`.
struct ConsentOptions {
  const config::Config* config = nullptr;
  const config::ConnectorConfig* connector = nullptr;  // of the factory's type
  std::optional<std::string> redirect_url;             // given on the command line
  std::chrono::seconds wait{15 * 60};                  // for a person to complete it
};
struct ConsentStreams {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// A command of the CLI that a connector type brings (`tributary sftp-keyscan HOST`).
struct ConnectorTool {
  std::string command;  // "sftp-keyscan"
  std::string usage;    // the line(s) of `tributary --help`, starting with the command
  // Exit codes: 0 success, 1 failed, 2 usage. `arguments` follow the command.
  std::function<int(const std::vector<std::string>& arguments, ConsentStreams streams)> run;
};

// `tributary check --connect`: reaches a connector's remote side the cheapest way that
// proves its settings work (an SFTP login with the pinned host key, a token request) and
// writes nothing (not to the store, not on the server). What it proved in a few words
// ("logged in as erp on sftp.example.com, remote_dir is a folder"), or why it failed;
// neither carries a secret. Runs on the caller's thread; `context` has no metrics and no
// daemon services but the clock.
using RemoteProbe =
    std::function<Result<std::string>(const config::ConnectorConfig& config, const ConnectorContext& context)>;

// One entry of the connector list (registry.cc): the type-erased face of a FactoryOf<T>.
struct ConnectorFactory {
  config::ConnectorType config_type;  // type name + parser of its config section
  // The source side; never null (a type that only acts polls nothing, e.g. an agency
  // whose monitoring is not configured).
  std::function<Result<std::unique_ptr<Connector>>(const config::ConnectorConfig&, const ConnectorContext&)> make;
  // The kinds of action the type does; empty for a pure source.
  std::vector<ActionKind> action_kinds;
  // The action side; null for a pure source.
  std::function<Result<std::unique_ptr<ActionConnector>>(const config::ConnectorConfig&, const ConnectorContext&)>
      make_action;
  // The public admin routes of the type's connectors in `config`; null when none.
  std::function<PublicRoute(const config::Config& config, const RouteDeps& deps)> routes;
  // The consent command; null when the type needs none. Exit codes: 0 done, 1 failed,
  // 2 usage.
  std::function<int(const ConsentOptions& options, ConsentStreams streams)> consent;
  std::vector<ConnectorTool> tools;
  // The remote check of `check --connect`; null when the type offers none.
  RemoteProbe probe;
};

// One configured connector of type T, for the routes of its type.
template <typename Settings>
struct ConfiguredConnector {
  const config::ConnectorConfig* config;
  const Settings* settings;
};

// A connector type as its folder writes it: everything sees `Settings`, the struct its
// parser returns.
template <typename Settings>
struct FactoryOf {
  std::string type;
  std::function<std::unique_ptr<Settings>(config::ConfigNode section)> parse;
  bool file_rules = true;  // false for API sources: `files` is then refused
  std::function<Result<std::unique_ptr<Connector>>(const config::ConnectorConfig& config, const Settings& settings,
                                                   const ConnectorContext& context)>
      make;
  std::vector<ActionKind> action_kinds;  // what the type does as an action connector
  std::function<Result<std::unique_ptr<ActionConnector>>(const config::ConnectorConfig& config,
                                                         const Settings& settings, const ConnectorContext& context)>
      make_action;  // null unless action_kinds is not empty
  std::function<PublicRoute(const std::vector<ConfiguredConnector<Settings>>& connectors, const RouteDeps& deps)>
      routes;
  std::function<int(const ConsentOptions& options, const Settings& settings, ConsentStreams streams)> consent;
  std::vector<ConnectorTool> tools;
  // `check --connect` (RemoteProbe); null: the type has no remote check.
  std::function<Result<std::string>(const config::ConnectorConfig& config, const Settings& settings,
                                    const ConnectorContext& context)>
      probe;
};

// The ConnectorFactory of a FactoryOf<T>. A connector's `settings` was made by this same
// factory's parser (the loader picks the parser by `type`), so it is a T: the one cast of
// the kit lives here and nowhere else.
template <typename Settings>
ConnectorFactory Erase(FactoryOf<Settings> typed) {
  auto settings_of = [](const config::ConnectorConfig& config) -> const Settings& {
    return static_cast<const Settings&>(*config.settings);
  };
  ConnectorFactory factory;
  factory.config_type.type = typed.type;
  factory.config_type.file_rules = typed.file_rules;
  factory.config_type.parse = [parse = typed.parse](config::ConfigNode section) -> std::unique_ptr<config::ConnectorSettings> {
    return parse(std::move(section));
  };
  factory.make = [make = typed.make, settings_of](const config::ConnectorConfig& config, const ConnectorContext& context) {
    return make(config, settings_of(config), context);
  };
  factory.action_kinds = typed.action_kinds;
  if (typed.make_action) {
    factory.make_action = [make_action = typed.make_action, settings_of](const config::ConnectorConfig& config,
                                                                         const ConnectorContext& context) {
      return make_action(config, settings_of(config), context);
    };
  }
  if (typed.routes) {
    factory.routes = [type = typed.type, routes = typed.routes, settings_of](const config::Config& config,
                                                                             const RouteDeps& deps) -> PublicRoute {
      std::vector<ConfiguredConnector<Settings>> mine;
      for (const config::ConnectorConfig& connector : config.connectors) {
        if (connector.type == type) mine.push_back({&connector, &settings_of(connector)});
      }
      if (mine.empty()) return nullptr;
      return routes(mine, deps);
    };
  }
  if (typed.consent) {
    factory.consent = [consent = typed.consent, settings_of](const ConsentOptions& options, ConsentStreams streams) {
      return consent(options, settings_of(*options.connector), streams);
    };
  }
  factory.tools = std::move(typed.tools);
  if (typed.probe) {
    factory.probe = [probe = typed.probe, settings_of](const config::ConnectorConfig& config,
                                                       const ConnectorContext& context) {
      return probe(config, settings_of(config), context);
    };
  }
  return factory;
}

// Every connector type this build knows, in one reviewed list (registry.cc).
const std::vector<ConnectorFactory>& RegisteredConnectors();
// The config types of RegisteredConnectors(), for config::LoadConfig.
std::vector<config::ConnectorType> RegisteredConfigTypes();
// The factory of `type`; null when this build has none.
const ConnectorFactory* FindConnectorFactory(std::string_view type);

}  // namespace tributary::connectors
