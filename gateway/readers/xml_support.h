// libxml2 behind small RAII types for the xml reader: a secure parse (no network, no DTD
// loading, no entity substitution, documents declaring entities refused, every value
// bounded) whose errors are captured rather than printed, compiled XPath expressions, the string value of an XPath
// result, and a node's location path. Each object is single-threaded; distinct objects may
// be used on distinct threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/common/result.h"

// libxml2 types, declared here so that users of this header need not include libxml2.
struct _xmlDoc;
struct _xmlNode;
struct _xmlXPathCompExpr;
struct _xmlXPathContext;

namespace tributary::readers {

using XmlNode = _xmlNode;

struct XmlDocDeleter {
  void operator()(_xmlDoc* doc) const;
};
struct XmlXPathDeleter {
  void operator()(_xmlXPathCompExpr* expression) const;
};
struct XmlContextDeleter {
  void operator()(_xmlXPathContext* context) const;
};
using XmlDocPtr = std::unique_ptr<_xmlDoc, XmlDocDeleter>;
using XmlXPathPtr = std::unique_ptr<_xmlXPathCompExpr, XmlXPathDeleter>;
using XmlContextPtr = std::unique_ptr<_xmlXPathContext, XmlContextDeleter>;

// The most bytes (UTF-8, after decoding) of one run of text and CDATA between two tags, one
// attribute value, one comment or one processing instruction. A csv record may hold 1 MiB;
// an XML value may be larger because UBL and CII invoices embed attachments (a PDF) in
// base64. Below libxml2's own limit without XML_PARSE_HUGE (10,000,000), which it does not
// check on the first piece of a text.
inline constexpr size_t kMaxXmlValueBytes = 8 * 1024 * 1024;

// Parses `bytes` (the whole document). `encoding`: an encoding name that overrides the
// document's declaration, or "" to follow it (then UTF-16 without a byte-order mark is
// recognised by its NUL bytes, even without an XML declaration). The error names the line
// and libxml2's message: "malformed XML at line 3: Opening and ending tag mismatch: Amt
// line 2 and Ntry". Refused whatever the encoding, checked by the parser after decoding: a
// document declaring entities ("the document declares entities (<!ENTITY ...>), which are
// refused"), and a value over kMaxXmlValueBytes ("the text of element <Ustrd> at line 12
// is longer than 8388608 bytes, the most an XML value may be"), refused before libxml2
// copies it.
Result<XmlDocPtr> ParseXml(std::string_view bytes, const std::string& encoding);

// The namespace URIs declared anywhere in the document, in document order, deduplicated.
std::vector<std::string> DeclaredNamespaces(_xmlDoc* doc);
// The namespace of the root element ("" when none).
std::string RootNamespace(_xmlDoc* doc);

// Compiles an XPath 1.0 expression; the error carries libxml2's reason.
Result<XmlXPathPtr> CompileXPath(const std::string& expression);

// The namespace prefixes an XPath expression uses (outside string literals), e.g.
// {"camt"} for "camt:Amt/@Ccy".
std::vector<std::string> XPathPrefixes(std::string_view expression);

// Evaluates `expression` with `node` as the context node. A node-set gives the string
// values of its nodes joined with one space (nullopt when empty); a string its text
// (nullopt when empty); a number with at most 15 significant digits, which drops the
// binary noise of XPath's double arithmetic (integral values without a fraction; NaN is
// nullopt); a boolean "true"/"false". Amounts are best read as node text, not computed.
Result<std::optional<std::string>> EvaluateToText(_xmlXPathContext* context, _xmlXPathCompExpr* expression,
                                                  XmlNode* node);

// The nodes `expression` selects from the document root, in document order. An
// expression that does not give a node-set is an error.
Result<std::vector<XmlNode*>> SelectNodes(_xmlXPathContext* context, _xmlXPathCompExpr* expression);

// The first node in document order that `expression` selects with `node` as the context
// node; nullptr when it selects none. An expression that does not give a node-set is an
// error ("... does not select nodes").
Result<XmlNode*> FirstNode(_xmlXPathContext* context, _xmlXPathCompExpr* expression, XmlNode* node);

// "/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]": local names, an index where siblings share
// the name; attributes end in "/@name".
std::string LocationPath(XmlNode* node);
// The 1-based line where the node (or, for attributes and text, its element) starts.
int64_t LineOf(XmlNode* node);
// The node's XML text, at most `max_bytes` (cut at a UTF-8 boundary).
std::string NodeText(XmlNode* node, size_t max_bytes);

}  // namespace tributary::readers
