#include <sstream>
#include <stop_token>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/mapping/mapping.h"
#include "tests/unit/mapping/collecting_sink.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using Json = nlohmann::ordered_json;

constexpr const char* kGeneric = R"(
name: generic-open-items
reader: {type: csv, delimiter: ";", header: true}
entities:
  - entity: customer
    source_key: {template: "{$legal_entity}-{account_number}"}
    repeatable: true
    fields:
      account_number: {column: account_number}
      name: {column: customer_name}
  - entity: receivable
    source_key: {template: "{$legal_entity}-{document_number}"}
    closes_by_absence: true
    fields:
      kind: {column: document_type, map: {invoice: invoice, credit_note: credit_note}}
      number: {column: document_number}
      customer: {ref: customer}
      issue_date: {column: issue_date}
      due_date: {column: due_date}
      currency: {column: currency}
      total: {column: total}
      open_amount: {column: open_amount}
)";

constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

std::unique_ptr<Mapping> Compile(const std::string& text) {
  auto mapping = Mapping::Parse(text, "test.yaml", "/tmp");
  if (!mapping) {
    for (const Diagnostic& d : mapping.error()) ADD_FAILURE() << d.ToString();
    return nullptr;
  }
  return std::move(*mapping);
}

MappingContext Context() {
  MappingContext context;
  context.tenant = "acme";
  context.source = "erp";
  context.legal_entity = "FR01";
  context.file_name = "open_items.csv";
  context.file_sha256 = "abc123";
  context.source_updated_at = "2026-03-31T06:00:00Z";
  return context;
}

struct Outcome {
  Result<RunStats> stats;
  CollectingSink sink;
};

std::unique_ptr<Outcome> RunText(const Mapping& mapping, const std::string& input,
                                 const MappingContext& context = Context()) {
  auto outcome = std::make_unique<Outcome>();
  std::istringstream stream(input);
  outcome->stats = mapping.Run(stream, context, outcome->sink);
  return outcome;
}

TEST(MappingRun, MapsTheGenericFormatIntoEnvelopeAndSchemaOrder) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) +
                                   "C001;Acme SA;INV-1;invoice;2026-03-01;2026-03-31;EUR;1200.00;1000.50\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_EQ(out->stats->rows, 1);
  EXPECT_EQ(out->stats->records, 2);
  EXPECT_EQ(out->stats->rejects, 0);
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_THAT(out->sink.order, ElementsAre("record customer", "record receivable"));

  const model::CanonicalRecord& customer = out->sink.records[0];
  EXPECT_EQ(customer.key, "erp:customer:FR01-C001");
  EXPECT_EQ(customer.data.dump(),
            R"({"key":"erp:customer:FR01-C001","tenant":"acme","legal_entity":"FR01","source":"erp",)"
            R"("source_key":"FR01-C001","source_updated_at":"2026-03-31T06:00:00Z","lifecycle":"active",)"
            R"("account_number":"C001","name":"Acme SA","identifiers":null,"parent":null,"groups":null,)"
            R"("addresses":null,"payment_terms":null,"language":null,"currency":null,"credit_hold":null,)"
            R"("raw":{"account_number":"C001","customer_name":"Acme SA","document_number":"INV-1",)"
            R"("document_type":"invoice","issue_date":"2026-03-01","due_date":"2026-03-31","currency":"EUR",)"
            R"("total":"1200.00","open_amount":"1000.50"},"custom":{}})");

  const model::CanonicalRecord& receivable = out->sink.records[1];
  const Json& data = receivable.data;
  EXPECT_EQ(receivable.key, "erp:receivable:FR01-INV-1");
  EXPECT_EQ(receivable.source_key, "FR01-INV-1");
  EXPECT_EQ(data["customer"], "erp:customer:FR01-C001");
  EXPECT_EQ(data["kind"], "invoice");
  EXPECT_EQ(data["due_date_source"], "explicit");
  EXPECT_EQ(data["total"], "1200.00");
  EXPECT_EQ(data["open_amount"], "1000.50");
  EXPECT_EQ(data["status"], "partially_paid");  // derived by Finalize
  EXPECT_EQ(receivable.open_amount_minor, 100050);
  EXPECT_EQ(receivable.currency, "EUR");
  EXPECT_TRUE(receivable.hash.starts_with("sha256:"));
  std::vector<std::string> keys;
  for (const auto& [key, value] : data.items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("key", "tenant", "legal_entity", "source", "source_key", "source_updated_at",
                                "lifecycle", "kind", "number", "customer", "issue_date", "posting_date", "due_date",
                                "due_date_source", "currency", "total", "subtotal", "tax_total", "open_amount",
                                "po_number", "customer_reference", "payment_reference", "payment_terms",
                                "applies_to", "pdf", "raw", "custom", "status"));
  EXPECT_EQ(receivable.provenance.file, "open_items.csv");
  EXPECT_EQ(receivable.provenance.file_sha256, "abc123");
  EXPECT_EQ(receivable.provenance.line, 2);
  EXPECT_EQ(receivable.provenance.mapping, "generic-open-items");
  EXPECT_EQ(receivable.provenance.mapping_version, mapping->version());
}

