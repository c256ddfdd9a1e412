#include "gateway/app/daemon.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <stop_token>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/action_runner.h"
#include "connectors/kit/connector.h"
#include "gateway/admin/admin_api.h"
#include "gateway/app/connector_runner.h"
#include "gateway/app/logging.h"
#include "gateway/app/pusher_service.h"
#include "gateway/app/retention_service.h"
#include "gateway/common/change_signal.h"
#include "gateway/common/metrics.h"
#include "gateway/common/process_metrics.h"
#include "gateway/common/secret_redactor.h"
#include "gateway/config/config.h"
#include "gateway/http/http_server.h"
#include "gateway/store/store.h"

namespace tributary::app {
namespace {

// The admin tokens of `admin`: `token` with every scope, then each of `tokens`.
std::vector<admin::AccessToken> AccessTokens(const config::AdminConfig& admin) {
  std::vector<admin::AccessToken> tokens;
  if (admin.token) tokens.push_back({.name = "admin", .token = admin.token->value, .scopes = admin::Scopes::All()});
  for (const config::AdminToken& token : admin.tokens) {
    admin::Scopes scopes;
    for (const std::string& name : token.scopes) {
      if (auto scope = admin::ParseScope(name)) scopes = scopes | *scope;
    }
    tokens.push_back({.name = token.name, .token = token.token.value, .scopes = scopes});
  }
  return tokens;
}

// How long a stop (SIGTERM, SIGINT, SIGHUP reload) waits for the files in flight before
// abandoning them; below the unit's TimeoutStopSec (5 min) so the rest of the shutdown
// fits before systemd's SIGKILL.
constexpr std::chrono::seconds kStopBudget{240};

void DescribeMetrics(Metrics& metrics) {
  metrics.Describe("tributary_files_total", "counter", "Files handled, by connector and outcome (applied, quarantined, failed, duplicate, archived, deleted, changed).");
  metrics.Describe("tributary_rows_total", "counter", "Source records read, by connector.");
  metrics.Describe("tributary_rejects_total", "counter", "Source records rejected by the mapping or the store, by connector.");
  metrics.Describe("tributary_changes_total", "counter", "Changes appended to the outbox, by connector.");
  metrics.Describe("tributary_snapshot_closes_withheld_total", "counter", "Closes by absence a snapshot did not make because rejected rows had no key, by connector and entity.");
  metrics.Describe("tributary_last_file_applied_timestamp_seconds", "gauge", "Unix time of the last applied file, by connector.");
  metrics.Describe("tributary_data_age_seconds", "gauge", "Seconds since the connector last applied a file.");
  metrics.Describe("tributary_connector_up", "gauge", "1 when the connector's last poll succeeded.");
  metrics.Describe("tributary_outbox_last_seq", "gauge", "Highest change sequence number in the outbox.");
  metrics.Describe("tributary_outbox_depth", "gauge", "Changes not yet acknowledged by the core (push only).");
  metrics.Describe("tributary_dead_letters", "gauge", "Dead letters not replayed.");
  metrics.Describe("tributary_quarantined_snapshots", "gauge", "Snapshots waiting for an admin decision.");
  metrics.Describe("tributary_open_amount", "gauge",
                   "Open amount of active receivables, by currency and legal entity (exact decimal; legal_entity=\"\" when the connector sets none).");
  metrics.Describe("tributary_open_items", "gauge", "Active receivables with an open amount, by currency and legal entity.");
  metrics.Describe("tributary_file_rows_read", "gauge",
                   "Source records read so far from the file the connector is mapping now; 0 between files.");
  metrics.Describe("tributary_file_bytes_read", "gauge",
                   "Bytes read so far from the file the connector is mapping now; 0 between files.");
  metrics.Describe("tributary_unmatched_files", "gauge",
                   "Files now in the connector's watched folders that match none of its patterns (never read).");
  metrics.Describe("tributary_build_info", "gauge", "Always 1; the version of the running binary as a label.");
  metrics.Set("tributary_build_info", {{"version", TRIBUTARY_VERSION}}, 1);
  DescribeProcessMetrics(metrics);
  metrics.Describe("tributary_action_jobs", "gauge", "Action jobs, by status.");
  metrics.Describe("tributary_action_runs_total", "counter", "Action job runs, by connector, kind and outcome.");
  metrics.Describe("tributary_action_waiting_provider", "gauge",
                   "Action jobs waiting for their provider's decision, by connector and kind.");
  metrics.Describe("tributary_action_oldest_waiting_seconds", "gauge",
                   "Age of the oldest job waiting for its provider's decision, by connector and kind.");
  metrics.Describe("tributary_credit_cover_granted", "gauge",
                   "Insurer cover in force (approved, partially approved or reduced), by connector and currency (exact decimal).");
  metrics.Describe("tributary_credit_covers", "gauge", "Insurer covers in force, by connector and currency.");
  metrics.Describe("tributary_admin_connections_dropped_total", "counter",
                   "Admin API connections the server closed to protect itself, by reason (peer_limit, total_limit: "
                   "answered 503; idle_evicted: waiting for a request head, closed to make room; header_timeout).");
  for (const char* reason : {"peer_limit", "total_limit", "idle_evicted", "header_timeout"}) {
    metrics.Add("tributary_admin_connections_dropped_total", {{"reason", reason}}, 0);
  }
}

const char* DropReason(http::ConnectionEvent event) {
  switch (event) {
    case http::ConnectionEvent::kRefusedPeerLimit: return "peer_limit";
    case http::ConnectionEvent::kRefusedTotalLimit: return "total_limit";
    case http::ConnectionEvent::kEvicted: return "idle_evicted";
    case http::ConnectionEvent::kHeaderTimeout: return "header_timeout";
  }
  return "other";
}

// Everything built from one config; rebuilt on SIGHUP.
class Runtime {
 public:
  Runtime(const config::Config& config, const Clock& clock, Metrics* metrics, admin::ConnectorStatusBoard* board,
          ChangeSignal* changes)
      : config_(config),
        redactor_(std::make_shared<const SecretRedactor>(config.secrets)),
        clock_(clock),
        budgets_(clock),
        metrics_(metrics),
        board_(board),
        changes_(changes) {}

