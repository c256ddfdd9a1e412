// libFuzzer target: every record reader (csv, fixed_width, json, json_lines, xml) through
// OpenReader, as a mapping run uses them: Start, then Next until the end.
//
// The first input byte chooses one of a few reader sections (dialects, encoding: auto,
// preamble, skip_patterns, nested JSON records, XML namespaces with a wildcard) and its
// read plan; the rest is the file. The sections are parsed once, as a mapping load would.
// Beyond ASan/UBSan, the readers' promises are checked: one value per planned field, a
// record's plan index in range, line numbers from 1 on and not going backwards within a
// plan, text that is valid UTF-8.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/config/config_node.h"
#include "gateway/readers/encoding.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"

namespace {

using tributary::readers::FieldSelector;
using tributary::readers::ReaderOptions;
using tributary::readers::ReadPlan;
using tributary::readers::RecordPlan;

struct Setup {
  std::shared_ptr<const ReaderOptions> options;
  ReadPlan plan;
};

FieldSelector Column(std::string name) { return {FieldSelector::Kind::kColumn, std::move(name)}; }
FieldSelector Index(int index) { return {FieldSelector::Kind::kIndex, "", index}; }
FieldSelector Path(std::string path) { return {FieldSelector::Kind::kPath, std::move(path)}; }
FieldSelector Preamble(int line, int field) { return {FieldSelector::Kind::kPreamble, "", field, line}; }

Setup Make(const std::string& reader_yaml, ReadPlan plan) {
  auto document = tributary::config::ConfigDocument::Parse("reader: " + reader_yaml + "\n", "fuzz.yaml", "/");
  auto options = tributary::readers::ParseReaderOptions(document->root().Child("reader"));
  if (!options || !document->diagnostics().empty()) {
    std::fprintf(stderr, "fuzz setup: the reader section %s does not load:\n", reader_yaml.c_str());
    for (const auto& diagnostic : document->diagnostics()) std::fprintf(stderr, "%s\n", diagnostic.ToString().c_str());
    std::abort();
  }
  return {*options, std::move(plan)};
}

std::vector<Setup> Setups() {
  std::vector<Setup> setups;
  setups.push_back(Make(R"({type: csv, delimiter: ";", header: true})",
                        {{{"", {Column("id"), Column("amount"), Column("date")}}}}));
  setups.push_back(Make(R"({type: csv, delimiter: ["\t", "|", ";"], escape: "\\", header: false,
                            trailing_delimiter: true, min_columns: 2, skip_lines: 1, preamble_lines: 1,
                            skip_patterns: ['^\s*\*', 'Page \d+']})",
                        {{{"", {Index(1), Index(2), Preamble(1, 2)}}}}));
  setups.push_back(Make(R"({type: csv, encoding: auto, quote: "", header: true, min_columns: 1})",
                        {{{"", {Column("id")}}}}));
  setups.push_back(Make(R"({type: fixed_width, encoding: auto, preamble_lines: 1, min_length: 10,
                            columns: {id: [1, 5], amount: [6, 10], name: [16, 20]}, skip_patterns: ['^-+$']})",
                        {{{"", {Column("id"), Column("amount"), Column("name"), Preamble(1, 0)}}}}));
  setups.push_back(Make(R"({type: json, records: "items[]"})",
                        {{{"items[]", {Path("id"), Path("amount"), Path("$.time"), Path("lines.0.qty")}},
                          {"items[].lines[]", {Path("^.id"), Path("qty"), Path("item.ref")}}}}));
  setups.push_back(Make(R"({type: json_lines, encoding: auto})",
                        {{{"", {Path("id"), Path("amount.value"), Path("tags")}}}}));
  setups.push_back(Make(R"({type: xml, records: "//r"})",
                        {{{"//r", {Path("@id"), Path("amt"), Path("../@ts"), Path("count(*)"), Path("string(.)")}}}}));
  setups.push_back(Make(R"({type: xml, namespaces: {camt: "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*"},
                            records: "//camt:Ntry"})",
                        {{{"//camt:Ntry", {Path("camt:Amt"), Path("camt:Amt/@Ccy"), Path("local-name(/*)"),
                                           Path("camt:NtryDtls/camt:TxDtls/camt:RmtInf/camt:Ustrd")}}}}));
  return setups;
}

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "property broken: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Setup> kSetups = Setups();
  if (size == 0) return 0;
  const Setup& setup = kSetups[data[0] % kSetups.size()];
  std::istringstream input(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  auto reader = tributary::readers::OpenReader(*setup.options, setup.plan, input, "fuzz-input");
  if (!reader->Start()) return 0;
  tributary::readers::SourceRecord record;
  std::vector<int64_t> last_line(setup.plan.plans.size(), 0);
  while (true) {
    auto more = reader->Next(record);
    if (!more || !*more) break;
    if (record.plan >= setup.plan.plans.size()) Broken("record of plan " + std::to_string(record.plan));
    if (record.line < 1 || record.line < last_line[record.plan]) {
      Broken("line " + std::to_string(record.line) + " after " + std::to_string(last_line[record.plan]));
    }
    last_line[record.plan] = record.line;
    if (tributary::readers::FindInvalidUtf8(record.raw) != std::string_view::npos) Broken("raw is not UTF-8");
    if (!record.error.empty()) continue;
    if (record.values.size() != setup.plan.plans[record.plan].fields.size()) {
      Broken(std::to_string(record.values.size()) + " values for " +
             std::to_string(setup.plan.plans[record.plan].fields.size()) + " fields");
    }
    for (const auto& value : record.values) {
      if (value.present && tributary::readers::FindInvalidUtf8(value.text) != std::string_view::npos) {
        Broken("a field value is not UTF-8");
      }
    }
  }
  return 0;
}