TEST(MappingRun, BadFieldsRejectTheRowOncePerFieldAndTheRestIsMapped) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) +
                                   "C001;Acme;INV-1;invoice;2026-03-01;2026-03-31;EUR;10.00;10.00\n"
                                   "C001;Acme;INV-2;bill;2026-02-30;2026-03-31;EURO;abc;1,5\n"
                                   "C002;Beta;INV-3;invoice;2026-03-01;2026-03-31;EUR;10.00\n"
                                   "C002;Beta;INV-4;credit_note;2026-03-01;;JPY;10.5;-3\n"
                                   "C002;Beta;INV-5;credit_note;2026-03-01;;jpy;5;5\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_EQ(out->stats->rows, 5);
  EXPECT_EQ(out->stats->records, 4);
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:3:4: kind: \"bill\" is not in the map (expected one of: invoice, credit_note)",
                          "open_items.csv:3:5: issue_date: invalid date \"2026-02-30\": no such day in the calendar",
                          "open_items.csv:3:7: currency: unknown currency \"EURO\" (expected an ISO 4217 code such as EUR)",
                          "open_items.csv:3:8: total: invalid amount \"abc\": unexpected character \"a\"",
                          "open_items.csv:3:9: open_amount: ambiguous amount \"1,5\": \",\" is not the decimal separator "
                          "\".\" and no thousands separator is declared",
                          "open_items.csv:4:0: expected 9 fields, found 8",
                          "open_items.csv:5:8: total: amount \"10.5\" has more than 0 decimal digits for JPY",
                          "open_items.csv:5:9: open_amount: negative amount \"-3\"; amounts are magnitudes, the kind "
                          "gives the sign"));
  EXPECT_EQ(out->sink.rejects[1].raw, "C001;Acme;INV-2;bill;2026-02-30;2026-03-31;EURO;abc;1,5");
  ASSERT_EQ(out->sink.records.size(), 4u);
  EXPECT_EQ(out->sink.records[3].data["currency"], "JPY");
  EXPECT_EQ(out->sink.records[3].data["open_amount"], "5");
  EXPECT_EQ(out->sink.records[3].data["due_date_source"], nullptr);
  EXPECT_EQ(out->sink.records[3].provenance.line, 6);
}

