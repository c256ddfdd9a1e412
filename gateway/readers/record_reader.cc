// OpenReader and ValidatePlan: the dispatch over reader types.
#include "gateway/readers/record_reader.h"

#include <algorithm>

#include "gateway/config/values.h"
#include "gateway/readers/csv_record_reader.h"
#include "gateway/readers/fixed_width_reader.h"
#include "gateway/readers/json_reader.h"
#include "gateway/readers/reader_options.h"
#include "gateway/readers/xml_reader.h"

namespace tributary::readers {
namespace {

using config::QuoteForMessage;

void ValidateLineFields(const ReaderOptions& options, const RecordPlan& record_plan, size_t plan_index,
                        std::vector<PlanProblem>& problems) {
  const bool csv = options.type == ReaderType::kCsv;
  const std::string type(ReaderTypeName(options.type));
  if (!record_plan.records.empty()) {
    problems.push_back({plan_index, std::nullopt, "'records' applies to xml and json readers, not " + type});
  }
  for (size_t f = 0; f < record_plan.fields.size(); ++f) {
    const FieldSelector& selector = record_plan.fields[f];
    auto problem = [&](std::string message) { problems.push_back({plan_index, f, std::move(message)}); };
    switch (selector.kind) {
      case FieldSelector::Kind::kPath:
        problem("'path' needs an xml or json reader; a " + type + " reader reads columns");
        break;
      case FieldSelector::Kind::kPosition:
        problem("'position' needs an xml reader; a " + type + " reader reads columns");
        break;
      case FieldSelector::Kind::kColumn:
        if (csv && !options.csv.header) {
          problem("'column' needs reader.header: true; without a header use 'index'");
        } else if (!csv) {
          const auto& columns = options.fixed_width.columns;
          if (std::none_of(columns.begin(), columns.end(),
                           [&](const FixedWidthColumn& c) { return c.name == selector.text; })) {
            std::string declared;
            for (const FixedWidthColumn& c : columns) declared += (declared.empty() ? "" : ", ") + c.name;
            problem("column " + QuoteForMessage(selector.text) + " is not declared in reader.columns (declared: " +
                    declared + ")");
          }
        }
        break;
      case FieldSelector::Kind::kIndex:
        if (!csv) {
          problem("a fixed_width reader reads the columns declared in reader.columns, by name; 'index' needs csv");
        } else if (selector.index < 1) {
          problem("expected a column index of 1 or more, found " + std::to_string(selector.index));
        } else if (options.csv.columns && selector.index > *options.csv.columns) {
          problem("column index " + std::to_string(selector.index) + " is beyond reader.columns (" +
                  std::to_string(*options.csv.columns) + ")");
        }
        break;
      case FieldSelector::Kind::kPreamble:
        if (selector.line < 1 || selector.line > options.preamble_lines) {
          problem("preamble line " + std::to_string(selector.line) + " is not among the " +
                  std::to_string(options.preamble_lines) + " lines of reader.preamble_lines");
        } else if (selector.index < 0) {
          problem("expected a preamble field of 1 or more (0: the whole line), found " +
                  std::to_string(selector.index));
        } else if (!csv && selector.index > 0) {
          problem("a fixed_width preamble line has no fields: read the whole line (field 0) and cut it with "
                  "'substring'");
        }
        break;
    }
  }
}

// A reader whose Start() fails: for a plan that ValidatePlan would have refused.
class FailingReader : public RecordReader {
 public:
  explicit FailingReader(std::string message) : message_(std::move(message)) {}
  Status Start() override { return Fail(ErrorCode::kInvalidArgument, message_); }
  Result<bool> Next(SourceRecord&) override { return Fail(ErrorCode::kInvalidArgument, message_); }
  [[nodiscard]] const ReadInfo& info() const override { return info_; }
  [[nodiscard]] int64_t bytes_read() const override { return 0; }

 private:
  std::string message_;
  ReadInfo info_;
};

}  // namespace

std::vector<PlanProblem> ValidatePlan(const ReaderOptions& options, const ReadPlan& plan) {
  std::vector<PlanProblem> problems;
  switch (options.type) {
    case ReaderType::kCsv:
    case ReaderType::kFixedWidth:
      if (plan.plans.size() > 1) {
        problems.push_back({1, std::nullopt, "a " + std::string(ReaderTypeName(options.type)) +
                                                 " reader reads one kind of record; 'records' needs xml or json"});
      }
      for (size_t p = 0; p < plan.plans.size(); ++p) ValidateLineFields(options, plan.plans[p], p, problems);
      break;
    case ReaderType::kXml:
      ValidateXmlPlan(options, plan, problems);
      break;
    case ReaderType::kJson:
    case ReaderType::kJsonLines:
      ValidateJsonPlan(options, plan, problems);
      break;
  }
  return problems;
}

std::unique_ptr<RecordReader> OpenReader(const ReaderOptions& options, const ReadPlan& plan, std::istream& input,
                                         std::string display_name) {
  (void)display_name;  // messages name the input's positions; the caller prefixes the name
  const std::vector<PlanProblem> problems = ValidatePlan(options, plan);
  if (!problems.empty()) return std::make_unique<FailingReader>("the mapping cannot be read: " + problems[0].message);
  switch (options.type) {
    case ReaderType::kCsv:
      return std::make_unique<CsvRecordReader>(options, plan, input);
    case ReaderType::kFixedWidth:
      return std::make_unique<FixedWidthReader>(options, plan, input);
    case ReaderType::kXml:
      return std::make_unique<XmlReader>(options, plan, input);
    case ReaderType::kJson:
    case ReaderType::kJsonLines:
      return std::make_unique<JsonReader>(options, plan, input);
  }
  return std::make_unique<FailingReader>("unknown reader type");
}

}  // namespace tributary::readers
