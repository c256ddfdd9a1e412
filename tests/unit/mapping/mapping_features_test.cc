// Parameters, lookup files, object and list fields, identifier checks, references with
// keys, xml/json provenance and reject locations, and the dry-run summary.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/mapping/dry_run.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using testing_support::Compile;
using testing_support::Context;
using testing_support::MapText;
using testing_support::Problems;

constexpr const char* kTerms = R"(
name: terms
parameters: {terms: 30, regions: [north, south]}
reader: {delimiter: ";"}
entities:
  - entity: customer
    filter: {in: [{column: region}, {param: regions}]}
    source_key: {column: id}
    fields: {account_number: {column: id}, payment_terms: {template: "{$terms} days"}}
)";

TEST(MappingParameters, DefaultsAndOverrides) {
  auto mapping = Compile(kTerms);
  ASSERT_TRUE(mapping);
  auto defaults = MapText(*mapping, "id;region\nA;north\nB;east\n");
  ASSERT_TRUE(defaults->stats.has_value());
  ASSERT_EQ(defaults->sink.records.size(), 1u);
  EXPECT_EQ(defaults->sink.records[0].data["payment_terms"], "30 days");
  EXPECT_EQ(defaults->stats->skipped, 1);

  MappingContext context = Context();
  context.parameters = {{"terms", {"45"}}, {"regions", {"east"}}};
  auto overridden = MapText(*mapping, "id;region\nA;north\nB;east\n", context);
  ASSERT_TRUE(overridden->stats.has_value());
  ASSERT_EQ(overridden->sink.records.size(), 1u);
  EXPECT_EQ(overridden->sink.records[0].key, "erp:customer:B");
  EXPECT_EQ(overridden->sink.records[0].data["payment_terms"], "45 days");
}

TEST(MappingParameters, AnUndeclaredOrMisshapenOverrideMakesTheRunFail) {
  auto mapping = Compile(kTerms);
  ASSERT_TRUE(mapping);
  MappingContext context = Context();
  context.parameters = {{"term", {"45"}}};
  auto unknown = MapText(*mapping, "id;region\nA;north\n", context);
  ASSERT_FALSE(unknown->stats.has_value());
  EXPECT_EQ(unknown->stats.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(unknown->stats.error().message, "mapping terms has no parameter \"term\" (it declares: terms, regions)");
  EXPECT_TRUE(unknown->sink.order.empty());

  context.parameters = {{"terms", {"30", "45"}}};
  auto list = MapText(*mapping, "id;region\nA;north\n", context);
  ASSERT_FALSE(list->stats.has_value());
  EXPECT_EQ(list->stats.error().message, "parameter 'terms' has 2 values, but the mapping reads it as one value");
}

TEST(MappingLookups, ATableFromACsvFileNextToTheMapping) {
  testing::TempDir dir;
  std::ofstream(dir.File("countries.csv")) << "code,name\nFR,France\nDE,Deutschland\n";
  auto mapping = Compile(R"(
name: countries
lookups:
  countries: {file: countries.csv, key: code, value: name}
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields:
      account_number: {column: id}
      name: {lookup: {table: countries, key: {column: country}, default: elsewhere}}
)",
                         dir.path().string());
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "id;country\nA;FR\nB;IT\n");
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_EQ(out->sink.records[0].data["name"], "France");
  EXPECT_EQ(out->sink.records[1].data["name"], "elsewhere");
}

TEST(MappingLookups, ABadLookupFileIsALoadError) {
  testing::TempDir dir;
  std::ofstream(dir.File("dup.csv")) << "code,name\nFR,France\nFR,Francia\n";
  std::ofstream(dir.File("cols.csv")) << "iso,label\nFR,France\n";
  EXPECT_THAT(Problems(R"(name: x
lookups:
  dup: {file: dup.csv, key: code, value: name}
  cols: {file: cols.csv, key: code, value: name}
  missing: {file: nowhere.csv, key: code, value: name}
entities:
  - entity: customer
    source_key: {column: id}
    fields: {account_number: {column: id}}
)",
                       dir.path().string()),
              ElementsAre("m.yaml:3:15: lookups.dup.file: dup.csv:3: duplicate key \"FR\" (first at line 2)",
                          "m.yaml:4:16: lookups.cols.file: cols.csv: the header has no column \"code\" (it has: iso, "
                          "label)",
                          "m.yaml:5:19: lookups.missing.file: cannot read lookup file " + dir.File("nowhere.csv") +
                              ": No such file or directory"));
}

