#include "gateway/mapping/group_spill.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "gateway/mapping/group_record.h"

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

// The plain part of a GroupState. No padding: every byte written is set.
struct GroupHeader {
  int64_t order;
  int64_t line;
  int64_t failure_line;
  uint32_t key_size;
  uint32_t record_size;
  uint16_t aggregate_count;
  bool failed;
  uint8_t unused[5]{};
};
static_assert(sizeof(GroupHeader) == 40);

// Whether aggregate `aggregate` of `group` is one GroupTable could have written: a known
// kind, a decimal in range, a text within the group's aggregate texts.
bool ValidAggregate(const GroupState& group, const GroupAggregate& aggregate) {
  switch (aggregate.kind) {
    case Value::Kind::kDecimal: {
      model::Decimal decimal;
      return model::Decimal::FromUnits(aggregate.units(), aggregate.scale, decimal);
    }
    case Value::Kind::kText:
    case Value::Kind::kError: {
      const uint64_t offset = aggregate.low >> 32;
      const uint64_t size = aggregate.low & 0xffffffffu;
      return offset <= group.texts().size() && size <= group.texts().size() - offset;
    }
    case Value::Kind::kNull:
    case Value::Kind::kDate:
    case Value::Kind::kInteger:
    case Value::Kind::kBool:
      return true;
  }
  return false;
}

}  // namespace

std::string DefaultSpillDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? std::string(tmpdir) : std::string("/tmp");
}

void EncodeGroup(const GroupState& group, std::string& out) {
  Put(out, GroupHeader{.order = group.order, .line = group.line, .failure_line = group.failure_line,
                       .key_size = group.key_size, .record_size = group.record_size,
                       .aggregate_count = group.aggregate_count, .failed = group.failed});
  PutText(out, group.data);
}

bool DecodeGroup(std::string_view bytes, GroupState& group) {
  Cursor in(bytes);
  const auto header = in.Get<GroupHeader>();
  group.order = header.order;
  group.line = header.line;
  group.failure_line = header.failure_line;
  group.key_size = header.key_size;
  group.record_size = header.record_size;
  group.aggregate_count = header.aggregate_count;
  group.failed = header.failed;
  in.Text(group.data);
  if (!in.ok() || !in.done()) return false;
  const uint64_t fixed =
      uint64_t{group.aggregate_count} * sizeof(GroupAggregate) + uint64_t{group.key_size} + group.record_size;
  if (fixed > group.data.size()) return false;
  if (group.has_record() && !ValidRecord(group.record())) return false;
  for (size_t i = 0; i < group.aggregate_count; ++i) {
    if (!ValidAggregate(group, group.aggregate(i))) return false;
  }
  return true;
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
