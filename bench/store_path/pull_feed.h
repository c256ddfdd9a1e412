// The pull side of the core sync contract, as a core would read it: GET /v1/changes from
// after=0, each page's next_after passed as the next `after`, until a page is empty.
#pragma once

#include <cstdint>
#include <optional>

#include "bench/store_path/daemon_child.h"

namespace tributary::bench {

struct PullResult {
  int64_t changes = 0;
  int64_t pages = 0;       // requests, the final empty page included
  int64_t body_bytes = 0;
  int64_t last_seq = 0;    // the last next_after
  double seconds = 0;
  double parse_seconds = 0;  // of `seconds`, the reader's own time in its SAX parser
};

// Reads the whole feed of `daemon` with pages of `limit` changes (1..1000). Each page is
// streamed through a SAX parser that counts the changes and reads next_after (no document
// is built). nullopt (reason on stderr) on a transport error, a non-200 answer or a body
// that is not the feed's shape.
std::optional<PullResult> PullWholeFeed(DaemonChild& daemon, int limit);

}  // namespace tributary::bench