// A bad cell that several fields read is one problem: one reject naming every field that
// read it. Other problems of the same cell, and other cells, stay rejects of their own.
TEST(MappingRun, ABadCellReadBySeveralFieldsIsOneReject) {
  auto mapping = Compile(R"(
name: shared-cells
reader: {type: csv, delimiter: ";", header: true}
locale: {decimal: ".", date_formats: [yyyy-MM-dd]}
entities:
  - entity: receivable
    source_key: {column: number}
    fields:
      kind: invoice
      number: {column: number}
      customer: {ref: customer, key: {column: customer}}
      issue_date: {column: date}
      due_date: {column: date}
      currency: EUR
      total: {column: amount}
      open_amount: {column: amount}
    custom:
      units: {integer: {column: amount}}
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "number;customer;date;amount\nF1;C1;2026-01-01;12\nF2;C1;2026-13-01;1x\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_EQ(out->stats->records, 1);
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:3:3: issue_date, due_date: invalid date \"2026-13-01\": no such day in the "
                          "calendar",
                          "open_items.csv:3:4: total, open_amount: invalid amount \"1x\": unexpected character \"x\"",
                          "open_items.csv:3:4: units: invalid integer \"1x\""));
}

// Plain values are typed by shortcuts; any other spelling goes the general way. Both
// must write the same text for the same value.
TEST(MappingRun, ValuesReadTheSameWhetherPlainOrNot) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) +
                                   "C001;Acme;INV-1;invoice;2026-03-01;2026-03-31;EUR;10.00;7.50\n"
                                   "C\\002;Acme\\Sub;INV-2; Invoice ; 2026-03-01 ;2026-03-31 ;eur; 10.00 ;7.5\n"
                                   "C003;Caf\xc3\xa9;INV-3;invoice;2026-03-01;2026-03-31;EUR;10;7.50\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_THAT(out->sink.RejectLines(), ElementsAre());
  ASSERT_EQ(out->sink.records.size(), 6u);
  for (size_t row = 0; row < 3; ++row) {
    const model::CanonicalRecord& receivable = out->sink.records[2 * row + 1];
    EXPECT_EQ(receivable.json, receivable.data.dump());
    EXPECT_EQ(receivable.data["issue_date"], "2026-03-01");
    EXPECT_EQ(receivable.data["due_date"], "2026-03-31");
    EXPECT_EQ(receivable.data["due_date_source"], "explicit");
    EXPECT_EQ(receivable.data["currency"], "EUR");
    EXPECT_EQ(receivable.data["total"], "10.00");
    EXPECT_EQ(receivable.data["open_amount"], "7.50");
    EXPECT_EQ(receivable.open_amount_minor, 750);
    EXPECT_EQ(receivable.data["status"], "partially_paid");
    EXPECT_EQ(receivable.data["kind"], "invoice");
    EXPECT_EQ(receivable.kind, "invoice");
    EXPECT_EQ(out->sink.records[2 * row].json, out->sink.records[2 * row].data.dump());
    // The hash skips source_updated_at and raw in the text as ContentHash does in the tree.
    EXPECT_EQ(receivable.hash, model::ContentHash(receivable.data));
    EXPECT_EQ(out->sink.records[2 * row].hash, model::ContentHash(out->sink.records[2 * row].data));
  }
  EXPECT_EQ(out->sink.records[1].data["customer"], "erp:customer:FR01-C001");
  EXPECT_EQ(out->sink.records[3].data["customer"], "erp:customer:FR01-C\\002");
  EXPECT_EQ(out->sink.records[2].data["name"], "Acme\\Sub");
  EXPECT_THAT(out->sink.records[2].json, ::testing::HasSubstr(R"("name":"Acme\\Sub")"));
  EXPECT_EQ(out->sink.records[4].data["name"], "Caf\xc3\xa9");
}

