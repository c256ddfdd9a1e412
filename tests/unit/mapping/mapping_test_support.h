// Compiling and running small mappings in tests: the real loader, the real readers.
#pragma once

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/mapping/mapping.h"
#include "tests/unit/mapping/collecting_sink.h"

namespace tributary::mapping::testing_support {

inline std::unique_ptr<Mapping> Compile(const std::string& text, const std::string& base_dir = "/tmp") {
  auto mapping = Mapping::Parse(text, "test.yaml", base_dir);
  if (!mapping) {
    for (const Diagnostic& d : mapping.error()) ADD_FAILURE() << d.ToString();
    return nullptr;
  }
  return std::move(*mapping);
}

// Every problem of `text`, as `tributary check` prints them; empty when it loads.
inline std::vector<std::string> Problems(const std::string& text, const std::string& base_dir = "/tmp") {
  auto mapping = Mapping::Parse(text, "m.yaml", base_dir);
  std::vector<std::string> lines;
  if (mapping) return lines;
  for (const Diagnostic& d : mapping.error()) lines.push_back(d.ToString());
  return lines;
}

inline MappingContext Context() {
  MappingContext context;
  context.tenant = "acme";
  context.source = "erp";
  context.legal_entity = "FR01";
  context.file_name = "in.csv";
  context.file_sha256 = "abc123";
  context.source_updated_at = "2026-03-31T06:00:00Z";
  return context;
}

struct Outcome {
  Result<RunStats> stats;
  CollectingSink sink;
};

inline std::unique_ptr<Outcome> MapText(const Mapping& mapping, const std::string& input,
                                    const MappingContext& context = Context()) {
  auto outcome = std::make_unique<Outcome>();
  std::istringstream stream(input);
  outcome->stats = mapping.Run(stream, context, outcome->sink);
  return outcome;
}

// A mapping of a `;`-separated csv with a header into one customer per row (account
// number in column `id`), whose `custom` members are the expressions in `custom_yaml`
// (the body of a YAML map, one member per line, indented by 6 spaces).
inline std::string CustomerMapping(const std::string& custom_yaml, const std::string& top = "") {
  return "name: exprs\n" + top + "reader: {delimiter: \";\"}\nentities:\n  - entity: customer\n"
         "    source_key: {column: id}\n    fields: {account_number: {column: id}}\n    custom:\n" +
         custom_yaml;
}

}  // namespace tributary::mapping::testing_support
