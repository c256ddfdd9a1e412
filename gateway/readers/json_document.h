// A compact, read-only JSON tree built with nlohmann-json's SAX parser, keeping what the
// readers need and nlohmann's own tree would lose: the exact source text of every number
// ("1234.50" stays "1234.50", "12345678901234567.89" is never a double) and the byte
// offsets of objects and arrays (for record lines and reject text). Nodes live in one
// flat vector, strings in one arena: parsing a new document reuses both. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

namespace tributary::readers {

class JsonDocument {
 public:
  using NodeId = uint32_t;
  static constexpr NodeId kNoNode = UINT32_MAX;
  // Deeper nesting is refused as malformed (no input needs it; it bounds every walk).
  static constexpr int kMaxDepth = 1000;

  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kObject, kArray };

  // Parses `text` (UTF-8; the whole of it must be one JSON value). On error the message
  // names the line and column: "line 3, column 4: syntax error while parsing object key ...".
  Status Parse(std::string_view text);

  [[nodiscard]] NodeId root() const { return nodes_.empty() ? kNoNode : 0; }
  [[nodiscard]] Type type(NodeId node) const { return nodes_[node].type; }
  // Scalars: the string (unescaped), the number's source text, "true"/"false"; "" for null.
  [[nodiscard]] std::string_view text(NodeId node) const { return Arena(nodes_[node].text, nodes_[node].text_length); }
  // The member of an object named `key` (the first, if repeated), or kNoNode.
  [[nodiscard]] NodeId Member(NodeId object, std::string_view key) const;
  // The element `index` (0-based) of an array, or kNoNode.
  [[nodiscard]] NodeId Element(NodeId array, size_t index) const;
  // Children of an object or array, in order: FirstChild, then NextSibling until kNoNode.
  [[nodiscard]] NodeId FirstChild(NodeId node) const { return nodes_[node].first_child; }
  [[nodiscard]] NodeId NextSibling(NodeId node) const { return nodes_[node].next_sibling; }
  // Byte offsets of an object or array in the parsed text ('{' to just after '}'); for a
  // scalar both are the offset of a character of it (its line is the scalar's line).
  [[nodiscard]] size_t begin_offset(NodeId node) const { return nodes_[node].begin; }
  [[nodiscard]] size_t end_offset(NodeId node) const { return nodes_[node].end; }

  // Appends the compact JSON text of `node` (numbers in their source text).
  void AppendCompact(NodeId node, std::string& out) const;

 private:
  friend class JsonTreeBuilder;
  struct Node {
    Type type = Type::kNull;
    uint32_t key = 0;  // arena offset of the member name (when the parent is an object)
    uint32_t key_length = 0;
    uint32_t text = 0;
    uint32_t text_length = 0;
    NodeId first_child = kNoNode;
    NodeId next_sibling = kNoNode;
    uint32_t begin = 0;
    uint32_t end = 0;
  };
  [[nodiscard]] std::string_view Arena(uint32_t offset, uint32_t length) const {
    return std::string_view(arena_).substr(offset, length);
  }

  std::vector<Node> nodes_;
  std::string arena_;
};

}  // namespace tributary::readers
