#include "gateway/mapping/dry_run.h"

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace tributary::mapping {
namespace {

using ::testing::HasSubstr;

const std::string kMapping = std::string(TRIBUTARY_SOURCE_DIR) + "/mappings/generic/open_items.yaml";
constexpr const char* kHeader =
    "account_number;customer_name;document_number;document_type;issue_date;due_date;currency;total;open_amount\n";

class DryRunTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  int Run(const std::string& mapping, const std::vector<std::string>& inputs) {
    MappingContext base;
    base.tenant = "acme";
    base.source = "erp";
    base.legal_entity = "FR01";
    return RunMapCommand(mapping, inputs, base, out_, err_);
  }
  std::vector<std::string> OutLines() const {
    std::vector<std::string> lines;
    std::istringstream stream(out_.str());
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
  }

  testing::TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DryRunTest, PrintsRecordsAndASummaryInBusinessTerms) {
  const std::string input = Write("open.csv", std::string(kHeader) +
                                                  "C1;Acme;I1;invoice;2026-03-01;2026-03-31;EUR;1234.56;1234.56\n"
                                                  "C1;Acme;I2;invoice;2026-03-01;2026-03-31;EUR;200.00;100.00\n"
                                                  "C1;Acme;A1;credit_note;2026-03-01;;EUR;100.00;100.00\n"
                                                  "C2;Kuwait;I3;invoice;2026-03-01;;KWD;10.000;10.000\n");
  EXPECT_EQ(Run(kMapping, {input}), 0);
  const auto lines = OutLines();
  ASSERT_EQ(lines.size(), 8u);
  const auto first = nlohmann::ordered_json::parse(lines[1]);
  EXPECT_EQ(first["key"], "erp:receivable:FR01-I1");
  EXPECT_EQ(first["status"], "open");
  // source_updated_at is the file's mtime, in RFC 3339 UTC.
  const std::string updated = first["source_updated_at"];
  EXPECT_EQ(updated.size(), 20u);
  EXPECT_EQ(updated.back(), 'Z');
  EXPECT_EQ(err_.str(),
            "summary: 4 rows, 8 records (customer 4, receivable 4), 0 rejects; open amount 1234.56 EUR, 10.000 KWD\n");
}

TEST_F(DryRunTest, RejectsGoToErrWithTheirPositionAndExitOne) {
  const std::string input = Write("open.csv", std::string(kHeader) +
                                                  "C1;Acme;I1;invoice;2026-03-01;2026-03-31;EUR;1;1\n"
                                                  "C1;Acme;I2;invoice;2026-13-01;2026-03-31;EUR;1;1\n");
  EXPECT_EQ(Run(kMapping, {input}), 1);
  EXPECT_EQ(OutLines().size(), 2u);
  EXPECT_EQ(err_.str(), input + ":3:5: issue_date: invalid date \"2026-13-01\": no such day in the calendar\n"
                        "summary: 2 rows, 2 records (customer 1, receivable 1), 1 reject; open amount 1.00 EUR\n");
}

TEST_F(DryRunTest, SeveralInputsShareOneSummary) {
  const std::string a = Write("a.csv", std::string(kHeader) + "C1;A;I1;invoice;;;EUR;1;1\n");
  const std::string b = Write("b.csv", std::string(kHeader) + "C2;B;I2;invoice;;;USD;2;2\n");
  EXPECT_EQ(Run(kMapping, {a, b}), 0);
  EXPECT_EQ(err_.str(), "summary: 2 rows, 4 records (customer 2, receivable 2), 0 rejects; open amount 1.00 EUR, "
                        "2.00 USD\n");
}

TEST_F(DryRunTest, AnUnusableFileExitsTwoAndTheOthersAreStillMapped) {
  const std::string bad = Write("bad.csv", "account_number;customer_name\nC1;A\n");
  const std::string good = Write("good.csv", std::string(kHeader) + "C1;A;I1;invoice;;;EUR;1;1\n");
  EXPECT_EQ(Run(kMapping, {bad, dir_.File("missing.csv"), good}), 2);
  EXPECT_EQ(OutLines().size(), 2u);
  EXPECT_THAT(err_.str(), HasSubstr(bad + ": the header has no column \"document_number\""));
  EXPECT_THAT(err_.str(), HasSubstr(dir_.File("missing.csv") + ": cannot open file: No such file or directory\n"));
  EXPECT_THAT(err_.str(), HasSubstr("summary: 1 row, 2 records"));
}

TEST_F(DryRunTest, AnUnusableMappingPrintsItsDiagnosticsAndExitsTwo) {
  const std::string mapping = Write("m.yaml", "name: x\nentities: [{entity: invoice}]\n");
  EXPECT_EQ(Run(mapping, {}), 2);
  EXPECT_THAT(err_.str(), HasSubstr(mapping + ":2:12: entities[0]: missing required key 'source_key'\n"));
  EXPECT_THAT(err_.str(), HasSubstr(mapping + ":2:21: entities[0].entity: unknown entity \"invoice\""));
  EXPECT_TRUE(out_.str().empty());
}

TEST_F(DryRunTest, RecordsAreWrittenInBlocksYetARejectFollowsTheRecordsBeforeIt) {
  // One stream for both, as on a terminal: the reject of line 3 comes after the records
  // of line 2 and before those of line 4, whatever the buffering of records.
  const std::string input = Write("open.csv", std::string(kHeader) +
                                                  "C1;Acme;I1;invoice;2026-03-01;2026-03-31;EUR;1.00;1.00\n"
                                                  "C1;Acme;I2;invoice;2026-03-01;2026-03-31;EUR;x;1.00\n"
                                                  "C1;Acme;I3;invoice;2026-03-01;2026-03-31;EUR;3.00;3.00\n");
  std::ostringstream both;
  MappingContext base;
  base.source = "erp";
  base.legal_entity = "FR01";
  EXPECT_EQ(RunMapCommand(kMapping, {input}, base, both, both), 1);
  std::vector<std::string> starts;
  std::istringstream stream(both.str());
  for (std::string line; std::getline(stream, line);) starts.push_back(line.substr(0, 30));
  EXPECT_THAT(starts, ::testing::ElementsAre("{\"key\":\"erp:customer:FR01-C1\",",
                                             "{\"key\":\"erp:receivable:FR01-I1",
                                             (input + ":3:8: total: invalid amount").substr(0, 30),
                                             "{\"key\":\"erp:customer:FR01-C1\",",
                                             "{\"key\":\"erp:receivable:FR01-I3",
                                             "summary: 3 rows, 4 records (cu"));
}

TEST(DryRunPrinter, SummaryWordsAndCreditNotes) {
  std::ostringstream out;
  std::ostringstream err;
  const std::vector<EntityInfo> entities = {{"receivable", true, false}};
  DryRunPrinter printer(entities, out, err);
  model::CanonicalRecord credit;
  credit.entity = "receivable";
  credit.data = {{"kind", "credit_note"}};
  credit.open_amount_minor = 500;
  credit.currency = "EUR";
  ASSERT_TRUE(printer.OnRecord(std::move(credit)).has_value());
  printer.AddRows(1);
  EXPECT_EQ(printer.Summary(), "summary: 1 row, 1 record (receivable 1), 0 rejects; open amount -5.00 EUR");
  EXPECT_EQ(out.str(), "{\"kind\":\"credit_note\"}\n");
  ASSERT_TRUE(printer.OnReject(model::Reject{"f.csv", 7, 0, "", "expected 9 fields, found 2", ""}).has_value());
  EXPECT_EQ(err.str(), "f.csv:7:0: expected 9 fields, found 2\n");
  EXPECT_EQ(printer.rejects(), 1);
}

}  // namespace
}  // namespace tributary::mapping
