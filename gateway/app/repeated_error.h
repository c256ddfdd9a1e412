// Which log lines a connector's failing polls deserve, so that a connector failing every
// few seconds for an hour writes a handful of lines, not a thousand:
//  - a failure whose message differs from the previous poll's (or follows a success): at
//    once;
//  - the same message on consecutive polls: again 1 minute after the line that last
//    reported it, then after 2, 4, 8… minutes, at most 1 hour apart, each time with how
//    many consecutive polls failed and since when;
//  - the first success after failures: once, with the same count.
// Not thread-safe: the connector's runner thread owns it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tributary::app {

class RepeatedErrorLog {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  static constexpr std::chrono::minutes kFirstRepeat{1};
  static constexpr std::chrono::minutes kLongestRepeat{60};

  struct Line {
    int64_t failures = 0;  // consecutive failed polls so far (1 on the first)
    TimePoint since;       // when the first of them failed
    bool repeated = false;  // the same message was logged before
  };

  // A poll failed with `message` at `now`: the line to log, or nullopt for none.
  std::optional<Line> Failed(const std::string& message, TimePoint now);
  // A poll succeeded: the recovery line (failures before it, since when), or nullopt when
  // the previous poll succeeded too.
  std::optional<Line> Succeeded();

 private:
  std::string message_;  // of the failures in a row; "" after a success
  int64_t failures_ = 0;
  TimePoint since_;
  TimePoint last_logged_;
  std::chrono::minutes interval_ = kFirstRepeat;
};

}  // namespace tributary::app
