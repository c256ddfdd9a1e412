#include "gateway/config/config.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>
#include <map>
#include <tuple>

#include "gateway/config/tls_files.h"
#include "gateway/config/values.h"

namespace tributary::config {
namespace {

constexpr std::string_view kStateHint = "expected sqlite:PATH, e.g. sqlite:../var/tributary.db";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// `[a-z0-9][a-z0-9_-]*`, at most max_length characters.
bool IsIdentifier(std::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length || !IsLowerAlnum(text[0])) return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return IsLowerAlnum(c) || c == '-' || c == '_'; });
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port > 65535) return std::nullopt;
  return static_cast<uint16_t>(port);
}

// 'text' with the escaping of QuoteForMessage.
std::string SingleQuoted(std::string_view text) {
  std::string quoted = QuoteForMessage(text);
  quoted.front() = '\'';
  quoted.back() = '\'';
  return quoted;
}

bool IsHostName(std::string_view host) {
  return !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
  });
}

bool IsIpv6(std::string_view host) {
  in6_addr address{};
  return inet_pton(AF_INET6, std::string(host).c_str(), &address) == 1;
}

struct HostPort {
  std::string host;
  std::optional<uint16_t> port;
};

// "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 address needs brackets.
std::optional<HostPort> ParseAuthority(std::string_view text) {
  HostPort out;
  std::string_view port_text;
  bool has_port = false;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    out.host = text.substr(1, close - 1);
    if (!IsIpv6(out.host)) return std::nullopt;
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return std::nullopt;
      has_port = true;
      port_text = rest.substr(1);
    }
  } else {
    const size_t colon = text.find(':');
    out.host = text.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = text.substr(colon + 1);
    }
    if (!IsHostName(out.host)) return std::nullopt;
  }
  if (has_port) {
    out.port = ParsePort(port_text);
    if (!out.port) return std::nullopt;
  }
  return out;
}

// A shell-style glob on file names: *, ?, [...]. Returns a reason when unusable.
std::optional<std::string> CheckPattern(std::string_view pattern) {
  if (pattern.empty()) return "a pattern must not be empty";
  if (pattern.find('/') != std::string_view::npos) return "a pattern matches file names, not paths";
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      ++i;
    } else if (pattern[i] == '[') {
      // A ']' right after '[' or '[!' is a member, not the end.
      size_t j = i + 1;
      if (j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^')) ++j;
      if (j < pattern.size() && pattern[j] == ']') ++j;
      while (j < pattern.size() && pattern[j] != ']') ++j;
      if (j >= pattern.size()) return "unclosed '['";
      i = j;
    }
  }
  return std::nullopt;
}

// Reports at `node` unless `path` is an existing readable regular file; returns whether it is.
bool RequireReadableFile(ConfigNode node, const std::string& path, std::string_view what) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (error || !std::filesystem::exists(status)) {
    node.Error(std::string(what) + " not found: " + path);
  } else if (!std::filesystem::is_regular_file(status)) {
    node.Error(std::string(what) + " is not a regular file: " + path);
  } else if (access(path.c_str(), R_OK) != 0) {
    node.Error(std::string(what) + " is not readable: " + path);
  } else {
    return true;
  }
  return false;
}

// The PEM file of TLS material under `key` of `parent` (`what`: "certificate file", "CA
// file", "private key file"), resolved and checked; nullopt when absent or reported.
std::optional<std::string> ReadPemFile(ConfigNode& parent, std::string_view key, std::string_view what, bool is_key,
                                       Presence presence = Presence::kOptional) {
  std::optional<std::string> path = parent.Path(key, presence);
  if (!path) return std::nullopt;
  ConfigNode node = parent.Child(key);
  if (!RequireReadableFile(node, *path, what)) return std::nullopt;
  if (std::optional<std::string> problem = is_key ? CheckPemPrivateKey(*path) : CheckPemCertificates(*path)) {
    node.Error(std::string(what) + " " + *path + " " + *problem);
    return std::nullopt;
  }
  return path;
}

