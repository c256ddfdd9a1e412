// Grouping past its memory budget: a tiny budget forces spill runs on small inputs, and the
// run must give exactly what the in-memory run gives (records, rejects, their order,
// counts), leave no file behind, and fail clearly when it cannot spill.
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/mapping/group_record.h"
#include "gateway/mapping/group_spill.h"
#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing_support::Compile;
using testing_support::Context;
using testing_support::MapText;
using testing_support::Outcome;

// Every aggregate function, text and amounts, a having, two grouped entities and an
// ungrouped one (whose records come first, per source record).
constexpr const char* kLedgerMapping = R"(
name: ledger
reader: {delimiter: "|"}
locale: {decimal: ",", date_formats: [yyyyMMdd]}
entities:
  - entity: customer
    filter: {starts_with: [{column: CompteNum}, "411"]}
    group:
      by: [{column: CompAuxNum}]
      values: {name: {any: {column: CompAuxLib}}, lines: {count: 1}}
    source_key: {column: CompAuxNum}
    fields: {account_number: {column: CompAuxNum}, name: {agg: name}}
    custom: {lines: {agg: lines}}
  - entity: receivable
    filter: {all: [{starts_with: [{column: CompteNum}, "411"]}, {empty: {column: EcritureLet}}]}
    group:
      by: [{column: CompAuxNum}, {column: PieceRef}]
      values:
        balance: {sum: {subtract: [{column: Debit}, {column: Credit}]}}
        journal: {first: {column: JournalCode}}
        last_journal: {last: {column: JournalCode}}
        lines: {count: 1}
        first_date: {min: {date: {column: PieceDate}}}
        last_date: {max: {date: {column: PieceDate}}}
        biggest: {max: {money: {column: Debit}}}
        labels: {concat: {column: EcritureLib}}
      having: {not: {zero: {agg: balance}}}
    source_key: {template: "{CompAuxNum}-{PieceRef}"}
    fields:
      kind: {when: {positive: {agg: balance}}, then: invoice, else: credit_note}
      number: {column: PieceRef}
      customer: {ref: customer}
      issue_date: {agg: first_date}
      due_date: {agg: last_date}
      currency: EUR
      open_amount: {abs: {agg: balance}}
    custom:
      lines: {agg: lines}
      labels: {agg: labels}
      last_journal: {agg: last_journal}
      journal: {agg: journal}
      biggest: {agg: biggest}
      label: {column: EcritureLib}
)";

constexpr const char* kHeader =
    "JournalCode|CompteNum|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet\n";

// `documents` documents of `customers` customers, their lines spread over the file (keys not
// sorted), with amounts at several scales, lettered lines, zero balances, a bad amount and
// an undecodable line.
std::string Ledger(int documents, int customers) {
  std::string text = kHeader;
  for (int pass = 0; pass < 3; ++pass) {
    for (int d = 0; d < documents; ++d) {
      const int document = (d * 7919) % documents;  // a shuffled order
      const std::string customer = "C" + std::to_string(document % customers);
      const std::string piece = "F" + std::to_string(document);
      const std::string date = "202601" + std::string(document % 28 < 9 ? "0" : "") + std::to_string(1 + document % 28);
      const std::string journal = pass == 0 ? "VE" : pass == 1 ? "BQ" : "OD";
      std::string debit = pass == 0 ? std::to_string(100 + document) + ",5" : "0,00";
      std::string credit = pass == 0 ? "0" : pass == 1 ? std::to_string(document % 50) + ",25" : "0,001";
      if (pass == 2 && document % 4 != 0) continue;
      if (pass == 1 && document == 17) credit = "4O,00";  // not an amount: the group is left out
      const std::string letter = document % 9 == 0 ? "AB" : "";
      const std::string name = pass == 0 && document % 5 == 0 ? "" : "Client " + customer;
      text += journal + "|411000|" + customer + "|" + name + "|" + piece + "|" + date + "|Line " + journal + " " +
              piece + "|" + debit + "|" + credit + "|" + letter + "\n";
      if (pass == 1 && d == documents / 2) text += "VE|411000|C3|Caf\xE9|F3|20260101|bad|1,00|0|\n";
    }
  }
  return text;
}

