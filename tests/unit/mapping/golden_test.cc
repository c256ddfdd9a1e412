// Golden cases of shipped mappings: tests/data/mapping/<mapping>/<case>/ (see the README
// there). Each case is mapped as the dry run maps it and both outputs compared exactly.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gateway/mapping/dry_run.h"
#include "gateway/model/canonical.h"

namespace tributary::mapping {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = TRIBUTARY_SOURCE_DIR;

std::string ReadFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
}

struct Output {
  std::string records;
  std::string rejects;
};

// What `tributary map` prints for the case, with a fixed context.
Output MapCase(const fs::path& case_dir, const fs::path& default_mapping) {
  const fs::path mapping_path =
      fs::exists(case_dir / "mapping.yaml") ? case_dir / "mapping.yaml" : default_mapping;
  auto mapping = Mapping::Load(mapping_path.string());
  if (!mapping) {
    for (const Diagnostic& d : mapping.error()) ADD_FAILURE() << d.ToString();
    return {};
  }
  const std::string input = ReadFile(case_dir / "input.csv");
  MappingContext context;
  context.tenant = "acme";
  context.source = "erp-drop";
  context.legal_entity = "FR01";
  context.file_name = "input.csv";
  context.file_sha256 = model::Sha256Hex(input);
  context.source_updated_at = "2026-03-31T06:00:00Z";

  std::ostringstream out;
  std::ostringstream err;
  DryRunPrinter printer((*mapping)->entities(), out, err);
  std::istringstream stream(input);
  auto stats = (*mapping)->Run(stream, context, printer);
  if (stats) {
    printer.AddRows(stats->rows);
  } else {
    err << context.file_name << ": " << stats.error().message << '\n';
  }
  err << printer.Summary() << '\n';
  return {out.str(), err.str()};
}

void CheckCases(const std::string& mapping_folder, const fs::path& mapping_file, size_t min_cases) {
  const fs::path root = kSourceDir / "tests/data/mapping" / mapping_folder;
  const bool update = std::getenv("TRIBUTARY_UPDATE_GOLDEN") != nullptr;
  size_t cases = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    ++cases;
    SCOPED_TRACE("golden case " + entry.path().string());
    const Output output = MapCase(entry.path(), kSourceDir / mapping_file);
    if (update) {
      WriteFile(entry.path() / "expected.jsonl", output.records);
      WriteFile(entry.path() / "expected_rejects.txt", output.rejects);
      continue;
    }
    EXPECT_EQ(output.records, ReadFile(entry.path() / "expected.jsonl"));
    EXPECT_EQ(output.rejects, ReadFile(entry.path() / "expected_rejects.txt"));
  }
  EXPECT_GE(cases, min_cases) << "golden cases missing under " << root;
}

TEST(GoldenGenericOpenItems, EveryCaseMapsExactlyAsRecorded) {
  CheckCases("generic", "mappings/generic/open_items.yaml", 7);
}

}  // namespace
}  // namespace tributary::mapping