// A certificate and its key under `cert_key` and `key_key` of `parent`: both or neither
// (reported at the one present), the key matching the certificate. Returns the pair when
// both are usable.
std::optional<std::pair<std::string, std::string>> ReadCertificateAndKey(ConfigNode& parent,
                                                                         std::string_view cert_key,
                                                                         std::string_view key_key,
                                                                         Presence presence) {
  const bool has_cert = parent.Has(cert_key);
  const bool has_key = parent.Has(key_key);
  if (presence == Presence::kOptional && has_cert != has_key) {
    parent.Child(has_cert ? cert_key : key_key)
        .Error(std::string(has_cert ? key_key : cert_key) + " is required with " +
               std::string(has_cert ? cert_key : key_key) + " (a certificate and its key go together)");
  }
  std::optional<std::string> cert = ReadPemFile(parent, cert_key, "certificate file", false, presence);
  std::optional<std::string> key = ReadPemFile(parent, key_key, "private key file", true, presence);
  if (!cert || !key) return std::nullopt;
  if (std::optional<std::string> problem = CheckKeyMatchesCertificate(*cert, *key)) {
    parent.Child(key_key).Error(*problem);
    return std::nullopt;
  }
  return std::make_pair(*cert, *key);
}

// A token must carry something; an empty inline value is almost always a mistake.
std::optional<Secret> ReadToken(ConfigNode& parent) {
  std::optional<Secret> token = parent.SecretValue("token");
  if (token && token->resolved && token->value.empty()) {
    parent.Child("token").Error("the token must not be empty");
    return std::nullopt;
  }
  return token;
}

// Reads one document into a Config. Every step reports into the document and goes on.
class Loader {
 public:
  Loader(ConfigDocument& document, std::span<const ConnectorType> types, const RuleParameterCheck& check_parameter)
      : document_(document), types_(types), check_parameter_(check_parameter) {}

  Config Read() {
    Config config;
    config.file = document_.display_name();
    ConfigNode root = document_.root();
    ReadTenant(root, config);
    ReadState(root, config);
    ReadAdmin(root.Child("admin"), config.admin);
    ReadLog(root.Child("log"), config.log);
    ReadCore(root.Child("core"), config);
    ReadRetention(root.Child("retention"), config.retention);
    ReadConnectors(root, config);
    root.RejectUnknownKeys();
    return config;
  }

 private:
  void ReadTenant(ConfigNode& root, Config& config) {
    std::optional<std::string> tenant = root.String("tenant", Presence::kRequired);
    if (!tenant) return;
    if (!IsIdentifier(*tenant, 63)) {
      root.Child("tenant").Error("invalid tenant " + QuoteForMessage(*tenant) +
                                 " (expected 1 to 63 of a-z, 0-9, '-', '_', starting with a letter or digit)");
      return;
    }
    config.tenant = *tenant;
  }

  void ReadState(ConfigNode& root, Config& config) {
    std::optional<std::string> state = root.String("state", Presence::kRequired);
    if (!state) return;
    ConfigNode node = root.Child("state");
    // The value is never quoted back: a database URL may carry a password.
    if (state->starts_with("postgresql:") || state->starts_with("postgres:")) {
      node.Error("the PostgreSQL backend is not available yet; use sqlite:PATH");
      return;
    }
    if (!state->starts_with("sqlite:") || state->size() == 7) {
      node.Error("invalid state (" + std::string(kStateHint) + ")");
      return;
    }
    std::filesystem::path path(state->substr(7));
    if (path.is_relative()) path = std::filesystem::path(document_.base_dir()) / path;
    config.state_path = path.lexically_normal().string();
  }