// A fresh, empty folder for spill files, removed with its content at the end.
class SpillFolder {
 public:
  SpillFolder() {
    std::string pattern = (fs::temp_directory_path() / "group-spill-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~SpillFolder() { fs::remove_all(path_); }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] size_t Entries() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(path_), fs::directory_iterator()));
  }

 private:
  std::string path_;
};

MappingContext Budget(size_t bytes, const std::string& dir) {
  MappingContext context = Context();
  context.group_memory_bytes = bytes;
  context.group_spill_dir = dir;
  return context;
}

// What a run gave, in order, as text: records with their line, rejects as printed.
std::vector<std::string> Transcript(const Outcome& out) {
  std::vector<std::string> lines;
  size_t record = 0;
  size_t reject = 0;
  for (const std::string& item : out.sink.order) {
    if (item == "reject") {
      const model::Reject& r = out.sink.rejects[reject++];
      lines.push_back("reject " + std::to_string(r.line) + ":" + std::to_string(r.column) + " " + r.field + ": " +
                      r.reason + " raw=" + r.raw);
    } else {
      const model::CanonicalRecord& r = out.sink.records[record++];
      lines.push_back(r.key + " line " + std::to_string(r.provenance.line) + " " + r.json);
    }
  }
  return lines;
}

TEST(GroupSpill, ATinyBudgetGivesExactlyTheInMemoryResult) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  const std::string input = Ledger(400, 37);
  SpillFolder folder;
  auto in_memory = MapText(*mapping, input);
  auto spilled = MapText(*mapping, input, Budget(4096, folder.path()));
  ASSERT_TRUE(in_memory->stats.has_value()) << in_memory->stats.error().message;
  ASSERT_TRUE(spilled->stats.has_value()) << spilled->stats.error().message;
  EXPECT_EQ(in_memory->stats->group_spills, 0);
  EXPECT_GT(spilled->stats->group_spills, 16);  // runs were compacted, too
  EXPECT_EQ(spilled->stats->groups, in_memory->stats->groups);
  EXPECT_EQ(spilled->stats->records, in_memory->stats->records);
  EXPECT_EQ(spilled->stats->rejects, in_memory->stats->rejects);
  const std::vector<std::string> expected = Transcript(*in_memory);
  EXPECT_EQ(Transcript(*spilled), expected);
  // The input exercises what it should: rejected lines, a group left out, a having.
  EXPECT_GE(in_memory->sink.rejects.size(), 2u);
  EXPECT_LT(in_memory->stats->records, in_memory->stats->groups);
  EXPECT_EQ(folder.Entries(), 0u);
}

TEST(GroupSpill, EveryBudgetGivesTheSameResult) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  const std::string input = Ledger(120, 11);
  SpillFolder folder;
  auto in_memory = MapText(*mapping, input);
  ASSERT_TRUE(in_memory->stats.has_value());
  const std::vector<std::string> expected = Transcript(*in_memory);
  for (size_t budget : {1, 3000, 9000, 20000, 60000}) {
    auto spilled = MapText(*mapping, input, Budget(budget, folder.path()));
    ASSERT_TRUE(spilled->stats.has_value()) << spilled->stats.error().message;
    EXPECT_EQ(Transcript(*spilled), expected) << "budget " << budget;
  }
  EXPECT_EQ(folder.Entries(), 0u);
}

