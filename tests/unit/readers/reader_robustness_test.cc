// Every reader on hostile input: truncated documents, NUL bytes, random bytes, very long
// lines, deep nesting. Each must end cleanly (a Start() error, record errors, or records),
// never crash or loop. Deterministic: a fixed seed.
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "gateway/readers/record_reader.h"
#include "tests/unit/readers/reader_test_util.h"

namespace tributary::readers {
namespace {

using testing::Column;
using testing::Index;
using testing::Options;
using testing::Path;
using testing::Plan;

struct Case {
  const char* name;
  const char* yaml;
  ReadPlan plan;
  std::string valid_input;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  cases.push_back({"csv", "reader: {delimiter: ';', encoding: auto, skip_patterns: ['^#'], preamble_lines: 1}",
                   Plan({Column("a"), Column("b"), testing::Preamble(1, 2)}),
                   "title;x\na;b;c\n1;\"q;\"\"\";3\n#skip\n\xC3\xA9;2;3\n"});
  cases.push_back({"csv_escape", R"(reader: {header: false, escape: '\', delimiter: [",", ";"]})", Plan({Index(2)}),
                   "a\\,b,c\nd,\"e\\\"f\"\n"});
  cases.push_back({"fixed_width", "reader: {type: fixed_width, encoding: auto, columns: {a: [1, 3], b: [4, 5]}}",
                   Plan({Column("a"), Column("b")}), "abc12345\nd\xC3\xA9" "f6789\n"});
  cases.push_back({"json", "reader: {type: json, records: 'x[].y[]'}", Plan({Path("v"), Path("^.id"), Path("$.t")}),
                   R"({"x":[{"id":1,"y":[{"v":1.50},{"v":"s"}]}],"t":"z"})"});
  cases.push_back({"json_lines", "reader: {type: json_lines, records: 'i[]'}", Plan({Path("v"), Path("$.o")}),
                   "{\"o\":1,\"i\":[{\"v\":2}]}\n{\"o\":2,\"i\":[]}\n"});
  cases.push_back({"xml", "reader: {type: xml, records: '//n:e', namespaces: {n: 'urn:t:*'}}",
                   Plan({Path("n:v"), Path("@k"), Path("count(../n:e)")}),
                   "<?xml version='1.0'?><r xmlns='urn:t:1'><e k='1'><v>a</v></e><e><v>\xC3\xA9</v></e></r>"});
  return cases;
}

// Runs a reader to its end; returns the number of records (bounded, so a loop fails).
size_t Drain(const ReaderOptions& options, const ReadPlan& plan, const std::string& bytes) {
  std::istringstream input(bytes);
  auto reader = OpenReader(options, plan, input, "input");
  if (!reader->Start()) return 0;
  SourceRecord record;
  size_t records = 0;
  while (records < 1000000) {
    auto next = reader->Next(record);
    if (!next || !*next) break;
    ++records;
    // Every view must be readable.
    for (const FieldValue& value : record.values) {
      volatile size_t sum = 0;
      for (char c : value.text) sum = sum + static_cast<unsigned char>(c);
    }
    EXPECT_LE(record.raw.size(), 4096u);
  }
  EXPECT_LT(records, 1000000u);
  return records;
}

TEST(ReaderRobustness, ValidInputsReadAndEveryTruncationEndsCleanly) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto options = Options(c.yaml);
    EXPECT_GT(Drain(*options, c.plan, c.valid_input), 0u);
    for (size_t cut = 0; cut < c.valid_input.size(); ++cut) Drain(*options, c.plan, c.valid_input.substr(0, cut));
  }
}

TEST(ReaderRobustness, MutatedAndRandomBytesEndCleanly) {
  std::mt19937 random(20260331);
  std::uniform_int_distribution<int> byte(0, 255);
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    auto options = Options(c.yaml);
    for (int round = 0; round < 300; ++round) {
      std::string bytes = c.valid_input;
      const int edits = 1 + round % 5;
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        const size_t at = static_cast<size_t>(random()) % bytes.size();
        switch (random() % 3) {
          case 0: bytes[at] = static_cast<char>(byte(random)); break;
          case 1: bytes.insert(at, 1, '\0'); break;
          default: bytes.erase(at, 1); break;
        }
      }
      Drain(*options, c.plan, bytes);
    }
    for (int round = 0; round < 50; ++round) {
      std::string bytes(static_cast<size_t>(random() % 2000), '\0');
      for (char& b : bytes) b = static_cast<char>(byte(random));
      Drain(*options, c.plan, bytes);
    }
  }
}

TEST(ReaderRobustness, HugeLinesAndDeepNesting) {
  auto csv = Options("reader: {header: false}");
  const std::string long_line = std::string(3 * 1024 * 1024, 'x') + "\n1\n";
  EXPECT_EQ(Drain(*csv, Plan({Index(1)}), long_line), 2u);
  EXPECT_EQ(Drain(*csv, Plan({Index(1)}), "\"" + std::string(2 * 1024 * 1024, 'x')), 1u);  // never-closed quote

  auto fixed = Options("reader: {type: fixed_width, columns: {a: [1, 1]}}");
  EXPECT_EQ(Drain(*fixed, Plan({Column("a")}), long_line), 2u);

  auto json_lines = Options("reader: {type: json_lines}");
  EXPECT_EQ(Drain(*json_lines, Plan({Path("a")}), std::string(200000, '[') + "\n{\"a\":1}\n"), 2u);

  auto json = Options("reader: {type: json}");
  EXPECT_EQ(Drain(*json, Plan({Path("a")}), std::string(1000000, '{')), 0u);

  auto xml = Options("reader: {type: xml, records: '/a'}");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_EQ(Drain(*xml, Plan({Path(".")}), deep), 0u);
}

}  // namespace
}  // namespace tributary::readers
