// A collection core for tests: a real HTTP server on loopback that speaks the core sync
// contract (v1) exactly, remembers what it applied, and fails on demand.
//
// Thread-safety: every method may be called from any thread while the server serves
// requests on its own threads; state is guarded by one mutex. Stop()/Restart() must not
// be called from inside a request (they wait for requests in flight).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/common/result.h"
#include "gateway/http/http_server.h"

namespace tributary::testing {

struct FakeCoreOptions {
  std::string token = "core-test-token";  // expected in `Authorization: Bearer <token>`
  std::string base_path = "/sync/v1";     // batches go to POST {base_path}/batches
  uint16_t port = 0;                      // 0 = any free loopback port
  // Serve HTTPS with these files (tests/testing/test_certificates.h makes them); with
  // client_ca_file, a pusher without a client certificate of that CA is refused at the
  // handshake. Files are read at Start() and at each Restart().
  std::optional<http::ServerTls> tls;
};

// What the core knows of one entity key.
struct FakeEntity {
  std::string entity;
  int64_t version = 0;
  std::string op;       // last applied op: "upsert" | "close"
  bool closed = false;
  nlohmann::json data;  // data of the last applied upsert (kept when closed)
};

// One POST to the batches endpoint, as it arrived (whatever was answered).
struct ReceivedBatch {
  std::string batch_id;         // body.batch_id, or the Idempotency-Key when unparsable
  std::string idempotency_key;
  std::string tenant;
  std::vector<int64_t> seqs;    // in body order
  int status = 0;               // what the core answered
  bool replay = false;          // answered from idempotency memory
};

class FakeCore {
 public:
  // Starts serving on 127.0.0.1. Errors come from StartHttpServer (e.g. port taken).
  static Result<std::unique_ptr<FakeCore>> Start(FakeCoreOptions options = {});
  ~FakeCore();
  FakeCore(const FakeCore&) = delete;
  FakeCore& operator=(const FakeCore&) = delete;

  // "http://127.0.0.1:<port>/sync/v1" (https with `tls`): the value of core.push.url.
  std::string base_url() const;
  uint16_t port() const { return port_; }
  const std::string& token() const { return options_.token; }

  // The core goes down: the port refuses connections; requests in flight finish (their
  // injected delay is cut short). Idempotent. State and idempotency memory survive.
  void Stop();
  // The core comes back on the same port with the same state.
  Status Restart();
  bool running() const;

  // --- failure injection (each counter is consumed by the next requests) ---------------
  // The next `n` requests answer `status` (5xx by default) before anything is applied.
  void FailNextRequests(int n, int status = 500);
  // The next `n` requests answer 429 with `Retry-After: <retry_after>` (seconds or date).
  void ThrottleNextRequests(int n, std::string retry_after);
  // The next `n` valid batches are applied and remembered, then answered 500 as if the
  // answer was lost on the way: a resend with the same key must apply nothing new.
  void LoseNextResponses(int n);
  // Every request waits `delay` before being answered (0 = none).
  void SetDelay(std::chrono::milliseconds delay);
  // Changes whose key matches `predicate` are answered `rejected` with code/message and
  // not applied. Replaces any earlier predicate.
  void RejectKeys(std::function<bool(std::string_view key)> predicate, std::string code,
                  std::string message);
  void ClearRejections();
  // The next batch (after auth) is refused as a whole with `status` and a JSON error.
  void RefuseNextBatch(int status = 400, std::string message = "batch refused by test");
  // The next `n` requests (after auth) get `response` verbatim and apply nothing: for
  // answers the contract does not allow (a 200 without results, a redirect, ...).
  void AnswerNextWith(int n, http::Response response);

  // --- observations ----------------------------------------------------------------------
  std::map<std::string, FakeEntity> entities() const;
  std::optional<FakeEntity> entity(const std::string& key) const;
  int64_t applied_count() const;    // changes applied, over all batches
  int64_t duplicate_count() const;  // changes answered `duplicate`
  int64_t rejected_count() const;   // changes answered `rejected`
  int64_t request_count() const;    // every HTTP request, whatever the answer
  int64_t replay_count() const;     // batches answered from idempotency memory
  std::vector<std::string> batch_ids() const;  // of every batch POST, in arrival order
  std::vector<ReceivedBatch> batches() const;
  // True once a key received a change whose seq or version was lower than (or equal to,
  // for seq) one it had already received: the contract says changes of one key arrive
  // in seq order.
  bool order_violated() const;
  std::string order_violation() const;  // the first violation, readable; "" when none
  // True once a replayed Idempotency-Key came with a different body.
  bool idempotency_mismatch() const;

 private:
  explicit FakeCore(FakeCoreOptions options) : options_(std::move(options)) {}
  Status Listen(uint16_t port);
  http::Response Handle(const http::Request& request);
  http::Response ApplyBatch(const nlohmann::json& body);  // mutex_ held

  const FakeCoreOptions options_;
  uint16_t port_ = 0;

  mutable std::mutex server_mutex_;  // serialises Stop/Restart
  std::unique_ptr<http::HttpServer> server_;  // guarded by server_mutex_

  mutable std::mutex mutex_;
  std::condition_variable cv_;  // cuts delays short on Stop()
  // All below guarded by mutex_.
  bool stopping_ = false;
  int fail_next_ = 0;
  int fail_status_ = 500;
  int throttle_next_ = 0;
  std::string retry_after_;
  int lose_next_ = 0;
  std::chrono::milliseconds delay_{0};
  std::function<bool(std::string_view)> reject_predicate_;
  std::string reject_code_;
  std::string reject_message_;
  int refuse_next_status_ = 0;
  std::string refuse_message_;
  int canned_next_ = 0;
  http::Response canned_;

  std::map<std::string, FakeEntity> entities_;
  std::map<std::string, int64_t> last_seq_by_key_;
  struct Remembered {
    std::string body;
    std::string response;
  };
  std::map<std::string, Remembered> idempotency_;
  std::vector<ReceivedBatch> batches_;
  int64_t applied_ = 0;
  int64_t duplicates_ = 0;
  int64_t rejected_ = 0;
  int64_t requests_ = 0;
  int64_t replays_ = 0;
  std::string order_violation_;
  bool idempotency_mismatch_ = false;
};

}  // namespace tributary::testing
