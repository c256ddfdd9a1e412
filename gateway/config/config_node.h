// Strict, position-aware reading of user-written YAML (the config file and mapping files).
//
// Every problem is collected, never thrown: each accessor reports into the document's
// Diagnostics with file, line, column (1-based) and the dotted path
// (`connectors[0].directory.stable_for`), and reading goes on so the user sees every
// problem at once. Keys nobody asked for are reported by RejectUnknownKeys().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/common/diagnostic.h"

namespace YAML {
class Node;
}

namespace tributary::config {

// A secret value and where it came from. Never log `value`; print Redacted().
struct Secret {
  std::string value;
  std::string reference;  // "${env:CORE_TOKEN}", "${file:/etc/x}", or "" when written inline
  // False when the command loading the config does not use it (SecretFilter): `value` is
  // then empty and means nothing.
  bool resolved = true;
  [[nodiscard]] std::string Redacted() const { return reference.empty() ? "<redacted>" : reference + " (redacted)"; }
};

enum class Presence { kOptional, kRequired };

// Whether the secret under the config path `path` ("core.push.token",
// "connectors[1].<type>.password") is resolved; a command resolves only those it uses.
using SecretFilter = std::function<bool(std::string_view path)>;

class ConfigDocument;

// A view of one YAML node of a document. Cheap to copy; copies share the record of which
// keys were read. Valid while its ConfigDocument lives.
class ConfigNode {
 public:
  ConfigNode();
  ~ConfigNode();
  ConfigNode(const ConfigNode&);
  ConfigNode& operator=(const ConfigNode&);

  [[nodiscard]] const std::string& path() const;
  [[nodiscard]] int line() const;    // 1-based
  [[nodiscard]] int column() const;  // 1-based
  [[nodiscard]] bool IsDefined() const;
  [[nodiscard]] bool IsMap() const;
  [[nodiscard]] bool IsSequence() const;
  [[nodiscard]] bool IsScalar() const;
  // Present but empty (`key:` or `key: ~`). Accessors treat an empty map or sequence
  // member like an empty map or sequence, and an empty scalar member like an absent one
  // (reported when required: "expected a string, found an empty value").
  [[nodiscard]] bool IsNull() const;
  [[nodiscard]] bool Has(std::string_view key) const;  // does not mark the key as read

  // Member accessors of a map node. Each marks `key` as read. A missing required key is
  // reported at this node ("missing required key 'x'"); a value of the wrong shape at the
  // value. They return nullopt on absence or error.
  std::optional<std::string> String(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<bool> Bool(std::string_view key, Presence presence = Presence::kOptional);
  std::optional<int64_t> Integer(std::string_view key, int64_t min, int64_t max,
                                 Presence presence = Presence::kOptional);
  // "250ms", "30s", "5m", "1h", "2d"; must be > 0.
  std::optional<std::chrono::milliseconds> Duration(std::string_view key,
                                                    Presence presence = Presence::kOptional);
  // A number in [0, 1], e.g. 0.2.
  std::optional<double> Ratio(std::string_view key, Presence presence = Presence::kOptional);
  // One of `allowed`; the error lists them.
  std::optional<std::string> Enum(std::string_view key, std::initializer_list<std::string_view> allowed,
                                  Presence presence = Presence::kOptional);
  // A path, resolved against the folder of the document's file when relative.
  std::optional<std::string> Path(std::string_view key, Presence presence = Presence::kOptional);
  // `${env:NAME}` or `${file:/path}` (relative paths resolve like Path), or an inline
  // string. A missing variable or unreadable file is an error at the value. A trailing
  // newline read from a file is dropped.
  std::optional<Secret> SecretValue(std::string_view key, Presence presence = Presence::kOptional);

  // The member `key` as a node (any shape); an undefined node when absent.
  ConfigNode Child(std::string_view key, Presence presence = Presence::kOptional);
  // The member `key` as a sequence of nodes; empty when absent or not a sequence (reported).
  std::vector<ConfigNode> Sequence(std::string_view key, Presence presence = Presence::kOptional);
  // The items of this sequence node (a sequence inside a sequence); empty, and reported,
  // when it is not a sequence.
  std::vector<ConfigNode> Items() const;
  // Every member of this map in document order; marks them all read.
  std::vector<std::pair<std::string, ConfigNode>> Members();
  // This node's own scalar text, or nullopt (reported) when it is not a scalar.
  std::optional<std::string> Scalar();

  // Reports a problem at this node's position and path.
  void Error(std::string message) const;
  // Reports every key of this map node that no accessor read: "unknown key 'shedule'"
  // (with "did you mean 'schedule'?" when a read key is close).
  // Idempotent: a second call on the same node reports nothing new.
  void RejectUnknownKeys() const;

 private:
  friend class ConfigDocument;
  struct State;
  std::shared_ptr<State> state_;
};

// A parsed YAML file plus the diagnostics found while reading it. Owns the tree; its
// nodes are valid while it lives. Not thread-safe: one thread reads a document at a time.
class ConfigDocument {
 public:
  // Parses `file_path`. A YAML syntax error or unreadable file is reported as a
  // diagnostic and root() is undefined.
  static std::unique_ptr<ConfigDocument> Load(const std::string& file_path);
  // Parses `text` as if it were the file `display_name` in folder `base_dir`.
  static std::unique_ptr<ConfigDocument> Parse(const std::string& text, const std::string& display_name,
                                               const std::string& base_dir);
  ~ConfigDocument();

  ConfigNode root();
  // Before root() is read: SecretValue() resolves only the secrets `filter` accepts and
  // returns the others unresolved (empty value, reference kept). Default: all.
  void ResolveSecretsOnly(SecretFilter filter);
  // The values of every secret SecretValue() resolved, for SecretRedactor.
  [[nodiscard]] const std::vector<std::string>& secrets() const;
  [[nodiscard]] const std::string& display_name() const;
  [[nodiscard]] const std::string& base_dir() const;
  Diagnostics& diagnostics();

 private:
  ConfigDocument();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tributary::config