  ~Runtime() { Stop(); }

  Status Start() {
    // Migrations run once here, before any thread opens its own connection; so do the key
    // file's checks and the encryption of OAuth tokens an earlier version stored in plain text.
    {
      auto store = store::Store::Open(config_.state_path);
      if (!store) return std::unexpected(store.error());
      if (auto sealed = (*store)->api().SealStoredGrants(); !sealed) return sealed;
      if (auto prepared = PrepareActionJobs(**store); !prepared) return prepared;
      auto pauses = (*store)->PausedConnectors();
      if (!pauses) return std::unexpected(pauses.error());
      for (const store::ConnectorPause& pause : *pauses) {
        if (!IsConfigured(pause.connector)) continue;
        paused_.insert(pause.connector);
        spdlog::warn("connector {} is paused (since {}{}): POST /v1/connectors/{}/resume to resume it",
                     pause.connector, pause.paused_at, pause.paused_by.empty() ? "" : ", by " + pause.paused_by,
                     pause.connector);
      }
    }

    if (config_.push) {
      auto pusher = StartPusherService(config_, clock_, metrics_);
      if (!pusher) return std::unexpected(pusher.error());
      pusher_ = std::move(*pusher);
    }

    auto retention = StartRetentionService(config_, clock_, metrics_);
    if (!retention) return std::unexpected(retention.error());
    retention_ = std::move(*retention);

    connectors::ConnectorContext context{.tenant = config_.tenant,
                                         .state_path = config_.state_path,
                                         .push_enabled = config_.push.has_value(),
                                         .metrics = metrics_,
                                         .notify_changes = [this] { NotifyChanges(); },
                                         .abandon = abandon_.get_token(),
                                         .services = {.clock = &clock_,
                                                      .budgets = &budgets_,
                                                      .grant_locks = &grant_locks_}};
    for (const config::ConnectorConfig& connector_config : config_.connectors) {
      const connectors::ConnectorFactory* factory = connectors::FindConnectorFactory(connector_config.type);
      if (factory == nullptr) return Fail(ErrorCode::kInternal, "no factory for " + connector_config.type);
      // Each connector reports its files to its own reporter (the status board's slot of
      // its name); the runner reads the file error it keeps.
      reporters_.push_back(std::make_unique<BoardReporter>(connector_config.name, board_));
      connectors::ConnectorContext own_context = context;
      own_context.reporter = reporters_.back().get();
      auto connector = factory->make(connector_config, own_context);
      if (!connector) {
        return Fail(connector.error().code, "connector " + connector_config.name + ": " + connector.error().message);
      }
      connectors_.push_back(std::move(*connector));
      if (factory->make_action) {
        // One instance per worker: an instance runs one job at a time.
        std::vector<std::unique_ptr<connectors::ActionConnector>> workers;
        do {
          auto action = factory->make_action(connector_config, context);
          if (!action) {
            return Fail(action.error().code, "connector " + connector_config.name + ": " + action.error().message);
          }
          workers.push_back(std::move(*action));
        } while (static_cast<int>(workers.size()) < workers.front()->workers());
        actions_.push_back(std::move(workers));
      }
    }

    admin::AdminApiOptions admin_options{.state_path = config_.state_path,
                                         .tokens = AccessTokens(config_.admin),
                                         .tenant = config_.tenant,
                                         .push_enabled = config_.push.has_value(),
                                         .config_text = config_.Describe(),
                                         .config_file = config_.file,
                                         .version = TRIBUTARY_VERSION};
    admin::AdminApiDeps deps{.metrics = metrics_,
                             .connectors = board_,
                             .changes = changes_,
                             .ready = [this] { return ready_.load(); },
                             .wake_connectors = [this] { WakeConnectors(); },
                             .wake_pusher = [this] { NotifyChanges(); },
                             .control = [this](const std::string& name, admin::ConnectorControl control,
                                               const std::string& by) { return Control(name, control, by); },
                             .publish_metrics = [this](Metrics& metrics) {
                               PublishProcessMetrics(metrics);
                               if (pusher_) pusher_->PublishMetrics(metrics);
                             },
                             .actions = {.connectors = ActionKindsByConnector(),
                                         .wake = [this](const std::string& name) { WakeAction(name); },
                                         .clock = &clock_}};
    // Webhooks and OAuth callbacks of the connector types configured.
    const connectors::RouteDeps route_deps{.state_path = config_.state_path,
                                           .wake_connector = [this](const std::string& name) { WakeConnector(name); },
                                           .metrics = metrics_,
                                           .clock = &clock_};
    for (const auto& factory : connectors::RegisteredConnectors()) {
      if (!factory.routes) continue;
      if (auto routes = factory.routes(config_, route_deps)) deps.public_routes.push_back(std::move(routes));
    }
    admin_ = std::make_unique<admin::AdminApi>(admin_options, deps);
    http::ServerOptions server_options{.host = config_.admin.host, .port = config_.admin.port};
    if (config_.admin.tls) {
      // Read now, so a SIGHUP (which builds a new Runtime) serves renewed files to new
      // connections; the config's load already refused unusable ones.
      server_options.tls = http::ServerTls{.cert_file = config_.admin.tls->cert_file,
                                           .key_file = config_.admin.tls->key_file,
                                           .client_ca_file = config_.admin.tls->client_ca_file};
    }
    server_options.on_connection_event = [metrics = metrics_](http::ConnectionEvent event) {
      metrics->Add("tributary_admin_connections_dropped_total", {{"reason", DropReason(event)}});
    };
    auto server = http::StartHttpServer(server_options,
                                        [this](const http::Request& request) { return admin_->Handle(request); });
    if (!server) {
      return Fail(server.error().code, "admin API cannot listen on " + config_.admin.host + ":" +
                                           std::to_string(config_.admin.port) + ": " + server.error().message);
    }
    server_ = std::move(*server);

    for (size_t i = 0; i < connectors_.size(); ++i) {
      const config::ConnectorConfig& connector_config = config_.connectors[i];
      std::lock_guard lock(runners_mutex_);
      runners_.push_back(std::make_unique<ConnectorRunner>(std::move(connectors_[i]), connector_config.type,
                                                           connector_config.schedule, board_, redactor_,
                                                           reporters_[i].get(), paused_.contains(connector_config.name)));
    }
    connectors_.clear();
    {
      std::lock_guard lock(runners_mutex_);
      for (auto& action : actions_) {
        action_runners_.push_back(std::make_unique<connectors::kit::ActionRunner>(
            std::move(action), connectors::kit::ActionRunnerOptions{.state_path = config_.state_path,
                                                                    .clock = &clock_,
                                                                    .metrics = metrics_,
                                                                    .notify_changes = [this] { NotifyChanges(); },
                                                                    .paused = paused_.contains(action.front()->name())}));
      }
    }
    actions_.clear();
    ready_ = true;
    const std::string host =
        config_.admin.host.find(':') == std::string::npos ? config_.admin.host : "[" + config_.admin.host + "]";
    spdlog::info("tributary {} ready: tenant {}, {} connector(s), admin API on {}://{}:{}{}, {}", TRIBUTARY_VERSION,
                 config_.tenant, config_.connectors.size(), config_.admin.tls ? "https" : "http", host,
                 server_->port(),
                 config_.admin.tls && !config_.admin.tls->client_ca_file.empty() ? " (client certificates required)"
                                                                                 : "",
                 config_.push ? "pushing to the core" : "change feed for the core to pull");
    if (!config_.admin.tls && !config_.admin.IsLoopback()) {
      spdlog::warn("the admin API serves plain HTTP off loopback (admin.insecure_plaintext): its token and "
                   "requests cross the network in clear");
    }
    return Ok();
  }

