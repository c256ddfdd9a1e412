// Load-time diagnostics of the expression language, with their exact text: every problem
// at once, as file:line:col: path: message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace tributary::mapping {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing_support::Problems;

TEST(MappingDiagnostics, ExpressionsAreCheckedWhenTheMappingLoads) {
  EXPECT_THAT(Problems(R"(name: x
parameters: {terms: 30, journals: [VE, VEN]}
lookups: {kinds: {F: invoice}}
reader: {delimiter: ";"}
entities:
  - entity: receivable
    filter: {column: type}
    source_key: {colum: doc}
    fields:
      kind: {lookup: {table: kindz, key: {column: type}}}
      number: {column: doc, value: x}
      currency: {param: currency}
      open_amount: {sum: [{agg: balance}]}
      po_number: {column: po, regex: "([0-9]+"}
      issue_date: {date: {column: d}, formats: [dd/mm/yyyy]}
      due_date: {add_days: [{column: d}, {param: journals}]}
      total: {when: {equals: [{column: a}, "1"]}, then: "1.00", els: "2.00"}
      payment_terms: {var: company}
      customer: {ref: supplier}
)"),
              ElementsAre("m.yaml:7:13: entities[0].filter: expected a condition (equals, in, starts_with, matches, "
                          "empty, not_empty, not, all, any, positive, negative, zero), found 'column type'",
                          "m.yaml:8:17: entities[0].source_key: expected a source (column, index, path, position, "
                          "preamble, value, param, var, template, ref, agg) or an operator (concat, coalesce, lookup, when, "
                          "switch, money, sum, subtract, date, add_days, equals, …)",
                          "m.yaml:8:25: entities[0].source_key.colum: unknown operator or modifier 'colum' (did you "
                          "mean 'column'?)",
                          "m.yaml:10:30: entities[0].fields.kind.lookup.table: unknown lookup table \"kindz\" "
                          "(declared: kinds)",
                          "m.yaml:11:15: entities[0].fields.number: two sources in one map: 'column' and 'value' (an "
                          "expression has exactly one source or operator)",
                          "m.yaml:12:25: entities[0].fields.currency.param: unknown parameter \"currency\" (declared: "
                          "terms, journals)",
                          "m.yaml:13:33: entities[0].fields.open_amount.sum[0].agg: 'agg' applies only in a grouped "
                          "entity (one with group.values)",
                          "m.yaml:14:38: entities[0].fields.po_number.regex: invalid regex \"([0-9]+\": missing ): "
                          "([0-9]+",
                          "m.yaml:15:49: entities[0].fields.issue_date.formats[0]: invalid date pattern \"dd/mm/yyyy\": "
                          "unknown token \"mm\" (use yyyy, yy, MM, M, dd, d)",
                          "m.yaml:16:50: entities[0].fields.due_date.add_days[1].param: parameter 'journals' is a list "
                          "(2 values); read it with 'in'",
                          "m.yaml:17:70: entities[0].fields.total.els: unknown operator or modifier 'els' (did you "
                          "mean 'else'?)",
                          "m.yaml:18:28: entities[0].fields.payment_terms.var: unknown variable \"company\" (known: "
                          "legal_entity, source, tenant, file, file_date)",
                          "m.yaml:19:23: entities[0].fields.customer.ref: 'supplier' is not an entity of this "
                          "mapping"));
}

TEST(MappingDiagnostics, GroupsAndAggregates) {
  EXPECT_THAT(Problems(R"(name: x
reader: {delimiter: ";"}
entities:
  - entity: customer
    group:
      by: [{column: acct}]
      values:
        total: {sum: {column: amount}}
        odd: {median: {column: amount}}
        two: {first: {column: a}, last: {column: a}}
      having: {agg: total}
    source_key: {column: acct}
    fields:
      account_number: {column: acct}
      name: {agg: totl}
)"),
              ElementsAre("m.yaml:9:23: entities[0].group.values.odd.median: unknown aggregate 'median' (known: first, "
                          "last, min, max, sum, count, any, concat)",
                          "m.yaml:10:14: entities[0].group.values.two: expected one of {first|last|min|max|sum|count|"
                          "any|concat: EXPRESSION}",
                          "m.yaml:11:15: entities[0].group.having: expected a condition (equals, in, starts_with, "
                          "matches, empty, not_empty, not, all, any, positive, negative, zero), found 'agg'",
                          "m.yaml:15:19: entities[0].fields.name.agg: no aggregate \"totl\" in group.values (known: "
                          "total, odd, two)"));
}

TEST(MappingDiagnostics, SelectorsMustSuitTheReader) {
  EXPECT_THAT(Problems(R"y(name: x
reader: {type: json, records: "Invoice[]"}
entities:
  - entity: customer
    source_key: {column: Id}
    fields: {account_number: {path: "Id"}, name: {template: "{DisplayName} ({CompanyName})"}}
)y"),
              ElementsAre("m.yaml:5:26: entities[0].source_key.column: 'column' needs a csv or fixed_width reader; a "
                          "json reader reads 'path'"));
}

