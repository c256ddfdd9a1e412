// Generated generic open-items snapshots for store_path_bench: the shape of ingest_bench's
// file (9 columns, ~5 000 customers, one invoice or credit note per row), with the
// variations the benchmark's phases need.
#pragma once

#include <cstdint>
#include <filesystem>

namespace tributary::bench {

struct SnapshotSpec {
  int64_t rows = 0;
  // Invoice numbers run from first_invoice to first_invoice + rows - 1: a later day's
  // snapshot starts further on, so the oldest invoices (paid) are absent from it.
  int64_t first_invoice = 0;
  // Day of a daily history (0 = none): on day d, the invoices j with (j + d) % 200 == 0
  // are paid one cent more than the day before, so 0.5 % of the rows change each day.
  int day = 0;
  // One row in a hundred (invoice numbers divisible by 100) has its open amount one cent
  // lower than in the plain file.
  bool one_percent_changed = false;
  // The first data row's account number is written in CSV quotes: the same rows in other
  // bytes (another content hash, so the file is not skipped as already applied).
  bool quote_first_field = false;
};

// Writes the snapshot to `path` (truncating). Returns the bytes written.
int64_t WriteSnapshot(const std::filesystem::path& path, const SnapshotSpec& spec);

}  // namespace tributary::bench
