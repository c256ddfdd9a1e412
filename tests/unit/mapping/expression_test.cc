// Every source, operator and modifier of the expression language, through the real loader
// and the real csv reader: each test maps a small file and reads `custom` members.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using testing_support::Compile;
using testing_support::Context;
using testing_support::CustomerMapping;
using testing_support::MapText;

// The `custom` object of each customer record of `input` mapped with `custom_yaml`.
std::vector<std::string> Customs(const std::string& custom_yaml, const std::string& input,
                                 const std::string& top = "", std::vector<std::string>* rejects = nullptr) {
  auto mapping = Compile(CustomerMapping(custom_yaml, top));
  if (!mapping) return {};
  auto out = MapText(*mapping, input);
  EXPECT_TRUE(out->stats.has_value()) << out->stats.error().message;
  std::vector<std::string> customs;
  for (const model::CanonicalRecord& record : out->sink.records) customs.push_back(record.data["custom"].dump());
  if (rejects != nullptr) {
    *rejects = out->sink.RejectLines();
  } else {
    EXPECT_THAT(out->sink.RejectLines(), ElementsAre());
  }
  return customs;
}

TEST(Expressions, SourcesConstantsVariablesAndTemplates) {
  EXPECT_THAT(Customs(R"(      plain: {column: name}
      by_index: {index: 2}
      by_number: {column: 2}
      untrimmed: {column: name, trim: false}
      constant: "fixed text"
      value: {value: " padded ", trim: false}
      const: {const: EUR}
      file_date: {var: file_date}
      tenant: {var: tenant}
      template: {template: "{$legal_entity}/{id}/{$terms}/{{braces}}"}
      param: {param: terms}
)",
                      "id;name\nA1; Acme \n", "parameters: {terms: 30}\n"),
              ElementsAre(R"({"plain":"Acme","by_index":"Acme","by_number":"Acme","untrimmed":" Acme ",)"
                          R"("constant":"fixed text","value":" padded ","const":"EUR","file_date":"2026-03-31",)"
                          R"("tenant":"acme","template":"FR01/A1/30/{braces}","param":"30"})"));
}

TEST(Expressions, AnEmptyColumnInATemplateMakesItNull) {
  EXPECT_THAT(Customs("      key: {template: \"{$legal_entity}-{name}\"}\n", "id;name\nA1;\n"),
              ElementsAre(R"({"key":null})"));
}

TEST(Expressions, TextOperators) {
  EXPECT_THAT(Customs(R"(      concat: {concat: [{column: id}, "-", {column: missing_part}, {column: name}]}
      coalesce: {coalesce: [{column: missing_part}, {column: name}]}
      all_null: {coalesce: [{column: missing_part}]}
      lookup: {lookup: {table: kinds, key: {column: kind}}}
      lookup_miss: {lookup: {table: kinds, key: {column: name}}}
      lookup_default: {lookup: {table: kinds, key: {column: name}, default: other}}
      when: {when: {equals: [{column: kind}, F]}, then: facture, else: avoir}
      when_no_else: {when: {equals: [{column: kind}, A]}, then: avoir}
      switch: {switch: [{when: {equals: [{column: kind}, A]}, then: a}, {when: {equals: [{column: kind}, F]}, then: f}, {else: x}]}
      switch_else: {switch: [{when: {equals: [{column: kind}, Z]}, then: z}, {else: {column: name}}]}
)",
                      "id;name;kind;missing_part\nA1;Acme;F;\n",
                      "lookups:\n  kinds: {F: invoice, A: credit_note}\n"),
              ElementsAre(R"({"concat":"A1-Acme","coalesce":"Acme","all_null":null,"lookup":"invoice",)"
                          R"("lookup_miss":null,"lookup_default":"other","when":"facture","when_no_else":null,)"
                          R"("switch":"f","switch_else":"Acme"})"));
}

