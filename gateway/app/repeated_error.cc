#include "gateway/app/repeated_error.h"

#include <algorithm>

namespace tributary::app {

std::optional<RepeatedErrorLog::Line> RepeatedErrorLog::Failed(const std::string& message, TimePoint now) {
  if (failures_ == 0 || message != message_) {
    // A new problem (or the first): said at once. The count restarts with it.
    message_ = message;
    failures_ = 1;
    since_ = now;
    last_logged_ = now;
    interval_ = kFirstRepeat;
    return Line{.failures = 1, .since = now, .repeated = false};
  }
  ++failures_;
  if (now - last_logged_ < interval_) return std::nullopt;
  last_logged_ = now;
  interval_ = std::min<std::chrono::minutes>(interval_ * 2, kLongestRepeat);
  return Line{.failures = failures_, .since = since_, .repeated = true};
}

std::optional<RepeatedErrorLog::Line> RepeatedErrorLog::Succeeded() {
  if (failures_ == 0) return std::nullopt;
  Line line{.failures = failures_, .since = since_, .repeated = false};
  failures_ = 0;
  message_.clear();
  interval_ = kFirstRepeat;
  return line;
}

}  // namespace tributary::app