// Which entities a row makes can change from row to row (a filter): a customer never
// carries the open amount or kind of the receivable built in its place before.
TEST(MappingRun, ARecordCarriesOnlyItsOwnEntitysFacts) {
  auto mapping = Compile(R"(
name: varying-units
reader: {type: csv, delimiter: ";", header: true}
entities:
  - entity: customer
    source_key: {column: customer}
    repeatable: true
    filter: {equals: [{column: new_customer}, "yes"]}
    fields:
      account_number: {column: customer}
      name: {column: customer}
      currency: {column: currency}
  - entity: receivable
    source_key: {column: number}
    fields:
      kind: invoice
      number: {column: number}
      customer: {ref: customer}
      issue_date: {column: date}
      currency: {column: currency}
      total: {column: amount}
      open_amount: {column: amount}
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "number;customer;new_customer;date;currency;amount\n"
                               "F1;C1;no;2026-01-01;EUR;12.00\n"
                               "F2;C2;yes;2026-01-01;EUR;3.00\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_THAT(out->sink.RejectLines(), ElementsAre());
  ASSERT_EQ(out->sink.records.size(), 3u);
  EXPECT_EQ(out->sink.records[0].entity, "receivable");
  EXPECT_EQ(out->sink.records[0].open_amount_minor, 1200);
  EXPECT_EQ(out->sink.records[1].entity, "customer");
  EXPECT_EQ(out->sink.records[1].currency, "EUR");
  EXPECT_EQ(out->sink.records[1].open_amount_minor, std::nullopt);
  EXPECT_EQ(out->sink.records[1].kind, "");
  EXPECT_EQ(out->sink.records[2].open_amount_minor, 300);
}

// A `map:` is looked up ignoring case, first key first: keys alike but for case keep that
// order, whatever the spelling of the value.
TEST(MappingRun, AMapWithKeysAlikeButForCaseTakesTheFirst) {
  auto mapping = Compile(R"(
name: kinds
reader: {type: csv, delimiter: ";", header: true}
entities:
  - entity: receivable
    source_key: {column: number}
    fields:
      kind: {column: type, map: {AV: credit_note, av: invoice, FA: invoice}}
      number: {column: number}
      customer: {ref: customer, key: C1}
      issue_date: 2026-01-01
      currency: EUR
      open_amount: "1.00"
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "number;type\nF1;av\nF2;AV\nF3;fa\nF4;bill\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  ASSERT_EQ(out->sink.records.size(), 3u);
  EXPECT_EQ(out->sink.records[0].data["kind"], "credit_note");
  EXPECT_EQ(out->sink.records[1].data["kind"], "credit_note");
  EXPECT_EQ(out->sink.records[2].data["kind"], "invoice");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre(::testing::HasSubstr("open_items.csv:5:2: kind: \"bill\" is not in the map")));
}

TEST(MappingRun, AmountsFollowTheCurrencyOfTheirOwnRow) {
  // Currencies change from row to row (and back): each row's amounts take its exponent.
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) +
                                   "C001;Acme;INV-1;invoice;2026-03-01;;EUR;0.05;.5\n"
                                   "C001;Acme;INV-2;invoice;2026-03-01;;KWD;0.005;12\n"
                                   "C001;Acme;INV-3;invoice;2026-03-01;;jpy;700;0\n"
                                   "C001;Acme;INV-4;invoice;2026-03-01;;EUR;0.100;7.\n"
                                   "C001;Acme;INV-5;invoice;2026-03-01;;EUR;0.001;1\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:6:8: total: amount \"0.001\" has more than 2 decimal digits for EUR"));
  ASSERT_EQ(out->sink.records.size(), 8u);
  auto amounts = [&](size_t row) {
    const nlohmann::ordered_json& data = out->sink.records[2 * row + 1].data;
    return data["currency"].get<std::string>() + " " + data["total"].get<std::string>() + " " +
           data["open_amount"].get<std::string>();
  };
  EXPECT_EQ(amounts(0), "EUR 0.05 0.50");
  EXPECT_EQ(amounts(1), "KWD 0.005 12.000");
  EXPECT_EQ(amounts(2), "JPY 700 0");
  EXPECT_EQ(amounts(3), "EUR 0.10 7.00");
  EXPECT_EQ(out->sink.records[1].open_amount_minor, 50);
  EXPECT_EQ(out->sink.records[3].open_amount_minor, 12000);
}

TEST(MappingRun, MissingHeaderColumnsMakeTheFileUnusable) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "account_number;customer_name;document_number;document_type;issue_date;total\n");
  ASSERT_FALSE(out->stats.has_value());
  EXPECT_EQ(out->stats.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(out->stats.error().message,
            "the header has no column \"due_date\", \"currency\", \"open_amount\" (the mapping reads them)");
  EXPECT_TRUE(out->sink.order.empty());

  auto empty = RunText(*mapping, "");
  ASSERT_FALSE(empty->stats.has_value());
  EXPECT_EQ(empty->stats.error().message, "the input is empty (no header line)");
}

