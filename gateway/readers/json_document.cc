#include "gateway/readers/json_document.h"

#include <charconv>
#include <iterator>
#include <limits>

#include <nlohmann/json.hpp>

namespace tributary::readers {

namespace {

// An input iterator over the text that publishes how far the parser has read, so the SAX
// callbacks know the byte offset of the token just read.
class TrackedIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedIterator(const char* p, const char** cursor) : p_(p), cursor_(cursor) {}
  reference operator*() const { return *p_; }
  TrackedIterator& operator++() {
    ++p_;
    *cursor_ = p_;
    return *this;
  }
  TrackedIterator operator++(int) {
    TrackedIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackedIterator& other) const { return p_ == other.p_; }
  bool operator!=(const TrackedIterator& other) const { return p_ != other.p_; }

 private:
  const char* p_;
  const char** cursor_;
};

}  // namespace

// Builds JsonDocument nodes from SAX events.
class JsonTreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  JsonTreeBuilder(JsonDocument& document, const char* base, const char** cursor)
      : doc_(document), base_(base), cursor_(cursor) {}

  bool null() override { return Add(JsonDocument::Type::kNull, {}); }
  bool boolean(bool value) override { return Add(JsonDocument::Type::kBool, value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return AddInteger(value); }
  bool number_unsigned(number_unsigned_t value) override { return AddInteger(value); }
  bool number_float(number_float_t, const string_t& text) override { return Add(JsonDocument::Type::kNumber, text); }
  bool string(string_t& value) override { return Add(JsonDocument::Type::kString, value); }
  bool binary(binary_t&) override { return Fail("binary values are not JSON"); }
  bool key(string_t& name) override {
    pending_key_ = static_cast<uint32_t>(doc_.arena_.size());
    pending_key_length_ = static_cast<uint32_t>(name.size());
    doc_.arena_.append(name);
    return true;
  }
  bool start_object(std::size_t) override { return Open(JsonDocument::Type::kObject); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JsonDocument::Type::kArray); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) override {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    std::string_view message = ex.what();
    if (auto bracket = message.find("] "); bracket != std::string_view::npos) message.remove_prefix(bracket + 2);
    if (message.starts_with("parse error at ")) message.remove_prefix(15);
    if (error_.empty()) error_ = std::string(message);
    return false;
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  struct Open_ {
    JsonDocument::NodeId node;
    JsonDocument::NodeId last_child;
  };

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  uint32_t Offset() const { return static_cast<uint32_t>(*cursor_ - base_); }
  static bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}'; }

  JsonDocument::NodeId Attach(JsonDocument::Type type) {
    const auto id = static_cast<JsonDocument::NodeId>(doc_.nodes_.size());
    JsonDocument::Node& node = doc_.nodes_.emplace_back();
    node.type = type;
    if (!stack_.empty()) {
      Open_& parent = stack_.back();
      if (doc_.nodes_[parent.node].type == JsonDocument::Type::kObject) {
        node.key = pending_key_;
        node.key_length = pending_key_length_;
      }
      if (parent.last_child == JsonDocument::kNoNode) {
        doc_.nodes_[parent.node].first_child = id;
      } else {
        doc_.nodes_[parent.last_child].next_sibling = id;
      }
      parent.last_child = id;
    }
    return id;
  }

  bool Add(JsonDocument::Type type, std::string_view text) {
    const JsonDocument::NodeId id = Attach(type);
    // The parser has just read the scalar's last character (a number: one character
    // more, which it will read again): the last non-blank character read is in it.
    uint32_t last = Offset() > 0 ? Offset() - 1 : 0;
    while (last > 0 && IsBlank(base_[last])) --last;
    doc_.nodes_[id].begin = last;
    doc_.nodes_[id].end = last;
    doc_.nodes_[id].text = static_cast<uint32_t>(doc_.arena_.size());
    doc_.nodes_[id].text_length = static_cast<uint32_t>(text.size());
    doc_.arena_.append(text);
    return true;
  }

  template <typename Integer>
  bool AddInteger(Integer value) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
    return Add(JsonDocument::Type::kNumber, std::string_view(digits, static_cast<size_t>(end - digits)));
  }

  bool Open(JsonDocument::Type type) {
    if (stack_.size() >= JsonDocument::kMaxDepth) {
      return Fail("nesting deeper than " + std::to_string(JsonDocument::kMaxDepth) + " levels");
    }
    const JsonDocument::NodeId id = Attach(type);
    doc_.nodes_[id].begin = Offset() - 1;  // the cursor is just past '{' or '['
    stack_.push_back({id, JsonDocument::kNoNode});
    return true;
  }

  bool Close() {
    doc_.nodes_[stack_.back().node].end = Offset();
    stack_.pop_back();
    return true;
  }

  JsonDocument& doc_;
  const char* base_;
  const char** cursor_;
  std::vector<Open_> stack_;
  uint32_t pending_key_ = 0;
  uint32_t pending_key_length_ = 0;
  std::string error_;
};