// A `concat` past 64 KiB of distinct values rejects its group (its place in the group's
// texts is 32 bits, and a field is not a document); every budget gives the same outcome,
// whichever partial lists the spill runs combined.
TEST(GroupSpill, AConcatPastItsBoundRejectsItsGroupWhateverTheBudget) {
  auto mapping = Compile(R"(
name: labels
reader: {delimiter: "|"}
entities:
  - entity: receivable
    group:
      by: [{column: doc}]
      values: {labels: {concat: {column: label}}}
    source_key: {column: doc}
    fields:
      kind: invoice
      number: {column: doc}
      customer: {ref: customer, key: C1}
      issue_date: 2026-01-01
      currency: EUR
      open_amount: "1.00"
    custom: {labels: {agg: labels}}
)");
  ASSERT_TRUE(mapping);
  std::string input = "doc|label\n";
  // D1: 1,100 distinct labels of 60 bytes (past the bound); D2: the same label again and
  // again (within it); the lines of both interleaved.
  for (int i = 0; i < 1100; ++i) {
    input += "D1|" + std::string(52, 'x') + std::to_string(10000000 + i) + "\n";
    input += "D2|same label\n";
  }
  SpillFolder folder;
  auto in_memory = MapText(*mapping, input);
  ASSERT_TRUE(in_memory->stats.has_value()) << in_memory->stats.error().message;
  ASSERT_EQ(in_memory->sink.records.size(), 1u);
  EXPECT_EQ(in_memory->sink.records[0].data["number"], "D2");
  EXPECT_EQ(in_memory->sink.records[0].data["custom"]["labels"], "same label");
  ASSERT_EQ(in_memory->sink.rejects.size(), 1u);
  EXPECT_EQ(in_memory->sink.rejects[0].line, 2);
  EXPECT_EQ(in_memory->sink.rejects[0].field, "labels");
  EXPECT_THAT(in_memory->sink.rejects[0].reason, HasSubstr("concat of more than 64 KiB of distinct values"));
  const std::vector<std::string> expected = Transcript(*in_memory);
  for (size_t budget : {1, 20000, 100000}) {
    auto spilled = MapText(*mapping, input, Budget(budget, folder.path()));
    ASSERT_TRUE(spilled->stats.has_value()) << spilled->stats.error().message;
    EXPECT_GT(spilled->stats->group_spills, 0) << "budget " << budget;
    EXPECT_EQ(Transcript(*spilled), expected) << "budget " << budget;
  }
}

// The smallest budget, to 512 bytes, with which `mapping` maps `input` without spilling.
size_t SmallestBudgetWithoutSpill(const Mapping& mapping, const std::string& input, const std::string& dir) {
  size_t spills = 0;        // a budget that spills
  size_t fits = 64u << 20;  // one that does not
  while (fits - spills > 512) {
    const size_t budget = spills + (fits - spills) / 2;
    auto out = MapText(mapping, input, Budget(budget, dir));
    EXPECT_TRUE(out->stats.has_value());
    (out->stats && out->stats->group_spills == 0 ? fits : spills) = budget;
  }
  return fits;
}

// One budget for all the grouped entities of a run: a big table may use what a small one
// leaves, so the run needs the sum of their sizes, not twice the biggest.
TEST(GroupSpill, TheGroupedEntitiesShareOneBudget) {
  const std::string both_text = kLedgerMapping;
  const size_t customer_at = both_text.find("  - entity: customer");
  const size_t receivable_at = both_text.find("  - entity: receivable");
  std::string receivables_only = both_text.substr(0, customer_at) + both_text.substr(receivable_at);
  const std::string ref = "customer: {ref: customer}";
  receivables_only.replace(receivables_only.find(ref), ref.size(), "po_number: {column: CompAuxNum}");
  const std::string customers_only = both_text.substr(0, receivable_at);
  auto both = Compile(both_text);
  auto receivables = Compile(receivables_only);
  auto customers = Compile(customers_only);
  ASSERT_TRUE(both && receivables && customers);
  const std::string input = Ledger(600, 3);  // many documents, three customers
  SpillFolder folder;
  const size_t receivables_need = SmallestBudgetWithoutSpill(*receivables, input, folder.path());
  const size_t customers_need = SmallestBudgetWithoutSpill(*customers, input, folder.path());
  const size_t both_need = SmallestBudgetWithoutSpill(*both, input, folder.path());
  EXPECT_LT(customers_need * 4, receivables_need);
  EXPECT_LE(both_need, receivables_need + customers_need + 1024);
  EXPECT_LT(both_need, 2 * receivables_need - 1024);  // what an equal split would need
}