TEST(MappingRun, HeaderNamesAreTrimmedAndCaseInsensitiveInAnyOrder) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping,
                     " Open_Amount ;TOTAL;currency;due_date;issue_date;document_type;document_number;customer_name;"
                     "Account_Number\n"
                     "5.00;5.00;EUR;;;INVOICE;D1;X;A1\n");
  ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_EQ(out->sink.records[1].data["number"], "D1");
  EXPECT_EQ(out->sink.records[1].data["kind"], "invoice");  // the map matches case-insensitively
  EXPECT_EQ(out->sink.records[1].data["status"], "open");
  EXPECT_EQ(out->sink.records[0].data["raw"].begin().key(), "Open_Amount");
}

TEST(MappingRun, EmptyRequiredValuesAndEmptySourceKeysAreRejects) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) + ";Acme;;invoice;;;EUR;1;\n");
  ASSERT_TRUE(out->stats.has_value());
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:2:1: source_key: empty customer source key (column \"account_number\" is empty)",
                          "open_items.csv:2:1: account_number: required value is empty",
                          "open_items.csv:2:3: source_key: empty receivable source key (column \"document_number\" is "
                          "empty)",
                          "open_items.csv:2:3: number: required value is empty",
                          "open_items.csv:2:9: open_amount: required value is empty"));
  EXPECT_TRUE(out->sink.records.empty());
}

TEST(MappingRun, QuotedFieldsWithDelimitersAndNewlinesKeepLineNumbers) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) +
                                   "C1;\"Acme; \"\"Paris\"\"\nBranch\";D1;invoice;;;EUR;1;1\r\n"
                                   "C1;Acme;D2;invoice;;;EUR;1;x\r\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_EQ(out->sink.records[0].data["name"], "Acme; \"Paris\"\nBranch");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:4:9: open_amount: invalid amount \"x\": unexpected character \"x\""));
}

TEST(MappingRun, InvalidUtf8IsARejectNamingByteAndColumn) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) + "C1;Caf\xE9 Nord;D1;invoice;;;EUR;1;1\nC2;B;D2;invoice;;;EUR;1;1\n");
  ASSERT_TRUE(out->stats.has_value());
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:2:2: customer_name: invalid UTF-8 byte 0xE9 at position 4 (reader.encoding "
                          "is utf-8)"));
  EXPECT_EQ(out->sink.rejects[0].raw, "C1;Caf\\xE9 Nord;D1;invoice;;;EUR;1;1");
  EXPECT_EQ(out->sink.records.size(), 2u);
}

TEST(MappingRun, DecodesWindows1252) {
  std::string text = kGeneric;
  text.replace(text.find("header: true"), 12, "header: true, encoding: windows-1252");
  auto mapping = Compile(text);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) + "C1;Soci\xE9t\xE9 \x80uro;D1;invoice;;;EUR;1;1\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_EQ(out->sink.records[0].data["name"], "Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC" "uro");
  EXPECT_EQ(out->sink.records[0].data["raw"]["customer_name"], "Soci\xC3\xA9t\xC3\xA9 \xE2\x82\xAC" "uro");
}