  void ReadAdmin(ConfigNode admin, AdminConfig& out) {
    if (std::optional<std::string> listen = admin.String("listen")) {
      std::optional<HostPort> address = ParseAuthority(*listen);
      if (!address || !address->port) {
        admin.Child("listen").Error("invalid listen address " + QuoteForMessage(*listen) +
                                    " (expected HOST:PORT or [IPv6]:PORT, e.g. 127.0.0.1:8470)");
      } else {
        out.host = address->host;
        out.port = *address->port;
      }
    }
    out.token = ReadToken(admin);
    ReadAdminTokens(admin, out);
    // A token that failed to resolve was already reported; do not pile on.
    if (!out.IsLoopback() && !out.token && !admin.Has("token") && !admin.Has("tokens")) {
      admin.Child("listen").Error("a token is required when the admin API listens off loopback");
    }
    const std::optional<bool> insecure = admin.Bool("insecure_plaintext");
    if (insecure) out.insecure_plaintext = *insecure;
    ConfigNode tls = admin.Child("tls");
    if (tls.IsDefined()) {
      out.tls = ReadAdminTls(tls);
      if (out.insecure_plaintext) {
        admin.Child("insecure_plaintext").Error("true contradicts admin.tls: remove one of them");
      }
    }
    // A tls section with problems, or an invalid insecure_plaintext, was reported already:
    // only their absence is this rule's.
    const bool insecure_unreadable =
        !insecure && admin.Has("insecure_plaintext") && !admin.Child("insecure_plaintext").IsNull();
    if (!out.IsLoopback() && !tls.IsDefined() && !out.insecure_plaintext && !insecure_unreadable) {
      admin.Child("listen").Error(
          "the admin API listens off loopback without TLS: add admin.tls {cert_file, key_file} "
          "(see certs/README.md), or set admin.insecure_plaintext: true to accept plain HTTP");
    }
    admin.RejectUnknownKeys();
  }

  void ReadAdminTokens(ConfigNode& admin, AdminConfig& out) {
    std::set<std::string> names;
    for (ConfigNode& item : admin.Sequence("tokens")) {
      AdminToken token;
      if (auto name = item.String("name", Presence::kRequired)) {
        if (!IsIdentifier(*name, 63)) {
          item.Child("name").Error("invalid token name " + QuoteForMessage(*name) +
                                   " (expected 1 to 63 of a-z, 0-9, '-', '_')");
        } else if (!names.insert(*name).second) {
          item.Child("name").Error("another token is already named " + QuoteForMessage(*name));
        }
        token.name = *name;
      }
      std::optional<Secret> secret = item.SecretValue("token", Presence::kRequired);
      if (secret && secret->resolved && secret->value.empty()) item.Child("token").Error("the token must not be empty");
      for (ConfigNode& scope : item.Sequence("scopes", Presence::kRequired)) {
        auto text = scope.Scalar();
        if (!text) continue;
        if (*text != "read" && *text != "operate" && *text != "actions") {
          scope.Error("unknown scope " + QuoteForMessage(*text) + " (read, operate, actions)");
        } else {
          token.scopes.push_back(*text);
        }
      }
      if (item.Has("scopes") && token.scopes.empty()) item.Child("scopes").Error("a token needs at least one scope");
      item.RejectUnknownKeys();
      if (!secret) continue;
      // One token with two sets of scopes would make the scopes a matter of order.
      const bool reused = (out.token && out.token->resolved && out.token->value == secret->value) ||
                          std::any_of(out.tokens.begin(), out.tokens.end(), [&](const AdminToken& other) {
                            return other.token.resolved && other.token.value == secret->value;
                          });
      if (secret->resolved && reused) item.Child("token").Error("the same token is configured twice; give each its own");
      token.token = std::move(*secret);
      out.tokens.push_back(std::move(token));
    }
  }

  static std::optional<AdminTlsConfig> ReadAdminTls(ConfigNode tls) {
    if (!tls.IsMap()) {
      tls.Error("expected a map with cert_file, key_file and optionally client_ca_file");
      return std::nullopt;
    }
    AdminTlsConfig out;
    auto pair = ReadCertificateAndKey(tls, "cert_file", "key_file", Presence::kRequired);
    std::optional<std::string> client_ca = ReadPemFile(tls, "client_ca_file", "CA file", false);
    const bool client_ca_ok = client_ca || !tls.Has("client_ca_file");
    tls.RejectUnknownKeys();
    if (!pair || !client_ca_ok) return AdminTlsConfig{};  // reported; the config is refused anyway
    out.cert_file = pair->first;
    out.key_file = pair->second;
    out.client_ca_file = client_ca.value_or("");
    return out;
  }

