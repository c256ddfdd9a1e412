#include "gateway/readers/xml_support.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

#include "gateway/readers/encoding_detection.h"

namespace tributary::readers {
namespace {

const char* AsChars(const xmlChar* text) { return reinterpret_cast<const char*>(text); }

// Captures libxml2's errors for the scope of one call instead of letting it print them,
// and restores whatever handlers were set before (the handlers are per thread).
class ErrorCapture {
 public:
  ErrorCapture()
      : saved_structured_(xmlStructuredError),
        saved_structured_context_(xmlStructuredErrorContext),
        saved_generic_(xmlGenericError),
        saved_generic_context_(xmlGenericErrorContext) {
    xmlSetStructuredErrorFunc(this, &ErrorCapture::Handle);
    xmlSetGenericErrorFunc(nullptr, &ErrorCapture::Ignore);
  }
  ~ErrorCapture() {
    xmlSetStructuredErrorFunc(saved_structured_context_, saved_structured_);
    xmlSetGenericErrorFunc(saved_generic_context_, saved_generic_);
  }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;

  [[nodiscard]] bool has_error() const { return !message_.empty(); }
  [[nodiscard]] const std::string& message() const { return message_; }
  [[nodiscard]] int line() const { return line_; }

 private:
  static void Handle(void* self, xmlErrorPtr error) {
    auto* capture = static_cast<ErrorCapture*>(self);
    if (error == nullptr || error->level < XML_ERR_ERROR || capture->has_error()) return;
    // One line: libxml2 puts details ("Bytes: 0xC8 0x52") after a newline.
    std::string message;
    for (const char* p = error->message != nullptr ? error->message : "unknown error"; *p != '\0'; ++p) {
      const bool space = *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t';
      if (space && (message.empty() || message.back() == ' ')) continue;
      message.push_back(space ? ' ' : *p);
    }
    while (!message.empty() && message.back() == ' ') message.pop_back();
    capture->message_ = message.empty() ? "unknown error" : message;
    capture->line_ = error->line;
  }
  static void Ignore(void*, const char*, ...) {}

  xmlStructuredErrorFunc saved_structured_;
  void* saved_structured_context_;
  xmlGenericErrorFunc saved_generic_;
  void* saved_generic_context_;
  std::string message_;
  int line_ = 0;
};

std::string NumberText(double value) {
  if (std::isnan(value)) return "";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, static_cast<long long>(value));
    return std::string(buffer, end);
  }
  // 15 significant digits: every decimal of up to 15 digits reads back exactly, and the
  // binary noise of XPath arithmetic (0.1 + 0.2 = 0.30000000000000004) goes away.
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general, 15);
  return std::string(buffer, end);
}

std::string NodeString(xmlNodePtr node) {
  xmlChar* text = xmlXPathCastNodeToString(node);
  std::string out = text != nullptr ? AsChars(text) : "";
  xmlFree(text);
  return out;
}

// What a document may not do, checked by SAX hooks while libxml2 parses it, after decoding
// (so in every encoding: a byte scan for "<!ENTITY" misses UTF-16): declare an entity
// (internal ones inject text and multiply it on every reference; external ones read files),
// or hold a text, attribute value, comment or processing instruction over
// kMaxXmlValueBytes. A hook that refuses records why and stops the parser before libxml2
// copies the value into the tree; otherwise it hands over to libxml2's own SAX2 handler.
// One per parse, on the parse's thread; found through the parser context's _private.
class ParseGuard {
 public:
  // Saves the context's handlers (libxml2's SAX2 tree builders) and puts the hooks in front.
  void Install(xmlParserCtxtPtr context) {
    context->_private = this;
    xmlSAXHandler* sax = context->sax;
    defaults_ = *sax;
    sax->entityDecl = &EntityDecl;
    sax->unparsedEntityDecl = &UnparsedEntityDecl;
    sax->startElementNs = &StartElementNs;
    sax->endElementNs = &EndElementNs;
    sax->characters = &Characters;
    sax->ignorableWhitespace = &IgnorableWhitespace;
    sax->cdataBlock = &CdataBlock;
    sax->comment = &Comment;
    sax->processingInstruction = &ProcessingInstruction;
  }

