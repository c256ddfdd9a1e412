// ParseReaderOptions: the `reader:` section of a mapping, strictly, with positions.
#include "gateway/readers/reader_options.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <initializer_list>

#include <re2/re2.h>

#include "gateway/config/values.h"
#include "gateway/readers/record_reader.h"

namespace tributary::readers {
namespace {

using config::ConfigNode;
using config::QuoteForMessage;

constexpr int kMaxColumns = 100000;
constexpr int kMaxLines = 1000000;
constexpr int64_t kMaxDocumentBytesLimit = int64_t{4} * 1024 * 1024 * 1024;

struct KeyRule {
  std::string_view key;
  std::initializer_list<ReaderType> types;
};

// Every key of every reader type; a key of another type gets a precise message instead
// of "unknown key".
constexpr ReaderType kCsv = ReaderType::kCsv;
constexpr ReaderType kFixed = ReaderType::kFixedWidth;
constexpr ReaderType kXml = ReaderType::kXml;
constexpr ReaderType kJson = ReaderType::kJson;
constexpr ReaderType kJsonLines = ReaderType::kJsonLines;

const std::array<KeyRule, 16>& KeyRules() {
  static const std::array<KeyRule, 16> rules = {{
      {"type", {kCsv, kFixed, kXml, kJson, kJsonLines}},
      {"encoding", {kCsv, kFixed, kXml, kJson, kJsonLines}},
      {"delimiter", {kCsv}},
      {"quote", {kCsv}},
      {"escape", {kCsv}},
      {"header", {kCsv}},
      {"trailing_delimiter", {kCsv}},
      {"min_columns", {kCsv}},
      {"columns", {kCsv, kFixed}},
      {"skip_lines", {kCsv, kFixed}},
      {"preamble_lines", {kCsv, kFixed}},
      {"skip_patterns", {kCsv, kFixed}},
      {"min_length", {kFixed}},
      {"records", {kXml, kJson, kJsonLines}},
      {"namespaces", {kXml}},
      {"max_document_bytes", {kXml, kJson, kJsonLines}},
  }};
  return rules;
}

bool Applies(const KeyRule& rule, ReaderType type) {
  return std::find(rule.types.begin(), rule.types.end(), type) != rule.types.end();
}

std::string ShowChar(char c) {
  if (c == '\t') return "\"\\t\"";
  return QuoteForMessage(std::string_view(&c, 1));
}

// One byte that can separate fields: not a line break, not NUL.
std::optional<char> OneByte(ConfigNode node, const std::string& text, std::string_view what) {
  if (text.size() != 1 || text[0] == '\r' || text[0] == '\n' || text[0] == '\0' ||
      static_cast<unsigned char>(text[0]) >= 0x80) {
    node.Error("expected one ASCII character as " + std::string(what) + ", found " + QuoteForMessage(text));
    return std::nullopt;
  }
  return text[0];
}

std::optional<InputEncoding> ParseInputEncoding(std::string_view name, ReaderType type) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (lower == "auto") {
    return InputEncoding{type == ReaderType::kXml ? InputEncoding::Kind::kDocument : InputEncoding::Kind::kAuto};
  }
  if (lower == "utf-16le" || lower == "utf16le") return InputEncoding{InputEncoding::Kind::kUtf16Le};
  if (lower == "utf-16be" || lower == "utf16be") return InputEncoding{InputEncoding::Kind::kUtf16Be};
  if (lower == "utf-16" || lower == "utf16") return InputEncoding{InputEncoding::Kind::kUtf16};
  if (auto single = ParseEncodingName(name)) return InputEncoding{InputEncoding::Kind::kSingle, *single};
  return std::nullopt;
}

// The anchored-prefix pre-check of a skip pattern (see SkipPattern). Conservative: any
// construct it does not understand leaves `first_chars` empty (always run the regex).
void AnalyzeSkipPattern(SkipPattern& pattern) {
  std::string_view p = pattern.text;
  if (!p.starts_with('^') || p.find('|') != std::string_view::npos) return;
  p.remove_prefix(1);
  for (std::string_view spaces : {"\\s*", "[ \\t]*", " *"}) {
    if (p.starts_with(spaces)) {
      pattern.skip_spaces = true;
      p.remove_prefix(spaces.size());
      break;
    }
  }
  if (p.empty()) return;
  std::string chars;
  size_t atom = 0;
  static constexpr std::string_view kMeta = "\\^$.|?*+()[]{}";
  if (p[0] == '\\') {
    if (p.size() < 2 || std::isalnum(static_cast<unsigned char>(p[1]))) return;  // \d, \w, \1 ...
    chars.push_back(p[1]);
    atom = 2;
  } else if (p[0] == '[') {
    const size_t close = p.find(']', 1);
    if (close == std::string_view::npos || close == 1) return;
    std::string_view set = p.substr(1, close - 1);
    if (set.find_first_of("^-\\[") != std::string_view::npos) return;
    chars.assign(set);
    atom = close + 1;
  } else if (kMeta.find(p[0]) == std::string_view::npos) {
    chars.push_back(p[0]);
    atom = 1;
  } else {
    return;
  }
  // A quantifier that allows zero occurrences makes the atom optional.
  if (atom < p.size() && (p[atom] == '?' || p[atom] == '*' || p[atom] == '{')) return;
  pattern.first_chars = std::move(chars);
}

class OptionsParser {
 public:
  explicit OptionsParser(ConfigNode node) : node_(std::move(node)) {}

