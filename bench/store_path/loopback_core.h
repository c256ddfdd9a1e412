// A minimal collection core for store_path_bench: a real HTTP server on loopback (the
// project's own, Boost.Beast) that takes push batches as docs/core-sync.md says and
// counts what it acknowledged and when.
//
// It checks the bearer token and that the Idempotency-Key equals batch_id, remembers
// every answer per Idempotency-Key (a batch sent again gets the same answer, nothing is
// applied twice) and the last version per key (a change at or below it is `duplicate`,
// any other `applied`). It keeps no entity data: a change body is read (streamed through
// a SAX parser) only for its seq, key and version.
//
// Thread-safety: the server's handler threads and the accessors share one mutex.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "gateway/http/http_server.h"

namespace tributary::bench {

struct CoreCounts {
  int64_t batches = 0;     // batches answered 200 (replays included)
  int64_t replays = 0;     // answered from idempotency memory
  int64_t applied = 0;
  int64_t duplicates = 0;
  int64_t last_seq = 0;    // highest seq acknowledged
  int64_t body_bytes = 0;  // request bodies received
  // Time spent in the handler (reading the body, building the answer): the core's share
  // of each round trip, which the daemon waits for since one batch is in flight.
  double handling_seconds = 0;
  std::optional<std::chrono::steady_clock::time_point> first_request;
  std::optional<std::chrono::steady_clock::time_point> last_answer;
  // The observed daemon's CPU seconds when the first batch arrived and when the last
  // answer left (see ObserveDaemon).
  double daemon_cpu_at_first = 0;
  double daemon_cpu_at_last = 0;
};

class LoopbackCore {
 public:
  // Serves POST /sync/v1/batches on 127.0.0.1 (a free port). nullptr (reason on stderr)
  // when the server does not start.
  static std::unique_ptr<LoopbackCore> Start(std::string token);
  ~LoopbackCore();

  // The value of core.push.url.
  std::string url() const;
  // The daemon whose CPU time is sampled at the first batch and at every answer.
  void ObserveDaemon(pid_t pid);
  CoreCounts counts() const;

 private:
  explicit LoopbackCore(std::string token) : token_(std::move(token)) {}
  http::Response Handle(const http::Request& request);

  const std::string token_;
  std::unique_ptr<http::HttpServer> server_;

  mutable std::mutex mutex_;
  // All below guarded by mutex_.
  pid_t daemon_ = -1;
  CoreCounts counts_;
  std::unordered_map<std::string, std::string> answers_;   // Idempotency-Key -> answer
  std::unordered_map<std::string, int64_t> versions_;      // entity key -> last version
};

}  // namespace tributary::bench
