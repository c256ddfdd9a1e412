#include "gateway/readers/xml_positions.h"

#include <libxml/tree.h>

#include <algorithm>

namespace tributary::readers {
namespace {

std::string_view View(const xmlChar* text) {
  return text != nullptr ? std::string_view(reinterpret_cast<const char*>(text)) : std::string_view();
}

// Same local name and namespace: the test XPath applies for a prefixed name step, and the
// one LocationPath applies.
bool Namesakes(const xmlNode* a, const xmlNode* b) {
  if (b->type != XML_ELEMENT_NODE || !xmlStrEqual(a->name, b->name)) return false;
  return a->ns == b->ns || (a->ns != nullptr && b->ns != nullptr && xmlStrEqual(a->ns->href, b->ns->href));
}

std::string_view NamespaceOf(const xmlNode* node) { return node->ns != nullptr ? View(node->ns->href) : ""; }

}  // namespace

int64_t XmlSiblingIndex::Ordinal(XmlNode* element) {
  ++clock_;
  Cursor* found = nullptr;
  for (Cursor& cursor : cursors_) {
    if (cursor.element->parent == element->parent && Namesakes(element, cursor.element)) {
      found = &cursor;
      break;
    }
  }
  if (found != nullptr && found->element == element) {
    found->used = clock_;
    return found->ordinal;
  }
  // Walk back to the cursor (forward in document order: the usual case) or to the first
  // child (the element is before the cursor, or no cursor): each step passes one sibling.
  int64_t before = 0;
  int64_t ordinal = 0;
  for (xmlNode* sibling = element->prev; sibling != nullptr; sibling = sibling->prev) {
    if (found != nullptr && sibling == found->element) {
      ordinal = found->ordinal + before + 1;
      break;
    }
    if (Namesakes(element, sibling)) ++before;
  }
  if (ordinal == 0) ordinal = before + 1;
  if (found == nullptr) {
    if (cursors_.size() < kCursors) {
      found = &cursors_.emplace_back();
    } else {
      found = &*std::min_element(cursors_.begin(), cursors_.end(),
                                 [](const Cursor& a, const Cursor& b) { return a.used < b.used; });
    }
  }
  *found = Cursor{element, ordinal, clock_};
  return ordinal;
}

bool XmlSiblingIndex::HasNamesake(XmlNode* element) {
  ++clock_;
  xmlNode* parent = element->parent;
  if (parent == nullptr) return false;
  auto known = std::find_if(parents_.begin(), parents_.end(), [&](const ParentNames& p) { return p.parent == parent; });
  if (known == parents_.end()) {
    ParentNames counted{parent, {}, 0};
    for (xmlNode* child = parent->children; child != nullptr; child = child->next) {
      if (child->type != XML_ELEMENT_NODE) continue;
      const std::string_view name = View(child->name);
      const std::string_view ns = NamespaceOf(child);
      auto same = std::find_if(counted.names.begin(), counted.names.end(),
                               [&](const NameCount& n) { return n.name == name && n.ns == ns; });
      if (same == counted.names.end()) {
        counted.names.push_back(NameCount{name, ns, 1});
      } else {
        ++same->count;
      }
    }
    if (parents_.size() < kParents) {
      known = parents_.insert(parents_.end(), std::move(counted));
    } else {
      known = std::min_element(parents_.begin(), parents_.end(),
                               [](const ParentNames& a, const ParentNames& b) { return a.used < b.used; });
      *known = std::move(counted);
    }
  }
  known->used = clock_;
  const std::string_view name = View(element->name);
  const std::string_view ns = NamespaceOf(element);
  for (const NameCount& n : known->names) {
    if (n.name == name && n.ns == ns) return n.count > 1;
  }
  return false;
}

std::string XmlSiblingIndex::LocationPath(XmlNode* node) {
  // Steps from the node up, then written root first.
  std::vector<std::string_view> names;
  std::vector<int64_t> indexes;  // 0: no index
  std::string tail;
  if (node != nullptr && node->type == XML_ATTRIBUTE_NODE) {
    tail = "/@" + std::string(View(node->name));
    node = node->parent;
  } else if (node != nullptr && node->type != XML_ELEMENT_NODE) {
    tail = node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE ? "/text()" : "/node()";
    node = node->parent;
  }
  for (; node != nullptr && node->type == XML_ELEMENT_NODE; node = node->parent) {
    const int64_t ordinal = Ordinal(node);
    names.push_back(View(node->name));
    indexes.push_back(ordinal > 1 || HasNamesake(node) ? ordinal : 0);
  }
  std::string path;
  for (size_t i = names.size(); i-- > 0;) {
    path += '/';
    path += names[i];
    if (indexes[i] > 0) {
      path += '[';
      path += std::to_string(indexes[i]);
      path += ']';
    }
  }
  return path + tail;
}

}  // namespace tributary::readers