  // Why the document was refused ("" when it was not): the whole user-facing message.
  [[nodiscard]] const std::string& refusal() const { return refusal_; }

 private:
  static ParseGuard& Of(void* ctx) {
    return *static_cast<ParseGuard*>(static_cast<xmlParserCtxtPtr>(ctx)->_private);
  }
  static int Line(void* ctx) {
    auto* context = static_cast<xmlParserCtxtPtr>(ctx);
    return context->input != nullptr ? context->input->line : 0;
  }
  static std::string TooLong(const std::string& what, int line) {
    return what + " at line " + std::to_string(line) + " is longer than " + std::to_string(kMaxXmlValueBytes) +
           " bytes, the most an XML value may be";
  }
  static void Refuse(void* ctx, std::string message) {
    auto* context = static_cast<xmlParserCtxtPtr>(ctx);
    ParseGuard& guard = Of(ctx);
    // After a well-formedness error libxml2's message is the real cause; what follows
    // is its recovery.
    if (guard.refusal_.empty() && context->wellFormed != 0) guard.refusal_ = std::move(message);
    xmlStopParser(context);
  }
  static std::string ElementName(void* ctx) {
    xmlNodePtr node = static_cast<xmlParserCtxtPtr>(ctx)->node;
    return node != nullptr && node->name != nullptr ? AsChars(node->name) : "";
  }

  static void EntityDecl(void* ctx, const xmlChar*, int, const xmlChar*, const xmlChar*, xmlChar*) {
    Refuse(ctx, "the document declares entities (<!ENTITY ...>), which are refused");
  }
  static void UnparsedEntityDecl(void* ctx, const xmlChar*, const xmlChar*, const xmlChar*, const xmlChar*) {
    Refuse(ctx, "the document declares entities (<!ENTITY ...>), which are refused");
  }

  static void StartElementNs(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri,
                             int nb_namespaces, const xmlChar** namespaces, int nb_attributes, int nb_defaulted,
                             const xmlChar** attributes) {
    ParseGuard& guard = Of(ctx);
    guard.text_bytes_ = 0;
    // Five pointers per attribute: local name, prefix, uri, value start, value end.
    for (int i = 0; i < nb_attributes; ++i) {
      const xmlChar* const* attribute = attributes + static_cast<ptrdiff_t>(5) * i;
      if (static_cast<size_t>(attribute[4] - attribute[3]) > kMaxXmlValueBytes) {
        Refuse(ctx, TooLong("attribute " + std::string(AsChars(attribute[0])) + " of element <" +
                                std::string(AsChars(localname)) + ">",
                            Line(ctx)));
        return;
      }
    }
    guard.defaults_.startElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes,
                                   nb_defaulted, attributes);
  }
  static void EndElementNs(void* ctx, const xmlChar* localname, const xmlChar* prefix, const xmlChar* uri) {
    ParseGuard& guard = Of(ctx);
    guard.text_bytes_ = 0;
    guard.defaults_.endElementNs(ctx, localname, prefix, uri);
  }

  // Text arrives in pieces that libxml2 joins into one node: the bound is on the run of
  // text and CDATA between two tags (what an element's text field reads).
  static bool TextFits(void* ctx, int length) {
    ParseGuard& guard = Of(ctx);
    guard.text_bytes_ += static_cast<size_t>(std::max(length, 0));
    if (guard.text_bytes_ <= kMaxXmlValueBytes) return true;
    const std::string element = ElementName(ctx);
    Refuse(ctx, TooLong(element.empty() ? std::string("a text") : "the text of element <" + element + ">", Line(ctx)));
    return false;
  }
  static void Characters(void* ctx, const xmlChar* text, int length) {
    if (TextFits(ctx, length)) Of(ctx).defaults_.characters(ctx, text, length);
  }
  static void IgnorableWhitespace(void* ctx, const xmlChar* text, int length) {
    if (TextFits(ctx, length)) Of(ctx).defaults_.ignorableWhitespace(ctx, text, length);
  }
  static void CdataBlock(void* ctx, const xmlChar* text, int length) {
    if (TextFits(ctx, length)) Of(ctx).defaults_.cdataBlock(ctx, text, length);
  }

  static void Comment(void* ctx, const xmlChar* text) {
    ParseGuard& guard = Of(ctx);
    guard.text_bytes_ = 0;
    if (text != nullptr && std::strlen(AsChars(text)) > kMaxXmlValueBytes) {
      Refuse(ctx, TooLong("a comment", Line(ctx)));
      return;
    }
    guard.defaults_.comment(ctx, text);
  }
  static void ProcessingInstruction(void* ctx, const xmlChar* target, const xmlChar* data) {
    ParseGuard& guard = Of(ctx);
    guard.text_bytes_ = 0;
    if (data != nullptr && std::strlen(AsChars(data)) > kMaxXmlValueBytes) {
      Refuse(ctx, TooLong("a processing instruction", Line(ctx)));
      return;
    }
    guard.defaults_.processingInstruction(ctx, target, data);
  }

  xmlSAXHandler defaults_{};
  std::string refusal_;
  size_t text_bytes_ = 0;  // of the current run of text and CDATA
};

