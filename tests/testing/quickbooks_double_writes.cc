// The QuickBooks double's writes: just enough to answer the business Faults a client must
// handle (duplicate name 6240, stale SyncToken 5010, missing field 2020, unknown object 610)
// and the batch endpoint, whose per-item Faults come back inside a 200 answer.
#include "tests/testing/quickbooks_double.h"
#include "tests/testing/quickbooks_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;

constexpr size_t kMaxBatchItems = 30;

// Numbers a client sends become exact numbers of the double's objects.
void KeepNumbersExact(ordered_json& value) {
  if (value.is_number()) {
    value = qbo::ExactNumber(value.dump());
  } else if (value.is_object() || value.is_array()) {
    for (auto& item : value) KeepNumbersExact(item);
  }
}

}  // namespace

ordered_json QuickBooksDouble::Fault(const std::string& type, const std::string& code, const std::string& message,
                                     const std::string& detail) const {
  return {{"Error", ordered_json::array({{{"Message", message}, {"Detail", detail}, {"code", code}, {"element", ""}}})},
          {"type", type}};
}

std::pair<int, ordered_json> QuickBooksDouble::Write(Realm& realm, const std::string& type, const std::string& body) {
  const std::string time = qbo::FormatTime(options_.start + offset_, true);
  auto fault = [&](const std::string& code, const std::string& message, const std::string& detail) {
    return std::pair<int, ordered_json>{400, {{"Fault", Fault("ValidationFault", code, message, detail)}, {"time", time}}};
  };
  ordered_json object = ordered_json::parse(body, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    return fault("2010", "Request has invalid or unsupported property", "the body is not a JSON object");
  }
  if (object.contains(type) && object[type].is_object()) object = object[type];  // {"Customer":{…}} also works
  KeepNumbersExact(object);
  const std::string display_name = object.value("DisplayName", "");
  auto duplicate_name = [&](const std::string& except_id) {
    for (const auto& [id, entity] : realm.entities) {
      if (entity.type == "Customer" && !entity.deleted && id != except_id &&
          entity.object.value("DisplayName", "") == display_name) {
        return true;
      }
    }
    return false;
  };
  if (!object.contains("Id")) {
    if (type != "Customer") return fault("2020", "Required param missing, need to supply the required value for the API", "Required parameter Id is missing in the request");
    if (display_name.empty()) return fault("2020", "Required param missing, need to supply the required value for the API", "Required parameter DisplayName is missing in the request");
    if (duplicate_name("")) {
      return fault("6240", "Duplicate Name Exists Error",
                   "The name supplied already exists. : Another customer is already using this name.");
    }
    const std::string id = NextId(realm);
    Entity entity{.type = type, .order = next_order_++};
    entity.object = object;
    entity.object["domain"] = "QBO";
    entity.object["sparse"] = false;
    entity.object["Id"] = id;
    entity.object["SyncToken"] = "0";
    entity.object["Active"] = object.value("Active", true);
    Stamp(entity);
    realm.entities[id] = entity;
    return {200, {{type, realm.entities[id].object}, {"time", time}}};
  }
  const std::string id = object["Id"].is_string() ? object["Id"].get<std::string>() : "";
  auto found = realm.entities.find(id);
  if (found == realm.entities.end() || found->second.type != type || found->second.deleted) {
    return fault("610", "Object Not Found", "Object Not Found : Something you're trying to use has been made inactive.");
  }
  Entity& entity = found->second;
  if (object.value("SyncToken", "") != entity.object.value("SyncToken", "")) {
    return fault("5010", "Stale Object Error",
                 "Stale Object Error : You and another user were working on the same thing. Please try again");
  }
  if (type == "Customer" && !display_name.empty() && duplicate_name(id)) {
    return fault("6240", "Duplicate Name Exists Error",
                 "The name supplied already exists. : Another customer is already using this name.");
  }
  // A sparse update changes the fields given; a full one replaces the object.
  if (!object.value("sparse", false)) entity.object = ordered_json{{"domain", "QBO"}, {"Id", id}};
  for (auto& [key, value] : object.items()) {
    if (key != "SyncToken" && key != "sparse" && key != "Id") entity.object[key] = value;
  }
  entity.object["sparse"] = false;
  entity.object["SyncToken"] = std::to_string(std::stoll(object.value("SyncToken", "0")) + 1);
  Stamp(entity);
  return {200, {{type, entity.object}, {"time", time}}};
}

http::Response QuickBooksDouble::Batch(Realm& realm, const std::string& body) {
  ordered_json request = ordered_json::parse(body, nullptr, false);
  if (request.is_discarded() || !request.contains("BatchItemRequest") || !request["BatchItemRequest"].is_array()) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "BatchItemRequest is required");
  }
  if (request["BatchItemRequest"].size() > kMaxBatchItems) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "at most 30 batch items are allowed");
  }
  ordered_json responses = ordered_json::array();
  for (const auto& item : request["BatchItemRequest"]) {
    ordered_json answer = {{"bId", item.value("bId", "")}};
    if (item.contains("Query") && item["Query"].is_string()) {
      http::Response query = Query(realm, item["Query"].get<std::string>());
      ordered_json parsed = ordered_json::parse(query.body, nullptr, false);
      if (query.status == 200) {
        answer["QueryResponse"] = parsed["QueryResponse"];
      } else {
        answer["Fault"] = parsed["Fault"];
      }
    } else if (item.contains("Customer") || item.contains("Invoice")) {
      const std::string type = item.contains("Customer") ? "Customer" : "Invoice";
      auto [status, written] = Write(realm, type, item[type].dump());
      if (status == 200) {
        answer[type] = written[type];
      } else {
        answer["Fault"] = written["Fault"];
      }
    } else {
      answer["Fault"] = Fault("ValidationFault", "500", "Unsupported Operation", "unsupported batch item");
    }
    responses.push_back(std::move(answer));
  }
  return Json(200, {{"BatchItemResponse", responses}, {"time", qbo::FormatTime(options_.start + offset_, true)}});
}

}  // namespace tributary::testing