TEST(Expressions, Modifiers) {
  EXPECT_THAT(Customs(R"y(      group: {column: ref, regex: "INV-([0-9]+)"}
      whole: {column: ref, regex: "[0-9]+"}
      no_match: {column: ref, regex: "^X"}
      substring: {column: name, substring: [2, 3]}
      rest: {column: name, substring: [4]}
      replace: {column: ref, replace: ["-", "/"]}
      groups: {column: ref, replace: ["([A-Z]+)-([0-9]+)", "\\2.\\1"]}
      pad: {column: id, pad: {width: 6, char: "0"}}
      pad_right: {column: id, pad: {width: 4, side: right, char: "."}}
      upper: {column: name, upper: true}
      lower: {column: name, lower: true}
      map: {column: kind, map: {f: invoice, a: credit_note}}
      map_default: {column: name, map: {f: invoice}, default: other}
      default: {column: empty, default: none}
)y",
                      "id;name;ref;kind;empty\n42;Société;INV-0042;F;\n"),
              ElementsAre(R"({"group":"0042","whole":"0042","no_match":null,"substring":"oci","rest":"iété",)"
                          R"("replace":"INV/0042","groups":"0042.INV","pad":"000042","pad_right":"42..",)"
                          R"("upper":"SOCIÉTÉ","lower":"société","map":"invoice","map_default":"other",)"
                          R"("default":"none"})"));
}

TEST(Expressions, AValueMissingFromAMapOrARequiredNestedValueIsAReject) {
  std::vector<std::string> rejects;
  EXPECT_THAT(Customs(R"(      kind: {column: kind, map: {F: invoice}}
      joined: {concat: [{column: empty, required: true}, x]}
)",
                      "id;kind;empty\nA1;Z;\nA2;F;y\n", "", &rejects),
              ElementsAre(R"({"kind":"invoice","joined":"yx"})"));
  EXPECT_THAT(rejects, ElementsAre("in.csv:2:2: kind: \"Z\" is not in the map (expected one of: F)",
                                   "in.csv:2:3: joined: required value is empty"));
}

TEST(Expressions, MoneyIsExact) {
  EXPECT_THAT(Customs(R"(      sum: {sum: [{column: a}, {column: b}]}
      big: {sum: [{column: big}, {column: big}]}
      subtract: {subtract: [{column: a}, {column: b}]}
      abs: {abs: {subtract: [{column: b}, {column: a}]}}
      negate: {negate: {column: a}}
      multiply: {multiply: [{column: a}, 3]}
      flipped: {money: {column: a}, negative_when: {equals: [{column: side}, H]}}
      kept: {money: {column: a}, negative_when: {equals: [{column: side}, S]}}
      german: {money: {column: german}, decimal: ",", thousands: ".", negative: [trailing_minus]}
      null_operand: {sum: [{column: a}, {column: empty}]}
      zero_default: {sum: [{column: a}, {column: empty, default: "0"}]}
)",
                      "id;a;b;big;side;german;empty\nA1;0.1;0.2;12345678901234567.89;H;1.234,56-;\n"),
              ElementsAre(R"({"sum":"0.3","big":"24691357802469135.78","subtract":"-0.1","abs":"0.1",)"
                          R"("negate":"-0.1","multiply":"0.3","flipped":"-0.1","kept":"0.1","german":"-1234.56",)"
                          R"("null_operand":null,"zero_default":"0.1"})"));
}

TEST(Expressions, NegativeStylesAreWhatTheLocaleAccepts) {
  std::vector<std::string> rejects;
  EXPECT_THAT(Customs(R"(      amount: {money: {column: a}}
)",
                      "id;a\nA1;123.45 CR\nA2;(5.00)\nA3;7.00-\n", "locale: {negative: [cr_suffix, parentheses]}\n",
                      &rejects),
              ElementsAre(R"({"amount":"-123.45"})", R"({"amount":"-5.00"})"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_THAT(rejects[0], ::testing::StartsWith("in.csv:4:2: amount: "));
}

TEST(Expressions, DateArithmeticAndParts) {
  EXPECT_THAT(Customs(R"(      date: {date: {column: d}, formats: [dd/MM/yyyy]}
      due: {add_days: [{column: iso}, {param: terms}]}
      back: {add_days: [{column: iso}, -31]}
      parts: {date_from_parts: {year: "2028", month: {column: ttmm, substring: [3, 2]}, day: {column: ttmm, substring: [1, 2]}}}
      integer: {integer: {column: n}}
)",
                      "id;d;iso;ttmm;n\nA1;03/04/2026;2026-01-31;2902;+12\n", "parameters: {terms: 30}\n"),
              ElementsAre(R"({"date":"2026-04-03","due":"2026-03-02","back":"2025-12-31","parts":"2028-02-29",)"
                          R"("integer":"12"})"));
}