bool HasByteOrderMark(std::string_view bytes) {
  return bytes.starts_with("\xEF\xBB\xBF") || bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF");
}

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
bool IsNameChar(char c) {
  return IsNameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

}  // namespace

void XmlDocDeleter::operator()(_xmlDoc* doc) const { xmlFreeDoc(doc); }
void XmlXPathDeleter::operator()(_xmlXPathCompExpr* expression) const { xmlXPathFreeCompExpr(expression); }
void XmlContextDeleter::operator()(_xmlXPathContext* context) const { xmlXPathFreeContext(context); }

Result<XmlDocPtr> ParseXml(std::string_view bytes, const std::string& encoding) {
  xmlInitParser();
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Fail(ErrorCode::kParse, "the document is larger than 2 GiB, the most an XML input may be");
  }
  std::unique_ptr<xmlParserCtxt, decltype(&xmlFreeParserCtxt)> context(xmlNewParserCtxt(), &xmlFreeParserCtxt);
  if (!context || context->sax == nullptr) return Fail(ErrorCode::kInternal, "cannot create an XML parser");
  ParseGuard guard;
  guard.Install(context.get());
  std::string effective_encoding = encoding;
  // UTF-16 without a byte-order mark and without an XML declaration is not recognised by
  // libxml2 (it sniffs "<?xm" only): the NUL-byte pattern tells.
  if (effective_encoding.empty() && !HasByteOrderMark(bytes)) {
    if (auto utf16 = DetectUtf16WithoutBom(bytes)) {
      effective_encoding = utf16->encoding.kind == InputEncoding::Kind::kUtf16Le ? "UTF-16LE" : "UTF-16BE";
    }
  }
  ErrorCapture capture;
  // No XML_PARSE_NOENT (no substitution), no XML_PARSE_DTDLOAD / DTDATTR / DTDVALID, no
  // XML_PARSE_HUGE (libxml2's own limits stay; ours, in ParseGuard, are lower).
  const int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOXINCNODE;
  xmlDocPtr doc = xmlCtxtReadMemory(context.get(), bytes.data(), static_cast<int>(bytes.size()), "input.xml",
                                    effective_encoding.empty() ? nullptr : effective_encoding.c_str(), options);
  XmlDocPtr owned(doc);
  if (!guard.refusal().empty()) return Fail(ErrorCode::kParse, guard.refusal());
  if (!owned || xmlDocGetRootElement(owned.get()) == nullptr) {
    if (!capture.has_error()) return Fail(ErrorCode::kParse, "malformed XML: the document has no root element");
    return Fail(ErrorCode::kParse, "malformed XML at line " + std::to_string(capture.line()) + ": " + capture.message());
  }
  return owned;
}

