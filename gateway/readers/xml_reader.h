// The xml RecordReader (libxml2). The whole document is parsed (DOM; at most
// reader.max_document_bytes), securely (xml_support.h). Namespaces of reader.namespaces
// are bound for XPath; a uri ending in '*' binds to the namespace the document uses that
// starts with the text before it (that uri is ReadInfo::detail), and a document using
// none is refused. Records: each plan's XPath (or reader.records) from the document root,
// plan by plan, in document order. Fields: XPath 1.0 relative to the record (or absolute).
// `location` is the record's path ("/Document/BkToCstmrStmt/Stmt/Ntry[3]"), `line` its
// line. Not thread-safe.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "gateway/readers/reader_options.h"
#include "gateway/readers/record_reader.h"
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

  const ReaderOptions& options_;
  const ReadPlan& plan_;
  std::istream& input_;
  ReadInfo info_;
  int64_t bytes_read_ = 0;
  XmlDocPtr doc_;
  XmlContextPtr context_;
  std::vector<std::vector<XmlXPathPtr>> fields_;  // per plan, per field
  std::vector<Found> found_;
  size_t next_ = 0;
  std::vector<std::string> values_;  // per field of the current record
  std::string raw_;
};

// Record selectors and paths that cannot work (ValidatePlan for xml).
void ValidateXmlPlan(const ReaderOptions& options, const ReadPlan& plan, std::vector<PlanProblem>& problems);

}  // namespace tributary::readers
