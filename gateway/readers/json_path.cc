#include "gateway/readers/json_path.h"

#include <algorithm>
#include <charconv>

#include "gateway/config/values.h"

namespace tributary::readers {
namespace {

using config::QuoteForMessage;

std::vector<std::string_view> Split(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    parts.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

JsonSegment Segment(std::string_view name) {
  JsonSegment segment{std::string(name)};
  size_t index = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), index);
  if (!name.empty() && ec == std::errc() && end == name.data() + name.size()) segment.index = index;
  return segment;
}

}  // namespace

size_t JsonRecordPath::levels() const {
  return static_cast<size_t>(std::count_if(segments.begin(), segments.end(),
                                           [](const JsonSegment& s) { return s.iterate; }));
}

Result<JsonRecordPath> ParseJsonRecordPath(std::string_view text) {
  JsonRecordPath path;
  if (text.empty()) return path;
  const std::vector<std::string_view> parts = Split(text);
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    JsonSegment segment;
    bool iterate = false;
    if (part.ends_with("[]")) {
      iterate = true;
      part.remove_suffix(2);
    }
    if (part.empty() && !(iterate && i == 0)) {
      return Fail(ErrorCode::kInvalidArgument, "empty segment in records path " + QuoteForMessage(text));
    }
    if (part.find_first_of("[]$^") != std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unexpected character in records path " + QuoteForMessage(text) +
                      " (segments are member names or indexes, \"[]\" after a segment iterates it)");
    }
    if (!part.empty()) {
      segment = Segment(part);
      path.segments.push_back(segment);
    }
    if (iterate) {
      if (part.empty()) {
        path.segments.push_back(JsonSegment{"", std::nullopt, true});
      } else {
        path.segments.back().iterate = true;
      }
    }
  }
  return path;
}

Result<JsonFieldPath> ParseJsonFieldPath(std::string_view text) {
  JsonFieldPath path;
  if (text.empty()) return Fail(ErrorCode::kInvalidArgument, "empty path");
  std::vector<std::string_view> parts = Split(text);
  size_t first = 0;
  if (parts[0] == "$") {
    path.anchor = JsonFieldPath::Anchor::kRoot;
    first = 1;
  } else {
    while (first < parts.size() && !parts[first].empty() &&
           parts[first].find_first_not_of('^') == std::string_view::npos) {
      path.anchor = JsonFieldPath::Anchor::kAncestor;
      path.up += parts[first].size();
      ++first;
    }
  }
  for (size_t i = first; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    if (part.empty()) return Fail(ErrorCode::kInvalidArgument, "empty segment in path " + QuoteForMessage(text));
    if (part.find("[]") != std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument, "a field path cannot iterate (" + QuoteForMessage(text) +
                                                   "): \"[]\" belongs in the records selector; index with .0");
    }
    if (part.find_first_of("$^") != std::string_view::npos) {
      return Fail(ErrorCode::kInvalidArgument, "'$' and '^' may only start a path (" + QuoteForMessage(text) + ")");
    }
    path.segments.push_back(Segment(part));
  }
  return path;
}

}  // namespace tributary::readers
