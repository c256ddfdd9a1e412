// The QuickBooks double's query language subset and its change data capture endpoint.
#include <algorithm>
#include <regex>

#include "tests/testing/quickbooks_double.h"
#include "tests/testing/quickbooks_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr int kDefaultMaxResults = 100;
constexpr int kMaxResults = 1000;
constexpr int kCdcCap = 1000;
const auto kCdcLookBack = hours(24 * 30);

const std::vector<std::string> kEntityTypes = {"Customer", "Invoice", "CreditMemo", "Payment"};

struct TimeCondition {
  std::string op;
  system_clock::time_point value;
};

struct ParsedQuery {
  std::string projection;  // "*", "count", "id"
  std::string entity;
  std::vector<TimeCondition> times;
  std::optional<std::vector<bool>> active;  // allowed Active values; nullopt: only active customers
  std::optional<std::vector<std::string>> ids;
  std::string order_by;  // "", "time", "id"
  bool descending = false;
  int64_t start = 1;
  int64_t max = kDefaultMaxResults;
  std::string error;  // non-empty: the parse error's detail
  std::string validation_error;  // non-empty: a QueryValidationError
};

std::string Trim(const std::string& text) {
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string item = Trim(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (item.size() >= 2 && item.front() == '\'' && item.back() == '\'') item = item.substr(1, item.size() - 2);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

bool ParseCondition(const std::string& condition, ParsedQuery& query) {
  static const std::regex kTime(R"(^metadata\.lastupdatedtime\s*(>=|<=|>|<|=)\s*'([^']*)'$)", std::regex::icase);
  static const std::regex kActiveIn(R"(^active\s+in\s*\(([^)]*)\)$)", std::regex::icase);
  static const std::regex kActiveIs(R"(^active\s*=\s*(true|false)$)", std::regex::icase);
  static const std::regex kIdIn(R"(^id\s+in\s*\(([^)]*)\)$)", std::regex::icase);
  static const std::regex kIdIs(R"(^id\s*=\s*'([^']*)'$)", std::regex::icase);
  std::smatch match;
  if (std::regex_match(condition, match, kTime)) {
    auto time = qbo::ParseTime(match[2].str());
    if (!time) return false;
    query.times.push_back({match[1].str(), *time});
  } else if (std::regex_match(condition, match, kActiveIn)) {
    std::vector<bool> allowed;
    for (const std::string& value : SplitList(match[1].str())) {
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower != "true" && lower != "false") return false;
      allowed.push_back(lower == "true");
    }
    query.active = allowed;
  } else if (std::regex_match(condition, match, kActiveIs)) {
    std::string lower = match[1].str();
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    query.active = std::vector<bool>{lower == "true"};
  } else if (std::regex_match(condition, match, kIdIn)) {
    query.ids = SplitList(match[1].str());
  } else if (std::regex_match(condition, match, kIdIs)) {
    query.ids = std::vector<std::string>{match[1].str()};
  } else {
    return false;
  }
  return true;
}

ParsedQuery Parse(const std::string& sql) {
  static const std::regex kShape(
      R"(^\s*select\s+(.+?)\s+from\s+(\w+)(?:\s+where\s+(.+?))?(?:\s+orderby\s+([\w.]+)(?:\s+(asc|desc))?)?((?:\s+(?:startposition|maxresults)\s+-?\d+)*)\s*$)",
      std::regex::icase);
  static const std::regex kPaging(R"((startposition|maxresults)\s+(-?\d+))", std::regex::icase);
  static const std::regex kAnd(R"(\s+and\s+)", std::regex::icase);
  ParsedQuery query;
  std::smatch match;
  if (!std::regex_match(sql, match, kShape)) {
    query.error = "Encountered an unexpected token in \"" + sql + "\"";
    return query;
  }
  std::string projection = Trim(match[1].str());
  std::string lower = projection;
  std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
  if (lower == "*") {
    query.projection = "*";
  } else if (lower == "count(*)") {
    query.projection = "count";
  } else if (lower == "id") {
    query.projection = "id";
  } else {
    query.error = "Unsupported projection " + projection;
    return query;
  }
  query.entity = match[2].str();
  if (std::find(kEntityTypes.begin(), kEntityTypes.end(), query.entity) == kEntityTypes.end()) {
    query.validation_error = "QueryValidationError: Invalid entity " + query.entity;
    return query;
  }
  if (match[3].matched) {
    std::string where = match[3].str();
    std::sregex_token_iterator part(where.begin(), where.end(), kAnd, -1), end;
    for (; part != end; ++part) {
      if (!ParseCondition(Trim(part->str()), query)) {
        query.error = "Unsupported condition " + part->str();
        return query;
      }
    }
  }
  if (match[4].matched) {
    std::string field = match[4].str();
    std::transform(field.begin(), field.end(), field.begin(), ::tolower);
    if (field == "metadata.lastupdatedtime") {
      query.order_by = "time";
    } else if (field == "id") {
      query.order_by = "id";
    } else {
      query.error = "Unsupported ORDERBY " + match[4].str();
      return query;
    }
    std::string direction = match[5].str();
    std::transform(direction.begin(), direction.end(), direction.begin(), ::tolower);
    query.descending = direction == "desc";
  }
  std::string paging = match[6].str();
  for (std::sregex_iterator it(paging.begin(), paging.end(), kPaging), end; it != end; ++it) {
    std::string word = (*it)[1].str();
    std::transform(word.begin(), word.end(), word.begin(), ::tolower);
    const int64_t value = std::stoll((*it)[2].str());
    if (word == "startposition") {
      if (value < 1) {
        query.validation_error =
            "QueryValidationError: value " + std::to_string(value) + " is too small. Min allowed value is 1";
        return query;
      }
      query.start = value;
    } else {
      if (value < 1) {
        query.validation_error =
            "QueryValidationError: value " + std::to_string(value) + " is too small. Min allowed value is 1";
        return query;
      }
      query.max = std::min<int64_t>(value, kMaxResults);
    }
  }
  return query;
}

bool TimeMatches(system_clock::time_point time, const TimeCondition& condition) {
  if (condition.op == ">") return time > condition.value;
  if (condition.op == ">=") return time >= condition.value;
  if (condition.op == "<") return time < condition.value;
  if (condition.op == "<=") return time <= condition.value;
  return time == condition.value;
}

}  // namespace