TEST(MappingObjects, IdentifiersAddressesGroupsAndPdf) {
  auto mapping = Compile(R"(
name: objects
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields:
      account_number: {column: id}
      identifiers:
        - {scheme: SIREN, value: {column: siren}}
        - {scheme: {column: scheme}, value: {column: other}}
      addresses:
        - {type: billing, line1: {column: street}, city: {column: city}, country: FR}
        - {type: shipping, line1: {column: ship_street}}
      groups: [{column: segment}, all]
  - entity: receivable
    source_key: {column: doc}
    fields:
      kind: invoice
      number: {column: doc}
      currency: EUR
      open_amount: "1.00"
      pdf: {url: {template: "https://docs.example/{doc}.pdf"}, filename: {template: "{doc}.pdf"}}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping,
                     "id;siren;scheme;other;street;city;ship_street;segment;doc\n"
                     "A;552120222;VAT;FR40552120222;1 rue X;Paris;;key;D1\n"
                     "B;;;;;;;;D2\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 4u);
  const auto& a = out->sink.records[0].data;
  EXPECT_EQ(a["identifiers"].dump(),
            R"([{"scheme":"SIREN","value":"552120222"},{"scheme":"VAT","value":"FR40552120222"}])");
  EXPECT_EQ(a["addresses"].dump(),
            R"([{"type":"billing","line1":"1 rue X","line2":null,"postal_code":null,"city":"Paris",)"
            R"("region":null,"country":"FR"}])");
  EXPECT_EQ(a["groups"].dump(), R"(["key","all"])");
  EXPECT_EQ(out->sink.records[1].data["pdf"].dump(),
            R"({"url":"https://docs.example/D1.pdf","sha256":null,"filename":"D1.pdf"})");
  const auto& b = out->sink.records[2].data;
  EXPECT_EQ(b["identifiers"], nullptr);  // no value: every identifier dropped
  EXPECT_EQ(b["addresses"].dump(),
            R"([{"type":"billing","line1":null,"line2":null,"postal_code":null,"city":null,"region":null,)"
            R"("country":"FR"}])");
  EXPECT_EQ(b["groups"].dump(), R"(["all"])");
}

TEST(MappingChecks, IdentifiersThatFailTheirCheckRejectTheRecord) {
  auto mapping = Compile(R"(
name: checks
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields:
      account_number: {column: id}
      identifiers: [{scheme: SIREN, value: {column: siren}}]
    custom: {iban: {column: iban}}
    checks: {identifiers.SIREN: siren, iban: iban}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping,
                     "id;siren;iban\n"
                     "A;552120222;DE89 3704 0044 0532 0130 00\n"
                     "B;552120223;\n"
                     "C;;DE89 3704 0044 0532 0130 01\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 1u);
  EXPECT_EQ(out->sink.records[0].key, "erp:customer:A");
  ASSERT_EQ(out->sink.rejects.size(), 2u);
  EXPECT_EQ(out->sink.rejects[0].line, 3);
  EXPECT_EQ(out->sink.rejects[0].field, "identifiers.SIREN");
  EXPECT_EQ(out->sink.rejects[1].line, 4);
  EXPECT_EQ(out->sink.rejects[1].field, "iban");
  EXPECT_EQ(out->sink.rejects[1].column, 3);
}

TEST(MappingRefs, KeysGiveReferencesToAnyEntity) {
  auto mapping = Compile(R"(
name: refs
reader: {delimiter: ";"}
entities:
  - entity: payment
    source_key: {column: pay}
    fields: {currency: EUR, amount: {column: amount}}
  - entity: allocation
    source_key: {template: "{pay}-{doc}"}
    fields:
      from: {ref: payment}
      to: {ref: receivable, key: {template: "{$legal_entity}-{doc}"}}
      currency: EUR
      amount: {column: amount}
  - entity: receivable
    source_key: {template: "{$legal_entity}-CN-{pay}"}
    fields:
      kind: credit_note
      number: {template: "CN-{pay}"}
      currency: EUR
      open_amount: {column: amount}
      applies_to:
        when: {not_empty: {column: doc}}
        then: {ref: receivable, key: {template: "{$legal_entity}-{doc}"}}
      customer: {column: customer}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "pay;doc;amount;customer\nP1;INV-1;10.00;C9\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 3u);
  EXPECT_EQ(out->sink.records[1].data["from"], "erp:payment:P1");
  EXPECT_EQ(out->sink.records[1].data["to"], "erp:receivable:FR01-INV-1");
  EXPECT_EQ(out->sink.records[2].data["applies_to"], "erp:receivable:FR01-INV-1");
  EXPECT_EQ(out->sink.records[2].data["customer"], "erp:customer:C9");
}

// The referenced entity's source key is evaluated once per record: each record's
// references are its own, in a group too.
TEST(MappingRefs, EachRecordRefersToItsOwnEntities) {
  auto mapping = Compile(R"(
name: refs
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: cust}
    fields: {account_number: {column: cust}}
  - entity: receivable
    source_key: {column: doc}
    fields:
      kind: invoice
      number: {column: doc}
      customer: {ref: customer}
      currency: EUR
      open_amount: {column: amount}
  - entity: payment
    source_key: {column: cust}
    group: {by: {column: cust}, values: {total: {sum: {column: amount}}}}
    fields: {currency: EUR, amount: {agg: total}, customer: {ref: customer}}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "cust;doc;amount\nC1;D1;1.00\nC2;D2;2.00\nC1;D3;3.00\n");
  ASSERT_TRUE(out->stats.has_value());
  std::vector<std::string> refs;
  for (const model::CanonicalRecord& record : out->sink.records) {
    if (record.entity != "customer") refs.push_back(record.key + " -> " + record.data["customer"].get<std::string>());
  }
  EXPECT_THAT(refs, ElementsAre("erp:receivable:D1 -> erp:customer:C1", "erp:receivable:D2 -> erp:customer:C2",
                                "erp:receivable:D3 -> erp:customer:C1", "erp:payment:C1 -> erp:customer:C1",
                                "erp:payment:C2 -> erp:customer:C2"));
}

TEST(MappingRefs, AnyEntityFieldsNeedARef) {
  EXPECT_THAT(Problems(R"(name: x
entities:
  - entity: allocation
    source_key: {column: id}
    fields: {from: {column: pay}, to: {column: doc}, currency: EUR, amount: {column: a}}
)"),
              ElementsAre("m.yaml:5:20: entities[0].fields.from: field 'from' can refer to any entity: write {ref: "
                          "ENTITY, key: EXPRESSION}"));
}

TEST(MappingJson, ProvenanceAndRejectsNameTheRecordsLocation) {
  auto mapping = Compile(R"(
name: qbo-customers
reader: {type: json, records: "QueryResponse.Customer[]"}
entities:
  - entity: customer
    source_key: {path: Id}
    fields:
      account_number: {path: Id}
      name: {path: DisplayName}
      currency: {path: CurrencyRef.value}
)");
  ASSERT_TRUE(mapping);
  std::ostringstream records;
  std::ostringstream errors;
  DryRunPrinter printer(mapping->entities(), records, errors);
  std::istringstream input(
      R"({"QueryResponse":{"Customer":[{"Id":"1","DisplayName":"Acme","CurrencyRef":{"value":"EUR"}},)"
      "\n"
      R"({"Id":"2","DisplayName":"Beta","CurrencyRef":{"value":"EURO"}}]}})");
  CollectingSink sink;
  auto stats = mapping->Run(input, Context(), printer);
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  EXPECT_EQ(errors.str(), "in.csv:2: [QueryResponse.Customer[1]] currency: unknown currency \"EURO\" (expected an ISO "
                          "4217 code such as EUR)\n");
  std::istringstream again(
      R"({"QueryResponse":{"Customer":[{"Id":"1","DisplayName":"Acme","CurrencyRef":{"value":"EUR"}}]}})");
  auto collected = mapping->Run(again, Context(), sink);
  ASSERT_TRUE(collected.has_value());
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].provenance.location, "QueryResponse.Customer[0]");
  EXPECT_EQ(sink.records[0].provenance.encoding, "utf-8");
  EXPECT_FALSE(sink.records[0].provenance.encoding_confidence.has_value());
  EXPECT_EQ(sink.records[0].data["raw"],
            R"({"Id":"1","DisplayName":"Acme","CurrencyRef":{"value":"EUR"}})");
}

TEST(MappingCsv, DetectedEncodingsAreRecordedWithTheirConfidence) {
  auto mapping = Compile(R"(
name: auto
reader: {delimiter: ";", encoding: auto}
entities:
  - entity: customer
    source_key: {column: id}
    fields: {account_number: {column: id}, name: {column: name}}
)");
  ASSERT_TRUE(mapping);
  auto out = MapText(*mapping, "id;name\nA;Soci\xE9t\xE9 G\xE9n\xE9rale \x80 \xE9l\xE8ve\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  ASSERT_EQ(out->sink.records.size(), 1u);
  const model::Provenance& provenance = out->sink.records[0].provenance;
  EXPECT_EQ(provenance.encoding, "windows-1252");
  ASSERT_TRUE(provenance.encoding_confidence.has_value());
  EXPECT_GT(*provenance.encoding_confidence, 0);
  EXPECT_EQ(out->sink.records[0].data["name"], "Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale \xE2\x82\xAC \xC3\xA9l\xC3\xA8ve");
}

TEST(DryRunSummary, SkippedRecordsAndPaymentsAreCounted) {
  auto mapping = Compile(R"(
name: pay
reader: {delimiter: ";"}
entities:
  - entity: payment
    filter: {equals: [{column: side}, C]}
    source_key: {column: id}
    fields: {currency: {column: cur}, amount: {column: amount}}
)");
  ASSERT_TRUE(mapping);
  std::ostringstream records;
  std::ostringstream errors;
  DryRunPrinter printer(mapping->entities(), records, errors);
  std::istringstream input("id;side;cur;amount\nP1;C;EUR;10.50\nP2;D;EUR;99\nP3;C;EUR;1.25\nP4;C;JPY;300\n");
  auto stats = mapping->Run(input, Context(), printer);
  ASSERT_TRUE(stats.has_value());
  printer.AddStats(*stats);
  EXPECT_EQ(printer.Summary(), "summary: 4 rows, 3 records (payment 3), 0 rejects, 1 skipped; payments 11.75 EUR, 300 JPY");
}

}  // namespace
}  // namespace tributary::mapping
