// The keys one file application met, by the rowid of their `entities` row, with the line
// of their first occurrence. Internal to the store module.
//
// Kept in memory, not in the table: a file is one transaction, so these marks live exactly
// as long as the work they describe, and marking an unchanged key costs no row write.
// Four bytes per rowid up to the largest one met (4 MB for a million entities).
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace tributary::store {

class SeenInFile {
 public:
  // Records that the key of `rowid` was met at `line`; a later call for the same rowid
  // keeps the first line.
  void Mark(int64_t rowid, int64_t line) {
    if (rowid <= 0) return;
    const auto index = static_cast<size_t>(rowid);
    if (index >= first_line_.size()) first_line_.resize(std::max(index + 1, first_line_.size() * 2), 0);
    if (first_line_[index] == 0) first_line_[index] = Encode(line);
  }

  [[nodiscard]] bool Seen(int64_t rowid) const { return FirstLine(rowid).has_value(); }

  // The line where the key of `rowid` was first met; nullopt when it was not.
  [[nodiscard]] std::optional<int64_t> FirstLine(int64_t rowid) const {
    const auto index = static_cast<size_t>(rowid);
    if (rowid <= 0 || index >= first_line_.size() || first_line_[index] == 0) return std::nullopt;
    return static_cast<int64_t>(first_line_[index]) - 1;
  }

 private:
  // line + 1, so that 0 means "not met" and an API record's line 0 still counts; lines
  // past four billion are clamped (a duplicate's message then names the largest).
  static uint32_t Encode(int64_t line) {
    constexpr int64_t kMax = std::numeric_limits<uint32_t>::max() - 1;
    return static_cast<uint32_t>(std::clamp<int64_t>(line, 0, kMax) + 1);
  }

  std::vector<uint32_t> first_line_;
};

}  // namespace tributary::store
