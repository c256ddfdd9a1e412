#include "gateway/mapping/group_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

namespace tributary::mapping {
namespace {

// stdio buffer of each spill file: big writes and reads, few system calls.
constexpr size_t kStdioBufferBytes = 64 * 1024;
// The name a spill file has for the instant between its creation and its removal.
constexpr const char* kFileNamePattern = "/tributary-groups-XXXXXX";

// A spill file is read back by the process that wrote it, so plain values are written in
// their in-memory layout.
template <typename T>
void Put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

void PutText(std::string& out, std::string_view text) {
  Put(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

template <typename T>
void PutArray(std::string& out, const std::vector<T>& items) {
  static_assert(std::is_trivially_copyable_v<T>);
  Put(out, static_cast<uint32_t>(items.size()));
  out.append(reinterpret_cast<const char*>(items.data()), items.size() * sizeof(T));
}

// Reads what the Put functions wrote; any read past the end makes ok() false.
class Cursor {
 public:
  explicit Cursor(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  T Get() {
    T value{};
    if (Has(sizeof(T))) {
      std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
      pos_ += sizeof(T);
    }
    return value;
  }
  void Text(std::string& out) {
    const auto size = Get<uint32_t>();
    if (!Has(size)) {
      out.clear();
      return;
    }
    out.assign(bytes_.substr(pos_, size));
    pos_ += size;
  }
  template <typename T>
  void Array(std::vector<T>& items) {
    const auto count = Get<uint32_t>();
    if (!Has(static_cast<size_t>(count) * sizeof(T))) {
      items.clear();
      return;
    }
    items.resize(count);
    std::memcpy(items.data(), bytes_.data() + pos_, count * sizeof(T));
    pos_ += count * sizeof(T);
  }
  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] bool done() const { return pos_ == bytes_.size(); }

 private:
  bool Has(size_t size) {
    if (!ok_ || bytes_.size() - pos_ < size) {
      ok_ = false;
      return false;
    }
    return true;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// The plain part of a GroupState.
struct GroupHeader {
  int64_t order;
  int64_t line;
  int64_t failure_line;
  bool has_record;
  bool failed;
  uint8_t unused[2]{};  // no padding: every byte written is set
  uint32_t raw_size;
};

// The plain part of a GroupAggregate: its value without the text view (the text is in
// GroupAggregate::text). A decimal is its units at its own scale, exactly; one whose units
// do not fit 64 bits follows as text. No padding: every byte written is set.
struct AggregateHeader {
  int64_t count;
  int64_t number;
  int64_t decimal_units;
  int32_t column;
  int32_t decimal_scale;
  Value::Kind kind;
  bool flag;
  bool set;
  bool decimal_as_text;
  uint8_t unused[4]{};
};

void PutAggregate(std::string& out, const GroupAggregate& aggregate) {
  const Value& value = aggregate.value;
  AggregateHeader header{aggregate.count, value.number, 0, value.column, 0, value.kind, value.flag, aggregate.set,
                         false};
  if (value.kind == Value::Kind::kDecimal) {
    header.decimal_scale = value.decimal.scale();
    if (auto units = value.decimal.ToMinorUnits(value.decimal.scale())) {
      header.decimal_units = *units;
    } else {
      header.decimal_as_text = true;
    }
  }
  Put(out, header);
  if (header.decimal_as_text) PutText(out, value.decimal.ToString());
  PutText(out, aggregate.text);
  Put(out, static_cast<uint32_t>(aggregate.distinct.size()));
  for (const std::string& text : aggregate.distinct) PutText(out, text);
}

bool ReadAggregate(Cursor& in, GroupAggregate& aggregate, std::string& scratch) {
  const auto header = in.Get<AggregateHeader>();
  if (header.kind > Value::Kind::kError) return false;
  aggregate.count = header.count;
  aggregate.set = header.set;
  aggregate.value = Value();
  aggregate.value.kind = header.kind;
  aggregate.value.flag = header.flag;
  aggregate.value.column = header.column;
  aggregate.value.number = header.number;
  if (header.kind == Value::Kind::kDecimal) {
    if (header.decimal_as_text) {
      in.Text(scratch);
      auto decimal = model::Decimal::Parse(scratch);
      if (!decimal) return false;
      aggregate.value.decimal = *decimal;
    } else {
      aggregate.value.decimal = model::Decimal::FromMinorUnits(header.decimal_units, header.decimal_scale);
    }
  }
  in.Text(aggregate.text);
  const auto distinct = in.Get<uint32_t>();
  aggregate.distinct.resize(in.ok() ? distinct : 0);
  for (std::string& text : aggregate.distinct) in.Text(text);
  return in.ok();
}

}  // namespace

std::string DefaultSpillDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? std::string(tmpdir) : std::string("/tmp");
}

void EncodeGroup(const GroupState& group, std::string& out) {
  Put(out, GroupHeader{.order = group.order, .line = group.line, .failure_line = group.failure_line,
                       .has_record = group.has_record, .failed = group.failed, .raw_size = group.raw_size});
  PutText(out, group.index_key);
  PutText(out, group.key);
  PutText(out, group.location);
  PutText(out, group.texts);
  PutArray(out, group.spans);
  PutArray(out, group.column_spans);
  Put(out, static_cast<uint32_t>(group.aggregates.size()));
  for (const GroupAggregate& aggregate : group.aggregates) PutAggregate(out, aggregate);
}

bool DecodeGroup(std::string_view bytes, GroupState& group) {
  Cursor in(bytes);
  const auto header = in.Get<GroupHeader>();
  group.order = header.order;
  group.line = header.line;
  group.failure_line = header.failure_line;
  group.has_record = header.has_record;
  group.failed = header.failed;
  in.Text(group.index_key);
  in.Text(group.key);
  in.Text(group.location);
  in.Text(group.texts);
  group.raw_size = header.raw_size;
  if (group.raw_size > group.texts.size()) return false;
  in.Array(group.spans);
  for (const GroupState::Span& span : group.spans) {
    if (static_cast<size_t>(span.offset) + span.size > group.texts.size()) return false;
  }
  in.Array(group.column_spans);
  for (const auto& [offset, size] : group.column_spans) {
    if (static_cast<size_t>(offset) + size > group.texts.size()) return false;
  }
  const auto aggregates = in.Get<uint32_t>();
  group.aggregates.resize(in.ok() ? aggregates : 0);
  std::string scratch;
  for (GroupAggregate& aggregate : group.aggregates) {
    if (!ReadAggregate(in, aggregate, scratch)) return false;
  }
  return in.ok() && in.done();
}

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const std::string& dir) {
  const std::string folder = dir.empty() ? DefaultSpillDir() : dir;
  std::string path = folder + kFileNamePattern;
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);  // mode 0600: the groups are nobody else's
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "grouping needs more memory than its budget and cannot spill to folder " + folder +
                                    ": " + std::strerror(errno));
  }
  // Gone from the folder at once: the open descriptor keeps the data until it is closed.
  ::unlink(path.c_str());
  std::FILE* file = ::fdopen(fd, "w+b");
  if (file == nullptr) {
    const int error = errno;
    ::close(fd);
    return Fail(ErrorCode::kIo, "cannot open a spill file in folder " + folder + ": " + std::strerror(error));
  }
  return std::unique_ptr<SpillFile>(new SpillFile(file, folder));
}

