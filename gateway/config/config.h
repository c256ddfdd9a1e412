// The daemon's configuration file: typed structs and the loader that fills them.
//
// LoadConfig/ParseConfig read the whole file, collect every problem as a Diagnostic
// (`file:line:col: path: message`, sorted by position) and return either a complete
// Config or all the diagnostics. Relative paths resolve against the config file's folder
// and come out absolute. Secrets (`${env:NAME}`, `${file:/path}`) are resolved at load
// time and never printed: Describe() shows their references only.
//
// The resulting structs are plain values: immutable after loading, safe to read from any
// thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gateway/common/diagnostic.h"
#include "gateway/config/config_node.h"

namespace tributary::config {

// A file or folder on this machine that a connector uses, for `check`: which key of the
// type's section names it, and what the daemon needs of it.
struct LocalPath {
  enum class Kind { kFile, kFolder };
  std::string key;   // the key in the type's section: "path", "known_hosts_file"
  std::string what;  // how messages name it: "drop folder", "known hosts file"
  std::string path;  // absolute
  Kind kind = Kind::kFolder;
  bool writes = false;   // the daemon creates, renames or removes entries in it (folders)
  bool created = false;  // the daemon creates it, and its missing parents, at start
  // Sub-folders down to this many levels are read and written too (a recursive drop
  // folder); hidden ones, and the connector's other paths, are not.
  int subfolder_depth = 0;
};

// Type-specific settings of one connector (the section named like its type, e.g.
// `directory:`). Each connector type derives its own struct.
struct ConnectorSettings {
  virtual ~ConnectorSettings() = default;
  // Key/value lines for Config::Describe(), in display order. Values must already be
  // safe to log (secrets redacted with Secret::Redacted()).
  [[nodiscard]] virtual std::vector<std::pair<std::string, std::string>> DescribeFields() const { return {}; }
  // Mapping files the connector uses besides its file rules' (absolute), for `check`.
  [[nodiscard]] virtual std::vector<std::string> MappingPaths() const { return {}; }
  // The local files and folders the connector reads or writes, for `check` (which checks
  // they exist with the right type and permissions, or can be created).
  [[nodiscard]] virtual std::vector<LocalPath> LocalPaths() const { return {}; }
};

// A connector type known to this build. The list of types is assembled explicitly by
// the caller (no self-registration).
struct ConnectorType {
  std::string type;  // "directory"
  // Parses the type-specific section (the member named like the type, e.g. `directory:`),
  // reporting problems through the node. Returns nullptr after reporting when unusable.
  std::function<std::unique_ptr<ConnectorSettings>(ConfigNode section)> parse;
  // False for API sources: `files` is then refused instead of required.
  bool file_rules = true;
};

enum class FeedMode {
  kSnapshot,  // each file is the complete current state; absent records get closed
  kDelta,     // each file holds changes only
};

// "snapshot" or "delta".
std::string_view FeedModeName(FeedMode mode);

// One `files[].parameters` entry: an override of a parameter the rule's mapping declares.
struct RuleParameter {
  std::vector<std::string> values;  // a scalar is a list of one
  // Where the value is written, for messages: "connectors[0].files[0].parameters.terms".
  int line = 0;
  int column = 0;
  std::string path;
};

// Which files a connector picks up and how it maps them.
struct FileRule {
  std::string pattern;       // glob on the file name, e.g. "open_items*.csv"
  std::string mapping_path;  // absolute
  FeedMode mode = FeedMode::kDelta;
  // Quarantine a snapshot that would close more than this share of open records.
  std::optional<double> max_close_ratio;
  // A fixed file name ("READY"): the rule's files are taken only while it exists in their
  // folder, and it is removed once they are processed (file_pickup.h). "" = none.
  std::string trigger_file;
  // Overrides of the mapping's declared parameters, by name (`files[].parameters`). A
  // command-line `--param` overrides these in turn.
  std::map<std::string, RuleParameter> parameters;
  // The memory a run of the rule's mapping may give its groups before spilling them to
  // the spool folder (`files[].group_memory_mib`; docs/mappings.md "Grouping").
  int64_t group_memory_mib = 64;
  static constexpr int64_t kMaxGroupMemoryMib = 65536;  // 64 GiB; `tributary map --group-memory` too
  int line = 0;  // where the rule starts in the config file, for messages