TEST(MappingDiagnostics, OperatorShapes) {
  EXPECT_THAT(Problems(R"(name: x
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields:
      account_number: {concat: {column: id}}
      name: {subtract: [{column: a}]}
      payment_terms: {when: {empty: {column: t}}}
      language: {substring: [0, 2], column: l}
      currency: {in: [{column: c}, EUR]}
    custom:
      a: {matches: [{column: x}, "["]}
      b: {pad: {width: 3, char: "ab"}, column: x}
      c: {column: x, upper: true, lower: true}
      d: {switch: [{else: x}, {when: {empty: {column: x}}, then: y}]}
      e: {column: x, optional: true, formats: [yyyy]}
      f: {value: x, key: {column: y}}
)"),
              ElementsAre("m.yaml:7:32: entities[0].fields.account_number.concat: expected a list of expressions",
                          "m.yaml:8:24: entities[0].fields.name.subtract: expected 2 expressions, found 1",
                          "m.yaml:9:22: entities[0].fields.payment_terms: 'when' needs 'then' (and optionally 'else')",
                          "m.yaml:10:30: entities[0].fields.language.substring[0]: expected an integer from 1 to "
                          "100000, found \"0\"",
                          "m.yaml:11:36: entities[0].fields.currency.in[1]: expected a list of values or {param: NAME}",
                          "m.yaml:13:34: entities[0].custom.a.matches[1]: invalid regex \"[\": missing ]: [",
                          "m.yaml:14:33: entities[0].custom.b.pad.char: expected one character, found \"ab\"",
                          "m.yaml:15:10: entities[0].custom.c: 'upper' and 'lower' exclude each other",
                          "m.yaml:16:20: entities[0].custom.d.switch[0]: 'else' must be the last case of a switch",
                          "m.yaml:17:47: entities[0].custom.e.formats: 'formats' applies only to date fields and date "
                          "operators",
                          "m.yaml:17:48: entities[0].custom.e.formats[0]: invalid date pattern \"yyyy\": needs one year, "
                          "one month and one day token",
                          "m.yaml:18:26: entities[0].custom.f.key: 'key' applies only to 'ref'"));
}

TEST(MappingDiagnostics, ParametersLookupsAndChecks) {
  EXPECT_THAT(Problems(R"(name: x
parameters: {source: x, "bad name": 1, nested: {a: 1}}
lookups: {kinds: [F, A]}
reader: {delimiter: ";"}
entities:
  - entity: customer
    source_key: {column: id}
    fields: {account_number: {column: id}}
    checks: {account_number: mod11, name: siren, identifiers.SIREN: siren}
)"),
              ElementsAre("m.yaml:2:22: parameters.source: 'source' is a context variable; choose another parameter "
                          "name",
                          "m.yaml:2:37: parameters.bad name: a parameter name is letters, digits and '_', found \"bad "
                          "name\"",
                          "m.yaml:2:48: parameters.nested: expected a scalar or a list of scalars",
                          "m.yaml:3:18: lookups.kinds: expected a map of source value: value, or {file: F.csv, key: "
                          "COLUMN, value: COLUMN}",
                          "m.yaml:9:30: entities[0].checks.account_number: unknown check \"mod11\" (known: siren, "
                          "siret, vat, iban, luhn)",
                          "m.yaml:9:43: entities[0].checks.name: 'name' is neither a mapped field nor a custom member "
                          "of this entity",
                          "m.yaml:9:69: entities[0].checks.identifiers.SIREN: 'identifiers' is not mapped"));
}

TEST(MappingDiagnostics, EveryFeatureTogetherLoads) {
  EXPECT_THAT(Problems(R"(name: ok
description: every feature at once
parameters: {terms: 30, journals: [VE, VEN]}
lookups: {currencies: {"978": EUR, "840": USD}}
definitions:
  - &amount {money: {column: amount}, decimal: ",", negative: [trailing_minus, cr_suffix]}
reader: {delimiter: ["\t", "|", ";"], header: true, encoding: auto, skip_patterns: ["^\\s*\\*"]}
locale: {decimal: ",", thousands: " ", date_formats: [dd/MM/yyyy, yyyyMMdd], date_order: dmy}
entities:
  - entity: customer
    filter: {starts_with: [{column: acct}, "411"]}
    group: {by: [{column: aux}], values: {name: {first: {column: label}}}}
    source_key: {column: [aux, CompAuxNum]}
    fields:
      account_number: {column: aux}
      name: {agg: name}
      identifiers: [{scheme: SIREN, value: {column: siren, optional: true}}]
    checks: {identifiers.SIREN: siren}
  - entity: receivable
    filter: {all: [{starts_with: [{column: acct}, "411"]}, {empty: {column: let}}]}
    group:
      by: [{column: aux}, {column: doc}]
      values: {balance: {sum: *amount}, journal: {first: {column: journal}}, date: {min: {date: {column: d}}}}
      having: {not: {zero: {agg: balance}}}
    source_key: {template: "{aux}-{doc}"}
    fields:
      kind: {switch: [{when: {positive: {agg: balance}}, then: invoice}, {when: {in: [{agg: journal}, {param: journals}]}, then: credit_note}, {else: payment_on_account}]}
      number: {column: doc, upper: true, replace: ["\\s+", ""]}
      customer: {ref: customer}
      issue_date: {agg: date}
      due_date: {add_days: [{agg: date}, {param: terms}]}
      due_date_source: computed_from_terms
      currency: {lookup: {table: currencies, key: {column: cur}, default: EUR}}
      open_amount: {abs: {agg: balance}}
    custom: {journal: {agg: journal}}
)"),
              IsEmpty());
}

}  // namespace
}  // namespace tributary::mapping