TEST(Expressions, AmbiguousDatesAndImpossibleDaysAreRejects) {
  std::vector<std::string> rejects;
  Customs(R"(      date: {date: {column: d}, formats: [dd/MM/yyyy, MM/dd/yyyy]}
      parts: {date_from_parts: {year: "2026", month: "2", day: {column: day}}}
)",
          "id;d;day\nA1;03/04/2026;1\nA2;13/04/2026;30\n", "", &rejects);
  ASSERT_EQ(rejects.size(), 2u);
  EXPECT_THAT(rejects[0], ::testing::StartsWith("in.csv:2:2: date: ambiguous date \"03/04/2026\""));
  EXPECT_EQ(rejects[1], "in.csv:3:3: parts: no such date: year 2026, month 2, day 30");
}

TEST(Expressions, DateArithmeticStaysWithinTheCalendar) {
  std::vector<std::string> rejects;
  Customs("      due: {add_days: [{column: iso}, {column: days}]}\n", "id;iso;days\nA1;9999-12-01;31\nA2;2026-01-31;-1\n",
          "", &rejects);
  EXPECT_THAT(rejects, ElementsAre("in.csv:2:3: due: cannot add 31 days to 9999-12-01"));
}

TEST(Expressions, DateOrderSettlesAmbiguousDates) {
  EXPECT_THAT(Customs(R"(      date: {date: {column: d}, formats: [dd/MM/yyyy, MM/dd/yyyy], date_order: mdy}
)",
                      "id;d\nA1;03/04/2026\nA2;13/04/2026\n"),
              ElementsAre(R"({"date":"2026-03-04"})", R"({"date":"2026-04-13"})"));
}

TEST(Expressions, Conditions) {
  EXPECT_THAT(Customs(R"(      equals_number: {when: {equals: [{money: {column: a}}, "1.5"]}, then: "yes", else: "no"}
      equals_text: {when: {equals: [{column: j}, VE]}, then: "yes", else: "no"}
      in_list: {when: {in: [{column: j}, [VE, VEN]]}, then: "yes", else: "no"}
      in_param: {when: {in: [{column: j}, {param: journals}]}, then: "yes", else: "no"}
      starts: {when: {starts_with: [{column: acct}, "411"]}, then: "yes", else: "no"}
      matches: {when: {matches: [{column: acct}, "^4[0-9]{2}"]}, then: "yes", else: "no"}
      empty: {when: {empty: {column: e}}, then: "yes", else: "no"}
      not_empty: {when: {not_empty: {column: e}}, then: "yes", else: "no"}
      not: {when: {not: {empty: {column: e}}}, then: "yes", else: "no"}
      all: {when: {all: [{empty: {column: e}}, {starts_with: [{column: acct}, "4"]}]}, then: "yes", else: "no"}
      any: {when: {any: [{not_empty: {column: e}}, {starts_with: [{column: acct}, "5"]}]}, then: "yes", else: "no"}
      positive: {when: {positive: {column: a}}, then: "yes", else: "no"}
      negative: {when: {negative: {negate: {column: a}}}, then: "yes", else: "no"}
      zero: {when: {zero: {subtract: [{column: a}, "1.50"]}}, then: "yes", else: "no"}
)",
                      "id;a;j;acct;e\nA1;1.50;VE;411000;\n", "parameters: {journals: [VEN, VE]}\n"),
              ElementsAre(R"({"equals_number":"yes","equals_text":"yes","in_list":"yes","in_param":"yes",)"
                          R"("starts":"yes","matches":"yes","empty":"yes","not_empty":"no","not":"no","all":"yes",)"
                          R"("any":"no","positive":"yes","negative":"yes","zero":"yes"})"));
}

TEST(Expressions, TheRejectOperatorRejectsTheRecord) {
  std::vector<std::string> rejects;
  EXPECT_THAT(Customs(R"(      kind: {switch: [{when: {equals: [{column: k}, F]}, then: invoice}, {else: {reject: "unknown document type"}}]}
)",
                      "id;k\nA1;F\nA2;X\n", "", &rejects),
              ElementsAre(R"({"kind":"invoice"})"));
  EXPECT_THAT(rejects, ElementsAre("in.csv:3:0: kind: unknown document type"));
}

TEST(Expressions, AnAmountThatDoesNotParseInsideAnOperatorIsAReject) {
  std::vector<std::string> rejects;
  Customs("      total: {sum: [{column: a}, {column: b}]}\n", "id;a;b\nA1;1;x\n", "", &rejects);
  EXPECT_THAT(rejects, ElementsAre("in.csv:2:3: total: invalid amount \"x\": unexpected character \"x\""));
}

}  // namespace
}  // namespace tributary::mapping