  void ReadLog(ConfigNode log, LogConfig& out) {
    if (auto level = log.Enum("level", {"trace", "debug", "info", "warn", "error"})) out.level = *level;
    if (auto format = log.Enum("format", {"text", "json"})) out.format = *format;
    log.RejectUnknownKeys();
  }

  void ReadCore(ConfigNode core, Config& config) {
    ConfigNode push = core.Child("push");
    core.RejectUnknownKeys();
    if (!push.IsDefined()) return;
    PushConfig out;
    if (std::optional<std::string> url = push.String("url", Presence::kRequired)) {
      ReadPushUrl(push.Child("url"), *url);
      out.url = *url;
    }
    out.token = ReadToken(push);
    if (std::optional<std::string> ca_file = ReadPemFile(push, "ca_file", "CA file", false)) out.ca_file = *ca_file;
    if (auto pair = ReadCertificateAndKey(push, "client_cert_file", "client_key_file", Presence::kOptional)) {
      out.client_cert_file = pair->first;
      out.client_key_file = pair->second;
    }
    if (auto batch_size = push.Integer("batch_size", 1, 10000)) out.batch_size = static_cast<int>(*batch_size);
    if (auto timeout = push.Duration("timeout")) out.timeout = *timeout;
    if (auto max_backoff = push.Duration("max_backoff")) out.max_backoff = *max_backoff;
    push.RejectUnknownKeys();
    config.push = std::move(out);
  }

  void ReadRetention(ConfigNode retention, RetentionConfig& out) {
    out.changes = ReadKeepFor(retention, "changes", out.changes);
    if (auto kept = retention.Integer("changes_kept", 0, RetentionConfig::kMaxChangesKept)) out.changes_kept = *kept;
    out.rejects = ReadKeepFor(retention, "rejects", out.rejects);
    out.files = ReadKeepFor(retention, "files", out.files);
    if (auto schedule = retention.Duration("schedule")) out.schedule = *schedule;
    retention.RejectUnknownKeys();
  }

  // A duration, or `never` (nullopt); `fallback` when absent or invalid (reported).
  static std::optional<std::chrono::milliseconds> ReadKeepFor(ConfigNode& parent, std::string_view key,
                                                              std::optional<std::chrono::milliseconds> fallback) {
    ConfigNode node = parent.Child(key);
    if (!node.IsDefined() || node.IsNull()) return fallback;
    if (!node.IsScalar()) {
      parent.Duration(key);  // reports the shape
      return fallback;
    }
    const std::string text = node.Scalar().value_or("");
    if (text == "never") return std::nullopt;
    std::optional<std::chrono::milliseconds> duration = ParseDuration(text);
    if (!duration || duration->count() <= 0) {
      node.Error("invalid duration " + QuoteForMessage(text) +
                 " (expected a number with ms, s, m, h or d, e.g. 30d, or never)");
      return fallback;
    }
    return duration;
  }

  // The URL is never quoted back: it may carry credentials.
  static void ReadPushUrl(ConfigNode node, std::string_view url) {
    std::string scheme;
    if (const size_t colon = url.find("://"); colon != std::string_view::npos) {
      scheme = url.substr(0, colon);
      std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      url.remove_prefix(colon + 3);
    }
    const std::string_view authority = url.substr(0, url.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
      node.Error("the URL must not contain credentials; use token");
      return;
    }
    std::optional<HostPort> host = ParseAuthority(authority);
    if ((scheme != "http" && scheme != "https") || !host) {
      node.Error("invalid URL (expected http://HOST[:PORT]/PATH or https://HOST[:PORT]/PATH)");
      return;
    }
    if (scheme == "http" && !IsLoopbackHost(host->host)) node.Error("use https for a non-loopback core");
  }

  void ReadConnectors(ConfigNode& root, Config& config) {
    std::vector<ConfigNode> items = root.Sequence("connectors", Presence::kRequired);
    ConfigNode list = root.Child("connectors");
    if (items.empty() && (list.IsNull() || list.IsSequence())) list.Error("at least one connector is required");
    std::map<std::string, int> first_line;
    for (ConfigNode& item : items) {
      config.connectors.push_back(ReadConnector(item, first_line));
    }
  }