  std::optional<std::shared_ptr<const ReaderOptions>> Parse() {
    auto options = std::make_shared<ReaderOptions>();
    if (!node_.IsDefined() || node_.IsNull()) return options;
    if (!node_.IsMap()) {
      node_.Error("expected a map (type, encoding and the options of the type)");
      return std::nullopt;
    }
    const auto type = node_.Enum("type", {"csv", "fixed_width", "xml", "json", "json_lines"});
    if (type) {
      if (*type == "fixed_width") options->type = ReaderType::kFixedWidth;
      if (*type == "xml") options->type = ReaderType::kXml;
      if (*type == "json") options->type = ReaderType::kJson;
      if (*type == "json_lines") options->type = ReaderType::kJsonLines;
    } else if (node_.Has("type") && !node_.Child("type").IsNull()) {
      return std::nullopt;  // reported; the other keys would only add noise
    }
    ReaderOptions& o = *options;
    if (o.type == ReaderType::kXml) o.encoding.kind = InputEncoding::Kind::kDocument;
    ok_ = true;
    ReportKeysOfOtherTypes(o.type);
    ParseEncoding(o);
    switch (o.type) {
      case ReaderType::kCsv:
        ParseLines(o);
        ParseCsv(o);
        break;
      case ReaderType::kFixedWidth:
        ParseLines(o);
        ParseFixedWidth(o);
        break;
      case ReaderType::kXml:
        o.records = Track("records", node_.String("records")).value_or("");
        ParseNamespaces(o);
        ParseMaxBytes(o);
        break;
      case ReaderType::kJson:
      case ReaderType::kJsonLines:
        o.records = Track("records", node_.String("records")).value_or("");
        ParseMaxBytes(o);
        break;
    }
    node_.RejectUnknownKeys();
    if (!ok_) return std::nullopt;
    return options;
  }

 private:
  // An accessor returns nullopt both when the key is absent and when it reported a
  // problem; only the second makes the section invalid.
  template <typename T>
  std::optional<T> Track(std::string_view key, std::optional<T> value) {
    if (!value && node_.Has(key) && !node_.Child(key).IsNull()) ok_ = false;
    return value;
  }

  void Error(ConfigNode node, std::string message) {
    node.Error(std::move(message));
    ok_ = false;
  }

  void ReportKeysOfOtherTypes(ReaderType type) {
    for (const KeyRule& rule : KeyRules()) {
      if (Applies(rule, type) || !node_.Has(rule.key)) continue;
      Error(node_.Child(rule.key),
            "'" + std::string(rule.key) + "' does not apply to a " + std::string(ReaderTypeName(type)) + " reader");
    }
  }

  void ParseEncoding(ReaderOptions& o) {
    auto name = Track("encoding", node_.String("encoding"));
    if (!name) return;
    if (auto parsed = ParseInputEncoding(*name, o.type)) {
      o.encoding = *parsed;
      return;
    }
    Error(node_.Child("encoding"), "unknown encoding " + QuoteForMessage(*name) + " (known: auto, " +
                                       std::string(KnownEncodingNames()) + ", utf-16, utf-16le, utf-16be)");
  }

