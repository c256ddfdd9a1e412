#include "tests/testing/salesforce_double_soql.h"

#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing::soql {
namespace {

using nlohmann::ordered_json;

struct Token {
  enum class Kind { kName, kString, kNumber, kDateTime, kDate, kSymbol, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;   // as written (strings: the unescaped content)
  std::string shown;  // what an error message quotes
  int row = 1;
  int column = 1;
};

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNamePart(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

class Parser {
 public:
  explicit Parser(std::string_view soql) : soql_(soql) {}

  std::expected<Query, std::string> Run() {
    if (!Tokenize()) return std::unexpected(error_);
    Query query;
    query.text = std::string(soql_);
    if (!ParseQuery(query)) return std::unexpected(error_);
    return query;
  }

 private:
  // --- tokens --------------------------------------------------------------------------
  bool Tokenize() {
    size_t at = 0;
    int row = 1;
    size_t line_start = 0;
    while (true) {
      while (at < soql_.size() && std::isspace(static_cast<unsigned char>(soql_[at]))) {
        if (soql_[at] == '\n') {
          ++row;
          line_start = at + 1;
        }
        ++at;
      }
      Token token{.row = row, .column = static_cast<int>(at - line_start) + 1};
      if (at >= soql_.size()) {
        token.shown = "<EOF>";
        tokens_.push_back(token);
        return true;
      }
      const size_t start = at;
      const char c = soql_[at];
      if (IsNameStart(c)) {
        while (at < soql_.size() && IsNamePart(soql_[at])) ++at;
        token.kind = Token::Kind::kName;
      } else if (IsDigit(c) || (c == '-' && at + 1 < soql_.size() && IsDigit(soql_[at + 1]))) {
        token.kind = ScanNumberOrTime(at);
      } else if (c == '\'') {
        token.kind = Token::Kind::kString;
        if (!ScanString(at, token)) {
          return Error(token, "line " + std::to_string(row) + ":" + std::to_string(token.column - 1) +
                                  " no viable alternative at character '''");
        }
        token.shown = std::string(soql_.substr(start, at - start));
        tokens_.push_back(token);
        continue;
      } else if (c == '!' || c == '<' || c == '>') {
        ++at;
        if (at < soql_.size() && (soql_[at] == '=' || (c == '<' && soql_[at] == '>'))) ++at;
        if (c == '!' && at - start == 1) {
          token.shown = "!";
          return Error(token, "unexpected token: '!'");
        }
        token.kind = Token::Kind::kSymbol;
      } else if (c == '=' || c == '(' || c == ')' || c == ',') {
        ++at;
        token.kind = Token::Kind::kSymbol;
      } else {
        token.shown = std::string(1, c);
        return Error(token, "line " + std::to_string(row) + ":" + std::to_string(token.column - 1) +
                                " no viable alternative at character '" + token.shown + "'");
      }
      token.text = std::string(soql_.substr(start, at - start));
      token.shown = token.text;
      tokens_.push_back(token);
    }
  }

  Token::Kind ScanNumberOrTime(size_t& at) {
    const size_t start = at;
    if (soql_[at] == '-') ++at;
    while (at < soql_.size() && IsDigit(soql_[at])) ++at;
    // 2026-07-01 or 2026-07-01T…: a date or datetime literal, written without quotes.
    if (soql_[start] != '-' && at - start == 4 && at < soql_.size() && soql_[at] == '-') {
      while (at < soql_.size() && (IsDigit(soql_[at]) || soql_[at] == '-')) ++at;
      if (at < soql_.size() && soql_[at] == 'T') {
        auto in_time = [](char c) {
          return IsDigit(c) || std::string_view("T:.+-Z").find(c) != std::string_view::npos;
        };
        while (at < soql_.size() && in_time(soql_[at])) ++at;
        return Token::Kind::kDateTime;
      }
      return Token::Kind::kDate;
    }
    if (at < soql_.size() && soql_[at] == '.') {
      ++at;
      while (at < soql_.size() && IsDigit(soql_[at])) ++at;
    }
    return Token::Kind::kNumber;
  }

  bool ScanString(size_t& at, Token& token) {
    ++at;  // the opening quote
    std::string content;
    while (at < soql_.size()) {
      const char c = soql_[at++];
      if (c == '\'') {
        token.text = content;
        return true;
      }
      if (c == '\\' && at < soql_.size()) {
        const char e = soql_[at++];
        static constexpr std::string_view kEscapes = "nrtbf";
        static constexpr std::string_view kMeanings = "\n\r\t\b\f";
        if (e == '_' || e == '%') content += '\\';  // LIKE keeps these escapes
        const size_t known = kEscapes.find(e);
        content += known == std::string_view::npos ? e : kMeanings[known];  // \' \" \\ stand for themselves
        continue;
      }
      content += c;
    }
    return false;
  }

  // --- grammar -------------------------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(next_ + ahead, tokens_.size() - 1)]; }
  const Token& Take() {
    const Token& token = Peek();
    if (next_ < tokens_.size() - 1) ++next_;
    return token;
  }
  bool IsKeyword(const Token& token, std::string_view word) const {
    return token.kind == Token::Kind::kName && sfdc::EqualsIgnoreCase(token.text, word);
  }
  bool IsSymbol(const Token& token, std::string_view symbol) const {
    return token.kind == Token::Kind::kSymbol && token.text == symbol;
  }
  bool Error(const Token& token, const std::string& what) {
    if (error_.empty()) error_ = PositionedMessage(soql_, token.row, token.column, what);
    return false;
  }
  bool Unexpected(const Token& token) { return Error(token, "unexpected token: '" + token.shown + "'"); }
  bool Expect(std::string_view keyword) {
    if (!IsKeyword(Peek(), keyword)) return Unexpected(Peek());
    Take();
    return true;
  }
  bool ExpectSymbol(std::string_view symbol) {
    if (!IsSymbol(Peek(), symbol)) return Unexpected(Peek());
    Take();
    return true;
  }

  static bool Reserved(const Token& token) {
    static const std::vector<std::string_view> kWords = {
        "SELECT", "FROM",  "WHERE",  "AND", "OR",   "NOT",   "IN",   "LIKE", "ORDER", "BY",   "GROUP",
        "HAVING", "LIMIT", "OFFSET", "ASC", "DESC", "NULLS", "NULL", "TRUE", "FALSE", "WITH", "FOR"};
    return token.kind == Token::Kind::kName && std::any_of(kWords.begin(), kWords.end(), [&](std::string_view w) {
             return sfdc::EqualsIgnoreCase(token.text, w);
           });
  }

  bool ParseField(FieldPath& field) {
    const Token& token = Peek();
    if (token.kind != Token::Kind::kName || Reserved(token) || token.text.back() == '.' ||
        token.text.find("..") != std::string::npos) {
      return Unexpected(token);
    }
    Take();
    field.text = token.text;
    field.row = token.row;
    field.column = token.column;
    size_t at = 0;
    while (true) {
      size_t dot = token.text.find('.', at);
      field.parts.push_back(token.text.substr(at, dot == std::string::npos ? std::string::npos : dot - at));
      if (dot == std::string::npos) break;
      at = dot + 1;
    }
    return true;
  }

  bool ParseSelectItem(Query& query) {
    if (IsSymbol(Peek(), "(")) return Error(Peek(), "the double does not implement parent-to-child subqueries");
    if (Peek().kind == Token::Kind::kName && IsSymbol(Peek(1), "(")) {
      const Token function = Take();
      Take();
      std::string argument;
      if (!IsSymbol(Peek(), ")")) {
        FieldPath inner;
        if (!ParseField(inner)) return false;
        argument = inner.text;
      }
      if (!ExpectSymbol(")")) return false;
      if (sfdc::EqualsIgnoreCase(function.text, "COUNT") && argument.empty()) {
        query.count = true;
      } else {
        query.aggregates.push_back(function.text + "(" + argument + ")");
      }
      if (Peek().kind == Token::Kind::kName && !Reserved(Peek())) Take();  // alias
      return true;
    }
    FieldPath field;
    if (!ParseField(field)) return false;
    query.fields.push_back(std::move(field));
    return true;
  }

  bool ParseQuery(Query& query) {
    if (!Expect("SELECT")) return false;
    do {
      if (!ParseSelectItem(query)) return false;
    } while (IsSymbol(Peek(), ",") && (Take(), true));
    if (query.count && (!query.fields.empty() || !query.aggregates.empty())) {
      return Error(tokens_[1], "COUNT() must be the only element in the SELECT list.");
    }
    if (!Expect("FROM")) return false;
    const Token& object = Peek();
    if (object.kind != Token::Kind::kName || Reserved(object)) return Unexpected(object);
    Take();
    query.object = object.text;
    query.object_row = object.row;
    query.object_column = object.column;
    if (IsKeyword(Peek(), "WHERE")) {
      Take();
      Condition condition;
      if (!ParseCondition(condition)) return false;
      query.where = std::move(condition);
    }
    if (IsKeyword(Peek(), "GROUP")) {
      Take();
      if (!Expect("BY")) return false;
      query.group_by = true;
      do {
        FieldPath field;
        if (!ParseField(field)) return false;
      } while (IsSymbol(Peek(), ",") && (Take(), true));
    }
    if (IsKeyword(Peek(), "ORDER")) {
      Take();
      if (!Expect("BY")) return false;
      do {
        OrderItem item;
        if (!ParseField(item.field)) return false;
        if (IsKeyword(Peek(), "ASC")) {
          Take();
        } else if (IsKeyword(Peek(), "DESC")) {
          Take();
          item.descending = true;
        }
        item.nulls_last = item.descending;
        if (IsKeyword(Peek(), "NULLS")) {
          Take();
          if (IsKeyword(Peek(), "FIRST") || IsKeyword(Peek(), "LAST")) {
            item.nulls_last = IsKeyword(Take(), "LAST");
          } else {
            return Unexpected(Peek());
          }
        }
        query.order_by.push_back(std::move(item));
      } while (IsSymbol(Peek(), ",") && (Take(), true));
    }
    for (auto [word, slot] : {std::pair{"LIMIT", &query.limit}, std::pair{"OFFSET", &query.offset}}) {
      if (!IsKeyword(Peek(), word)) continue;
      Take();
      const Token& number = Peek();
      if (number.kind != Token::Kind::kNumber || number.text.find_first_of(".-") != std::string::npos ||
          number.text.size() > 12) {
        return Unexpected(number);
      }
      Take();
      *slot = std::stoll(number.text);
    }
    if (Peek().kind != Token::Kind::kEnd) return Unexpected(Peek());
    return true;
  }

  bool ParseCondition(Condition& out) {
    Condition first;
    if (!ParseUnary(first)) return false;
    if (!IsKeyword(Peek(), "AND") && !IsKeyword(Peek(), "OR")) {
      out = std::move(first);
      return true;
    }
    const bool is_and = IsKeyword(Peek(), "AND");
    out.kind = is_and ? Condition::Kind::kAnd : Condition::Kind::kOr;
    out.children.push_back(std::move(first));
    while (IsKeyword(Peek(), "AND") || IsKeyword(Peek(), "OR")) {
      if (IsKeyword(Peek(), "AND") != is_and) return Unexpected(Peek());  // mixed without parentheses
      Take();
      Condition next;
      if (!ParseUnary(next)) return false;
      out.children.push_back(std::move(next));
    }
    return true;
  }

  bool ParseUnary(Condition& out) {
    if (IsKeyword(Peek(), "NOT")) {
      Take();
      out.kind = Condition::Kind::kNot;
      out.children.emplace_back();
      return ParseUnary(out.children.back());
    }
    if (IsSymbol(Peek(), "(")) {
      Take();
      if (!ParseCondition(out)) return false;
      return ExpectSymbol(")");
    }
    if (!ParseField(out.field)) return false;
    if (IsKeyword(Peek(), "NOT") && IsKeyword(Peek(1), "IN")) {
      Take();
      out.kind = Condition::Kind::kNotIn;
    } else if (IsKeyword(Peek(), "IN")) {
      out.kind = Condition::Kind::kIn;
    }
    if (out.kind == Condition::Kind::kIn || out.kind == Condition::Kind::kNotIn) {
      Take();
      if (!ExpectSymbol("(")) return false;
      do {
        Literal literal;
        if (!ParseLiteral(literal)) return false;
        out.values.push_back(std::move(literal));
      } while (IsSymbol(Peek(), ",") && (Take(), true));
      return ExpectSymbol(")");
    }
    if (IsKeyword(Peek(), "LIKE")) {
      Take();
      out.kind = Condition::Kind::kLike;
      if (Peek().kind != Token::Kind::kString) return Unexpected(Peek());
      out.values.push_back({.kind = Literal::Kind::kString, .text = Take().text});
      return true;
    }
    static const std::vector<std::string_view> kOps = {"=", "!=", "<>", "<", "<=", ">", ">="};
    const Token& op = Peek();
    if (op.kind != Token::Kind::kSymbol || std::find(kOps.begin(), kOps.end(), op.text) == kOps.end()) {
      return Unexpected(op);
    }
    Take();
    out.kind = Condition::Kind::kCompare;
    out.op = op.text == "<>" ? "!=" : op.text;
    out.values.emplace_back();
    return ParseLiteral(out.values.back());
  }

  bool ParseLiteral(Literal& out) {
    const Token& token = Peek();
    switch (token.kind) {
      case Token::Kind::kString:
        out = {.kind = Literal::Kind::kString, .text = token.text};
        break;
      case Token::Kind::kNumber:
        out = {.kind = Literal::Kind::kNumber, .text = token.text};
        break;
      case Token::Kind::kDateTime: {
        auto time = sfdc::ParseTime(token.text);
        if (!time) return Error(token, "value of filter criterion for field is not a valid datetime: " + token.text);
        out = {.kind = Literal::Kind::kDateTime, .text = token.text, .time = *time};
        break;
      }
      case Token::Kind::kDate:
        if (!sfdc::ParseDate(token.text)) {
          return Error(token, "value of filter criterion is not a valid date: " + token.text);
        }
        out = {.kind = Literal::Kind::kDate, .text = token.text};
        break;
      case Token::Kind::kName:
        if (IsKeyword(token, "TRUE") || IsKeyword(token, "FALSE")) {
          out = {.kind = Literal::Kind::kBoolean, .boolean = IsKeyword(token, "TRUE")};
        } else if (IsKeyword(token, "NULL")) {
          out = {.kind = Literal::Kind::kNull};
        } else {
          return Unexpected(token);
        }
        break;
      default:
        return Unexpected(token);
    }
    Take();
    return true;
  }

  std::string_view soql_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  std::string error_;
};

// A money value put with SalesforceDouble::Amount (a marked string written as a number).
bool IsExactNumber(const ordered_json& value) { return value.is_string() && !qbo::NumberText(value).empty(); }

bool CaseSensitive(const FieldPath& field) {
  const std::string& last = field.parts.back();
  return last.ends_with("Id");
}

int CompareText(const std::string& a, const std::string& b, bool case_sensitive) {
  if (case_sensitive) return a < b ? -1 : a > b ? 1 : 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const int x = std::tolower(static_cast<unsigned char>(a[i]));
    const int y = std::tolower(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

// nullopt: not comparable (type mismatch or null).
std::optional<int> CompareToLiteral(const ordered_json& value, const Literal& literal, const FieldPath& field) {
  switch (literal.kind) {
    case Literal::Kind::kString:
      if (!value.is_string() || IsExactNumber(value)) return std::nullopt;
      return CompareText(value.get<std::string>(), literal.text, CaseSensitive(field));
    case Literal::Kind::kNumber: {
      const std::string text = sfdc::DecimalText(value);
      if (text.empty()) return std::nullopt;
      return sfdc::CompareDecimal(text, literal.text);
    }
    case Literal::Kind::kBoolean:
      if (!value.is_boolean()) return std::nullopt;
      return static_cast<int>(value.get<bool>()) - static_cast<int>(literal.boolean);
    case Literal::Kind::kDateTime: {
      if (!value.is_string()) return std::nullopt;
      auto time = sfdc::ParseTime(value.get<std::string>());
      if (!time) return std::nullopt;
      return *time < literal.time ? -1 : *time > literal.time ? 1 : 0;
    }
    case Literal::Kind::kDate: {
      if (!value.is_string() || !sfdc::ParseDate(value.get<std::string>())) return std::nullopt;
      return CompareText(value.get<std::string>(), literal.text, true);
    }
    case Literal::Kind::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

bool CompareMatches(const ordered_json& value, const std::string& op, const Literal& literal, const FieldPath& field) {
  if (literal.kind == Literal::Kind::kNull) {
    if (op == "=") return value.is_null();
    if (op == "!=") return !value.is_null();
    return false;
  }
  if (value.is_null()) return op == "!=";
  auto order = CompareToLiteral(value, literal, field);
  if (!order) return op == "!=";
  if (op == "=") return *order == 0;
  if (op == "!=") return *order != 0;
  if (op == "<") return *order < 0;
  if (op == "<=") return *order <= 0;
  if (op == ">") return *order > 0;
  return *order >= 0;
}

// SQL LIKE: % any run, _ one character, backslash escapes; case-insensitive.
bool Like(std::string_view text, std::string_view pattern) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '%') {
    for (size_t skip = 0; skip <= text.size(); ++skip) {
      if (Like(text.substr(skip), pattern.substr(1))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  size_t used = 1;
  char expected = pattern[0];
  bool any = expected == '_';
  if (expected == '\\' && pattern.size() > 1) {
    expected = pattern[1];
    used = 2;
    any = false;
  }
  if (!any && std::tolower(static_cast<unsigned char>(text[0])) != std::tolower(static_cast<unsigned char>(expected))) {
    return false;
  }
  return Like(text.substr(1), pattern.substr(used));
}

}  // namespace

std::string PositionedMessage(std::string_view soql, int row, int column, std::string_view what) {
  std::string_view line = soql;
  for (int r = 1; r < row; ++r) {
    const size_t newline = line.find('\n');
    line = newline == std::string_view::npos ? std::string_view() : line.substr(newline + 1);
  }
  line = line.substr(0, line.find('\n'));
  return "\n" + std::string(line) + "\n" + std::string(static_cast<size_t>(std::max(column - 1, 0)), ' ') +
         "^\nERROR at Row:" + std::to_string(row) + ":Column:" + std::to_string(column) + "\n" + std::string(what);
}

std::expected<Query, std::string> Parse(std::string_view soql) { return Parser(soql).Run(); }

bool Matches(const Condition& condition, const ValueOf& value_of) {
  switch (condition.kind) {
    case Condition::Kind::kAnd:
      return std::all_of(condition.children.begin(), condition.children.end(),
                         [&](const Condition& child) { return Matches(child, value_of); });
    case Condition::Kind::kOr:
      return std::any_of(condition.children.begin(), condition.children.end(),
                         [&](const Condition& child) { return Matches(child, value_of); });
    case Condition::Kind::kNot:
      return !Matches(condition.children.front(), value_of);
    case Condition::Kind::kCompare:
      return CompareMatches(value_of(condition.field), condition.op, condition.values.front(), condition.field);
    case Condition::Kind::kIn:
    case Condition::Kind::kNotIn: {
      const ordered_json value = value_of(condition.field);
      const bool found = std::any_of(condition.values.begin(), condition.values.end(), [&](const Literal& literal) {
        return literal.kind == Literal::Kind::kNull
                   ? value.is_null()
                   : !value.is_null() && CompareToLiteral(value, literal, condition.field) == 0;
      });
      return condition.kind == Condition::Kind::kIn ? found : !found;
    }
    case Condition::Kind::kLike: {
      const ordered_json value = value_of(condition.field);
      return value.is_string() && Like(value.get<std::string>(), condition.values.front().text);
    }
  }
  return false;
}

int CompareForOrder(const ordered_json& a, const ordered_json& b, const FieldPath& field) {
  auto number_of = [](const ordered_json& v) -> std::string {
    return v.is_number() || IsExactNumber(v) ? sfdc::DecimalText(v) : "";
  };
  const std::string x = number_of(a);
  const std::string y = number_of(b);
  if (!x.empty() && !y.empty()) return sfdc::CompareDecimal(x, y).value_or(0);
  if (a.is_boolean() && b.is_boolean()) return static_cast<int>(a.get<bool>()) - static_cast<int>(b.get<bool>());
  if (a.is_string() && b.is_string()) {
    auto ta = sfdc::ParseTime(a.get<std::string>());
    auto tb = sfdc::ParseTime(b.get<std::string>());
    if (ta && tb) return *ta < *tb ? -1 : *ta > *tb ? 1 : 0;
    return CompareText(a.get<std::string>(), b.get<std::string>(), CaseSensitive(field));
  }
  return CompareText(a.dump(), b.dump(), true);
}

}  // namespace tributary::testing::soql
