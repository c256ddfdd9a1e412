// `tributary map`: maps input files and prints what would be ingested, applying nothing.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "gateway/mapping/line_writer.h"
#include "gateway/mapping/mapping.h"
#include "gateway/model/record_sink.h"

namespace tributary::mapping {

// A RecordSink that prints a dry run: each record's data as one JSON line on `out`, each
// reject as "file:line:col: field: reason" on `err` ("file:line: [location] field: reason"
// for xml/json records), and keeps the counts and amounts for Summary(). Borrows the
// streams; not thread-safe.
class DryRunPrinter : public model::RecordSink {
 public:
  // `source_record_noun` names the mapped file's records in the summary
  // (Mapping::source_record_noun).
  DryRunPrinter(std::span<const EntityInfo> entities, std::ostream& out, std::ostream& err,
                std::string_view source_record_noun = "row");

  Status OnRecord(model::CanonicalRecord&& record) override;
  Status OnReject(model::Reject&& reject) override;
  // Prints CanonicalRecord::json: the engine need not build `data`.
  [[nodiscard]] bool WantsData() const override { return false; }

  // Adds the rows of one mapped file (RunStats::rows) to the summary.
  void AddRows(int64_t rows) { rows_ += rows; }
  // Adds rows and skipped records of one mapped file.
  void AddStats(const RunStats& stats) {
    rows_ += stats.rows;
    skipped_ += stats.skipped;
  }
  [[nodiscard]] int64_t rejects() const { return rejects_; }
  // Sends the record lines to `lines` (borrowed) instead of the `out` stream; a reject
  // flushes the lines before it.
  void SendLinesTo(LineWriter& lines) { lines_ = &lines; }

  // "summary: 3 rows, 4 records (customer 2, receivable 2), 1 reject, 2 skipped; open
  // amount 1234.56 EUR, 10.000 KWD; payments 500.00 EUR". The open amount per currency is
  // the open_amount of the receivables, credit notes and payments on account subtracted;
  // payments are the amounts of `payment` records per currency. "skipped" (records every
  // filter left out) and each amount clause are left out when there is none.
  [[nodiscard]] std::string Summary() const;

 private:
  std::ostream& out_;
  std::ostream& err_;
  LineWriter* lines_ = nullptr;
  std::vector<std::pair<std::string, int64_t>> records_by_entity_;  // mapping order
  std::map<std::string, int64_t> open_minor_by_currency_;
  std::pair<const std::string, int64_t>* last_open_ = nullptr;  // the last one added to
  std::map<std::string, int64_t> payment_minor_by_currency_;
  std::string source_record_noun_;
  int64_t rows_ = 0;
  int64_t skipped_ = 0;
  int64_t records_ = 0;
  int64_t rejects_ = 0;
};

// The body of `tributary map --mapping M [--tenant T --source S --legal-entity L] INPUT…`.
// Maps each input in turn with `base` (file name and, unless base sets it, the file's
// mtime as source_updated_at filled per file; the input is not hashed: nothing printed
// shows the provenance), prints records to `out`, rejects and
// a summary to `err`. Returns 0 when nothing was rejected, 1 when some rows were, 2 when
// the mapping or an input is unusable (its diagnostics or error printed to `err`).
int RunMapCommand(const std::string& mapping_path, const std::vector<std::string>& inputs,
                  const MappingContext& base, std::ostream& out, std::ostream& err);

}  // namespace tributary::mapping