  // Stops accepting admin requests, lets every connector finish the file in flight (within
  // kStopBudget; past it, the files still in flight are abandoned and rolled back) and the
  // pusher finish the batch in flight. Idempotent.
  void Stop() {
    ready_ = false;
    if (admin_) admin_->Shutdown();
    if (server_) server_->Stop();
    {
      std::lock_guard lock(runners_mutex_);
      for (auto& runner : runners_) runner->RequestStop();
      for (auto& runner : action_runners_) runner->RequestStop();
    }
    {
      std::jthread budget([this](std::stop_token finished) {
        // The main thread waits in Stop(): keep systemd's watchdog fed meanwhile, or a
        // reload that waits for a large file would be killed.
        uint64_t watchdog_usec = 0;
        bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
        std::chrono::microseconds tick = std::chrono::seconds(1);
        if (watchdog) {
          tick = std::clamp(std::chrono::microseconds(watchdog_usec / 2), std::chrono::microseconds(1000), tick);
        }
        const auto deadline = std::chrono::steady_clock::now() + kStopBudget;
        std::mutex mutex;
        std::condition_variable_any never;
        std::unique_lock lock(mutex);
        for (auto now = std::chrono::steady_clock::now(); now < deadline; now = std::chrono::steady_clock::now()) {
          auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - now);
          never.wait_for(lock, finished, std::min(tick, left), [] { return false; });
          if (finished.stop_requested()) return;
          if (watchdog) sd_notify(0, "WATCHDOG=1");
        }
        spdlog::warn("stop timeout of {} s elapsed: abandoning the files in flight (rolled back, taken again at "
                     "the next start)",
                     kStopBudget.count());
        abandon_.request_stop();
      });
      std::lock_guard lock(runners_mutex_);
      action_runners_.clear();  // joins: a job in flight is rescheduled, never lost
      runners_.clear();  // joins: each connector finishes (or abandons) its file
    }
    pusher_.reset();
    retention_.reset();  // after the connectors: no file holds the write lock it may wait for
    for (const config::ConnectorConfig& connector_config : config_.connectors) board_->Remove(connector_config.name);
  }

