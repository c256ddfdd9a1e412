// `lookups:` — named tables, inline or from a CSV file next to the mapping.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "gateway/config/values.h"
#include "gateway/mapping/mapping_loader.h"
#include "gateway/readers/csv_reader.h"
#include "gateway/readers/encoding.h"

namespace tributary::mapping {
namespace {

using config::ConfigNode;
using config::QuoteForMessage;

constexpr size_t kMaxLookupEntries = 1000000;

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

}  // namespace

void MappingLoader::LoadLookups(ConfigNode node) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    node.Error("expected a map of table name: {source value: value} or {file: F.csv, key: COLUMN, value: COLUMN}");
    return;
  }
  for (auto& [name, table_node] : node.Members()) {
    LookupTable table;
    table.name = name;
    if (!table_node.IsMap()) {
      table_node.Error("expected a map of source value: value, or {file: F.csv, key: COLUMN, value: COLUMN}");
    } else if (table_node.Has("file")) {
      LoadLookupFile(table_node, table);
    } else {
      for (auto& [key, value] : table_node.Members()) {
        std::optional<std::string> text = value.IsNull() ? std::optional<std::string>("") : value.Scalar();
        if (text) table.entries.emplace(key, *text);
      }
    }
    out_.lookups.push_back(std::move(table));
  }
}

void MappingLoader::LoadLookupFile(ConfigNode node, LookupTable& table) {
  auto path = node.Path("file", config::Presence::kRequired);
  auto key_column = node.String("key", config::Presence::kRequired);
  auto value_column = node.String("value", config::Presence::kRequired);
  node.RejectUnknownKeys();
  if (!path || !key_column || !value_column) return;
  ConfigNode at = node.Child("file");
  const std::string shown = std::filesystem::path(*path).filename().string();
  std::ifstream file(*path, std::ios::binary);
  if (!file) {
    at.Error("cannot read lookup file " + *path + ": " + std::strerror(errno));
    return;
  }
  readers::CsvOptions options;
  options.delimiter = ',';
  readers::CsvReader reader(file, options);
  readers::CsvRecord record;
  auto header = reader.Next(record);
  if (!header || !*header || !record.ok()) {
    at.Error(shown + ": " + (!header ? header.error().message : !*header ? "the file is empty (no header line)" : record.error));
    return;
  }
  int key_index = -1;
  int value_index = -1;
  std::string names;
  for (size_t i = 0; i < record.fields.size(); ++i) {
    const std::string_view name = TrimSpaces(record.fields[i]);
    if (key_index < 0 && EqualsIgnoreCase(name, *key_column)) key_index = static_cast<int>(i);
    if (value_index < 0 && EqualsIgnoreCase(name, *value_column)) value_index = static_cast<int>(i);
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  for (auto [index, column] : {std::pair{key_index, *key_column}, std::pair{value_index, *value_column}}) {
    if (index < 0) {
      at.Error(shown + ": the header has no column " + QuoteForMessage(column) + " (it has: " + names + ")");
      return;
    }
  }
  std::unordered_map<std::string, int64_t> first_line;
  while (true) {
    auto next = reader.Next(record);
    if (!next) {
      at.Error(shown + ": " + next.error().message);
      return;
    }
    if (!*next) break;
    const std::string where = shown + ":" + std::to_string(record.line);
    if (!record.ok()) {
      at.Error(where + ": " + record.error);
      return;
    }
    const size_t needed = static_cast<size_t>(std::max(key_index, value_index)) + 1;
    if (record.fields.size() < needed) {
      at.Error(where + ": expected at least " + std::to_string(needed) + " fields, found " +
               std::to_string(record.fields.size()));
      return;
    }
    for (std::string_view field : record.fields) {
      if (size_t bad = readers::FindInvalidUtf8(field); bad != std::string_view::npos) {
        at.Error(where + ": the file is not UTF-8 (byte " + std::to_string(bad + 1) + " of a field)");
        return;
      }
    }
    std::string key(TrimSpaces(record.fields[static_cast<size_t>(key_index)]));
    if (auto [it, inserted] = first_line.emplace(key, record.line); !inserted) {
      at.Error(where + ": duplicate key " + QuoteForMessage(key) + " (first at line " + std::to_string(it->second) + ")");
      return;
    }
    if (table.entries.size() >= kMaxLookupEntries) {
      at.Error(shown + ": more than " + std::to_string(kMaxLookupEntries) + " entries");
      return;
    }
    table.entries.emplace(std::move(key), std::string(TrimSpaces(record.fields[static_cast<size_t>(value_index)])));
  }
}

}  // namespace tributary::mapping