  void ParseLines(ReaderOptions& o) {
    o.skip_lines = static_cast<int>(Track("skip_lines", node_.Integer("skip_lines", 0, kMaxLines)).value_or(0));
    o.preamble_lines = static_cast<int>(Track("preamble_lines", node_.Integer("preamble_lines", 0, 1000)).value_or(0));
    std::vector<ConfigNode> patterns = node_.Sequence("skip_patterns");
    for (ConfigNode& entry : patterns) {
      auto text = entry.Scalar();
      if (!text) {
        ok_ = false;
        continue;
      }
      SkipPattern pattern;
      pattern.text = *text;
      re2::RE2::Options re2_options;
      re2_options.set_log_errors(false);
      auto regex = std::make_shared<const re2::RE2>(*text, re2_options);
      if (!regex->ok()) {
        Error(entry, "invalid regular expression " + QuoteForMessage(*text) + ": " + regex->error());
        continue;
      }
      pattern.regex = std::move(regex);
      AnalyzeSkipPattern(pattern);
      o.skip_patterns.push_back(std::move(pattern));
    }
  }

  void ParseDelimiters(CsvDialect& csv) {
    ConfigNode node = node_.Child("delimiter");
    if (!node.IsDefined()) return;
    if (node.IsSequence()) {
      std::vector<ConfigNode> entries = node_.Sequence("delimiter");
      if (entries.empty()) Error(node, "expected at least one delimiter candidate");
      csv.delimiters.clear();
      for (ConfigNode& entry : entries) {
        auto text = entry.Scalar();
        if (!text) {
          ok_ = false;
          continue;
        }
        auto c = OneByte(entry, *text, "a delimiter");
        if (!c) {
          ok_ = false;
        } else if (std::find(csv.delimiters.begin(), csv.delimiters.end(), *c) != csv.delimiters.end()) {
          Error(entry, "delimiter candidate " + ShowChar(*c) + " is listed twice");
        } else {
          csv.delimiters.push_back(*c);
        }
      }
      if (csv.delimiters.empty()) csv.delimiters = {','};
      return;
    }
    auto text = Track("delimiter", node_.String("delimiter"));
    if (!text) return;
    if (auto c = OneByte(node, *text, "the delimiter")) {
      csv.delimiters = {*c};
    } else {
      ok_ = false;
    }
  }

  bool IsDelimiter(const CsvDialect& csv, char c) {
    return std::find(csv.delimiters.begin(), csv.delimiters.end(), c) != csv.delimiters.end();
  }

  void ParseCsv(ReaderOptions& o) {
    CsvDialect& csv = o.csv;
    ParseDelimiters(csv);
    if (auto quote = Track("quote", node_.String("quote"))) {
      if (quote->empty()) {
        csv.quote = '\0';
      } else if (auto c = OneByte(node_.Child("quote"), *quote, "the quote"); !c) {
        ok_ = false;
      } else if (IsDelimiter(csv, *c)) {
        Error(node_.Child("quote"), "expected one character other than the delimiter, or \"\" for none, found " +
                                        QuoteForMessage(*quote));
      } else {
        csv.quote = *c;
      }
    }
    if (auto escape = Track("escape", node_.String("escape"))) {
      if (auto c = OneByte(node_.Child("escape"), *escape, "the escape character"); !c) {
        ok_ = false;
      } else if (IsDelimiter(csv, *c)) {
        Error(node_.Child("escape"), "the escape character cannot be the delimiter");
      } else if (*c == csv.quote) {
        Error(node_.Child("escape"),
              "the escape character cannot be the quote (a doubled quote is already a literal quote)");
      } else {
        csv.escape = *c;
      }
    }
    csv.header = Track("header", node_.Bool("header")).value_or(true);
    csv.trailing_delimiter = Track("trailing_delimiter", node_.Bool("trailing_delimiter")).value_or(false);
    if (auto columns = Track("columns", node_.Integer("columns", 1, kMaxColumns))) {
      if (csv.header) {
        Error(node_.Child("columns"), "'columns' applies only with header: false (the header gives the count)");
      }
      csv.columns = static_cast<int>(*columns);
    }
    if (auto min_columns = Track("min_columns", node_.Integer("min_columns", 1, kMaxColumns))) {
      csv.min_columns = static_cast<int>(*min_columns);
      if (csv.columns) Error(node_.Child("min_columns"), "give either 'columns' (exact) or 'min_columns', not both");
    }
  }

