// The Salesforce double's REST reads: query, queryAll and their next pages, and the
// replication resources (getUpdated, getDeleted).
#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr int64_t kMaxOffset = 2000;
constexpr int kMinBatch = 200;
constexpr int kMaxBatch = 2000;

// The field of a record however the query spells it; nullptr when absent.
const ordered_json* FindField(const ordered_json& fields, const std::string& name, std::string* spelt = nullptr) {
  if (auto exact = fields.find(name); exact != fields.end()) {
    if (spelt != nullptr) *spelt = name;
    return &*exact;
  }
  for (auto it = fields.begin(); it != fields.end(); ++it) {
    if (sfdc::EqualsIgnoreCase(it.key(), name)) {
      if (spelt != nullptr) *spelt = it.key();
      return &*it;
    }
  }
  return nullptr;
}

// The lookup field behind a relationship name: Account -> AccountId, Owner -> OwnerId,
// Account__r -> Account__c.
std::string LookupField(const std::string& relationship) {
  if (relationship.size() > 3 && sfdc::EqualsIgnoreCase(relationship.substr(relationship.size() - 3), "__r")) {
    return relationship.substr(0, relationship.size() - 3) + "__c";
  }
  return relationship + "Id";
}

void CollectPaths(const soql::Condition& condition, std::vector<const soql::FieldPath*>& out) {
  if (condition.children.empty()) {
    out.push_back(&condition.field);
    return;
  }
  for (const soql::Condition& child : condition.children) CollectPaths(child, out);
}

// `batchsize=N` from Sforce-Query-Options; 0 when absent.
int RequestedBatch(const http::Request& request) {
  const std::string options = http::FindHeader(request.headers, "Sforce-Query-Options");
  const size_t at = options.find("batchsize=");
  if (at == std::string::npos) return 0;
  return std::atoi(options.c_str() + at + 10);
}

}  // namespace

std::pair<const SalesforceDouble::Object*, const SalesforceDouble::Record*> SalesforceDouble::Lookup(
    const std::string& id) const {
  auto owner = id_objects_.find(id);
  if (owner == id_objects_.end()) return {nullptr, nullptr};
  const Object& object = objects_.at(owner->second);
  auto record = object.records.find(id);
  if (record == object.records.end()) return {nullptr, nullptr};
  return {&object, &record->second};
}

ordered_json SalesforceDouble::ValueAt(const Record& record, const soql::FieldPath& path) const {
  const Record* current = &record;
  for (size_t i = 0; i + 1 < path.parts.size(); ++i) {
    const ordered_json* id = FindField(current->fields, LookupField(path.parts[i]));
    if (id == nullptr || !id->is_string()) return nullptr;
    current = Lookup(id->get<std::string>()).second;
    if (current == nullptr) return nullptr;
  }
  const ordered_json* value = FindField(current->fields, path.parts.back());
  return value == nullptr ? ordered_json(nullptr) : *value;
}

std::optional<SalesforceDouble::QueryError> SalesforceDouble::Check(const soql::Query& query) const {
  const Object* object = FindObject(query.object);
  if (object == nullptr) {
    return QueryError{"INVALID_TYPE",
                      soql::PositionedMessage(query.text, query.object_row, query.object_column,
                                              "sObject type '" + query.object +
                                                  "' is not supported. If you are attempting to use a custom object, "
                                                  "be sure to append the '__c' after the entity name. Please reference "
                                                  "your WSDL or the describe call for the appropriate names.")};
  }
  std::vector<const soql::FieldPath*> paths;
  for (const soql::FieldPath& field : query.fields) paths.push_back(&field);
  if (query.where) CollectPaths(*query.where, paths);
  for (const soql::OrderItem& item : query.order_by) paths.push_back(&item.field);
  for (const soql::FieldPath* path : paths) {
    // The entity the last name belongs to: the queried object, or a parent named like its
    // object (Account.Name); a custom relationship's target is not known to the double.
    const Object* entity = path->parts.size() == 1 ? object : FindObject(path->parts[path->parts.size() - 2]);
    if (entity == nullptr) continue;
    std::string lower = path->parts.back();
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!entity->hidden.contains(lower)) continue;
    return QueryError{"INVALID_FIELD",
                      soql::PositionedMessage(query.text, path->row, path->column,
                                              "No such column '" + path->parts.back() + "' on entity '" + entity->name +
                                                  "'. If you are attempting to use a custom field, be sure to append "
                                                  "the '__c' after the custom field name. Please reference your WSDL "
                                                  "or the describe call for the appropriate names.")};
  }
  return std::nullopt;
}

