// Line diffs for people reading a failed golden case: the unified format of `diff -u`,
// with line numbers, bounded in length. The edit script comes from dtl (Debian's
// libdtl-dev); this file only chooses what to show and how.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tributary::app {

struct DiffOptions {
  size_t context = 2;           // unchanged lines shown around each change
  size_t max_lines = 40;        // lines of diff body printed; the rest is counted
  size_t max_line_chars = 200;  // a longer line is cut, around its first difference
};

// "" when `expected` and `actual` are equal. Otherwise:
//
//   --- expected_rejects.txt
//   +++ actual
//   @@ -3,2 +3,2 @@
//        2  input.csv:2:5: issue_date: …
//   -    3  input.csv:3:5: total: invalid amount "x"
//   +    3  input.csv:3:5: total: invalid amount "y"
//   … 14 more lines of differences
//
// Each body line is a mark (' ', '-', '+'), the line's number (in `expected` for ' ' and
// '-', in `actual` for '+') and its text. A removed line paired with an added one and
// longer than max_line_chars is shown from shortly before their first differing
// character. A last line without a newline says so. Pure; thread-safe.
std::string UnifiedDiff(std::string_view expected, std::string_view actual, std::string_view expected_name,
                        std::string_view actual_name, const DiffOptions& options = {});

}  // namespace tributary::app
