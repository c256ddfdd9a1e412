// The SOQL subset the Salesforce double understands: a recursive-descent parser and the
// evaluation of its conditions over JSON field values. Internal to tests/testing.
//
//   SELECT COUNT() | item {, item} FROM Object
//     [WHERE condition] [GROUP BY field {, field}] [ORDER BY field [ASC|DESC]
//     [NULLS FIRST|LAST] {, …}] [LIMIT n] [OFFSET n]
//   item      := field | Function(field) [alias]        (aggregates are parsed, so Bulk can
//                                                        refuse them, but not evaluated)
//   field     := Name | Relationship.Name | A.B.Name
//   condition := unary {AND unary} | unary {OR unary}   (mixing AND and OR without
//                                                        parentheses is refused, as by SOQL)
//   unary     := NOT unary | ( condition ) | field op literal | field [NOT] IN (literal, …)
//              | field LIKE 'pattern'
//   op        := = | != | <> | < | <= | > | >=
//   literal   := 'text' (backslash escapes) | 12 | -3.50 | true | false | null
//              | 2026-07-01T00:00:00Z (also .000Z, +0000, +00:00) | 2026-07-01
//
// Keywords and names are case-insensitive. Errors carry Salesforce's message shape: the
// query line, a caret under the column, "ERROR at Row:r:Column:c" and what was wrong.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tributary::testing::soql {

struct FieldPath {
  std::vector<std::string> parts;  // {"Account", "Name"}
  std::string text;                // as written: "Account.Name"
  int row = 1;                     // where it starts in the query (1-based)
  int column = 1;
};

struct Literal {
  enum class Kind { kString, kNumber, kBoolean, kNull, kDateTime, kDate };
  Kind kind = Kind::kNull;
  std::string text;  // string content, number text or date text
  bool boolean = false;
  std::chrono::system_clock::time_point time;  // kDateTime
};

struct Condition {
  enum class Kind { kCompare, kIn, kNotIn, kLike, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  FieldPath field;
  std::string op;               // kCompare: "=", "!=", "<", "<=", ">", ">=" ("<>" is "!=")
  std::vector<Literal> values;  // kCompare, kLike: one; kIn/kNotIn: the list
  std::vector<Condition> children;
};

struct OrderItem {
  FieldPath field;
  bool descending = false;
  bool nulls_last = false;  // default: NULLS FIRST ascending, NULLS LAST descending
};

struct Query {
  std::string text;
  bool count = false;  // SELECT COUNT()
  std::vector<FieldPath> fields;
  std::vector<std::string> aggregates;  // "SUM(Amount)", … as written
  std::string object;
  int object_row = 1;
  int object_column = 1;
  std::optional<Condition> where;
  bool group_by = false;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

// "\n<line of the query>\n<spaces>^\nERROR at Row:r:Column:c\n<what>": the message of
// MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE answers.
std::string PositionedMessage(std::string_view soql, int row, int column, std::string_view what);

// The query, or the MALFORMED_QUERY message.
std::expected<Query, std::string> Parse(std::string_view soql);

// A field's value in a record: JSON null when the record (or a parent on the way) lacks it.
using ValueOf = std::function<nlohmann::ordered_json(const FieldPath&)>;

// Whether a record satisfies `condition`. Strings compare case-insensitively except in id
// fields (a name that is or ends with "Id"); numbers exactly as decimals; datetimes as
// instants; a null value satisfies only `= null`, `!= <anything not null>` and NOT IN.
bool Matches(const Condition& condition, const ValueOf& value_of);

// ORDER BY: -1, 0, 1 for two non-null values of one field (same rules as Matches).
int CompareForOrder(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b, const FieldPath& field);

}  // namespace tributary::testing::soql