SalesforceDouble::Selected SalesforceDouble::Select(const soql::Query& query, bool include_deleted) const {
  const Object* object = FindObject(query.object);
  Selected selected;
  for (const auto& [id, record] : object->records) {  // by Id: the order without ORDER BY
    if (record.deleted && !include_deleted) continue;
    if (query.where &&
        !soql::Matches(*query.where, [&](const soql::FieldPath& path) { return ValueAt(record, path); })) {
      continue;
    }
    selected.emplace_back(object, &record);
  }
  if (!query.order_by.empty()) {
    std::stable_sort(selected.begin(), selected.end(), [&](const auto& a, const auto& b) {
      for (const soql::OrderItem& item : query.order_by) {
        const ordered_json x = ValueAt(*a.second, item.field);
        const ordered_json y = ValueAt(*b.second, item.field);
        if (x.is_null() || y.is_null()) {
          if (x.is_null() == y.is_null()) continue;
          return x.is_null() != item.nulls_last;
        }
        const int order = soql::CompareForOrder(x, y, item.field);
        if (order != 0) return item.descending ? order > 0 : order < 0;
      }
      return false;
    });
  }
  const size_t skip = std::min<size_t>(selected.size(), static_cast<size_t>(query.offset.value_or(0)));
  selected.erase(selected.begin(), selected.begin() + static_cast<std::ptrdiff_t>(skip));
  if (query.limit && selected.size() > static_cast<size_t>(*query.limit)) {
    selected.resize(static_cast<size_t>(*query.limit));
  }
  return selected;
}

ordered_json SalesforceDouble::Render(const Object& object, const Record& record, const soql::Query& query,
                                      const std::string& version) const {
  auto attributes = [&](const Object& of, const Record& at) {
    return ordered_json{
        {"type", of.name},
        {"url", "/services/data/v" + version + "/sobjects/" + of.name + "/" + at.fields.at("Id").get<std::string>()}};
  };
  ordered_json out = {{"attributes", attributes(object, record)}};
  for (const soql::FieldPath& path : query.fields) {
    ordered_json* node = &out;
    const Record* current = &record;
    bool reached = true;
    for (size_t i = 0; i + 1 < path.parts.size() && reached; ++i) {
      const std::string& relationship = path.parts[i];
      if (auto it = node->find(relationship); it != node->end()) {
        if (it->is_null()) reached = false;
        node = &*it;
        if (reached) {
          const ordered_json* id = FindField(current->fields, LookupField(relationship));
          current = Lookup(id->get<std::string>()).second;
        }
        continue;
      }
      const ordered_json* id = FindField(current->fields, LookupField(relationship));
      auto [parent_object, parent] =
          id != nullptr && id->is_string() ? Lookup(id->get<std::string>()) : std::pair<const Object*, const Record*>{};
      if (parent == nullptr) {
        (*node)[relationship] = nullptr;
        reached = false;
        continue;
      }
      (*node)[relationship] = {{"attributes", attributes(*parent_object, *parent)}};
      node = &(*node)[relationship];
      current = parent;
    }
    if (!reached) continue;
    std::string spelt = path.parts.back();
    const ordered_json* value = FindField(current->fields, path.parts.back(), &spelt);
    (*node)[spelt] = value == nullptr ? ordered_json(nullptr) : *value;
  }
  return out;
}

http::Response SalesforceDouble::Query(const http::Request& request, const std::string& version,
                                       const std::string& endpoint, const std::string& query_string) {
  auto params = qbo::ParseForm(query_string);
  const std::string soql_text = params["q"];
  if (soql_text.empty()) return Error(400, "MALFORMED_QUERY", "A query string has to be specified");
  auto parsed = soql::Parse(soql_text);
  if (!parsed) return Error(400, "MALFORMED_QUERY", parsed.error());
  if (!parsed->aggregates.empty() || parsed->group_by) {
    return Error(400, "MALFORMED_QUERY", "The test double does not implement aggregate queries.");
  }
  if (auto refused = Check(*parsed)) return Error(400, refused->code, refused->message);
  if (parsed->offset && *parsed->offset > kMaxOffset) {
    return Error(400, "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000");
  }
  const Selected selected = Select(*parsed, endpoint == "queryAll");
  if (parsed->count) {
    return Json(200, {{"totalSize", selected.size()}, {"done", true}, {"records", ordered_json::array()}});
  }
  size_t batch = static_cast<size_t>(std::max(1, options_.query_batch_size));
  if (int requested = RequestedBatch(request); requested > 0) {
    batch = std::min(batch, static_cast<size_t>(std::clamp(requested, kMinBatch, kMaxBatch)));
  }
  Cursor cursor{.version = version, .endpoint = endpoint, .batch = batch, .last_used = NowLocked()};
  cursor.records.reserve(selected.size());
  for (const auto& [object, record] : selected) cursor.records.push_back(Render(*object, *record, *parsed, version));
  ordered_json body = {{"totalSize", cursor.records.size()}, {"done", cursor.records.size() <= batch}};
  ordered_json page = ordered_json::array();
  for (size_t i = 0; i < std::min(batch, cursor.records.size()); ++i) page.push_back(cursor.records[i]);
  if (cursor.records.size() > batch) {
    const std::string query_id = sfdc::MakeId("01g", next_serial_++);
    body["nextRecordsUrl"] =
        "/services/data/v" + version + "/" + endpoint + "/" + query_id + "-" + std::to_string(batch);
    cursors_[query_id] = std::move(cursor);
  }
  body["records"] = std::move(page);
  return Json(200, body);
}

