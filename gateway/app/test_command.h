// `tributary test [--update] [DIR...]`: the golden cases of mappings. A case is a folder
// holding `case.yaml` (which mapping, which input, the run's context and parameters, what
// a person checked by hand) and the expected outputs of `tributary map` on that input:
// `expected.jsonl` (records), `expected_rejects.txt` (reject lines; absent = none) and
// `expected_summary.txt` (the summary). docs/mapping-tools.md is the user guide.
//
// The runner is a library so that the unit test suite runs every case without the
// binary. Nothing here is shared between threads; each call owns its state.
#pragma once

#include <expected>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "gateway/common/diagnostic.h"
#include "gateway/mapping/mapping.h"

namespace tributary::app {

// A case as its case.yaml describes it, every path resolved.
struct MappingTestCase {
  std::filesystem::path dir;
  std::string name;                      // as printed: the folder relative to the searched DIR
  std::filesystem::path mapping;         // `mapping:`, default <dir>/mapping.yaml
  std::filesystem::path input;           // `input:`, default the one file named input.* in dir
  mapping::MappingContext context;       // tenant, source, legal entity, source_updated_at,
                                         // parameters; file name = the input's base name
  std::string checked_by_hand;
};

// Reads `dir`/case.yaml. Every problem at once, as file:line:col diagnostics.
std::expected<MappingTestCase, Diagnostics> LoadMappingTestCase(const std::filesystem::path& dir,
                                                                const std::string& name);

// What `tributary map` prints for the case: records (stdout), reject lines and the error
// of an unusable input (stderr before the summary), and the summary.
struct MappingTestOutput {
  std::string records;
  std::string rejects;
  std::string summary;
};

// Maps the case's input with its mapping and context. The error is the text to show when
// the case cannot run at all (the mapping does not load, the input cannot be read).
std::expected<MappingTestOutput, std::string> RunMappingTestCase(const MappingTestCase& test_case);

inline constexpr const char* kExpectedRecordsFile = "expected.jsonl";
inline constexpr const char* kExpectedRejectsFile = "expected_rejects.txt";
inline constexpr const char* kExpectedSummaryFile = "expected_summary.txt";

enum class CaseVerdict {
  kPass,     // every output equals its expected file
  kFail,     // an output differs, or the case could not run
  kUpdated,  // --update rewrote at least one expected file
};

struct CaseReport {
  std::string name;
  CaseVerdict verdict = CaseVerdict::kFail;
  // kFail: the diffs (each bounded to ~40 lines) or the reason the case could not run.
  // kUpdated: the files rewritten, one per line.
  std::string details;
};

// Loads, runs and compares one case; with `update`, rewrites the expected files instead
// (expected_rejects.txt is removed when there is no reject line). A case that cannot run
// is a failure even with `update`: nothing is written for it.
CaseReport CheckMappingTestCase(const std::filesystem::path& dir, const std::string& name, bool update);

// Every folder at or under `root` holding a case.yaml, in path order.
std::vector<std::filesystem::path> FindMappingTestCases(const std::filesystem::path& root);

struct TestRunTotals {
  int cases = 0;
  int passed = 0;
  int failed = 0;
  int updated = 0;
};

// Runs every case under each root and prints "PASS name", "FAIL name" followed by its
// details indented, or "UPDATED name", then "total: N passed, N failed[, N updated]".
TestRunTotals RunMappingTests(const std::vector<std::filesystem::path>& roots, bool update, std::ostream& out);

// The command: `arguments` are what follows `test` on the command line. Returns 0 when
// every case passed (or was updated), 1 when one failed, 2 on a usage error, a DIR that
// does not exist or holds no case.
int RunTestCommand(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