http::Response QuickBooksDouble::Query(Realm& realm, const std::string& sql) {
  ParsedQuery query = Parse(sql);
  if (!query.error.empty()) {
    return FaultResponse(400, "ValidationFault", "4000", "Error parsing query", "QueryParserError: " + query.error);
  }
  if (!query.validation_error.empty()) {
    return FaultResponse(400, "ValidationFault", "4001", "Invalid query", query.validation_error);
  }
  struct Row {
    const std::string* id;
    const Entity* entity;
  };
  std::vector<Row> rows;
  for (const auto& [id, entity] : realm.entities) {
    if (entity.type != query.entity || entity.deleted) continue;
    if (query.entity == "Customer") {
      const bool active = entity.object.value("Active", true);
      const std::vector<bool> allowed = query.active.value_or(std::vector<bool>{true});
      if (std::find(allowed.begin(), allowed.end(), active) == allowed.end()) continue;
    }
    if (query.ids && std::find(query.ids->begin(), query.ids->end(), id) == query.ids->end()) continue;
    if (!std::all_of(query.times.begin(), query.times.end(),
                     [&](const TimeCondition& condition) { return TimeMatches(entity.updated, condition); })) {
      continue;
    }
    rows.push_back({&id, &entity});
  }
  const std::string time = qbo::FormatTime(options_.start + offset_, true);
  if (query.projection == "count") {
    return Json(200, {{"QueryResponse", {{"totalCount", rows.size()}}}, {"time", time}});
  }
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    if (query.order_by == "time" && a.entity->updated != b.entity->updated) {
      return query.descending ? a.entity->updated > b.entity->updated : a.entity->updated < b.entity->updated;
    }
    // Ids are numbers written as text: compare them as numbers.
    const int64_t left = std::stoll(*a.id), right = std::stoll(*b.id);
    return query.order_by == "id" && query.descending ? left > right : left < right;
  });
  ordered_json page = ordered_json::array();
  for (int64_t i = query.start - 1; i < static_cast<int64_t>(rows.size()) && static_cast<int64_t>(page.size()) < query.max; ++i) {
    if (query.projection == "id") {
      page.push_back({{"domain", "QBO"}, {"sparse", true}, {"Id", *rows[static_cast<size_t>(i)].id}});
    } else {
      page.push_back(rows[static_cast<size_t>(i)].entity->object);
    }
  }
  ordered_json response = ordered_json::object();
  if (!page.empty()) {
    response[query.entity] = page;
    response["startPosition"] = query.start;
    response["maxResults"] = page.size();
  }
  return Json(200, {{"QueryResponse", response}, {"time", time}});
}

http::Response QuickBooksDouble::Cdc(Realm& realm, const std::string& query_string) {
  auto params = qbo::ParseForm(query_string);
  const auto now = options_.start + offset_;
  auto since = qbo::ParseTime(params["changedSince"]);
  if (!since) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "changedSince is required, as an ISO 8601 date-time");
  }
  if (*since < now - kCdcLookBack) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "changedSince cannot be older than 30 days");
  }
  std::vector<std::string> wanted = SplitList(params["entities"]);
  if (wanted.empty()) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "entities is required");
  }
  for (const std::string& type : wanted) {
    if (std::find(kEntityTypes.begin(), kEntityTypes.end(), type) == kEntityTypes.end()) {
      return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                           "Unsupported entity for CDC: " + type);
    }
  }
  std::vector<const Entity*> changed;
  std::map<const Entity*, std::string> ids;
  for (const auto& [id, entity] : realm.entities) {
    if (entity.updated < *since) continue;
    if (std::find(wanted.begin(), wanted.end(), entity.type) == wanted.end()) continue;
    changed.push_back(&entity);
    ids[&entity] = id;
  }
  // At most kCdcCap objects over all entities: the oldest changes first.
  std::sort(changed.begin(), changed.end(), [](const Entity* a, const Entity* b) {
    return a->updated != b->updated ? a->updated < b->updated : a->order < b->order;
  });
  if (changed.size() > static_cast<size_t>(kCdcCap)) changed.resize(kCdcCap);
  std::map<std::string, ordered_json> by_type;
  for (const Entity* entity : changed) {
    ordered_json item = entity->object;
    if (entity->deleted) {
      item = {{"domain", "QBO"}, {"status", "Deleted"}, {"Id", ids[entity]},
              {"MetaData", {{"LastUpdatedTime", qbo::FormatTime(entity->updated, false)}}}};
    }
    by_type[entity->type].push_back(std::move(item));
  }
  ordered_json responses = ordered_json::array();
  // The order of the per-entity elements is not guaranteed: the double uses reverse
  // alphabetical order, unlike the request.
  for (auto it = by_type.rbegin(); it != by_type.rend(); ++it) {
    responses.push_back({{it->first, it->second}, {"startPosition", 1}, {"maxResults", it->second.size()}});
  }
  if (responses.empty()) responses.push_back(ordered_json::object());
  return Json(200, {{"CDCResponse", ordered_json::array({{{"QueryResponse", responses}}})},
                    {"time", qbo::FormatTime(now, true)}});
}

}  // namespace tributary::testing