http::Response SalesforceDouble::QueryMore(const std::string& version, const std::string& endpoint,
                                           const std::string& locator) {
  auto invalid = [&] { return Error(400, "INVALID_QUERY_LOCATOR", "invalid query locator"); };
  const size_t dash = locator.rfind('-');
  if (dash == std::string::npos) return invalid();
  auto cursor = cursors_.find(locator.substr(0, dash));
  const std::string offset_text = locator.substr(dash + 1);
  if (cursor == cursors_.end() || offset_text.empty() || offset_text.size() > 12 ||
      offset_text.find_first_not_of("0123456789") != std::string::npos) {
    return invalid();
  }
  Cursor& open = cursor->second;
  const size_t offset = std::stoull(offset_text);
  if (offset >= open.records.size()) return invalid();
  open.last_used = NowLocked();
  const size_t end = std::min(open.records.size(), offset + open.batch);
  ordered_json body = {{"totalSize", open.records.size()}, {"done", end == open.records.size()}};
  if (end < open.records.size()) {
    body["nextRecordsUrl"] =
        "/services/data/v" + version + "/" + endpoint + "/" + cursor->first + "-" + std::to_string(end);
  }
  ordered_json page = ordered_json::array();
  for (size_t i = offset; i < end; ++i) page.push_back(open.records[i]);
  body["records"] = std::move(page);
  return Json(200, body);
}

// The wording of the refusals below is Salesforce's where documented (the windows); the
// messages for missing or malformed dates and EXCEEDED_ID_LIMIT are the double's own.
http::Response SalesforceDouble::Replication(const std::string& version, const std::string& object_name, bool deleted,
                                             const std::string& query_string) {
  (void)version;
  const Object* object = FindObject(object_name);
  if (object == nullptr) return Error(404, "NOT_FOUND", "The requested resource does not exist");
  auto params = qbo::ParseForm(query_string);
  if (params["start"].empty() || params["end"].empty()) {
    return Error(400, "MALFORMED_QUERY", "Both start and end are required");
  }
  auto start = sfdc::ParseTime(params["start"]);
  auto end = sfdc::ParseTime(params["end"]);
  if (!start || !end) {
    return Error(400, "MALFORMED_QUERY",
                 "Bad date/time value for " + std::string(!start ? "start" : "end") + ": '" +
                     params[!start ? "start" : "end"] + "'");
  }
  // The API ignores seconds.
  const auto from = floor<minutes>(*start);
  const auto to = floor<minutes>(*end);
  const auto now = NowLocked();
  const int window_days = deleted ? 15 : 30;
  if (from < floor<minutes>(now - hours(24 * window_days))) {
    return Error(400, "INVALID_REPLICATION_DATE",
                 "startDate cannot be more than " + std::to_string(window_days) + " days ago");
  }
  if (to < from) return Error(400, "INVALID_REPLICATION_DATE", "endDate must chronologically follow the startDate");
  const auto covered = std::min(to, floor<minutes>(now));
  auto too_many = [&] {
    return Error(400, "EXCEEDED_ID_LIMIT",
                 "record limit reached. Narrow the date range: no more than " +
                     std::to_string(options_.replication_id_limit) + " ids can be returned");
  };
  if (!deleted) {
    std::vector<std::pair<system_clock::time_point, std::string>> found;
    for (const auto& [id, record] : object->records) {
      if (record.deleted) continue;
      auto stamp = sfdc::ParseTime(record.fields.value("SystemModstamp", ""));
      if (stamp && *stamp >= from && *stamp < covered) found.emplace_back(*stamp, id);
    }
    if (static_cast<int64_t>(found.size()) > options_.replication_id_limit) return too_many();
    std::sort(found.begin(), found.end());
    ordered_json ids = ordered_json::array();
    for (const auto& [stamp, id] : found) ids.push_back(id);
    return Json(200, {{"ids", ids}, {"latestDateCovered", sfdc::FormatTime(covered)}});
  }
  std::vector<const DeleteLogEntry*> found;
  std::string key = object_name;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const DeleteLogEntry& entry : delete_log_) {
    if (entry.object == key && entry.deleted_at >= from && entry.deleted_at < covered) found.push_back(&entry);
  }
  if (static_cast<int64_t>(found.size()) > options_.replication_id_limit) return too_many();
  ordered_json records = ordered_json::array();
  for (const DeleteLogEntry* entry : found) {
    records.push_back({{"id", entry->id}, {"deletedDate", sfdc::FormatTime(entry->deleted_at)}});
  }
  return Json(200, {{"deletedRecords", records},
                    {"earliestDateAvailable", sfdc::FormatTime(delete_log_purged_until_)},
                    {"latestDateCovered", sfdc::FormatTime(covered)}});
}

}  // namespace tributary::testing
