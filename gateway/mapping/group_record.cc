#include "gateway/mapping/group_record.h"

#include <cstdint>
#include <functional>

namespace tributary::mapping {
namespace {

constexpr uint8_t kPresent = 1;
constexpr uint8_t kWholeColumn = 2;

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>(static_cast<uint8_t>(value) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

uint64_t ZigZag(int64_t value) { return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63); }
int64_t UnZigZag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

// Reads the varints PutVarint wrote; a read past the end, or a varint longer than ten
// bytes, makes ok() false.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  uint64_t Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) break;
      const auto byte = static_cast<uint8_t>(*p_++);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    ok_ = false;
    return 0;
  }
  uint8_t Byte() {
    if (p_ == end_) {
      ok_ = false;
      return 0;
    }
    return static_cast<uint8_t>(*p_++);
  }
  // The next `size` bytes (empty and not ok() when fewer are left).
  std::string_view Bytes(uint64_t size) {
    if (static_cast<uint64_t>(end_ - p_) < size) {
      ok_ = false;
      return {};
    }
    const std::string_view bytes(p_, static_cast<size_t>(size));
    p_ += size;
    return bytes;
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool done() const { return p_ == end_; }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

// Whether `text` lies within `outer` (an empty text lies within it only at one of its bytes).
bool Within(std::string_view outer, std::string_view text) {
  return std::less_equal<const char*>()(outer.data(), text.data()) &&
         std::less_equal<const char*>()(text.data() + text.size(), outer.data() + outer.size());
}

// The column `value` is a slice of, if any (csv fields are).
const std::string_view* ColumnOf(const readers::SourceRecord& record, const readers::FieldValue& value) {
  const auto index = static_cast<size_t>(value.column) - 1;
  if (value.column <= 0 || index >= record.columns.size()) return nullptr;
  return Within(record.columns[index], value.text) ? &record.columns[index] : nullptr;
}

}  // namespace

void PackRecord(const readers::SourceRecord& record, std::string& out) {
  const std::string_view raw = record.raw;
  const std::string_view location = record.location;
  auto in_raw = [&](std::string_view text) { return !raw.empty() && Within(raw, text); };
  // A column is a slice of the raw text (csv) or an extra text. A field is its whole column,
  // a slice of its column, a slice of the raw text, or an extra text.
  auto whole_column = [&](const readers::FieldValue& value, const std::string_view* column) {
    return column != nullptr && column->data() == value.text.data() && column->size() == value.text.size();
  };
  auto extra_field = [&](const readers::FieldValue& value, const std::string_view* column) {
    return column == nullptr && !in_raw(value.text);
  };
  size_t extra_size = 0;
  for (const std::string_view column : record.columns) {
    if (!in_raw(column)) extra_size += column.size();
  }
  for (const readers::FieldValue& value : record.values) {
    if (extra_field(value, ColumnOf(record, value))) extra_size += value.text.size();
  }
  PutVarint(out, raw.size());
  PutVarint(out, location.size());
  PutVarint(out, extra_size);
  PutVarint(out, record.columns.size());
  PutVarint(out, record.values.size());
  out.append(raw);
  out.append(location);
  for (const std::string_view column : record.columns) {
    if (!in_raw(column)) out.append(column);
  }
  for (const readers::FieldValue& value : record.values) {
    if (extra_field(value, ColumnOf(record, value))) out.append(value.text);
  }
  // The entries, with starts counted in the texts above (raw text at 0).
  size_t extra = raw.size() + location.size();
  std::vector<size_t> column_starts(record.columns.size());
  size_t previous_end = 0;
  for (size_t i = 0; i < record.columns.size(); ++i) {
    const std::string_view column = record.columns[i];
    size_t start = extra;
    if (in_raw(column)) {
      start = static_cast<size_t>(column.data() - raw.data());
    } else {
      extra += column.size();
    }
    column_starts[i] = start;
    PutVarint(out, ZigZag(static_cast<int64_t>(start) - static_cast<int64_t>(previous_end)));
    PutVarint(out, column.size());
    previous_end = start + column.size();
  }
  for (const readers::FieldValue& value : record.values) {
    const std::string_view* column = ColumnOf(record, value);
    const bool whole = whole_column(value, column);
    PutVarint(out, ZigZag(value.column));
    out.push_back(static_cast<char>((value.present ? kPresent : 0) | (whole ? kWholeColumn : 0)));
    if (whole) continue;
    size_t start = extra;
    if (column != nullptr) {
      start = column_starts[static_cast<size_t>(value.column) - 1] + static_cast<size_t>(value.text.data() - column->data());
    } else if (in_raw(value.text)) {
      start = static_cast<size_t>(value.text.data() - raw.data());
    } else {
      extra += value.text.size();
    }
    PutVarint(out, start);
    PutVarint(out, value.text.size());
  }
}

bool UnpackRecord(std::string_view packed, std::string_view* raw, std::string_view* location,
                  std::vector<std::string_view>* columns, std::vector<readers::FieldValue>* fields) {
  Reader in(packed);
  const uint64_t raw_size = in.Varint();
  const uint64_t location_size = in.Varint();
  const uint64_t extra_size = in.Varint();
  const uint64_t column_count = in.Varint();
  const uint64_t field_count = in.Varint();
  if (!in.ok() || raw_size > packed.size() || location_size > packed.size() || extra_size > packed.size()) {
    return false;
  }
  const std::string_view texts = in.Bytes(raw_size + location_size + extra_size);
  if (!in.ok()) return false;
  if (raw != nullptr) *raw = texts.substr(0, raw_size);
  if (location != nullptr) *location = texts.substr(raw_size, location_size);
  // Each entry takes at least two bytes: a count past that is damage, not a huge allocation.
  if (column_count > packed.size() || field_count > packed.size()) return false;
  if (columns != nullptr) {
    columns->clear();
    columns->reserve(column_count);
  }
  int64_t previous_end = 0;
  for (uint64_t i = 0; i < column_count; ++i) {
    const int64_t delta = UnZigZag(in.Varint());
    const uint64_t size = in.Varint();
    if (!in.ok() || delta < -previous_end || delta > static_cast<int64_t>(texts.size())) return false;
    const int64_t start = previous_end + delta;
    if (static_cast<uint64_t>(start) > texts.size() || size > texts.size() - static_cast<uint64_t>(start)) {
      return false;
    }
    if (columns != nullptr) columns->push_back(texts.substr(static_cast<size_t>(start), size));
    previous_end = start + static_cast<int64_t>(size);
  }
  if (fields != nullptr) {
    fields->clear();
    fields->reserve(field_count);
  }
  for (uint64_t i = 0; i < field_count; ++i) {
    readers::FieldValue value;
    value.column = static_cast<int>(UnZigZag(in.Varint()));
    const uint8_t flags = in.Byte();
    value.present = (flags & kPresent) != 0;
    if ((flags & kWholeColumn) != 0) {
      if (value.column <= 0 || static_cast<uint64_t>(value.column) > column_count) return false;
      if (fields != nullptr) value.text = (*columns)[static_cast<size_t>(value.column) - 1];
    } else {
      const uint64_t start = in.Varint();
      const uint64_t size = in.Varint();
      if (start > texts.size() || size > texts.size() - start) return false;
      value.text = texts.substr(start, size);
    }
    if (!in.ok()) return false;
    if (fields != nullptr) fields->push_back(value);
  }
  return in.done();
}

}  // namespace tributary::mapping