// Sorted by key: no sorting and no merge, the same result; and a file that stops being
// sorted halfway still gives the in-memory result.
TEST(GroupSpill, SortedInputAndInputThatStopsBeingSorted) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  std::string sorted = kHeader;
  for (int c = 10; c < 70; ++c) {
    for (int line = 0; line < 3; ++line) {
      sorted += "VE|411000|C" + std::to_string(c) + "|Client " + std::to_string(c) + "|F" + std::to_string(c) +
                "|20260105|Line " + std::to_string(line) + "|" + std::to_string(line + 1) + "0,00|0,00|\n";
    }
  }
  const std::string unsorted = sorted + "BQ|411000|C12|Client 12|F12|20260106|Late|0,00|5,00|\n" +
                               "VE|411000|C05|Client 05|F05|20260107|New|7,00|0,00|\n";
  SpillFolder folder;
  for (const std::string& input : {sorted, unsorted}) {
    auto in_memory = MapText(*mapping, input);
    auto spilled = MapText(*mapping, input, Budget(4096, folder.path()));
    ASSERT_TRUE(spilled->stats.has_value()) << spilled->stats.error().message;
    EXPECT_GT(spilled->stats->group_spills, 0);
    EXPECT_EQ(Transcript(*spilled), Transcript(*in_memory));
  }
  EXPECT_EQ(folder.Entries(), 0u);
}

TEST(GroupSpill, AFolderItCannotWriteToIsAClearError) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  SpillFolder folder;
  const std::string missing = folder.path() + "/missing";
  auto out = MapText(*mapping, Ledger(100, 7), Budget(4096, missing));
  ASSERT_FALSE(out->stats.has_value());
  EXPECT_EQ(out->stats.error().code, ErrorCode::kIo);
  EXPECT_EQ(out->stats.error().message, "grouping needs more memory than its budget and cannot spill to folder " +
                                            missing + ": No such file or directory");
  // A budget the groups fit in never touches the folder.
  auto fits = MapText(*mapping, Ledger(100, 7), Budget(size_t{64} << 20, missing));
  EXPECT_TRUE(fits->stats.has_value());
  if (::geteuid() != 0) {  // root writes anywhere
    fs::permissions(folder.path(), fs::perms::owner_read | fs::perms::owner_exec);
    auto denied = MapText(*mapping, Ledger(100, 7), Budget(4096, folder.path()));
    fs::permissions(folder.path(), fs::perms::owner_all);
    ASSERT_FALSE(denied->stats.has_value());
    EXPECT_THAT(denied->stats.error().message, HasSubstr("Permission denied"));
  }
}

TEST(GroupSpill, NoFileIsLeftWhenTheRunFailsHalfway) {
  auto mapping = Compile(kLedgerMapping);
  ASSERT_TRUE(mapping);
  SpillFolder folder;
  auto out = std::make_unique<Outcome>();
  out->sink.fail_after_records = 3;
  std::istringstream stream(Ledger(200, 13));
  out->stats = mapping->Run(stream, Budget(2048, folder.path()), out->sink);
  ASSERT_FALSE(out->stats.has_value());
  EXPECT_EQ(out->stats.error().message, "sink is full");
  EXPECT_EQ(folder.Entries(), 0u);
}