  ConnectorConfig ReadConnector(ConfigNode& item, std::map<std::string, int>& first_line) {
    ConnectorConfig out;
    if (std::optional<std::string> name = item.String("name", Presence::kRequired)) {
      ConfigNode node = item.Child("name");
      if (!IsIdentifier(*name, 63)) {
        node.Error("invalid connector name " + QuoteForMessage(*name) +
                   " (expected 1 to 63 of a-z, 0-9, '-', '_', starting with a letter or digit)");
      } else if (auto [it, inserted] = first_line.emplace(*name, node.line()); !inserted) {
        node.Error("connector name '" + *name + "' is already used at line " + std::to_string(it->second));
      }
      out.name = *name;
    }
    if (std::optional<std::string> type = item.String("type", Presence::kRequired)) {
      out.type = *type;
      out.settings = ReadSettings(item, *type);
    }
    if (auto schedule = item.Duration("schedule")) out.schedule = *schedule;
    if (auto legal_entity = item.String("legal_entity")) out.legal_entity = *legal_entity;
    if (TakesFileRules(out.type)) {
      out.files = ReadFiles(item);
    } else if (item.Has("files")) {
      item.Child("files").Error("a " + out.type + " connector takes no file rules");
    }
    item.RejectUnknownKeys();
    return out;
  }

  bool TakesFileRules(const std::string& type) const {
    const auto known = std::find_if(types_.begin(), types_.end(),
                                    [&](const ConnectorType& candidate) { return candidate.type == type; });
    return known == types_.end() || known->file_rules;
  }

  std::shared_ptr<const ConnectorSettings> ReadSettings(ConfigNode& item, const std::string& type) {
    const auto known = std::find_if(types_.begin(), types_.end(),
                                    [&](const ConnectorType& candidate) { return candidate.type == type; });
    if (known == types_.end()) {
      std::string names;
      for (const ConnectorType& candidate : types_) names += (names.empty() ? "" : ", ") + candidate.type;
      item.Child("type").Error("unknown connector type " + SingleQuoted(type) + " (known: " +
                               (names.empty() ? "none" : names) + ")");
      // The section named after the unknown type would only repeat the same mistake.
      item.Child(type);
      return nullptr;
    }
    ConfigNode section = item.Child(type, Presence::kRequired);
    if (!section.IsDefined()) return nullptr;
    const size_t reported = document_.diagnostics().size();
    std::unique_ptr<ConnectorSettings> settings = known->parse(section);
    section.RejectUnknownKeys();
    if (!settings && document_.diagnostics().size() == reported) {
      section.Error("invalid " + type + " settings");
    }
    return settings;
  }

  std::vector<FileRule> ReadFiles(ConfigNode& item) {
    std::vector<FileRule> rules;
    std::vector<ConfigNode> entries = item.Sequence("files", Presence::kRequired);
    ConfigNode list = item.Child("files");
    if (entries.empty() && (list.IsNull() || list.IsSequence())) list.Error("at least one file rule is required");
    for (ConfigNode& entry : entries) {
      FileRule rule;
      rule.line = entry.line();
      if (std::optional<std::string> pattern = entry.String("pattern", Presence::kRequired)) {
        if (std::optional<std::string> problem = CheckPattern(*pattern)) {
          entry.Child("pattern").Error("invalid pattern " + QuoteForMessage(*pattern) + " (" + *problem + ")");
        }
        rule.pattern = *pattern;
      }
      if (std::optional<std::string> mapping = entry.Path("mapping", Presence::kRequired)) {
        RequireReadableFile(entry.Child("mapping"), *mapping, "mapping file");
        rule.mapping_path = *mapping;
      }
      const size_t reported = document_.diagnostics().size();
      std::optional<std::string> mode = entry.Enum("mode", {"snapshot", "delta"});
      const bool mode_valid = document_.diagnostics().size() == reported;
      if (mode == "snapshot") rule.mode = FeedMode::kSnapshot;
      ConfigNode guard = entry.Child("guard");
      if (guard.IsDefined()) {
        rule.max_close_ratio = guard.Ratio("max_close_ratio", Presence::kRequired);
        // An invalid mode was reported already; repeating it here would only add noise.
        if (mode_valid && rule.mode != FeedMode::kSnapshot) guard.Error("guard applies only to mode: snapshot");
        guard.RejectUnknownKeys();
      }
      if (std::optional<std::string> trigger = entry.String("trigger_file")) {
        if (trigger->empty() || *trigger == "." || *trigger == ".." ||
            trigger->find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
          entry.Child("trigger_file").Error("invalid trigger_file " + QuoteForMessage(*trigger) +
                                            " (expected a file name, e.g. READY)");
        }
        rule.trigger_file = *trigger;
      }
      ReadParameters(entry.Child("parameters"), rule);
      if (auto memory = entry.Integer("group_memory_mib", 1, FileRule::kMaxGroupMemoryMib)) rule.group_memory_mib = *memory;
      entry.RejectUnknownKeys();
      rules.push_back(std::move(rule));
    }
    return rules;
  }

