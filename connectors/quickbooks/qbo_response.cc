#include "connectors/quickbooks/qbo_response.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "connectors/quickbooks/quickbooks_config.h"

namespace tributary::connectors::quickbooks {
namespace {

using nlohmann::json;

bool IsKnownEntity(std::string_view name) {
  return std::find(std::begin(kKnownEntities), std::end(kKnownEntities), name) != std::end(kKnownEntities);
}

// A SAX consumer of nlohmann's parser that copies the entity objects out of a response
// as compact JSON text. Numbers are copied from their source text (nlohmann hands it to
// number_float), so no amount ever goes through a double.
class ObjectCollector {
 public:
  explicit ObjectCollector(QboResponse& out) : out_(out) {}

  bool null() { return Scalar("null"); }
  bool boolean(bool value) { return Scalar(value ? "true" : "false"); }
  bool number_integer(json::number_integer_t value) {
    if (pending_key_ == "totalCount" && InQueryResponse()) out_.total_count = value;
    return Scalar(std::to_string(value));
  }
  bool number_unsigned(json::number_unsigned_t value) {
    if (pending_key_ == "totalCount" && InQueryResponse()) out_.total_count = static_cast<int64_t>(value);
    return Scalar(std::to_string(value));
  }
  bool number_float(json::number_float_t, const json::string_t& text) { return Scalar(text); }
  bool string(json::string_t& value) {
    if (capturing_) {
      const size_t depth = stack_.size() - capture_depth_;
      if (depth == 1 && pending_key_ == "Id") current_.id = value;
      if (depth == 1 && pending_key_ == "status" && value == "Deleted") current_.deleted = true;
      if (depth == 2 && pending_key_ == "LastUpdatedTime" && stack_.back().key == "MetaData") {
        current_.last_updated = value;
      }
    } else if (AtRootMember("time")) {
      out_.time = value;
    }
    return Scalar(json(value).dump(-1, ' ', false, json::error_handler_t::strict));
  }
  bool binary(json::binary_t&) { return false; }

  bool start_object(std::size_t) {
    if (!capturing_ && ElementOfEntityArray()) {
      capturing_ = true;
      capture_depth_ = stack_.size();
      current_ = QboObject{.entity = stack_.back().key};
      text_.clear();
    }
    Open('{');
    stack_.push_back({.is_object = true, .key = TakeKey()});
    return true;
  }
  bool key(json::string_t& name) {
    if (stack_.size() == 1 && (name == "Fault" || name == "fault")) out_.has_fault = true;
    if (capturing_) {
      Frame& parent = stack_.back();
      if (parent.has_items) text_ += ',';
      parent.has_items = true;
      text_ += json(name).dump(-1, ' ', false, json::error_handler_t::strict);
      text_ += ':';
    }
    pending_key_ = name;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    Close('}');
    return true;
  }
  bool start_array(std::size_t) {
    Open('[');
    stack_.push_back({.is_object = false, .key = TakeKey()});
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    Close(']');
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& error) {
    error_ = "not JSON at byte " + std::to_string(position) + ": " + error.what();
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  struct Frame {
    bool is_object = false;
    std::string key;  // the member name this container is the value of ("" in an array or at the root)
    bool has_items = false;
  };

  std::string TakeKey() {
    if (stack_.empty() || !stack_.back().is_object) return "";
    return pending_key_;
  }

  bool AtRootMember(std::string_view name) const { return stack_.size() == 1 && pending_key_ == name; }

  bool InQueryResponse() const {
    return std::any_of(stack_.begin(), stack_.end(), [](const Frame& frame) { return frame.key == "QueryResponse"; });
  }

  // An object that is an element of `<Entity>: [...]` inside a QueryResponse.
  bool ElementOfEntityArray() const {
    return !stack_.empty() && !stack_.back().is_object && IsKnownEntity(stack_.back().key) && InQueryResponse();
  }

  // Before a value: the comma between elements of an array (in an object, key() wrote it).
  void BeginValue() {
    if (!capturing_ || stack_.size() <= capture_depth_) return;
    Frame& parent = stack_.back();
    if (parent.is_object) return;
    if (parent.has_items) text_ += ',';
    parent.has_items = true;
  }

  bool Scalar(std::string_view text) {
    if (capturing_) {
      BeginValue();
      text_ += text;
    }
    return true;
  }

  void Open(char bracket) {
    if (capturing_) {
      BeginValue();
      text_ += bracket;
    }
  }

  void Close(char bracket) {
    if (!capturing_) return;
    text_ += bracket;
    if (stack_.size() == capture_depth_) {
      capturing_ = false;
      current_.json = std::move(text_);
      out_.objects.push_back(std::move(current_));
      current_ = QboObject{};
      text_.clear();
    }
  }

  QboResponse& out_;
  std::vector<Frame> stack_;
  std::string pending_key_;
  bool capturing_ = false;
  size_t capture_depth_ = 0;  // stack size when the captured object started
  QboObject current_;
  std::string text_;
  std::string error_;
};

std::string TextMember(const json& object, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto it = object.find(name);
    if (it != object.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

}  // namespace

Result<QboResponse> ParseQboResponse(std::string_view body) {
  QboResponse response;
  ObjectCollector collector(response);
  const bool parsed = json::sax_parse(body.begin(), body.end(), &collector, json::input_format_t::json, true);
  if (!parsed) {
    return Fail(ErrorCode::kParse, collector.error().empty() ? "the response is not JSON" : collector.error());
  }
  return response;
}

std::optional<QboFault> ParseQboFault(std::string_view body) {
  json document = json::parse(body.begin(), body.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) return std::nullopt;
  const bool gateway_shape = !document.contains("Fault") && document.contains("fault");
  const json& fault = gateway_shape ? document["fault"] : document.value("Fault", json());
  if (!fault.is_object()) return std::nullopt;
  QboFault out;
  out.type = TextMember(fault, {"type"});
  const json& errors = gateway_shape ? fault.value("error", json()) : fault.value("Error", json());
  if (errors.is_array() && !errors.empty() && errors[0].is_object()) {
    out.code = TextMember(errors[0], {"code"});
    out.message = TextMember(errors[0], {"Message", "message"});
    out.detail = TextMember(errors[0], {"Detail", "detail"});
  }
  if (document.contains("time") && document["time"].is_string()) out.time = document["time"].get<std::string>();
  return out;
}

}  // namespace tributary::connectors::quickbooks