TEST(GroupSpill, TheDefaultFolderIsTmpdir) {
  const char* saved = std::getenv("TMPDIR");
  const std::string before = saved != nullptr ? saved : "";
  ::setenv("TMPDIR", "/var/spool/example", 1);
  EXPECT_EQ(DefaultSpillDir(), "/var/spool/example");
  ::setenv("TMPDIR", "", 1);
  EXPECT_EQ(DefaultSpillDir(), "/tmp");
  if (saved != nullptr) {
    ::setenv("TMPDIR", before.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
}

// A malformed record fails its group whether it comes before or after the group's first
// good record, spilled or not.
TEST(GroupSpill, AMalformedRecordFailsItsGroupWhereverItIs) {
  auto mapping = Compile(R"(
name: totals
reader: {delimiter: ";"}
entities:
  - entity: customer
    group: {by: {column: account}, values: {total: {sum: {column: amount}}}}
    source_key: {column: account}
    fields: {account_number: {column: account}, payment_terms: {agg: total}}
)");
  ASSERT_TRUE(mapping);
  const std::string input = "account;name;amount\nA;Caf\xE9;2\nA;x;1\nB;y;3\n";
  SpillFolder folder;
  for (const MappingContext& context : {Context(), Budget(1, folder.path())}) {
    auto out = MapText(*mapping, input, context);
    ASSERT_TRUE(out->stats.has_value()) << out->stats.error().message;
    ASSERT_EQ(out->sink.records.size(), 1u);
    EXPECT_EQ(out->sink.records[0].key, "erp:customer:B");
    EXPECT_EQ(out->stats->groups, 2);
  }
}

TEST(GroupSpill, AGroupStateReadsBackAsItWasWritten) {
  // A first record: csv columns in its raw text, a field that is a trimmed slice of its
  // column, one that is none of the record's bytes, one absent; and a location.
  const std::string raw = "VE; 411 ;C1";
  readers::SourceRecord record;
  record.raw = raw;
  record.location = "/Document[2]";
  record.columns = {std::string_view(raw).substr(0, 2), std::string_view(raw).substr(3, 5),
                    std::string_view(raw).substr(9, 2)};
  const std::string decoded = "Clé";
  record.values = {{.present = true, .text = record.columns[0], .column = 1},
                   {.present = true, .text = record.columns[1].substr(1, 3), .column = 2},
                   {.present = true, .text = decoded, .column = 3},
                   {.present = false, .text = {}, .column = 0}};
  GroupState group;
  group.aggregate_count = 5;
  const std::string key = std::string("C1\x1f") + "F1";
  group.key_size = static_cast<uint32_t>(key.size());
  group.data.assign(5 * sizeof(GroupAggregate), '\0');
  group.data += key;
  std::string packed;
  PackRecord(record, packed);
  group.data += packed;
  group.record_size = static_cast<uint32_t>(packed.size());
  group.data += "Dupont";  // aggregate texts
  group.order = 41;
  group.line = 7;
  group.failed = true;
  group.failure_line = 9;
  GroupAggregate sum;  // -12345678901234567890.1250: units past 64 bits
  sum.set = true;
  sum.kind = Value::Kind::kDecimal;
  sum.column = 8;
  const model::Decimal big = *model::Decimal::Parse("-12345678901234567890.1250");
  sum.low = static_cast<uint64_t>(big.units());
  sum.high = static_cast<int64_t>(big.units() >> 64);
  sum.scale = static_cast<int8_t>(big.scale());
  group.set_aggregate(0, sum);
  GroupAggregate text;
  text.set = true;
  text.kind = Value::Kind::kText;
  text.column = 3;
  text.low = 6;  // offset 0, size 6
  group.set_aggregate(1, text);
  GroupAggregate count;
  count.set = true;
  count.low = 12;
  group.set_aggregate(2, count);
  GroupAggregate date;
  date.set = true;
  date.kind = Value::Kind::kDate;
  date.low = 20000;
  group.set_aggregate(4, date);

  SpillFolder folder;
  auto file = SpillFile::Create(folder.path());
  ASSERT_TRUE(file.has_value()) << file.error().message;
  EXPECT_EQ(folder.Entries(), 0u);  // gone from the folder as soon as it exists
  ASSERT_TRUE((*file)->Write(group).has_value());
  ASSERT_TRUE((*file)->Write(GroupState{}).has_value());
  ASSERT_TRUE((*file)->Rewind().has_value());
  GroupState read;
  auto first = (*file)->Read(read);
  ASSERT_TRUE(first.has_value() && *first);
  EXPECT_EQ(read.index_key(), key);
  EXPECT_TRUE(read.has_record());
  EXPECT_EQ(read.order, 41);
  EXPECT_EQ(read.line, 7);
  EXPECT_EQ(read.location(), "/Document[2]");
  EXPECT_EQ(read.raw(), raw);
  EXPECT_EQ(read.texts(), "Dupont");
  EXPECT_TRUE(read.failed);
  EXPECT_EQ(read.failure_line, 9);
  std::vector<std::string_view> columns;
  std::vector<readers::FieldValue> fields;
  ASSERT_TRUE(UnpackRecord(read.record(), nullptr, nullptr, &columns, &fields));
  EXPECT_THAT(columns, ::testing::ElementsAre("VE", " 411 ", "C1"));
  ASSERT_EQ(fields.size(), 4u);
  EXPECT_EQ(fields[0].text, "VE");
  EXPECT_EQ(fields[1].text, "411");
  EXPECT_EQ(fields[1].column, 2);
  EXPECT_EQ(fields[2].text, "Clé");
  EXPECT_FALSE(fields[3].present);
  ASSERT_EQ(read.aggregate_count, 5u);
  const GroupAggregate sum_read = read.aggregate(0);
  EXPECT_EQ(sum_read.kind, Value::Kind::kDecimal);
  EXPECT_EQ(sum_read.column, 8);
  model::Decimal decimal;
  ASSERT_TRUE(model::Decimal::FromUnits(sum_read.units(), sum_read.scale, decimal));
  EXPECT_EQ(decimal.ToString(), "-12345678901234567890.1250");  // scale kept
  EXPECT_EQ(read.aggregate(1).low, 6u);
  EXPECT_EQ(read.aggregate(2).low, 12u);
  EXPECT_FALSE(read.aggregate(3).set);
  EXPECT_EQ(read.aggregate(4).low, 20000u);
  auto second = (*file)->Read(read);
  ASSERT_TRUE(second.has_value() && *second);
  EXPECT_TRUE(read.index_key().empty());
  EXPECT_FALSE(read.has_record());
  auto end = (*file)->Read(read);
  ASSERT_TRUE(end.has_value());
  EXPECT_FALSE(*end);
}

TEST(GroupSpill, ADamagedGroupStateIsRefused) {
  GroupState group;
  group.aggregate_count = 1;
  group.data.assign(sizeof(GroupAggregate), '\0');
  group.data += "K";
  group.key_size = 1;
  GroupAggregate text;
  text.set = true;
  text.kind = Value::Kind::kText;
  text.low = 4;  // four bytes of aggregate texts, and there are none
  group.set_aggregate(0, text);
  std::string bytes;
  EncodeGroup(group, bytes);
  GroupState read;
  EXPECT_FALSE(DecodeGroup(bytes, read));
  group.data += "abcd";
  bytes.clear();
  EncodeGroup(group, bytes);
  EXPECT_TRUE(DecodeGroup(bytes, read));
  group.record_size = 3;  // "K" and three bytes that are no packed record
  bytes.clear();
  EncodeGroup(group, bytes);
  EXPECT_FALSE(DecodeGroup(bytes, read));
  EXPECT_FALSE(DecodeGroup("\x01\x02", read));
}

}  // namespace
}  // namespace tributary::mapping
