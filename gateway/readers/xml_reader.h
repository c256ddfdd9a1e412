// The xml RecordReader (libxml2). The whole document is parsed (DOM; at most
// reader.max_document_bytes), securely (xml_support.h). Namespaces of reader.namespaces
// are bound for XPath; a uri ending in '*' binds to the namespace the document uses that
// starts with the text before it (that uri is ReadInfo::detail), and a document using
// none is refused. Records: each plan's XPath (or reader.records) from the document root,
// plan by plan, in document order; a records XPath that is a union ("a | b") is evaluated
// branch by branch and merged in document order (libxml2's own union is O(n*m)). Fields:
// XPath 1.0 relative to the record (or absolute); a `position` field the ordinal of the
// element its XPath selects among its same-named siblings (xml_positions.h). `location` is
// the record's path ("/Document/BkToCstmrStmt/Stmt/Ntry[3]"), `line` its line. Positions
// and locations cost amortised O(1) per record in document order. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
#include "gateway/readers/xml_positions.h"
#include "gateway/readers/xml_support.h"

namespace tributary::readers {

class XmlReader : public RecordReader {
 public:
  XmlReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input);

  Status Start() override;
  Result<bool> Next(SourceRecord& record) override;
  [[nodiscard]] const ReadInfo& info() const override { return info_; }
  [[nodiscard]] int64_t bytes_read() const override { return bytes_read_; }

 private:
  struct Found {
    size_t plan;
    XmlNode* node;
  };

  Status ReadBytes(std::string& bytes);
  Status BindNamespaces();
  Status SelectRecords(size_t plan);
  Result<std::optional<std::string>> Evaluate(const FieldSelector& selector, _xmlXPathCompExpr* expression,
                                              XmlNode* node);

  const ReaderOptions& options_;
  const ReadPlan& plan_;
  std::istream& input_;
  ReadInfo info_;
  int64_t bytes_read_ = 0;
  XmlDocPtr doc_;
  XmlContextPtr context_;
  std::vector<std::vector<XmlXPathPtr>> fields_;  // per plan, per field
  std::vector<Found> found_;
  XmlSiblingIndex siblings_;
  size_t next_ = 0;
  std::vector<std::string> values_;  // per field of the current record
  std::string raw_;
};

// Record selectors and paths that cannot work (ValidatePlan for xml).
void ValidateXmlPlan(const ReaderOptions& options, const ReadPlan& plan, std::vector<PlanProblem>& problems);

// The branches of an XPath expression that is a union at its top level ("a | b[c | d]" ->
// "a ", " b[c | d]"); the whole expression as one branch when it is not a union. Bars
// inside brackets, parentheses and string literals do not split.
std::vector<std::string> XPathUnionBranches(std::string_view expression);

}  // namespace tributary::readers