  // `parameters: {name: scalar or [scalars]}`; each checked against the mapping when the
  // caller gave a check and the mapping path was usable.
  void ReadParameters(ConfigNode node, FileRule& rule) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) {
      node.Error("expected a map of parameter name: value (a scalar or a list of scalars)");
      return;
    }
    for (auto& [name, value] : node.Members()) {
      RuleParameter parameter{.values = {}, .line = value.line(), .column = value.column(), .path = value.path()};
      bool shape_ok = true;
      if (value.IsSequence()) {
        for (ConfigNode& item : value.Items()) {
          if (!item.IsScalar() || item.IsNull()) {
            item.Error("expected a scalar (a list of parameter values holds text, numbers or dates)");
            shape_ok = false;
          } else if (std::optional<std::string> text = item.Scalar()) {
            parameter.values.push_back(*text);
          }
        }
      } else if (value.IsScalar() && !value.IsNull()) {
        parameter.values.push_back(value.Scalar().value_or(""));
      } else {
        value.Error("expected a scalar or a list of scalars");
        shape_ok = false;
      }
      if (shape_ok && check_parameter_ && !rule.mapping_path.empty()) {
        if (std::optional<std::string> problem = check_parameter_(rule.mapping_path, name, parameter.values)) {
          value.Error(*problem);
        }
      }
      rule.parameters.emplace(name, std::move(parameter));
    }
  }

  ConfigDocument& document_;
  std::span<const ConnectorType> types_;
  const RuleParameterCheck& check_parameter_;
};

std::expected<Config, Diagnostics> Finish(ConfigDocument& document, std::span<const ConnectorType> types,
                                          const RuleParameterCheck& check_parameter) {
  // After a syntax error the root is undefined and reading it reports nothing more.
  Config config = Loader(document, types, check_parameter).Read();
  config.secrets = document.secrets();
  Diagnostics diagnostics = std::move(document.diagnostics());
  if (diagnostics.empty()) return config;
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return std::unexpected(std::move(diagnostics));
}

}  // namespace

std::string_view FeedModeName(FeedMode mode) { return mode == FeedMode::kSnapshot ? "snapshot" : "delta"; }

bool AdminConfig::IsLoopback() const { return IsLoopbackHost(host); }

std::map<std::string, std::vector<std::string>> FileRule::ParameterValues() const {
  std::map<std::string, std::vector<std::string>> values;
  for (const auto& [name, parameter] : parameters) values.emplace(name, parameter.values);
  return values;
}

std::expected<Config, Diagnostics> LoadConfig(const std::string& path, std::span<const ConnectorType> types,
                                              const RuleParameterCheck& check_parameter,
                                              const SecretFilter& resolve_secret) {
  std::unique_ptr<ConfigDocument> document = ConfigDocument::Load(path);
  if (resolve_secret) document->ResolveSecretsOnly(resolve_secret);
  return Finish(*document, types, check_parameter);
}

std::expected<Config, Diagnostics> ParseConfig(const std::string& text, const std::string& display_name,
                                               const std::string& base_dir, std::span<const ConnectorType> types,
                                               const RuleParameterCheck& check_parameter) {
  std::unique_ptr<ConfigDocument> document = ConfigDocument::Parse(text, display_name, base_dir);
  return Finish(*document, types, check_parameter);
}

}  // namespace tributary::config
