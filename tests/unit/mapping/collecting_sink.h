// A RecordSink that keeps everything it receives, for mapping tests.
#pragma once

#include <string>
#include <vector>

#include "gateway/common/diagnostic.h"
#include "gateway/model/record_sink.h"

namespace tributary::mapping {

class CollectingSink : public model::RecordSink {
 public:
  Status OnRecord(model::CanonicalRecord&& record) override {
    if (fail_after_records >= 0 && static_cast<int>(records.size()) >= fail_after_records) {
      return Fail(ErrorCode::kIo, "sink is full");
    }
    records.push_back(std::move(record));
    order.push_back("record " + records.back().entity);
    return Ok();
  }
  Status OnReject(model::Reject&& reject) override {
    rejects.push_back(std::move(reject));
    order.push_back("reject");
    return Ok();
  }

  // Rejects as the dry run prints them.
  std::vector<std::string> RejectLines() const {
    std::vector<std::string> lines;
    for (const model::Reject& r : rejects) {
      lines.push_back(Diagnostic{r.file, static_cast<int>(r.line), r.column, r.field, r.reason}.ToString());
    }
    return lines;
  }

  std::vector<model::CanonicalRecord> records;
  std::vector<model::Reject> rejects;
  std::vector<std::string> order;
  int fail_after_records = -1;
};

}  // namespace tributary::mapping