SpillFile::SpillFile(std::FILE* file, std::string dir)
    : file_(file), dir_(std::move(dir)), stdio_buffer_(new char[kStdioBufferBytes]) {
  std::setvbuf(file_, stdio_buffer_.get(), _IOFBF, kStdioBufferBytes);
}

SpillFile::~SpillFile() { std::fclose(file_); }

Status SpillFile::WriteError() const {
  return Fail(ErrorCode::kIo, "cannot write a spill file of grouping in folder " + dir_ + ": " + std::strerror(errno));
}

Status SpillFile::Write(const GroupState& group) {
  buffer_.clear();
  Put(buffer_, uint32_t{0});  // the size, set below
  EncodeGroup(group, buffer_);
  const auto size = static_cast<uint32_t>(buffer_.size() - sizeof(uint32_t));
  std::memcpy(buffer_.data(), &size, sizeof size);
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) return WriteError();
  ++groups_;
  return Ok();
}

Status SpillFile::Rewind() {
  if (std::fflush(file_) != 0) return WriteError();
  if (std::fseek(file_, 0, SEEK_SET) != 0) {
    return Fail(ErrorCode::kIo, "cannot rewind a spill file of grouping in folder " + dir_ + ": " + std::strerror(errno));
  }
  return Ok();
}

Result<bool> SpillFile::Read(GroupState& group) {
  uint32_t size = 0;
  const size_t got = std::fread(&size, 1, sizeof size, file_);
  if (got == 0 && std::feof(file_)) return false;
  auto damaged = [&] {
    return Fail(ErrorCode::kIo, "cannot read back a spill file of grouping in folder " + dir_ +
                                    (std::ferror(file_) ? std::string(": ") + std::strerror(errno) : ": it is damaged"));
  };
  if (got != sizeof size) return damaged();
  buffer_.resize(size);
  if (std::fread(buffer_.data(), 1, size, file_) != size) return damaged();
  if (!DecodeGroup(buffer_, group)) return damaged();
  return true;
}

}  // namespace tributary::mapping
