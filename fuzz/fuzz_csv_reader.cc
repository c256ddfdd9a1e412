// libFuzzer target: readers::CsvReader over arbitrary bytes.
//
// The first input byte chooses the dialect (delimiter, quoting, escape, skip_lines, record
// bound); the rest is the file. Every input is read twice, with 64 KiB chunks and with
// chunks of 1 to 8 bytes: the records must be identical, since where a chunk ends must
// never change what is read. Each field of a good record is also decoded in every
// encoding, as the readers do.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "gateway/readers/csv_reader.h"
#include "gateway/readers/encoding.h"

namespace {

using tributary::readers::CsvOptions;
using tributary::readers::CsvReader;
using tributary::readers::CsvRecord;

struct ReadRecord {
  int64_t line = 0;
  std::vector<std::string> fields;
  std::string raw;
  std::string error;
  int error_column = 0;

  bool operator==(const ReadRecord&) const = default;
};

std::vector<ReadRecord> ReadAll(const std::string& bytes, const CsvOptions& options) {
  std::istringstream input(bytes);
  CsvReader reader(input, options);
  CsvRecord record;
  std::vector<ReadRecord> out;
  int64_t previous_line = 0;
  while (true) {
    auto more = reader.Next(record);
    if (!more || !*more) break;
    if (record.line < previous_line || record.line < 1) {
      std::fprintf(stderr, "record line %lld after %lld\n", static_cast<long long>(record.line),
                   static_cast<long long>(previous_line));
      std::abort();
    }
    previous_line = record.line;
    ReadRecord copy{record.line, {}, std::string(record.raw), record.error, record.error_column};
    if (record.ok()) {
      for (std::string_view field : record.fields) copy.fields.emplace_back(field);
    }
    out.push_back(std::move(copy));
  }
  if (reader.bytes_read() > static_cast<int64_t>(bytes.size())) {
    std::fprintf(stderr, "bytes_read %lld beyond the input (%zu)\n", static_cast<long long>(reader.bytes_read()),
                 bytes.size());
    std::abort();
  }
  return out;
}

void DecodeEveryField(const std::vector<ReadRecord>& records) {
  using tributary::readers::Encoding;
  for (const ReadRecord& record : records) {
    for (const std::string& field : record.fields) {
      for (Encoding encoding : {Encoding::kUtf8, Encoding::kWindows1252, Encoding::kIso8859_1, Encoding::kIso8859_15}) {
        std::string utf8;
        (void)tributary::readers::AppendUtf8(field, encoding, utf8);
        (void)tributary::readers::DecodeForDisplay(field, encoding);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t dialect = data[0];
  static constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  CsvOptions options;
  options.delimiter = kDelimiters[dialect & 3];
  options.quote = (dialect & 4) ? '\0' : '"';
  options.escape = (dialect & 8) ? '\\' : '\0';
  options.skip_lines = (dialect >> 4) & 1;
  options.max_record_bytes = (dialect & 0x20) ? 16 : 1024 * 1024;
  const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);

  const std::vector<ReadRecord> whole = ReadAll(bytes, options);
  CsvOptions small = options;
  small.chunk_size = 1 + ((dialect >> 6) | ((size & 1) << 2));  // 1..8 bytes
  const std::vector<ReadRecord> chunked = ReadAll(bytes, small);
  if (whole != chunked) {
    std::fprintf(stderr, "%zu records with 64 KiB chunks, %zu with %zu-byte chunks (or different content)\n",
                 whole.size(), chunked.size(), small.chunk_size);
    std::abort();
  }
  DecodeEveryField(whole);
  return 0;
}