 private:
  bool IsConfigured(const std::string& name) const {
    return std::any_of(config_.connectors.begin(), config_.connectors.end(),
                       [&](const config::ConnectorConfig& connector) { return connector.name == name; });
  }

  // POST /v1/connectors/{name}/pause|resume|poll. A pause is stored first, so it outlives
  // a restart; the runners then stop starting work (what is in flight finishes).
  Status Control(const std::string& name, admin::ConnectorControl control, const std::string& by) {
    if (!IsConfigured(name)) return Fail(ErrorCode::kNotFound, "no connector \"" + name + "\" is configured");
    if (control == admin::ConnectorControl::kPoll) {
      {
        std::lock_guard lock(runners_mutex_);
        if (paused_.contains(name)) {
          return Fail(ErrorCode::kConflict, "connector " + name + " is paused; resume it to poll");
        }
      }
      WakeConnector(name);
      WakeAction(name);
      return Ok();
    }
    const bool pause = control == admin::ConnectorControl::kPause;
    auto store = store::Store::Open(config_.state_path);
    if (!store) return std::unexpected(store.error());
    if (auto stored = (*store)->SetConnectorPaused(name, pause, by); !stored) return stored;
    std::lock_guard lock(runners_mutex_);
    const bool changed = pause ? paused_.insert(name).second : paused_.erase(name) > 0;
    for (size_t i = 0; i < runners_.size() && i < config_.connectors.size(); ++i) {
      if (config_.connectors[i].name == name) runners_[i]->SetPaused(pause);
    }
    for (auto& runner : action_runners_) {
      if (runner->name() == name) runner->SetPaused(pause);
    }
    if (changed) {
      spdlog::warn("connector {} {}{}", name, pause ? "paused" : "resumed", by.empty() ? "" : " by " + by);
    }
    return Ok();
  }

