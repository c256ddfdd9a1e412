// libFuzzer target: a whole mapping run. A fixed mapping that uses most of the language
// (parameters, lookups, filter, group with aggregates and having, money, date and text
// operators, modifiers, object fields, identifier checks, CR-suffix negatives and a date
// order) is compiled once; each input is a file it runs over.
//
// Beyond ASan/UBSan, the run's promises are checked: the run never fails for a record's
// sake (only for the file as a whole), every record and reject reaches the sink, the
// counts the run reports match what the sink received, and a run whose groups spill to
// disk at every few records gives exactly what the in-memory run gives.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/mapping/mapping.h"
#include "gateway/model/record_sink.h"

namespace {

constexpr const char* kMapping = R"yaml(
name: fuzz-mapping
parameters:
  sales_journals: [VE, VEN]
  payment_terms_days: 30
lookups:
  kinds: {F: invoice, A: credit_note}
reader: {type: csv, delimiter: ";", header: true, encoding: auto, min_columns: 6, skip_patterns: ['^\s*\*']}
locale:
  decimal: ","
  thousands: " "
  negative: [leading_minus, trailing_minus, parentheses, cr_suffix]
  date_formats: [dd/MM/yyyy, yyyyMMdd, MM/dd/yyyy]
  date_order: dmy
entities:
  - entity: customer
    filter: {not_empty: {column: acct}}
    source_key: {template: "{$legal_entity}-{acct}"}
    repeatable: true
    fields:
      account_number: {column: acct, replace: ['\s+', ''], pad: {width: 8, char: "0", side: left}}
      name: {coalesce: [{column: name}, {column: acct}], substring: [1, 40]}
      identifiers:
        - {scheme: SIREN, value: {column: siren, regex: '([0-9]{9})'}}
    checks: {identifiers.SIREN: siren}
  - entity: receivable
    filter: {all: [{not_empty: {column: doc}}, {in: [{column: journal}, {param: sales_journals}]}]}
    group:
      by: [{column: doc}]
      values:
        balance: {sum: {money: {column: amount}, negative_when: {equals: [{column: sens, upper: true}, "C"]}}}
        journal: {first: {column: journal}}
        lines: {count: {column: doc}}
        labels: {concat: {column: label}}
        first_date: {min: {date: {column: date}}}
      having: {not: {zero: {agg: balance}}}
    source_key: {template: "{$legal_entity}-{doc}"}
    fields:
      kind:
        switch:
          - {when: {negative: {agg: balance}}, then: credit_note}
          - {else: {lookup: {table: kinds, key: {column: doc, substring: [1, 1]}}, default: invoice}}
      number: {column: doc}
      customer: {ref: customer, key: {template: "{$legal_entity}-{acct}"}}
      issue_date: {agg: first_date}
      due_date: {add_days: [{agg: first_date}, {integer: {param: payment_terms_days}}]}
      currency: {column: cur, upper: true, default: EUR}
      total: {abs: {agg: balance}}
      open_amount: {abs: {agg: balance}}
    custom:
      journal: {agg: journal}
      lines: {agg: lines}
      labels: {agg: labels}
      vat: {when: {matches: [{column: vat}, '^[A-Z]{2}']}, then: {column: vat}}
)yaml";

// Keeps what a run gave, in order, as text.
class RecordingSink : public tributary::model::RecordSink {
 public:
  tributary::Status OnRecord(tributary::model::CanonicalRecord&& record) override {
    ++records;
    given.push_back(std::to_string(record.provenance.line) + " " + record.json);
    return tributary::Ok();
  }
  tributary::Status OnReject(tributary::model::Reject&& reject) override {
    ++rejects;
    if (reject.reason.empty()) {
      std::fprintf(stderr, "property broken: a reject without a reason (line %lld)\n",
                   static_cast<long long>(reject.line));
      std::abort();
    }
    given.push_back(std::to_string(reject.line) + ":" + std::to_string(reject.column) + " " + reject.field + ": " +
                    reject.reason);
    return tributary::Ok();
  }
  int64_t records = 0;
  int64_t rejects = 0;
  std::vector<std::string> given;
};

const tributary::mapping::Mapping& CompiledMapping() {
  static const std::unique_ptr<tributary::mapping::Mapping> mapping = [] {
    auto parsed = tributary::mapping::Mapping::Parse(kMapping, "fuzz_mapping.yaml", "/");
    if (!parsed) {
      std::fprintf(stderr, "fuzz setup: the fuzz mapping does not load:\n");
      for (const auto& diagnostic : parsed.error()) std::fprintf(stderr, "%s\n", diagnostic.ToString().c_str());
      std::abort();
    }
    return std::move(*parsed);
  }();
  return *mapping;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const tributary::mapping::Mapping& mapping = CompiledMapping();
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream input(text);
  tributary::mapping::MappingContext context;
  context.tenant = "acme";
  context.source = "erp-drop";
  context.legal_entity = "FR01";
  context.file_name = "fuzz.csv";
  context.file_sha256 = std::string(64, '0');
  context.source_updated_at = "2026-03-31T06:00:00Z";
  RecordingSink sink;
  auto stats = mapping.Run(input, context, sink);
  if (stats && (stats->records != sink.records || stats->rejects != sink.rejects)) {
    std::fprintf(stderr, "property broken: the run reports %lld records and %lld rejects, the sink got %lld and %lld\n",
                 static_cast<long long>(stats->records), static_cast<long long>(stats->rejects),
                 static_cast<long long>(sink.records), static_cast<long long>(sink.rejects));
    std::abort();
  }
  // The same file with a budget smaller than a group table's index: every group is
  // spilled as soon as it is made, runs are compacted past sixteen, and the final merge
  // sorts through order runs.
  std::istringstream again(text);
  context.group_memory_bytes = 1024;
  RecordingSink spilled;
  auto spilled_stats = mapping.Run(again, context, spilled);
  // The one documented difference: a sum past 38 digits is checked on partial sums.
  auto overflowed = [](const RecordingSink& run) {
    for (const std::string& item : run.given) {
      if (item.find("the sum of ") != std::string::npos && item.find("is out of range") != std::string::npos) return true;
    }
    return false;
  };
  if (overflowed(sink) || overflowed(spilled)) return 0;
  if (stats.has_value() != spilled_stats.has_value() || spilled.given != sink.given) {
    std::fprintf(stderr, "property broken: spilling changed the run (%zu items in memory, %zu spilled)\n",
                 sink.given.size(), spilled.given.size());
    for (size_t i = 0; i < sink.given.size() || i < spilled.given.size(); ++i) {
      const std::string a = i < sink.given.size() ? sink.given[i] : "(none)";
      const std::string b = i < spilled.given.size() ? spilled.given[i] : "(none)";
      if (a != b) {
        std::fprintf(stderr, "first difference at %zu:\n  in memory: %s\n  spilled:   %s\n", i, a.c_str(), b.c_str());
        break;
      }
    }
    std::abort();
  }
  return 0;
}
