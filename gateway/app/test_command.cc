#include "gateway/app/test_command.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

#include "gateway/app/parameter_overrides.h"
#include "gateway/app/text_diff.h"
#include "gateway/config/config_node.h"
#include "gateway/mapping/dry_run.h"
#include "gateway/model/canonical.h"

namespace tributary::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCaseFile = "case.yaml";
constexpr const char* kDefaultRoot = "tests/data/mapping";
constexpr const char* kUsage =
    "Usage: tributary test [--update] [DIR...]\n"
    "  runs every mapping test case (a folder with case.yaml) under each DIR\n"
    "  (default: tests/data/mapping when it exists, else the current folder);\n"
    "  --update rewrites the expected files from the actual output\n";

// The context every case runs with unless its case.yaml says otherwise.
mapping::MappingContext DefaultContext() {
  mapping::MappingContext context;
  context.tenant = "acme";
  context.source = "erp-drop";
  context.legal_entity = "FR01";
  context.source_updated_at = "2026-03-31T06:00:00Z";
  return context;
}

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

bool WriteWholeFile(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.flush();
  return static_cast<bool>(file);
}

// The one file named input.* in `dir`; a diagnostic at `at` otherwise.
std::optional<fs::path> DefaultInput(const fs::path& dir, config::ConfigNode& at) {
  std::vector<fs::path> found;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file() && entry.path().stem() == "input" && entry.path().has_extension()) {
      found.push_back(entry.path());
    }
  }
  std::ranges::sort(found);
  if (found.size() == 1) return found.front();
  if (found.empty()) {
    at.Error("no input: name it with `input:` or put one file named input.* next to case.yaml");
  } else {
    std::string names;
    for (const fs::path& path : found) names += (names.empty() ? "" : ", ") + path.filename().string();
    at.Error("several input files (" + names + "): name the one to map with `input:`");
  }
  return std::nullopt;
}

void ReadContext(config::ConfigNode node, mapping::MappingContext& context) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    node.Error("expected a map of tenant, source, legal_entity, source_updated_at");
    return;
  }
  if (auto value = node.String("tenant")) context.tenant = *value;
  if (auto value = node.String("source")) context.source = *value;
  if (auto value = node.String("legal_entity")) context.legal_entity = *value;
  if (auto value = node.String("source_updated_at")) context.source_updated_at = *value;
  node.RejectUnknownKeys();
}

// `parameters: {name: value | [values]}`: a scalar is a list of one.
ParameterValues ReadParameters(config::ConfigNode node) {
  ParameterValues parameters;
  if (!node.IsDefined() || node.IsNull()) return parameters;
  if (!node.IsMap()) {
    node.Error("expected a map of parameter names to values");
    return parameters;
  }
  for (auto& [name, value] : node.Members()) {
    std::vector<std::string>& values = parameters[name];
    if (value.IsSequence()) {
      for (config::ConfigNode& item : node.Sequence(name)) {
        if (auto text = item.Scalar()) values.push_back(*text);
      }
    } else if (auto text = value.Scalar()) {
      values.push_back(*text);
    }
  }
  return parameters;
}

std::string Indented(const std::string& text, const std::string& indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += indent + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

struct ExpectedFile {
  const char* name;
  const std::string* actual;
  bool optional;  // absent means empty
};

}  // namespace

std::expected<MappingTestCase, Diagnostics> LoadMappingTestCase(const fs::path& dir, const std::string& name) {
  auto document = config::ConfigDocument::Load((dir / kCaseFile).string());
  config::ConfigNode root = document->root();
  MappingTestCase test_case;
  test_case.dir = dir;
  test_case.name = name;
  test_case.context = DefaultContext();
  // Unreadable, or not YAML: nothing more to say about it.
  if (!root.IsDefined() && !document->diagnostics().empty()) return std::unexpected(document->diagnostics());
  // An empty case.yaml is a case with every default.
  const bool empty = root.IsNull() || !root.IsDefined();
  if (!empty && !root.IsMap()) {
    root.Error("expected a map (mapping, input, context, parameters, checked_by_hand)");
  } else {
    const bool has_map = root.IsMap();
    if (auto mapping = has_map ? root.Path("mapping") : std::nullopt) {
      test_case.mapping = *mapping;
    } else if (!has_map || !root.Has("mapping")) {
      test_case.mapping = dir / "mapping.yaml";
      if (!fs::exists(test_case.mapping)) {
        root.Error("no mapping: name it with `mapping:` or put a mapping.yaml next to case.yaml");
      }
    }
    if (auto input = has_map ? root.Path("input") : std::nullopt) {
      test_case.input = *input;
      if (!fs::is_regular_file(test_case.input)) root.Child("input").Error("no such input file " + *input);
    } else if (!has_map || !root.Has("input")) {
      if (auto found = DefaultInput(dir, root)) test_case.input = *found;
    }
    if (has_map) {
      ReadContext(root.Child("context"), test_case.context);
      test_case.context.parameters = ReadParameters(root.Child("parameters"));
      test_case.checked_by_hand = root.String("checked_by_hand").value_or("");
      root.RejectUnknownKeys();
    }
  }
  if (!document->diagnostics().empty()) return std::unexpected(document->diagnostics());
  test_case.context.file_name = test_case.input.filename().string();
  return test_case;
}