  void NotifyChanges() {
    changes_->Notify();
    if (pusher_) pusher_->Notify();
  }

  // Runners are in config order.
  void WakeConnector(const std::string& name) {
    std::lock_guard lock(runners_mutex_);
    for (size_t i = 0; i < runners_.size() && i < config_.connectors.size(); ++i) {
      if (config_.connectors[i].name == name) runners_[i]->Wake();
    }
  }

  void WakeAction(const std::string& name) {
    std::lock_guard lock(runners_mutex_);
    for (auto& runner : action_runners_) {
      if (runner->name() == name) runner->Wake();
    }
  }

  // The action connectors of the config, by name, with the kinds each does.
  std::map<std::string, std::vector<std::string>> ActionKindsByConnector() const {
    std::map<std::string, std::vector<std::string>> kinds;
    for (const config::ConnectorConfig& connector : config_.connectors) {
      const connectors::ConnectorFactory* factory = connectors::FindConnectorFactory(connector.type);
      if (factory == nullptr || !factory->make_action) continue;
      for (connectors::ActionKind kind : factory->action_kinds) {
        kinds[connector.name].push_back(std::string(connectors::ActionKindName(kind)));
      }
    }
    return kinds;
  }

  // At start: jobs a stop or crash left running are due again, and jobs whose connector
  // left the config fail with a reason.
  Status PrepareActionJobs(store::Store& store) {
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
    auto requeued = store.actions().RequeueInterrupted(now_ms);
    if (!requeued) return std::unexpected(requeued.error());
    if (*requeued > 0) spdlog::info("{} action job(s) interrupted by the last stop are due again", *requeued);
    std::vector<std::string> names;
    for (const auto& [name, kinds] : ActionKindsByConnector()) names.push_back(name);
    auto orphans = store.actions().FailOrphans(names);
    if (!orphans) return std::unexpected(orphans.error());
    if (*orphans > 0) spdlog::warn("{} action job(s) failed: their connector is no longer configured", *orphans);
    return Ok();
  }

  void WakeConnectors() {
    std::lock_guard lock(runners_mutex_);
    for (auto& runner : runners_) runner->Wake();
  }