  std::optional<int> SmallInteger(ConfigNode node, std::string_view what, int min) {
    auto text = node.Scalar();
    if (!text) return std::nullopt;
    int value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > kMaxColumns * 100) {
      node.Error("expected " + std::string(what) + " (a whole number from " + std::to_string(min) + "), found " +
                 QuoteForMessage(*text));
      return std::nullopt;
    }
    return value;
  }

  void ParseFixedWidth(ReaderOptions& o) {
    FixedWidthLayout& layout = o.fixed_width;
    ConfigNode columns = node_.Child("columns", config::Presence::kRequired);
    if (columns.IsDefined() && !columns.IsMap()) {
      Error(columns, "expected a map of column name to [start, length]");
    } else if (columns.IsDefined()) {
      for (auto& [name, value] : columns.Members()) {
        if (!value.IsSequence()) {
          Error(value, "expected [start, length] (1-based start, in characters)");
          continue;
        }
        std::vector<ConfigNode> parts = columns.Sequence(name);
        if (parts.size() != 2) {
          Error(value, "expected [start, length] (1-based start, in characters), found " +
                           std::to_string(parts.size()) + " numbers");
          continue;
        }
        auto start = SmallInteger(parts[0], "a start", 1);
        auto length = SmallInteger(parts[1], "a length", 1);
        if (!start || !length) {
          ok_ = false;
          continue;
        }
        layout.columns.push_back(FixedWidthColumn{name, *start, *length});
      }
      if (layout.columns.empty() && ok_) Error(columns, "expected at least one column");
    } else {
      ok_ = false;
    }
    if (auto min_length = Track("min_length", node_.Integer("min_length", 1, kMaxColumns * 100))) {
      layout.min_length = static_cast<int>(*min_length);
    }
  }

  static bool IsNcName(std::string_view name) {
    if (name.empty()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      const auto c = static_cast<unsigned char>(name[i]);
      const bool start = std::isalpha(c) || c == '_' || c >= 0x80;
      if (i == 0 ? !start : !(start || std::isdigit(c) || c == '-' || c == '.')) return false;
    }
    return true;
  }

  void ParseNamespaces(ReaderOptions& o) {
    ConfigNode namespaces = node_.Child("namespaces");
    if (!namespaces.IsDefined() || namespaces.IsNull()) return;
    if (!namespaces.IsMap()) {
      Error(namespaces, "expected a map of prefix to namespace uri");
      return;
    }
    for (auto& [prefix, value] : namespaces.Members()) {
      auto uri = value.Scalar();
      if (!uri) {
        ok_ = false;
        continue;
      }
      if (!IsNcName(prefix) || prefix == "xml" || prefix == "xmlns") {
        Error(value, "namespace prefix " + QuoteForMessage(prefix) + " is not a valid XML prefix");
      } else if (uri->empty()) {
        Error(value, "expected a namespace uri, found an empty value");
      } else if (auto star = uri->find('*'); star != std::string::npos && star + 1 != uri->size()) {
        Error(value, "'*' may only end a namespace uri (a wildcard for the rest), found " + QuoteForMessage(*uri));
      } else if (*uri == "*") {
        Error(value, "a wildcard needs the start of the uri before '*'");
      } else {
        o.namespaces.push_back(XmlNamespace{prefix, *uri});
      }
    }
  }

  void ParseMaxBytes(ReaderOptions& o) {
    if (auto max = Track("max_document_bytes", node_.Integer("max_document_bytes", 1, kMaxDocumentBytesLimit))) o.max_document_bytes = *max;
  }

  ConfigNode node_;
  bool ok_ = true;
};

}  // namespace

std::string_view ReaderTypeName(ReaderType type) {
  switch (type) {
    case ReaderType::kCsv: return "csv";
    case ReaderType::kFixedWidth: return "fixed_width";
    case ReaderType::kXml: return "xml";
    case ReaderType::kJson: return "json";
    case ReaderType::kJsonLines: return "json_lines";
  }
  return "unknown";
}

std::optional<std::shared_ptr<const ReaderOptions>> ParseReaderOptions(config::ConfigNode node) {
  return OptionsParser(std::move(node)).Parse();
}

}  // namespace tributary::readers
