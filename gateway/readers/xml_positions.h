// Positions of elements among their siblings, for the xml reader: the ordinal a `position`
// field reads ("the 3rd Ntry of its statement") and the record's location path
// ("/Document/BkToCstmrStmt/Stmt/Ntry[3]"). Counting preceding siblings for every record
// costs O(siblings) each, O(n^2) for a statement of n entries; this index remembers, per
// parent and name, the last element it placed and its ordinal, so a reader going forward in
// document order counts each sibling once. Single-threaded; holds pointers into one
// document, which must outlive it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/readers/xml_support.h"

namespace tributary::readers {

class XmlSiblingIndex {
 public:
  // The 1-based ordinal of `element` among the element children of its parent that share
  // its local name and namespace (1 for the root element). Amortised O(1) when successive
  // calls for one parent and name go forward in document order; otherwise O(ordinal), as
  // counting would be. `element` must be an element node.
  int64_t Ordinal(XmlNode* element);

  // Whether another element child of its parent shares the local name and namespace of
  // `element`. The first call for a parent reads its children once; later calls for that
  // parent are O(1) while it stays among the few parents remembered.
  bool HasNamesake(XmlNode* element);

  // The node's location path, byte for byte as readers::LocationPath (xml_support.h):
  // local names, an index where siblings share the name, "/@name" for attributes.
  std::string LocationPath(XmlNode* node);

 private:
  // The last element placed under one parent for one name.
  struct Cursor {
    XmlNode* element = nullptr;
    int64_t ordinal = 0;
    uint64_t used = 0;
  };
  // How many children of one parent carry each name (local name, namespace uri).
  struct NameCount {
    std::string_view name;
    std::string_view ns;
    int64_t count = 0;
  };
  struct ParentNames {
    XmlNode* parent = nullptr;
    std::vector<NameCount> names;
    uint64_t used = 0;
  };

  // A few of each: a reader's records touch one parent per level of their path, and one
  // per `position` field.
  static constexpr size_t kCursors = 32;
  static constexpr size_t kParents = 8;

  std::vector<Cursor> cursors_;
  std::vector<ParentNames> parents_;
  uint64_t clock_ = 0;
};

}  // namespace tributary::readers
