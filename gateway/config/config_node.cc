#include "gateway/config/config_node.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "gateway/config/secret_reference.h"
#include "gateway/config/values.h"

namespace tributary::config {
namespace node_internal {

// What all views of one document share. Owned by ConfigDocument::Impl; not thread-safe.
struct DocumentCore {
  std::string display_name;
  std::string base_dir;
  Diagnostics diagnostics;
  // Keyed by node path so that two views of the same node (Child("x") called twice)
  // share what was read and what was reported.
  std::unordered_map<std::string, std::set<std::string, std::less<>>> read_keys;
  std::unordered_set<std::string> shape_reported;
  std::unordered_set<std::string> unknown_checked;
  // Which secrets to resolve, by the path of their key; empty: all of them.
  SecretFilter resolve_secret;
  // The values of the secrets resolved so far, for the redaction of logs.
  std::vector<std::string> secrets;

  void Report(int line, int column, std::string path, std::string message) {
    diagnostics.push_back(Diagnostic{display_name, line, column, std::move(path), std::move(message)});
  }
};

struct NodeData {
  DocumentCore* doc = nullptr;
  YAML::Node node;
  bool defined = false;
  std::string path;
  int line = 0;
  int column = 0;
};

}  // namespace node_internal

struct ConfigNode::State : node_internal::NodeData {};

struct ConfigDocument::Impl {
  node_internal::DocumentCore core;
  YAML::Node root;
  bool parsed = false;
};

namespace {

using node_internal::DocumentCore;
using node_internal::NodeData;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxVisitedNodes = 1'000'000;
constexpr size_t kMaxDocumentBytes = 16 * 1024 * 1024;

// yaml-cpp marks are 0-based and -1 when unknown (an empty document).
int LineOf(const YAML::Mark& mark) { return mark.line < 0 ? 1 : mark.line + 1; }
int ColumnOf(const YAML::Mark& mark) { return mark.column < 0 ? 1 : mark.column + 1; }

std::string JoinKey(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string JoinIndex(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string DescribeShape(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Scalar:
      return "a scalar";
    default:
      return "an empty value";
  }
}

void ReportAt(const NodeData& data, std::string message) {
  if (data.doc != nullptr) data.doc->Report(data.line, data.column, data.path, std::move(message));
}

// True when `data` can be read as a map (a map, or empty). Otherwise reports once.
bool MapShaped(const NodeData& data) {
  if (data.node.IsMap() || data.node.IsNull()) return true;
  if (data.doc->shape_reported.insert(data.path).second) {
    ReportAt(data, "expected a map, found " + DescribeShape(data.node));
  }
  return false;
}

struct MapEntry {
  YAML::Node key;
  YAML::Node value;
};

std::optional<MapEntry> FindMember(const YAML::Node& map, std::string_view key) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return MapEntry{it->first, it->second};
  }
  return std::nullopt;
}

// The scalar text of a member value; reports a wrong shape, and an empty value when the
// member is required.
std::optional<std::string> ScalarText(ConfigNode& value, Presence presence, std::string_view expected) {
  if (!value.IsDefined()) return std::nullopt;
  if (value.IsNull()) {
    if (presence == Presence::kRequired) value.Error("expected " + std::string(expected) + ", found an empty value");
    return std::nullopt;
  }
  if (!value.IsScalar()) {
    value.Error("expected " + std::string(expected) + ", found " + (value.IsMap() ? "a map" : "a sequence"));
    return std::nullopt;
  }
  return value.Scalar();
}

std::string RangeText(int64_t min, int64_t max) {
  constexpr int64_t kLowest = std::numeric_limits<int64_t>::min();
  constexpr int64_t kHighest = std::numeric_limits<int64_t>::max();
  if (min == kLowest && max == kHighest) return "an integer";
  if (max == kHighest) return "an integer of at least " + std::to_string(min);
  if (min == kLowest) return "an integer of at most " + std::to_string(max);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// The commonest syntax error in a config: a secret reference inside a flow collection,
// where '{' and '}' are syntax (`admin: {token: ${env:X}}`).
std::string SyntaxHint(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  size_t start = 0;
  for (int line = 0; line < mark.line && start != std::string::npos; ++line) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "";
  const std::string_view line = std::string_view(text).substr(start, text.find('\n', start) - start);
  const size_t reference = line.find("${");
  if (reference == std::string_view::npos || reference == 0 || line[reference - 1] == '"' ||
      line[reference - 1] == '\'') {
    return "";
  }
  return " (inside { } or [ ], write a ${...} reference in quotes: \"${env:NAME}\")";
}

// Walks the whole tree once after parsing: keys must be scalars and unique. yaml-cpp
// accepts duplicate keys silently, which would let a later value hide an earlier one.
void CheckKeys(DocumentCore& doc, const YAML::Node& node, const std::string& path, int depth,
               size_t& visited) {
  if (++visited > kMaxVisitedNodes) {
    if (visited == kMaxVisitedNodes + 1) doc.Report(1, 1, "", "document too large (too many nodes)");
    return;
  }
  if (depth > kMaxDepth) {
    doc.Report(LineOf(node.Mark()), ColumnOf(node.Mark()), path,
               "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return;
  }
  if (node.IsSequence()) {
    size_t index = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++index) {
      CheckKeys(doc, *it, JoinIndex(path, index), depth + 1, visited);
    }
    return;
  }
  if (!node.IsMap()) return;
  std::unordered_map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` yields a temporary proxy
    const YAML::Mark mark = key.Mark();
    if (!key.IsScalar()) {
      doc.Report(LineOf(mark), ColumnOf(mark), path, "expected a scalar key, found " + DescribeShape(key));
      continue;
    }
    const std::string child_path = JoinKey(path, key.Scalar());
    auto [seen, inserted] = first_line.emplace(key.Scalar(), LineOf(mark));
    if (!inserted) {
      doc.Report(LineOf(mark), ColumnOf(mark), child_path,
                 "duplicate key '" + key.Scalar() + "' (first at line " + std::to_string(seen->second) + ")");
    }
    CheckKeys(doc, it->second, child_path, depth + 1, visited);
  }
}

}  // namespace

// ---------------------------------------------------------------- ConfigNode

ConfigNode::ConfigNode() = default;
ConfigNode::~ConfigNode() = default;
ConfigNode::ConfigNode(const ConfigNode&) = default;
ConfigNode& ConfigNode::operator=(const ConfigNode&) = default;

const std::string& ConfigNode::path() const {
  static const std::string kNoPath;
  return state_ ? state_->path : kNoPath;
}
int ConfigNode::line() const { return state_ ? state_->line : 0; }
int ConfigNode::column() const { return state_ ? state_->column : 0; }
bool ConfigNode::IsDefined() const { return state_ && state_->defined; }
bool ConfigNode::IsMap() const { return IsDefined() && state_->node.IsMap(); }
bool ConfigNode::IsSequence() const { return IsDefined() && state_->node.IsSequence(); }
bool ConfigNode::IsScalar() const { return IsDefined() && state_->node.IsScalar(); }
bool ConfigNode::IsNull() const { return IsDefined() && state_->node.IsNull(); }

bool ConfigNode::Has(std::string_view key) const {
  return IsMap() && FindMember(state_->node, key).has_value();
}

ConfigNode ConfigNode::Child(std::string_view key, Presence presence) {
  ConfigNode child;
  if (!state_) return child;
  const State& self = *state_;
  child.state_ = std::make_shared<State>();
  State& out = *child.state_;
  out.doc = self.doc;
  out.path = JoinKey(self.path, key);
  // Until found, the child reports at its parent: that is where the key is missing.
  out.line = self.line;
  out.column = self.column;
  if (!self.defined) return child;
  self.doc->read_keys[self.path].emplace(key);
  if (!MapShaped(self)) return child;
  std::optional<MapEntry> entry;
  if (self.node.IsMap()) entry = FindMember(self.node, key);
  if (!entry) {
    if (presence == Presence::kRequired) Error("missing required key '" + std::string(key) + "'");
    return child;
  }
  out.node = entry->value;
  out.defined = true;
  // yaml-cpp marks an empty value at the next token, often on a later line; the key is
  // where the user looks.
  const YAML::Mark mark = entry->value.IsNull() ? entry->key.Mark() : entry->value.Mark();
  out.line = LineOf(mark);
  out.column = ColumnOf(mark);
  return child;
}

std::vector<ConfigNode> ConfigNode::Sequence(std::string_view key, Presence presence) {
  ConfigNode list = Child(key, presence);
  if (!list.IsDefined() || list.IsNull()) return {};
  return list.Items();
}

std::vector<ConfigNode> ConfigNode::Items() const {
  std::vector<ConfigNode> items;
  if (!IsDefined()) return items;
  const State& self = *state_;
  if (!self.node.IsSequence()) {
    Error("expected a sequence, found " + DescribeShape(self.node));
    return items;
  }
  size_t index = 0;
  for (auto it = self.node.begin(); it != self.node.end(); ++it, ++index) {
    ConfigNode item;
    item.state_ = std::make_shared<State>();
    State& out = *item.state_;
    out.doc = self.doc;
    out.node = static_cast<const YAML::Node&>(*it);
    out.defined = true;
    out.path = JoinIndex(self.path, index);
    const YAML::Mark mark = it->IsNull() ? self.node.Mark() : it->Mark();
    out.line = LineOf(mark);
    out.column = ColumnOf(mark);
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::Members() {
  std::vector<std::pair<std::string, ConfigNode>> members;
  if (!IsDefined() || !MapShaped(*state_) || !state_->node.IsMap()) return members;
  const State& self = *state_;
  auto& read = self.doc->read_keys[self.path];
  for (auto it = self.node.begin(); it != self.node.end(); ++it) {
    if (!it->first.IsScalar()) continue;  // reported when the document was parsed
    const std::string key = it->first.Scalar();
    read.insert(key);
    ConfigNode child;
    child.state_ = std::make_shared<State>();
    State& out = *child.state_;
    out.doc = self.doc;
    out.node = it->second;
    out.defined = true;
    out.path = JoinKey(self.path, key);
    const YAML::Mark mark = it->second.IsNull() ? it->first.Mark() : it->second.Mark();
    out.line = LineOf(mark);
    out.column = ColumnOf(mark);
    members.emplace_back(key, std::move(child));
  }
  return members;
}

std::optional<std::string> ConfigNode::Scalar() {
  if (!IsDefined()) return std::nullopt;
  if (!state_->node.IsScalar()) {
    Error("expected a scalar, found " + DescribeShape(state_->node));
    return std::nullopt;
  }
  return state_->node.Scalar();
}

std::optional<std::string> ConfigNode::String(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  return ScalarText(value, presence, "a string");
}

std::optional<bool> ConfigNode::Bool(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "true or false");
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "True" || *text == "TRUE") return true;
  if (*text == "false" || *text == "False" || *text == "FALSE") return false;
  value.Error("expected true or false, found " + QuoteForMessage(*text));
  return std::nullopt;
}

std::optional<int64_t> ConfigNode::Integer(std::string_view key, int64_t min, int64_t max, Presence presence) {
  ConfigNode value = Child(key, presence);
  const std::string expected = RangeText(min, max);
  std::optional<std::string> text = ScalarText(value, presence, expected);
  if (!text) return std::nullopt;
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (ec != std::errc() || end != text->data() + text->size() || number < min || number > max) {
    value.Error("expected " + expected + ", found " + QuoteForMessage(*text));
    return std::nullopt;
  }
  return number;
}

std::optional<std::chrono::milliseconds> ConfigNode::Duration(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "a duration");
  if (!text) return std::nullopt;
  std::optional<std::chrono::milliseconds> duration = ParseDuration(*text);
  if (!duration) {
    value.Error("invalid duration " + QuoteForMessage(*text) +
                " (expected a number with ms, s, m, h or d, e.g. 30s)");
    return std::nullopt;
  }
  if (duration->count() <= 0) {
    value.Error("invalid duration " + QuoteForMessage(*text) + " (must be greater than 0)");
    return std::nullopt;
  }
  return duration;
}

std::optional<double> ConfigNode::Ratio(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "a ratio from 0 to 1");
  if (!text) return std::nullopt;
  double ratio = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ratio);
  if (ec != std::errc() || end != text->data() + text->size() || !std::isfinite(ratio) || ratio < 0 ||
      ratio > 1) {
    value.Error("expected a ratio from 0 to 1 (e.g. 0.2), found " + QuoteForMessage(*text));
    return std::nullopt;
  }
  return ratio;
}

std::optional<std::string> ConfigNode::Enum(std::string_view key, std::initializer_list<std::string_view> allowed,
                                             Presence presence) {
  std::string choices;
  for (std::string_view choice : allowed) {
    if (!choices.empty()) choices += ", ";
    choices += choice;
  }
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "one of: " + choices);
  if (!text) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
    value.Error(QuoteForMessage(*text) + " is not one of: " + choices);
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> ConfigNode::Path(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "a path");
  if (!text) return std::nullopt;
  if (text->empty()) {
    value.Error("expected a path, found an empty string");
    return std::nullopt;
  }
  return ResolvePath(state_->doc->base_dir, *text);
}

std::optional<Secret> ConfigNode::SecretValue(std::string_view key, Presence presence) {
  ConfigNode value = Child(key, presence);
  std::optional<std::string> text = ScalarText(value, presence, "a string");
  if (!text) return std::nullopt;
  DocumentCore& doc = *state_->doc;
  if (text->starts_with("${") && doc.resolve_secret && !doc.resolve_secret(value.path())) {
    // A command that does not use this secret: its reference is kept, its value left
    // empty, and a missing variable or file is not an error.
    return Secret{.value = "", .reference = *text, .resolved = false};
  }
  Result<Secret> secret = ResolveSecret(*text, doc.base_dir);
  if (!secret) {
    value.Error(secret.error().message);
    return std::nullopt;
  }
  doc.secrets.push_back(secret->value);
  return std::move(*secret);
}

void ConfigNode::Error(std::string message) const {
  if (state_) ReportAt(*state_, std::move(message));
}

void ConfigNode::RejectUnknownKeys() const {
  if (!IsMap()) return;
  const State& self = *state_;
  if (!self.doc->unknown_checked.insert(self.path).second) return;
  const auto& read = self.doc->read_keys[self.path];
  for (auto it = self.node.begin(); it != self.node.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string key = it->first.Scalar();
    if (read.contains(key)) continue;
    std::string message = "unknown key '" + key + "'";
    const std::string* best = nullptr;
    int best_distance = 3;
    // `read` is ordered, so ties go to the alphabetically first key.
    for (const std::string& candidate : read) {
      const int distance = EditDistance(key, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = &candidate;
      }
    }
    if (best != nullptr) message += " (did you mean '" + *best + "'?)";
    const YAML::Mark mark = it->first.Mark();
    self.doc->Report(LineOf(mark), ColumnOf(mark), JoinKey(self.path, key), std::move(message));
  }
}

// ---------------------------------------------------------------- ConfigDocument

ConfigDocument::ConfigDocument() : impl_(std::make_unique<Impl>()) {}
ConfigDocument::~ConfigDocument() = default;

std::unique_ptr<ConfigDocument> ConfigDocument::Parse(const std::string& text, const std::string& display_name,
                                                      const std::string& base_dir) {
  std::unique_ptr<ConfigDocument> document(new ConfigDocument());
  DocumentCore& core = document->impl_->core;
  core.display_name = display_name;
  std::error_code error;
  std::filesystem::path base = std::filesystem::absolute(base_dir.empty() ? "." : base_dir, error);
  core.base_dir = (error ? std::filesystem::path(base_dir) : base).lexically_normal().string();
  if (core.base_dir.size() > 1 && core.base_dir.ends_with('/')) core.base_dir.pop_back();
  try {
    document->impl_->root = YAML::Load(text);
    document->impl_->parsed = true;
  } catch (const YAML::Exception& e) {
    core.Report(e.mark.is_null() ? 0 : LineOf(e.mark), e.mark.is_null() ? 0 : ColumnOf(e.mark), "",
                "invalid YAML: " + e.msg + SyntaxHint(text, e.mark));
    return document;
  } catch (const std::exception& e) {
    core.Report(0, 0, "", std::string("invalid YAML: ") + e.what());
    return document;
  }
  size_t visited = 0;
  CheckKeys(core, document->impl_->root, "", 0, visited);
  return document;
}

std::unique_ptr<ConfigDocument> ConfigDocument::Load(const std::string& file_path) {
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(file_path, error);
  const std::string base_dir = error ? "." : absolute.parent_path().string();
  // Config and mapping files are small; the limit stops a wrong path to a huge file.
  Result<std::string> text = ReadSmallFile(file_path, kMaxDocumentBytes);
  if (!text) {
    std::unique_ptr<ConfigDocument> document(new ConfigDocument());
    document->impl_->core.display_name = file_path;
    document->impl_->core.base_dir = base_dir;
    document->impl_->core.Report(0, 0, "", "cannot read file: " + text.error().message);
    return document;
  }
  return Parse(*text, file_path, base_dir);
}

void ConfigDocument::ResolveSecretsOnly(SecretFilter filter) { impl_->core.resolve_secret = std::move(filter); }

const std::vector<std::string>& ConfigDocument::secrets() const { return impl_->core.secrets; }

ConfigNode ConfigDocument::root() {
  ConfigNode node;
  node.state_ = std::make_shared<ConfigNode::State>();
  ConfigNode::State& out = *node.state_;
  out.doc = &impl_->core;
  out.node = impl_->root;
  out.defined = impl_->parsed;
  const YAML::Mark mark = impl_->parsed ? impl_->root.Mark() : YAML::Mark::null_mark();
  out.line = LineOf(mark);
  out.column = ColumnOf(mark);
  return node;
}

const std::string& ConfigDocument::display_name() const { return impl_->core.display_name; }
const std::string& ConfigDocument::base_dir() const { return impl_->core.base_dir; }
Diagnostics& ConfigDocument::diagnostics() { return impl_->core.diagnostics; }

}  // namespace tributary::config
