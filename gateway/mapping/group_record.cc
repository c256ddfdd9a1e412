#include "gateway/mapping/group_record.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>

namespace tributary::mapping {
namespace {

constexpr uint8_t kPresent = 1;
constexpr uint8_t kWholeColumn = 2;

// The most bytes a varint takes.
constexpr size_t kMaxVarint = 10;

// Writes `value` at `p` (kMaxVarint bytes of room); returns the end.
char* PutVarint(char* p, uint64_t value) {
  while (value >= 0x80) {
    *p++ = static_cast<char>(static_cast<uint8_t>(value) | 0x80);
    value >>= 7;
  }
  *p++ = static_cast<char>(value);
  return p;
}

uint64_t ZigZag(int64_t value) { return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63); }
int64_t UnZigZag(uint64_t value) { return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1); }

// Reads the varints PutVarint wrote; a read past the end, or a varint longer than ten
// bytes, makes ok() false.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}

  uint64_t Varint() {
    if (p_ != end_ && (static_cast<uint8_t>(*p_) & 0x80) == 0) return static_cast<uint8_t>(*p_++);  // most are
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
  // Room for the most the form can take, written through a pointer, then cut to size.
  const size_t start = out.size();
  const size_t room = 5 * kMaxVarint + raw.size() + location.size() + extra_size +
                      record.columns.size() * 2 * kMaxVarint + record.values.size() * (1 + 3 * kMaxVarint);
  char* p = nullptr;
  out.resize_and_overwrite(start + room, [&](char* data, size_t) {
    p = data + start;
    return start + room;
  });
  auto append = [&p](std::string_view text) {
    if (!text.empty()) std::memcpy(p, text.data(), text.size());
    p += text.size();
  };
  p = PutVarint(p, raw.size());
  p = PutVarint(p, location.size());
  p = PutVarint(p, extra_size);
  p = PutVarint(p, record.columns.size());
  p = PutVarint(p, record.values.size());
  append(raw);
  append(location);
  for (const std::string_view column : record.columns) {
    if (!in_raw(column)) append(column);
  }
  for (const readers::FieldValue& value : record.values) {
    if (extra_field(value, ColumnOf(record, value))) append(value.text);
  }
  // The entries, with starts counted in the texts above (raw text at 0).
  size_t extra = raw.size() + location.size();
  // Each column's start, for the fields inside it (on the stack for up to 64 columns).
  std::array<size_t, 64> few_starts{};
  std::vector<size_t> many_starts(record.columns.size() > few_starts.size() ? record.columns.size() : 0);
  size_t* column_starts = many_starts.empty() ? few_starts.data() : many_starts.data();
  size_t previous_end = 0;
  for (size_t i = 0; i < record.columns.size(); ++i) {
    const std::string_view column = record.columns[i];
    size_t column_start = extra;
    if (in_raw(column)) {
      column_start = static_cast<size_t>(column.data() - raw.data());
    } else {
      extra += column.size();
    }
    column_starts[i] = column_start;
    p = PutVarint(p, ZigZag(static_cast<int64_t>(column_start) - static_cast<int64_t>(previous_end)));
    p = PutVarint(p, column.size());
    previous_end = column_start + column.size();
  }
  for (const readers::FieldValue& value : record.values) {
    const std::string_view* column = ColumnOf(record, value);
    const bool whole = whole_column(value, column);
    p = PutVarint(p, ZigZag(value.column));
    *p++ = static_cast<char>((value.present ? kPresent : 0) | (whole ? kWholeColumn : 0));
    if (whole) continue;
    size_t field_start = extra;
    if (column != nullptr) {
      field_start = column_starts[static_cast<size_t>(value.column) - 1] +
                    static_cast<size_t>(value.text.data() - column->data());
    } else if (in_raw(value.text)) {
      field_start = static_cast<size_t>(value.text.data() - raw.data());
    } else {
      extra += value.text.size();
    }
    p = PutVarint(p, field_start);
    p = PutVarint(p, value.text.size());
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

namespace {

// UnpackRecord, and with `check` the whole form walked even when no part past the texts is
// wanted.
bool Unpack(std::string_view packed, std::string_view* raw, std::string_view* location,
            std::vector<std::string_view>* columns, std::vector<readers::FieldValue>* fields, bool check) {
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
  if (!check && columns == nullptr && fields == nullptr) return true;
  // Each entry takes at least two bytes: a count past that is damage, not a huge allocation.
  if (column_count > packed.size() || field_count > packed.size()) return false;
  if (columns != nullptr) columns->resize(column_count);
  int64_t previous_end = 0;
  for (uint64_t i = 0; i < column_count; ++i) {
    const int64_t delta = UnZigZag(in.Varint());
    const uint64_t size = in.Varint();
    if (!in.ok() || delta < -previous_end || delta > static_cast<int64_t>(texts.size())) return false;
    const int64_t start = previous_end + delta;
    if (static_cast<uint64_t>(start) > texts.size() || size > texts.size() - static_cast<uint64_t>(start)) {
      return false;
    }
    if (columns != nullptr) (*columns)[i] = texts.substr(static_cast<size_t>(start), size);
    previous_end = start + static_cast<int64_t>(size);
  }
  if (fields != nullptr) fields->resize(field_count);
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
    if (fields != nullptr) (*fields)[i] = value;
  }
  return in.done();
}

}  // namespace

bool UnpackRecord(std::string_view packed, std::string_view* raw, std::string_view* location,
                  std::vector<std::string_view>* columns, std::vector<readers::FieldValue>* fields) {
  return Unpack(packed, raw, location, columns, fields, false);
}

bool ValidRecord(std::string_view packed) { return Unpack(packed, nullptr, nullptr, nullptr, nullptr, true); }

}  // namespace tributary::mapping