  // `parameters` as MappingContext::parameters takes them (name -> values).
  [[nodiscard]] std::map<std::string, std::vector<std::string>> ParameterValues() const;
};

// Checks one `files[].parameters` override against the rule's mapping (absolute path):
// the problem in the mapping's words ("mapping open_items has no parameter "terms" (it
// declares: ...)"), or nullopt when the mapping takes it. The config module does not read
// mappings: the caller gives this (connectors/common/rule_parameter_check.h). A mapping that
// cannot be loaded is the mapping's own problem: return nullopt.
using RuleParameterCheck = std::function<std::optional<std::string>(
    const std::string& mapping_path, const std::string& name, const std::vector<std::string>& values)>;

struct ConnectorConfig {
  std::string name;  // unique; used in keys, logs, metrics and API paths
  std::string type;  // one of the registered ConnectorType::type
  std::chrono::milliseconds schedule{30000};  // poll interval
  std::string legal_entity;                   // empty when not set
  std::vector<FileRule> files;
  // Never null in a successfully loaded Config; the concrete type matches `type`.
  std::shared_ptr<const ConnectorSettings> settings;
};

// `admin.tokens[]`: a token and what it may do (read, operate, actions).
struct AdminToken {
  std::string name;
  Secret token;
  std::vector<std::string> scopes;
};

// `admin.tls`: the admin API serves HTTPS. Paths are absolute; the files were checked at
// load time (readable PEM, the key matching the certificate).
struct AdminTlsConfig {
  std::string cert_file;       // the server certificate, optionally followed by its chain
  std::string key_file;        // its private key, unencrypted
  std::string client_ca_file;  // "" = no client certificate; else required and verified (mutual TLS)
};

struct AdminConfig {
  std::string host = "127.0.0.1";  // without brackets for IPv6
  uint16_t port = 8470;            // 0 picks a free port
  std::optional<Secret> token;     // bearer token with every scope; a token is required off loopback
  std::vector<AdminToken> tokens;  // scoped tokens, beside or instead of `token`
  std::optional<AdminTlsConfig> tls;  // absent: plain HTTP (loopback, or insecure_plaintext)
  // Plain HTTP off loopback, accepted knowingly (`admin.insecure_plaintext: true`); never
  // together with `tls`.
  bool insecure_plaintext = false;
  // True when `host` is localhost, in 127.0.0.0/8 or ::1.
  [[nodiscard]] bool IsLoopback() const;
};

struct LogConfig {
  std::string level = "info";   // trace | debug | info | warn | error
  std::string format = "text";  // text | json
};

// `core.push`: Tributary pushes changes to the collection core.
struct PushConfig {
  std::string url;
  std::optional<Secret> token;
  std::string ca_file;  // absolute; empty: the system trust store
  // A client certificate and its key (absolute; both or neither, the key matching), shown
  // to a core that asks for one (mutual TLS). Empty: none.
  std::string client_cert_file;
  std::string client_key_file;
  int batch_size = 500;
  std::chrono::milliseconds timeout{30000};
  std::chrono::milliseconds max_backoff{300000};
};

// `retention`: how long the state database keeps what it no longer needs
// (docs/operations.md, "Retention"). A nullopt duration is `never`: kept forever.
struct RetentionConfig {
  // Delivered changes stay in the change feed as written at least this long; past it, a
  // change that a later change of its key replaced is removed.
  std::optional<std::chrono::milliseconds> changes = std::chrono::days(30);
  int64_t changes_kept = 0;  // the newest this many changes always stay
  std::optional<std::chrono::milliseconds> rejects = std::chrono::days(90);
  // Ledger rows of finished files (archived, discarded, failed) nothing refers to.
  std::optional<std::chrono::milliseconds> files = std::chrono::days(365);
  std::chrono::milliseconds schedule = std::chrono::hours(1);  // how often the daemon applies it
  static constexpr int64_t kMaxChangesKept = 1'000'000'000'000;
};

struct Config {
  std::string file;        // the config file as the user named it
  std::string tenant;
  std::string state_path;  // absolute path of the SQLite database
  AdminConfig admin;
  LogConfig log;
  std::optional<PushConfig> push;  // absent: the core pulls the change feed
  RetentionConfig retention;
  std::vector<ConnectorConfig> connectors;
  // The value of every secret resolved above, for SecretRedactor: never logged.
  std::vector<std::string> secrets;

  // A YAML-like dump for logs and `check`, secrets redacted.
  [[nodiscard]] std::string Describe() const;
};

// Reads and validates the config file at `path` (diagnostics name it as given). With
// `check_parameter`, every `files[].parameters` entry is also checked against its mapping,
// its problems reported with the others; without, only their shape is. With
// `resolve_secret`, only the secrets it accepts are resolved (a command that needs no
// admin or core token does not require their variables); the others are left empty.
std::expected<Config, Diagnostics> LoadConfig(const std::string& path, std::span<const ConnectorType> types,
                                              const RuleParameterCheck& check_parameter = {},
                                              const SecretFilter& resolve_secret = {});

// Same, from text (tests): display_name is used in diagnostics, base_dir resolves paths.
std::expected<Config, Diagnostics> ParseConfig(const std::string& text, const std::string& display_name,
                                               const std::string& base_dir, std::span<const ConnectorType> types,
                                               const RuleParameterCheck& check_parameter = {});

}  // namespace tributary::config