TEST(MappingRun, ExpressionsConstantsTemplatesDefaultsTrimAndCustom) {
  auto mapping = Compile(R"(
name: features
reader: {delimiter: ",", header: true}
locale: {decimal: ",", thousands: " ", date_formats: [dd/MM/yyyy, yyyyMMdd]}
entities:
  - entity: receivable
    source_key: {template: "{$tenant}/{$source}/{$legal_entity}/{$file}/{ doc }/{{x}}"}
    fields:
      kind: {column: type, map: {F: invoice, A: credit_note}, default: other}
      number: {column: doc, trim: false}
      currency: {value: EUR}
      open_amount: {column: open, negative: absolute}
      total: {column: total, decimal: ".", thousands: ","}
      due_date: {column: due}
      due_date_source: {value: default}
      po_number: {column: po, default: none}
      applies_to: {column: origin}
    custom: [extra, "Other Column"]
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping,
                     "type,doc,open,total,due,po,origin,extra,other column\n"
                     "F, D1 ,\"1 234,50-\",\"1,234.50\",31/03/2026,,,x,\n"
                     "Z,D2,\"0,00\",,20260401,P9,D1,,y\n");
  ASSERT_TRUE(out->stats.has_value());
  EXPECT_THAT(out->sink.RejectLines(), ElementsAre());
  ASSERT_EQ(out->sink.records.size(), 2u);
  const Json& first = out->sink.records[0].data;
  EXPECT_EQ(first["source_key"], "acme/erp/FR01/open_items.csv/D1/{x}");
  EXPECT_EQ(first["kind"], "invoice");
  EXPECT_EQ(first["number"], " D1 ");
  EXPECT_EQ(first["open_amount"], "1234.50");
  EXPECT_EQ(first["total"], "1234.50");
  EXPECT_EQ(first["due_date"], "2026-03-31");
  EXPECT_EQ(first["due_date_source"], "default");  // mapped, so not derived
  EXPECT_EQ(first["po_number"], "none");
  EXPECT_EQ(first["applies_to"], nullptr);
  EXPECT_EQ(first["custom"].dump(), R"({"extra":"x","Other Column":null})");
  const Json& second = out->sink.records[1].data;
  EXPECT_EQ(second["kind"], "other");
  EXPECT_EQ(second["status"], "paid");
  EXPECT_EQ(second["due_date"], "2026-04-01");
  EXPECT_EQ(second["po_number"], "P9");
  EXPECT_EQ(second["applies_to"], "erp:receivable:D1");
  EXPECT_EQ(second["custom"].dump(), R"({"extra":null,"Other Column":"y"})");
}

TEST(MappingRun, IndexColumnsWithoutAHeader) {
  auto mapping = Compile(R"(
name: no-header
reader: {delimiter: "|", header: false, skip_lines: 1}
entities:
  - entity: customer
    source_key: {index: 1}
    fields:
      account_number: {index: 1}
      name: {index: 3}
      credit_hold: {index: 2}
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "EXPORT 2026-03-31\nA1|Y|Acme\nA2|maybe|Beta\nA3|N\n");
  ASSERT_TRUE(out->stats.has_value());
  ASSERT_EQ(out->sink.records.size(), 1u);
  EXPECT_EQ(out->sink.records[0].data["credit_hold"], true);
  EXPECT_EQ(out->sink.records[0].data["raw"].dump(), R"({"1":"A1","2":"Y","3":"Acme"})");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:3:2: credit_hold: invalid boolean \"maybe\" (expected true/false, yes/no, "
                          "1/0, Y/N or O)",
                          "open_items.csv:4:0: expected at least 3 fields, found 2"));
}

TEST(MappingRun, RawIsBoundedTo4KiB) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  const std::string long_name(5000, 'n');
  auto out = RunText(*mapping, std::string(kHeader) + "C1;" + long_name + ";D1;invoice;;;EUR;1;1\n");
  ASSERT_EQ(out->sink.records.size(), 2u);
  const Json& raw = out->sink.records[0].data["raw"];
  size_t bytes = 0;
  for (const auto& [key, value] : raw.items()) bytes += key.size() + value.get<std::string>().size();
  EXPECT_EQ(bytes, 4096u);
  EXPECT_EQ(raw.size(), 2u);  // account_number, then the cut customer_name
  EXPECT_EQ(out->sink.records[0].data["name"], long_name);  // the mapped value is whole
}

TEST(MappingRun, CsvErrorsAreRejectsAndReadingGoesOn) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) + "C1;\"Acme\"x;D1;invoice;;;EUR;1;1\nC1;A;D2;invoice;;;EUR;1;1\n");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:2:2: customer_name: unexpected text after the closing quote of field 2"));
  EXPECT_EQ(out->sink.records.size(), 2u);
}