std::vector<std::string> DeclaredNamespaces(_xmlDoc* doc) {
  std::vector<std::string> uris;
  xmlNodePtr node = xmlDocGetRootElement(doc);
  // Iterative pre-order walk over elements.
  while (node != nullptr) {
    if (node->type == XML_ELEMENT_NODE) {
      for (xmlNsPtr ns = node->nsDef; ns != nullptr; ns = ns->next) {
        if (ns->href == nullptr) continue;
        std::string uri = AsChars(ns->href);
        if (std::find(uris.begin(), uris.end(), uri) == uris.end()) uris.push_back(std::move(uri));
      }
    }
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node->next == nullptr) {
      node = node->parent;
      if (node != nullptr && node->type == XML_DOCUMENT_NODE) node = nullptr;
    }
    if (node != nullptr) node = node->next;
  }
  return uris;
}

std::string RootNamespace(_xmlDoc* doc) {
  xmlNodePtr root = xmlDocGetRootElement(doc);
  return root != nullptr && root->ns != nullptr && root->ns->href != nullptr ? AsChars(root->ns->href) : "";
}

Result<XmlXPathPtr> CompileXPath(const std::string& expression) {
  xmlInitParser();
  ErrorCapture capture;
  xmlXPathCompExprPtr compiled = xmlXPathCompile(reinterpret_cast<const xmlChar*>(expression.c_str()));
  if (compiled == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "invalid XPath: " + (capture.has_error() ? capture.message() : std::string("cannot compile")));
  }
  return XmlXPathPtr(compiled);
}

std::vector<std::string> XPathPrefixes(std::string_view expression) {
  std::vector<std::string> prefixes;
  size_t i = 0;
  while (i < expression.size()) {
    const char c = expression[i];
    if (c == '\'' || c == '"') {
      const size_t close = expression.find(c, i + 1);
      i = close == std::string_view::npos ? expression.size() : close + 1;
      continue;
    }
    if (!IsNameStart(c) || (i > 0 && (IsNameChar(expression[i - 1]) || expression[i - 1] == '$'))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < expression.size() && IsNameChar(expression[end])) ++end;
    // "prefix:name" or "prefix:*", but not an axis ("child::") or a variable.
    if (end + 1 < expression.size() && expression[end] == ':' && expression[end + 1] != ':' &&
        (IsNameStart(expression[end + 1]) || expression[end + 1] == '*')) {
      std::string prefix(expression.substr(i, end - i));
      if (std::find(prefixes.begin(), prefixes.end(), prefix) == prefixes.end()) prefixes.push_back(std::move(prefix));
    }
    i = end;
  }
  return prefixes;
}

Result<std::optional<std::string>> EvaluateToText(_xmlXPathContext* context, _xmlXPathCompExpr* expression,
                                                  XmlNode* node) {
  ErrorCapture capture;
  context->node = node;
  xmlXPathObjectPtr result = xmlXPathCompiledEval(expression, context);
  if (result == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "XPath evaluation failed: " + (capture.has_error() ? capture.message() : std::string("unknown error")));
  }
  std::optional<std::string> text;
  switch (result->type) {
    case XPATH_NODESET:
      if (result->nodesetval != nullptr && result->nodesetval->nodeNr > 0) {
        std::string joined;
        // The first node's text is moved, not copied (a text may be up to kMaxXmlValueBytes).
        joined = NodeString(result->nodesetval->nodeTab[0]);
        for (int i = 1; i < result->nodesetval->nodeNr; ++i) {
          joined += ' ';
          joined += NodeString(result->nodesetval->nodeTab[i]);
        }
        text = std::move(joined);
      }
      break;
    case XPATH_BOOLEAN:
      text = result->boolval ? "true" : "false";
      break;
    case XPATH_NUMBER:
      if (!std::isnan(result->floatval)) text = NumberText(result->floatval);
      break;
    case XPATH_STRING:
      if (result->stringval != nullptr && result->stringval[0] != 0) text = AsChars(result->stringval);
      break;
    default: {
      xmlChar* cast = xmlXPathCastToString(result);
      if (cast != nullptr && cast[0] != 0) text = AsChars(cast);
      xmlFree(cast);
      break;
    }
  }
  xmlXPathFreeObject(result);
  return text;
}