std::expected<MappingTestOutput, std::string> RunMappingTestCase(const MappingTestCase& test_case) {
  auto mapping = mapping::Mapping::Load(test_case.mapping.string());
  if (!mapping) {
    std::string text = "the mapping does not load:\n";
    for (const Diagnostic& diagnostic : mapping.error()) text += diagnostic.ToString() + "\n";
    return std::unexpected(text);
  }
  auto input = ReadWholeFile(test_case.input);
  if (!input) return std::unexpected("cannot read the input " + test_case.input.string());
  mapping::MappingContext context = test_case.context;
  context.file_sha256 = model::Sha256Hex(*input);

  std::ostringstream records;
  std::ostringstream rejects;
  mapping::DryRunPrinter printer((*mapping)->entities(), records, rejects, (*mapping)->source_record_noun());
  std::istringstream stream(*input);
  auto stats = (*mapping)->Run(stream, context, printer);
  if (stats) {
    printer.AddStats(*stats);
  } else {
    // As `tributary map` prints an unusable input, before the summary.
    rejects << context.file_name << ": " << stats.error().message << '\n';
  }
  return MappingTestOutput{records.str(), rejects.str(), printer.Summary() + "\n"};
}

CaseReport CheckMappingTestCase(const fs::path& dir, const std::string& name, bool update) {
  CaseReport report{.name = name};
  auto test_case = LoadMappingTestCase(dir, name);
  if (!test_case) {
    for (const Diagnostic& diagnostic : test_case.error()) report.details += diagnostic.ToString() + "\n";
    return report;
  }
  auto output = RunMappingTestCase(*test_case);
  if (!output) {
    report.details = output.error();
    return report;
  }
  const ExpectedFile files[] = {
      {kExpectedRecordsFile, &output->records, false},
      {kExpectedRejectsFile, &output->rejects, true},
      {kExpectedSummaryFile, &output->summary, false},
  };
  report.verdict = CaseVerdict::kPass;
  for (const ExpectedFile& file : files) {
    const fs::path path = dir / file.name;
    const std::optional<std::string> expected = ReadWholeFile(path);
    if (update) {
      const bool remove = file.optional && file.actual->empty();
      if (remove ? !expected.has_value() : expected == *file.actual) continue;
      std::error_code error;
      if (remove ? !fs::remove(path, error) : !WriteWholeFile(path, *file.actual)) {
        report.verdict = CaseVerdict::kFail;
        report.details += std::string("cannot write ") + file.name + "\n";
        continue;
      }
      if (report.verdict == CaseVerdict::kPass) report.verdict = CaseVerdict::kUpdated;
      report.details += std::string(remove ? "removed " : "wrote ") + file.name + "\n";
      continue;
    }
    if (!expected && !file.optional) {
      report.verdict = CaseVerdict::kFail;
      report.details += std::string(file.name) + " is missing (tributary test --update writes it)\n";
      continue;
    }
    const std::string diff = UnifiedDiff(expected.value_or(""), *file.actual, name + "/" + file.name, "actual");
    if (!diff.empty()) {
      report.verdict = CaseVerdict::kFail;
      report.details += diff;
    }
  }
  return report;
}

std::vector<fs::path> FindMappingTestCases(const fs::path& root) {
  std::vector<fs::path> cases;
  std::error_code error;
  if (fs::is_regular_file(root / kCaseFile, error)) cases.push_back(root);
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_directory() && fs::is_regular_file(it->path() / kCaseFile)) cases.push_back(it->path());
  }
  std::ranges::sort(cases);
  return cases;
}

TestRunTotals RunMappingTests(const std::vector<fs::path>& roots, bool update, std::ostream& out) {
  TestRunTotals totals;
  for (const fs::path& root : roots) {
    for (const fs::path& dir : FindMappingTestCases(root)) {
      std::string name = dir.lexically_relative(root).generic_string();
      if (name.empty() || name == ".") name = root.generic_string();
      const CaseReport report = CheckMappingTestCase(dir, name, update);
      ++totals.cases;
      switch (report.verdict) {
        case CaseVerdict::kPass:
          ++totals.passed;
          out << "PASS " << report.name << "\n";
          break;
        case CaseVerdict::kUpdated:
          ++totals.updated;
          out << "UPDATED " << report.name << "\n" << Indented(report.details, "  ");
          break;
        case CaseVerdict::kFail:
          ++totals.failed;
          out << "FAIL " << report.name << "\n" << Indented(report.details, "  ");
          break;
      }
    }
  }
  out << "total: " << totals.passed << " passed, " << totals.failed << " failed";
  if (update) out << ", " << totals.updated << " updated";
  out << "\n";
  return totals;
}

int RunTestCommand(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  bool update = false;
  std::vector<fs::path> roots;
  for (const std::string& argument : arguments) {
    if (argument == "--update") {
      update = true;
    } else if (argument == "--help" || argument == "-h") {
      out << kUsage;
      return 0;
    } else if (argument.starts_with("-")) {
      err << "tributary: unknown option " << argument << " for test\n" << kUsage;
      return 2;
    } else {
      roots.emplace_back(argument);
    }
  }
  if (roots.empty()) roots.emplace_back(fs::is_directory(kDefaultRoot) ? kDefaultRoot : ".");
  for (const fs::path& root : roots) {
    if (!fs::is_directory(root)) {
      err << "tributary: " << root.string() << " is not a folder\n";
      return 2;
    }
    if (FindMappingTestCases(root).empty()) {
      err << "tributary: no test case (a folder with case.yaml) under " << root.string() << "\n";
      return 2;
    }
  }
  const TestRunTotals totals = RunMappingTests(roots, update, out);
  return totals.failed > 0 ? 1 : 0;
}

}  // namespace tributary::app
