#include "gateway/app/text_diff.h"

#include <algorithm>
#include <vector>

#include <dtl/dtl.hpp>

namespace tributary::app {
namespace {

constexpr std::string_view kNoNewline = "  [no newline at end of file]";
// Characters shown before the first difference of a long changed line.
constexpr size_t kLeadBeforeDifference = 40;

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t newline = text.find('\n', start);
    if (newline == std::string_view::npos) {
      lines.push_back(std::string(text.substr(start)) + std::string(kNoNewline));
      break;
    }
    lines.emplace_back(text.substr(start, newline - start));
    start = newline + 1;
  }
  return lines;
}

enum class Mark { kCommon, kRemoved, kAdded };

struct Edit {
  Mark mark;
  std::string text;
  long long expected_line;  // 1-based; 0 for an added line
  long long actual_line;    // 1-based; 0 for a removed line
  size_t first_difference = 0;  // in a paired removed/added line: where they start to differ
};

std::vector<Edit> EditScript(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  dtl::Diff<std::string, std::vector<std::string>> diff(expected, actual);
  diff.compose();
  std::vector<Edit> edits;
  for (const auto& [text, info] : diff.getSes().getSequence()) {
    Mark mark = info.type == dtl::SES_ADD ? Mark::kAdded : info.type == dtl::SES_DELETE ? Mark::kRemoved : Mark::kCommon;
    edits.push_back({mark, text, info.beforeIdx, info.afterIdx});
  }
  // Pair each run of removed lines with the run of added lines after it, so a long line
  // can be shown where it changed.
  for (size_t i = 0; i < edits.size();) {
    size_t removed_end = i;
    while (removed_end < edits.size() && edits[removed_end].mark == Mark::kRemoved) ++removed_end;
    size_t added_end = removed_end;
    while (added_end < edits.size() && edits[added_end].mark == Mark::kAdded) ++added_end;
    const size_t pairs = std::min(removed_end - i, added_end - removed_end);
    for (size_t k = 0; k < pairs; ++k) {
      const std::string& before = edits[i + k].text;
      const std::string& after = edits[removed_end + k].text;
      const auto mismatch = std::ranges::mismatch(before, after);
      const size_t at = static_cast<size_t>(mismatch.in1 - before.begin());
      edits[i + k].first_difference = at;
      edits[removed_end + k].first_difference = at;
    }
    i = std::max(added_end, i + 1);
  }
  return edits;
}

// Moves `at` back to the start of a UTF-8 character.
size_t CharacterStart(const std::string& text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

std::string Shown(const Edit& edit, size_t max_chars) {
  const std::string& text = edit.text;
  if (text.size() <= max_chars) return text;
  size_t start = edit.first_difference > kLeadBeforeDifference ? edit.first_difference - kLeadBeforeDifference : 0;
  start = CharacterStart(text, start);
  size_t end = CharacterStart(text, std::min(text.size(), start + max_chars));
  std::string shown = start > 0 ? "…" : "";
  shown += text.substr(start, end - start);
  if (end < text.size()) shown += "…";
  return shown;
}

struct Hunk {
  size_t begin = 0;  // edits [begin, end)
  size_t end = 0;
};

std::vector<Hunk> Hunks(const std::vector<Edit>& edits, size_t context) {
  std::vector<Hunk> hunks;
  for (size_t i = 0; i < edits.size(); ++i) {
    if (edits[i].mark == Mark::kCommon) continue;
    const size_t begin = i >= context ? i - context : 0;
    size_t last_change = i;
    size_t j = i + 1;
    // Changes separated by at most 2 × context common lines share a hunk.
    while (j < edits.size()) {
      if (edits[j].mark != Mark::kCommon) {
        last_change = j;
      } else if (j - last_change > 2 * context) {
        break;
      }
      ++j;
    }
    const size_t end = std::min(edits.size(), last_change + 1 + context);
    if (!hunks.empty() && begin <= hunks.back().end) {
      hunks.back().end = end;
    } else {
      hunks.push_back({begin, end});
    }
    i = last_change;
  }
  return hunks;
}

std::string HunkHeader(const std::vector<Edit>& edits, const Hunk& hunk) {
  long long expected_first = 0, expected_count = 0, actual_first = 0, actual_count = 0;
  long long expected_before = 0, actual_before = 0;  // lines of each side before the hunk
  for (size_t i = 0; i < hunk.begin; ++i) {
    if (edits[i].mark != Mark::kAdded) ++expected_before;
    if (edits[i].mark != Mark::kRemoved) ++actual_before;
  }
  for (size_t i = hunk.begin; i < hunk.end; ++i) {
    if (edits[i].mark != Mark::kAdded) ++expected_count;
    if (edits[i].mark != Mark::kRemoved) ++actual_count;
  }
  expected_first = expected_count > 0 ? expected_before + 1 : expected_before;
  actual_first = actual_count > 0 ? actual_before + 1 : actual_before;
  return "@@ -" + std::to_string(expected_first) + "," + std::to_string(expected_count) + " +" +
         std::to_string(actual_first) + "," + std::to_string(actual_count) + " @@";
}

std::string BodyLine(const Edit& edit, int number_width, size_t max_chars) {
  const char mark = edit.mark == Mark::kAdded ? '+' : edit.mark == Mark::kRemoved ? '-' : ' ';
  std::string number = std::to_string(edit.mark == Mark::kAdded ? edit.actual_line : edit.expected_line);
  std::string line(1, mark);
  line.append(static_cast<size_t>(std::max(0, number_width - static_cast<int>(number.size()))), ' ');
  line += number + "  " + Shown(edit, max_chars);
  return line;
}

}  // namespace

std::string UnifiedDiff(std::string_view expected, std::string_view actual, std::string_view expected_name,
                        std::string_view actual_name, const DiffOptions& options) {
  if (expected == actual) return "";
  const std::vector<std::string> expected_lines = SplitLines(expected);
  const std::vector<std::string> actual_lines = SplitLines(actual);
  const std::vector<Edit> edits = EditScript(expected_lines, actual_lines);
  const int number_width =
      std::max<int>(4, static_cast<int>(std::to_string(std::max(expected_lines.size(), actual_lines.size())).size()));

  std::string out = "--- " + std::string(expected_name) + "\n+++ " + std::string(actual_name) + "\n";
  size_t printed = 0;
  size_t unshown_changes = 0;
  for (const Hunk& hunk : Hunks(edits, options.context)) {
    for (size_t i = hunk.begin; i <= hunk.end; ++i) {
      const bool header = i == hunk.begin;
      const Edit* edit = header ? nullptr : &edits[i - 1];
      if (printed >= options.max_lines) {
        if (edit != nullptr && edit->mark != Mark::kCommon) ++unshown_changes;
        continue;
      }
      out += header ? HunkHeader(edits, hunk) : BodyLine(*edit, number_width, options.max_line_chars);
      out += '\n';
      ++printed;
    }
  }
  if (unshown_changes > 0) {
    out += "… " + std::to_string(unshown_changes) + " more changed line" + (unshown_changes == 1 ? "" : "s") +
           " not shown\n";
  }
  return out;
}

}  // namespace tributary::app