Result<std::vector<XmlNode*>> SelectNodes(_xmlXPathContext* context, _xmlXPathCompExpr* expression) {
  ErrorCapture capture;
  context->node = reinterpret_cast<xmlNodePtr>(context->doc);
  xmlXPathObjectPtr result = xmlXPathCompiledEval(expression, context);
  if (result == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "XPath evaluation failed: " + (capture.has_error() ? capture.message() : std::string("unknown error")));
  }
  std::vector<XmlNode*> nodes;
  const bool node_set = result->type == XPATH_NODESET;
  if (node_set && result->nodesetval != nullptr) {
    nodes.assign(result->nodesetval->nodeTab, result->nodesetval->nodeTab + result->nodesetval->nodeNr);
  }
  xmlXPathFreeObject(result);
  if (!node_set) return Fail(ErrorCode::kInvalidArgument, "the records expression does not select nodes");
  return nodes;
}

Result<XmlNode*> FirstNode(_xmlXPathContext* context, _xmlXPathCompExpr* expression, XmlNode* node) {
  ErrorCapture capture;
  context->node = node;
  xmlXPathObjectPtr result = xmlXPathCompiledEval(expression, context);
  if (result == nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                "XPath evaluation failed: " + (capture.has_error() ? capture.message() : std::string("unknown error")));
  }
  const bool node_set = result->type == XPATH_NODESET;
  XmlNode* first = nullptr;
  if (node_set && result->nodesetval != nullptr && result->nodesetval->nodeNr > 0) {
    first = result->nodesetval->nodeTab[0];  // node-sets come back sorted in document order
  }
  xmlXPathFreeObject(result);
  if (!node_set) return Fail(ErrorCode::kInvalidArgument, "the expression does not select nodes");
  return first;
}

std::string LocationPath(XmlNode* node) {
  std::vector<std::string> steps;
  if (node != nullptr && node->type == XML_ATTRIBUTE_NODE) {
    steps.push_back("@" + std::string(AsChars(node->name)));
    node = node->parent;
  } else if (node != nullptr && node->type != XML_ELEMENT_NODE) {
    steps.push_back(node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE ? "text()" : "node()");
    node = node->parent;
  }
  for (; node != nullptr && node->type == XML_ELEMENT_NODE; node = node->parent) {
    const auto same = [&](xmlNodePtr other) {
      return other->type == XML_ELEMENT_NODE && xmlStrEqual(other->name, node->name) &&
             (other->ns == node->ns || (other->ns != nullptr && node->ns != nullptr && xmlStrEqual(other->ns->href, node->ns->href)));
    };
    int before = 0;
    int after = 0;
    for (xmlNodePtr sibling = node->prev; sibling != nullptr; sibling = sibling->prev) before += same(sibling) ? 1 : 0;
    for (xmlNodePtr sibling = node->next; sibling != nullptr; sibling = sibling->next) after += same(sibling) ? 1 : 0;
    std::string step = AsChars(node->name);
    if (before + after > 0) step += "[" + std::to_string(before + 1) + "]";
    steps.push_back(std::move(step));
  }
  std::string path;
  for (auto it = steps.rbegin(); it != steps.rend(); ++it) path += "/" + *it;
  return path;
}

int64_t LineOf(XmlNode* node) {
  if (node != nullptr && node->type == XML_ATTRIBUTE_NODE) node = node->parent;
  if (node == nullptr) return 0;
  return static_cast<int64_t>(xmlGetLineNo(node));
}

std::string NodeText(XmlNode* node, size_t max_bytes) {
  xmlBufferPtr buffer = xmlBufferCreate();
  if (buffer == nullptr) return "";
  ErrorCapture capture;
  xmlNodeDump(buffer, node->doc, node, 0, 0);
  std::string text(AsChars(xmlBufferContent(buffer)), static_cast<size_t>(xmlBufferLength(buffer)));
  xmlBufferFree(buffer);
  if (text.size() > max_bytes) {
    size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text.resize(end);
  }
  return text;
}

}  // namespace tributary::readers
