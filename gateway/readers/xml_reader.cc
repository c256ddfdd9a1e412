#include "gateway/readers/xml_reader.h"

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/readers/encoding.h"
#include "gateway/readers/record_text.h"

namespace tributary::readers {
namespace {

using config::QuoteForMessage;

const std::string& RecordsOf(const ReaderOptions& options, const RecordPlan& plan) {
  return plan.records.empty() ? options.records : plan.records;
}

// The encoding name libxml2 is told when reader.encoding overrides the document's own.
std::string LibxmlEncoding(const InputEncoding& encoding) {
  switch (encoding.kind) {
    case InputEncoding::Kind::kSingle: return std::string(EncodingName(encoding.single));
    case InputEncoding::Kind::kUtf16Le: return "UTF-16LE";
    case InputEncoding::Kind::kUtf16Be: return "UTF-16BE";
    case InputEncoding::Kind::kUtf16: return "UTF-16";
    case InputEncoding::Kind::kAuto:
    case InputEncoding::Kind::kDocument: break;
  }
  return "";
}

// What the user will recognise in a message: the last segment of the uri,
// "urn:iso:std:iso:20022:tech:xsd:camt.053.001.*" -> "camt.053.001.*",
// "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:*" -> "CrossIndustryInvoice".
std::string ShortName(std::string uri) {
  if (uri.ends_with(":*") || uri.ends_with("/*")) uri.resize(uri.size() - 2);
  const size_t cut = uri.find_last_of(":/");
  return cut == std::string::npos ? uri : uri.substr(cut + 1);
}

void CheckXPath(const ReaderOptions& options, const std::string& expression, size_t plan,
                std::optional<size_t> field, std::vector<PlanProblem>& problems) {
  if (auto compiled = CompileXPath(expression); !compiled) {
    problems.push_back({plan, field, compiled.error().message + " in " + QuoteForMessage(expression)});
    return;
  }
  for (const std::string& prefix : XPathPrefixes(expression)) {
    if (prefix == "xml") continue;
    const bool declared = std::any_of(options.namespaces.begin(), options.namespaces.end(),
                                      [&](const XmlNamespace& ns) { return ns.prefix == prefix; });
    if (!declared) {
      problems.push_back({plan, field, "namespace prefix " + QuoteForMessage(prefix) + " in " +
                                           QuoteForMessage(expression) + " is not declared in reader.namespaces"});
    }
  }
}

}  // namespace

void ValidateXmlPlan(const ReaderOptions& options, const ReadPlan& plan, std::vector<PlanProblem>& problems) {
  for (size_t p = 0; p < plan.plans.size(); ++p) {
    const std::string& records = RecordsOf(options, plan.plans[p]);
    if (records.empty()) {
      problems.push_back({p, std::nullopt, "an xml reader needs a records XPath (reader.records or the entity's records)"});
    } else {
      CheckXPath(options, records, p, std::nullopt, problems);
    }
    for (size_t f = 0; f < plan.plans[p].fields.size(); ++f) {
      const FieldSelector& selector = plan.plans[p].fields[f];
      if (selector.kind != FieldSelector::Kind::kPath && selector.kind != FieldSelector::Kind::kPosition) {
        problems.push_back({p, f, "an xml reader reads 'path' (XPath); column, index and preamble need csv or "
                                  "fixed_width"});
        continue;
      }
      if (selector.text.empty()) {
        problems.push_back({p, f, std::string("expected an XPath, found an empty ") +
                                      (selector.kind == FieldSelector::Kind::kPath ? "path" : "position")});
        continue;
      }
      CheckXPath(options, selector.text, p, f, problems);
    }
  }
}

std::vector<std::string> XPathUnionBranches(std::string_view expression) {
  std::vector<std::string> branches;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < expression.size(); ++i) {
    const char c = expression[i];
    if (c == '\'' || c == '"') {
      const size_t close = expression.find(c, i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if ((c == ')' || c == ']') && depth > 0) {
      --depth;
    } else if (c == '|' && depth == 0) {
      branches.emplace_back(expression.substr(start, i - start));
      start = i + 1;
    }
  }
  branches.emplace_back(expression.substr(start));
  return branches;
}

XmlReader::XmlReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input)
    : options_(options), plan_(plan), input_(input) {}

Status XmlReader::ReadBytes(std::string& bytes) {
  const auto limit = static_cast<size_t>(options_.max_document_bytes);
  std::string chunk(64 * 1024, '\0');
  while (true) {
    input_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto count = static_cast<size_t>(input_.gcount());
    bytes_read_ += static_cast<int64_t>(count);
    if (bytes.size() + count > limit) {
      return Fail(ErrorCode::kParse, "the document is larger than reader.max_document_bytes (" +
                                         std::to_string(limit) + " bytes)");
    }
    bytes.append(chunk.data(), count);
    if (count < chunk.size()) break;
  }
  if (input_.bad()) return Fail(ErrorCode::kIo, "read error on the input stream");
  return Ok();
}

Status XmlReader::BindNamespaces() {
  const std::vector<std::string> declared = DeclaredNamespaces(doc_.get());
  for (const XmlNamespace& ns : options_.namespaces) {
    std::string uri = ns.uri;
    if (ns.wildcard()) {
      const std::string_view stem = std::string_view(ns.uri).substr(0, ns.uri.size() - 1);
      auto match = std::find_if(declared.begin(), declared.end(),
                                [&](const std::string& candidate) { return candidate.starts_with(stem); });
      if (match == declared.end()) {
        const std::string root = RootNamespace(doc_.get());
        return Fail(ErrorCode::kParse, "expected a " + ShortName(ns.uri) + " document (namespace " +
                                           QuoteForMessage(ns.uri) + "), found " +
                                           (root.empty() ? std::string("no namespace") : "namespace " + QuoteForMessage(root)));
      }
      uri = *match;
      if (info_.detail.empty()) info_.detail = uri;
    }
    if (xmlXPathRegisterNs(context_.get(), reinterpret_cast<const xmlChar*>(ns.prefix.c_str()),
                           reinterpret_cast<const xmlChar*>(uri.c_str())) != 0) {
      return Fail(ErrorCode::kInternal, "cannot bind namespace prefix " + QuoteForMessage(ns.prefix));
    }
  }
  return Ok();
}

Status XmlReader::Start() {
  std::vector<PlanProblem> problems;
  ValidateXmlPlan(options_, plan_, problems);
  if (!problems.empty()) return Fail(ErrorCode::kInvalidArgument, problems[0].message);
  std::string bytes;
  if (auto status = ReadBytes(bytes); !status) return status;
  auto doc = ParseXml(bytes, LibxmlEncoding(options_.encoding));
  if (!doc) return std::unexpected(doc.error());
  doc_ = std::move(*doc);
  const auto* encoding = reinterpret_cast<const char*>(doc_.get()->encoding);
  info_.encoding = encoding != nullptr ? encoding : "utf-8";
  std::transform(info_.encoding.begin(), info_.encoding.end(), info_.encoding.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  context_.reset(xmlXPathNewContext(doc_.get()));
  if (!context_) return Fail(ErrorCode::kInternal, "cannot create an XPath context");
  if (auto status = BindNamespaces(); !status) return status;

  // Stamps every element with its document order, so that libxml2 compares two nodes in
  // O(1) (sorting a node-set, xmlXPathCmpNodes) instead of walking their siblings.
  xmlXPathOrderDocElems(doc_.get());

  for (size_t p = 0; p < plan_.plans.size(); ++p) {
    if (auto status = SelectRecords(p); !status) return status;
    std::vector<XmlXPathPtr>& fields = fields_.emplace_back();
    for (const FieldSelector& selector : plan_.plans[p].fields) {
      auto compiled = CompileXPath(selector.text);
      if (!compiled) return std::unexpected(compiled.error());
      fields.push_back(std::move(*compiled));
    }
  }
  return Ok();
}

Status XmlReader::SelectRecords(size_t plan) {
  const std::string& text = RecordsOf(options_, plan_.plans[plan]);
  // A union is evaluated branch by branch and the branches merged here, in document order
  // without duplicates: libxml2 merges a union by checking each node of one side against
  // every node of the other, O(n*m) for n entries and m transactions.
  std::vector<XmlNode*> merged;
  for (const std::string& branch : XPathUnionBranches(text)) {
    auto compiled = CompileXPath(branch);
    if (!compiled) return std::unexpected(compiled.error());
    auto nodes = SelectNodes(context_.get(), compiled->get());
    if (!nodes) return Fail(ErrorCode::kInvalidArgument, nodes.error().message + " (" + QuoteForMessage(text) + ")");
    if (merged.empty()) {
      merged = std::move(*nodes);
      continue;
    }
    std::vector<XmlNode*> both;
    both.reserve(merged.size() + nodes->size());
    size_t a = 0;
    size_t b = 0;
    while (a < merged.size() && b < nodes->size()) {
      // 1: merged[a] comes first; 0: the same node; -1: the other one does.
      const int order = xmlXPathCmpNodes(merged[a], (*nodes)[b]);
      if (order == 0) ++b;
      both.push_back(order >= 0 ? merged[a++] : (*nodes)[b++]);
    }
    both.insert(both.end(), merged.begin() + static_cast<std::ptrdiff_t>(a), merged.end());
    both.insert(both.end(), nodes->begin() + static_cast<std::ptrdiff_t>(b), nodes->end());
    merged = std::move(both);
  }
  for (XmlNode* node : merged) found_.push_back(Found{plan, node});
  return Ok();
}

Result<std::optional<std::string>> XmlReader::Evaluate(const FieldSelector& selector, _xmlXPathCompExpr* expression,
                                                       XmlNode* node) {
  if (selector.kind == FieldSelector::Kind::kPath) return EvaluateToText(context_.get(), expression, node);
  auto target = FirstNode(context_.get(), expression, node);
  if (!target) return std::unexpected(target.error());
  if (*target == nullptr) return std::optional<std::string>();
  if ((*target)->type != XML_ELEMENT_NODE) {
    const bool attribute = (*target)->type == XML_ATTRIBUTE_NODE;
    return Fail(ErrorCode::kInvalidArgument, "'position' counts elements; " + QuoteForMessage(selector.text) +
                                                 " selects " + (attribute ? "an attribute" : "a node that is not an element"));
  }
  return std::optional<std::string>(std::to_string(siblings_.Ordinal(*target)));
}

Result<bool> XmlReader::Next(SourceRecord& record) {
  if (!context_) return Fail(ErrorCode::kInternal, "Next() called before a successful Start()");
  if (next_ >= found_.size()) return false;
  const Found& found = found_[next_++];
  const std::vector<XmlXPathPtr>& fields = fields_[found.plan];
  record.plan = found.plan;
  record.line = LineOf(found.node);
  record.location = siblings_.LocationPath(found.node);
  record.error.clear();
  record.error_column = 0;
  record.error_field.clear();
  raw_ = NodeText(found.node, kMaxRawBytes);
  record.raw = raw_;
  record.values.assign(fields.size(), FieldValue{});
  if (values_.size() < fields.size()) values_.resize(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    auto text = Evaluate(plan_.plans[found.plan].fields[i], fields[i].get(), found.node);
    if (!text) {
      if (record.error.empty()) {
        record.error = text.error().message;
        record.error_field = plan_.plans[found.plan].fields[i].text;
      }
      continue;
    }
    if (!*text) continue;
    values_[i] = std::move(**text);
    record.values[i].text = values_[i];
    record.values[i].present = !values_[i].empty();
  }
  return true;
}

}  // namespace tributary::readers
