#include "gateway/sync/batch_codec.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace tributary::sync {
namespace {

using nlohmann::json;

std::string JsonString(std::string_view text) {
  return json(text).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string BuildBatchBody(std::string_view batch_id, std::string_view tenant,
                           const std::vector<std::string>& change_jsons) {
  std::string body = "{\"batch_id\":" + JsonString(batch_id) + ",\"tenant\":" +
                     JsonString(tenant) + ",\"changes\":[";
  size_t size = body.size() + 2;
  for (const auto& change : change_jsons) size += change.size() + 1;
  body.reserve(size);
  for (size_t i = 0; i < change_jsons.size(); ++i) {
    if (i > 0) body += ',';
    body += change_jsons[i];
  }
  body += "]}";
  return body;
}

std::string BoundedUtf8(std::string_view text, size_t max_bytes) {
  // A round trip through the JSON library replaces invalid UTF-8 with U+FFFD.
  std::string clean = json::parse(JsonString(text)).get<std::string>();
  if (clean.size() <= max_bytes) return clean;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
  clean.resize(cut);
  return clean;
}

Result<std::vector<store::ChangeResult>> ParseBatchResults(
    std::string_view body, const std::vector<store::Change>& changes) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) return Fail(ErrorCode::kParse, "answer is not JSON");
  if (!answer.is_object() || !answer.contains("results") || !answer["results"].is_array()) {
    return Fail(ErrorCode::kParse, "answer has no \"results\" list");
  }
  std::map<int64_t, store::ChangeResult> by_seq;
  for (const auto& item : answer["results"]) {
    if (!item.is_object() || !item.contains("seq") || !item["seq"].is_number_integer() ||
        !item.contains("status") || !item["status"].is_string()) {
      return Fail(ErrorCode::kParse, "a result lacks an integer \"seq\" or a \"status\"");
    }
    store::ChangeResult result;
    result.seq = item["seq"].get<int64_t>();
    result.status = item["status"].get<std::string>();
    if (result.status != "applied" && result.status != "duplicate" && result.status != "rejected") {
      return Fail(ErrorCode::kParse, "result for seq " + std::to_string(result.seq) +
                                         " has unknown status \"" +
                                         BoundedUtf8(result.status, 40) + "\"");
    }
    if (result.status == "rejected") {
      const auto error = item.find("error");
      if (error != item.end() && error->is_object()) {
        if (auto code = error->find("code"); code != error->end() && code->is_string()) {
          result.code = BoundedUtf8(code->get<std::string>(), kMaxErrorCodeBytes);
        }
        if (auto message = error->find("message"); message != error->end() && message->is_string()) {
          result.message = BoundedUtf8(message->get<std::string>(), kMaxErrorMessageBytes);
        }
      }
      if (result.code.empty()) result.code = "rejected";
    }
    if (!by_seq.emplace(result.seq, std::move(result)).second) {
      return Fail(ErrorCode::kParse, "seq " + std::to_string(item["seq"].get<int64_t>()) +
                                         " answered twice");
    }
  }
  std::vector<store::ChangeResult> results;
  results.reserve(changes.size());
  for (const auto& change : changes) {
    auto it = by_seq.find(change.seq);
    if (it == by_seq.end()) {
      return Fail(ErrorCode::kParse, "no result for seq " + std::to_string(change.seq));
    }
    results.push_back(std::move(it->second));
    by_seq.erase(it);
  }
  if (!by_seq.empty()) {
    return Fail(ErrorCode::kParse, "result for seq " + std::to_string(by_seq.begin()->first) +
                                       ", which is not in the batch");
  }
  return results;
}

std::string CoreErrorMessage(std::string_view body) {
  const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_object()) {
    if (auto error = answer.find("error"); error != answer.end()) {
      if (error->is_string()) return BoundedUtf8(error->get<std::string>(), kMaxErrorMessageBytes);
      if (error->is_object()) {
        if (auto message = error->find("message"); message != error->end() && message->is_string()) {
          return BoundedUtf8(message->get<std::string>(), kMaxErrorMessageBytes);
        }
      }
    }
    if (auto message = answer.find("message"); message != answer.end() && message->is_string()) {
      return BoundedUtf8(message->get<std::string>(), kMaxErrorMessageBytes);
    }
  }
  return BoundedUtf8(body, kMaxErrorMessageBytes);
}

}  // namespace tributary::sync