Status JsonDocument::Parse(std::string_view text) {
  nodes_.clear();
  arena_.clear();
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    return Fail(ErrorCode::kParse, "the document is larger than 4 GiB");
  }
  const char* cursor = text.data();
  JsonTreeBuilder builder(*this, text.data(), &cursor);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(TrackedIterator(text.data(), &cursor),
                                   TrackedIterator(text.data() + text.size(), &cursor), &builder);
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kParse, std::string("invalid JSON: ") + e.what());
  }
  if (!ok || nodes_.empty()) {
    nodes_.clear();
    std::string error = builder.error().empty() ? "invalid JSON" : builder.error();
    if (error.starts_with("nesting") || error.starts_with("binary")) {
      error = "offset " + std::to_string(cursor - text.data()) + ": " + error;
    }
    return Fail(ErrorCode::kParse, error);
  }
  return Ok();
}

JsonDocument::NodeId JsonDocument::Member(NodeId object, std::string_view key) const {
  if (object == kNoNode || nodes_[object].type != Type::kObject) return kNoNode;
  for (NodeId child = nodes_[object].first_child; child != kNoNode; child = nodes_[child].next_sibling) {
    if (Arena(nodes_[child].key, nodes_[child].key_length) == key) return child;
  }
  return kNoNode;
}

JsonDocument::NodeId JsonDocument::Element(NodeId array, size_t index) const {
  if (array == kNoNode || nodes_[array].type != Type::kArray) return kNoNode;
  NodeId child = nodes_[array].first_child;
  for (size_t i = 0; i < index && child != kNoNode; ++i) child = nodes_[child].next_sibling;
  return child;
}

void JsonDocument::AppendCompact(NodeId node, std::string& out) const {
  // Iterative (an explicit stack), so depth never threatens the call stack.
  struct Frame {
    NodeId node;
    NodeId next_child;
    bool first;
  };
  auto append_scalar = [&](NodeId id) {
    const Node& n = nodes_[id];
    switch (n.type) {
      case Type::kNull: out += "null"; break;
      case Type::kBool:
      case Type::kNumber: out += Arena(n.text, n.text_length); break;
      case Type::kString: out += nlohmann::json(std::string(Arena(n.text, n.text_length))).dump(); break;
      default: break;
    }
  };
  auto append_key = [&](NodeId parent, NodeId child) {
    if (nodes_[parent].type != Type::kObject) return;
    out += nlohmann::json(std::string(Arena(nodes_[child].key, nodes_[child].key_length))).dump();
    out += ':';
  };
  if (nodes_[node].type != Type::kObject && nodes_[node].type != Type::kArray) {
    append_scalar(node);
    return;
  }
  std::vector<Frame> stack;
  out += nodes_[node].type == Type::kObject ? '{' : '[';
  stack.push_back({node, nodes_[node].first_child, true});
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next_child == kNoNode) {
      out += nodes_[frame.node].type == Type::kObject ? '}' : ']';
      stack.pop_back();
      continue;
    }
    const NodeId child = frame.next_child;
    frame.next_child = nodes_[child].next_sibling;
    if (!frame.first) out += ',';
    frame.first = false;
    append_key(frame.node, child);
    if (nodes_[child].type == Type::kObject || nodes_[child].type == Type::kArray) {
      out += nodes_[child].type == Type::kObject ? '{' : '[';
      stack.push_back({child, nodes_[child].first_child, true});
    } else {
      append_scalar(child);
    }
  }
}

}  // namespace tributary::readers