TEST(MappingRun, AnUnreadableHeaderMakesTheFileUnusable) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto quote = RunText(*mapping, "\"account_number\"x;customer_name\n");
  ASSERT_FALSE(quote->stats.has_value());
  EXPECT_EQ(quote->stats.error().message,
            "header (line 1): unexpected text after the closing quote of field 1");
  auto bytes = RunText(*mapping, "account_number;n\xE9\n");
  ASSERT_FALSE(bytes->stats.has_value());
  EXPECT_EQ(bytes->stats.error().message,
            "header (line 1), column 2: invalid UTF-8 byte 0xE9 at position 2 (reader.encoding is utf-8)");
}

TEST(MappingRun, AnIndexBeyondTheHeaderMakesTheFileUnusable) {
  auto mapping = Compile(R"(
name: by-index
reader: {header: true}
entities:
  - entity: customer
    source_key: {index: 4}
    fields: {account_number: {index: 4}}
)");
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, "a,b,c\n1,2,3\n");
  ASSERT_FALSE(out->stats.has_value());
  EXPECT_EQ(out->stats.error().message, "the mapping reads column 4 but the input has 3");
}

TEST(MappingRun, ReasonsEscapeControlCharacters) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  auto out = RunText(*mapping, std::string(kHeader) + "C1;A;D1;invoice;\"2026\n03\";;EUR;1;1\n");
  EXPECT_THAT(out->sink.RejectLines(),
              ElementsAre("open_items.csv:2:5: issue_date: invalid date \"2026\\n03\" (expected yyyy-MM-dd)"));
}

TEST(MappingRun, StopTokenCancels) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  std::stop_source stop;
  stop.request_stop();
  std::istringstream input(std::string(kHeader) + "C1;A;D1;invoice;;;EUR;1;1\n");
  CollectingSink sink;
  auto stats = mapping->Run(input, Context(), sink, stop.get_token());
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().code, ErrorCode::kCancelled);
}

TEST(MappingRun, SinkErrorsAbortTheRun) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  std::istringstream input(std::string(kHeader) + "C1;A;D1;invoice;;;EUR;1;1\nC1;A;D2;invoice;;;EUR;1;1\n");
  CollectingSink sink;
  sink.fail_after_records = 3;
  auto stats = mapping->Run(input, Context(), sink);
  ASSERT_FALSE(stats.has_value());
  EXPECT_EQ(stats.error().message, "sink is full");
  EXPECT_EQ(sink.records.size(), 3u);
}

TEST(MappingRun, EmptyContextValuesAreNullInTheEnvelope) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  MappingContext context;
  auto out = RunText(*mapping, std::string(kHeader) + "C1;A;D1;invoice;;;EUR;1;1\n", context);
  ASSERT_EQ(out->sink.records.size(), 2u);
  EXPECT_EQ(out->sink.records[0].key, "map:customer:-C1");
  EXPECT_EQ(out->sink.records[0].data["tenant"], "default");
  EXPECT_EQ(out->sink.records[0].data["legal_entity"], nullptr);
  EXPECT_EQ(out->sink.records[0].data["source_updated_at"], nullptr);
}

TEST(MappingRun, VersionIsTheStartOfTheFileSha256) {
  auto mapping = Compile(kGeneric);
  ASSERT_TRUE(mapping);
  EXPECT_EQ(mapping->version(), model::Sha256Hex(kGeneric).substr(0, 12));
  EXPECT_EQ(mapping->name(), "generic-open-items");
  ASSERT_EQ(mapping->entities().size(), 2u);
  EXPECT_EQ(mapping->entities()[0].entity, "customer");
  EXPECT_TRUE(mapping->entities()[0].repeatable);
  EXPECT_FALSE(mapping->entities()[0].closes_by_absence);
  EXPECT_TRUE(mapping->entities()[1].closes_by_absence);
}

}  // namespace
}  // namespace tributary::mapping