  config::Config config_;
  SharedRedactor redactor_;  // the config's secrets, out of what the status board shows
  const Clock& clock_;
  connectors::kit::BudgetRegistry budgets_;
  connectors::kit::GrantLocks grant_locks_;
  std::stop_source abandon_;  // requested when a stop outlasts kStopBudget
  Metrics* metrics_;
  admin::ConnectorStatusBoard* board_;
  ChangeSignal* changes_;
  std::atomic<bool> ready_{false};
  std::set<std::string> paused_;  // guarded by runners_mutex_ once the runners exist
  std::unique_ptr<PusherService> pusher_;
  std::unique_ptr<RetentionService> retention_;
  // One per connector, in config order; outlive the connectors and runners that use them.
  std::vector<std::unique_ptr<BoardReporter>> reporters_;
  std::vector<std::unique_ptr<connectors::Connector>> connectors_;  // built, not yet running
  std::unique_ptr<admin::AdminApi> admin_;
  std::unique_ptr<http::HttpServer> server_;
  std::mutex runners_mutex_;
  std::vector<std::unique_ptr<ConnectorRunner>> runners_;  // guarded by runners_mutex_
  // Built, not yet running: each action connector's worker instances.
  std::vector<std::vector<std::unique_ptr<connectors::ActionConnector>>> actions_;
  std::vector<std::unique_ptr<connectors::kit::ActionRunner>> action_runners_;  // guarded by runners_mutex_
};

// The config as loaded, a log line a line (each line is escaped on its own).
void LogConfig(const std::string& config_path, const config::Config& config) {
  spdlog::info("config {}:", config_path);
  std::istringstream lines(config.Describe());
  for (std::string line; std::getline(lines, line);) spdlog::info("  {}", line);
}

std::optional<config::Config> LoadOrReport(const std::string& config_path) {
  auto types = connectors::RegisteredConfigTypes();
  auto config = config::LoadConfig(config_path, types, connectors::MappingParameterCheck());
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) spdlog::error("{}", diagnostic.ToString());
    return std::nullopt;
  }
  return std::move(*config);
}

}  // namespace

int RunDaemon(const std::string& config_path) {
  ConfigureLogging("info", "text");
  // Signals are taken synchronously by this thread; every thread started later inherits
  // the mask, so none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto config = LoadOrReport(config_path);
  if (!config) {
    spdlog::error("{}: invalid config, not starting (run `tributary check --config {}`)", config_path, config_path);
    return 1;
  }
  ConfigureLogging(config->log.level, config->log.format, std::make_shared<const SecretRedactor>(config->secrets));
  LogConfig(config_path, *config);

  const RealClock clock;
  Metrics metrics;
  DescribeMetrics(metrics);
  admin::ConnectorStatusBoard board;
  ChangeSignal changes;
  auto runtime = std::make_unique<Runtime>(*config, clock, &metrics, &board, &changes);
  if (auto started = runtime->Start(); !started) {
    spdlog::error("cannot start: {}", started.error().message);
    return 1;
  }
  sd_notify(0, "READY=1\nSTATUS=running");

  uint64_t watchdog_usec = 0;
  bool watchdog = sd_watchdog_enabled(0, &watchdog_usec) > 0;
  timespec tick{1, 0};
  if (watchdog && watchdog_usec / 2 < 1000000) {
    tick = {0, static_cast<long>(watchdog_usec / 2 * 1000)};
  }
  while (true) {
    int signal = sigtimedwait(&signals, nullptr, &tick);
    if (watchdog) sd_notify(0, "WATCHDOG=1");
    if (signal == SIGTERM || signal == SIGINT) {
      spdlog::info("received {}, finishing the work in flight (files still in flight after {} s are rolled back)",
                   signal == SIGTERM ? "SIGTERM" : "SIGINT", kStopBudget.count());
      sd_notify(0, "STOPPING=1");
      runtime.reset();
      spdlog::info("stopped");
      return 0;
    }
    if (signal == SIGHUP) {
      sd_notify(0, "RELOADING=1");
      auto reloaded = LoadOrReport(config_path);
      if (!reloaded) {
        spdlog::error("SIGHUP: the new config is invalid; keeping the running one");
      } else {
        ConfigureLogging(reloaded->log.level, reloaded->log.format,
                         std::make_shared<const SecretRedactor>(reloaded->secrets));
        runtime.reset();
        runtime = std::make_unique<Runtime>(*reloaded, clock, &metrics, &board, &changes);
        if (auto started = runtime->Start(); !started) {
          spdlog::error("SIGHUP: cannot start with the new config ({}); restarting with the previous one",
                        started.error().message);
          runtime = std::make_unique<Runtime>(*config, clock, &metrics, &board, &changes);
          if (auto restarted = runtime->Start(); !restarted) {
            spdlog::error("cannot restart: {}", restarted.error().message);
            return 1;
          }
        } else {
          config = std::move(reloaded);
          spdlog::info("SIGHUP: config reloaded");
        }
      }
      sd_notify(0, "READY=1\nSTATUS=running");
    }
  }
}

}  // namespace tributary::app
