#include "bench/store_path/loopback_core.h"

#include <cstdio>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/store_path/daemon_child.h"

namespace tributary::bench {
namespace {

using nlohmann::json;

// Reads a push batch body as a stream of SAX events, keeping only batch_id and each
// change's seq, key and version. Nesting: the body is depth 1, `changes` depth 2, a
// change depth 3, its `data` depth 4 and below.
class BatchReader : public nlohmann::json_sax<json> {
 public:
  struct Change {
    int64_t seq = -1;
    std::string key;
    int64_t version = -1;
  };
  std::string batch_id;
  std::vector<Change> changes;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t value) override { return Number(value); }
  bool number_unsigned(number_unsigned_t value) override { return Number(static_cast<int64_t>(value)); }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t& value) override {
    if (depth_ == 1 && key_ == "batch_id") batch_id = value;
    if (in_changes_ && depth_ == 3 && key_ == "key") changes.back().key = value;
    return true;
  }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override {
    ++depth_;
    if (in_changes_ && depth_ == 3) changes.emplace_back();
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    ++depth_;
    if (depth_ == 2 && key_ == "changes") in_changes_ = true;
    return true;
  }
  bool end_array() override {
    if (depth_ == 2) in_changes_ = false;
    --depth_;
    return true;
  }
  bool key(string_t& value) override {
    if (depth_ == 1 || depth_ == 3) key_ = value;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Number(int64_t value) {
    if (in_changes_ && depth_ == 3) {
      if (key_ == "seq") changes.back().seq = value;
      if (key_ == "version") changes.back().version = value;
    }
    return true;
  }

  int depth_ = 0;
  bool in_changes_ = false;
  std::string key_;
};

http::Response Answer(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

http::Response Error(int status, const std::string& code, const std::string& message) {
  return Answer(status, json{{"error", {{"code", code}, {"message", message}}}}.dump());
}

}  // namespace

std::unique_ptr<LoopbackCore> LoopbackCore::Start(std::string token) {
  std::unique_ptr<LoopbackCore> core(new LoopbackCore(std::move(token)));
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  auto server = http::StartHttpServer(options, [raw = core.get()](const http::Request& request) {
    return raw->Handle(request);
  });
  if (!server) {
    std::fprintf(stderr, "the loopback core did not start: %s\n", server.error().message.c_str());
    return nullptr;
  }
  core->server_ = std::move(*server);
  return core;
}

LoopbackCore::~LoopbackCore() {
  if (server_) server_->Stop();
}

std::string LoopbackCore::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/sync/v1";
}

void LoopbackCore::ObserveDaemon(pid_t pid) {
  std::lock_guard lock(mutex_);
  daemon_ = pid;
}

CoreCounts LoopbackCore::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

http::Response LoopbackCore::Handle(const http::Request& request) {
  const auto arrived = std::chrono::steady_clock::now();
  if (request.target != "/sync/v1/batches") return Error(404, "not_found", "no such endpoint");
  if (request.method != "POST") return Error(405, "method_not_allowed", "use POST");
  if (http::FindHeader(request.headers, "Authorization") != "Bearer " + token_) {
    return Error(401, "unauthorized", "missing or wrong bearer token");
  }
  // Parsed outside the lock: one batch is in flight per gateway anyway.
  BatchReader batch;
  if (!json::sax_parse(request.body, &batch) || batch.batch_id.empty()) {
    return Error(400, "invalid_batch", "body must be {\"batch_id\",\"tenant\",\"changes\":[...]}");
  }
  const std::string idempotency_key = http::FindHeader(request.headers, "Idempotency-Key");
  if (idempotency_key != batch.batch_id) return Error(400, "invalid_batch", "Idempotency-Key must equal batch_id");
  for (const auto& change : batch.changes) {
    if (change.seq < 0 || change.key.empty()) return Error(400, "invalid_batch", "every change needs seq and key");
  }

  std::lock_guard lock(mutex_);
  if (!counts_.first_request) {
    counts_.first_request = arrived;
    if (daemon_ > 0) counts_.daemon_cpu_at_first = SampleProcess(daemon_).cpu_seconds;
  }
  counts_.body_bytes += static_cast<int64_t>(request.body.size());
  ++counts_.batches;
  std::string body;
  if (auto known = answers_.find(idempotency_key); known != answers_.end()) {
    ++counts_.replays;
    body = known->second;
  } else {
    json results = json::array();
    for (const auto& change : batch.changes) {
      int64_t& last = versions_[change.key];
      const bool duplicate = change.version >= 0 && change.version <= last;
      if (duplicate) {
        ++counts_.duplicates;
      } else {
        ++counts_.applied;
        if (change.version >= 0) last = change.version;
      }
      counts_.last_seq = std::max(counts_.last_seq, change.seq);
      results.push_back({{"seq", change.seq}, {"status", duplicate ? "duplicate" : "applied"}});
    }
    body = json{{"results", std::move(results)}}.dump();
    answers_.emplace(idempotency_key, body);
  }
  counts_.last_answer = std::chrono::steady_clock::now();
  counts_.handling_seconds += std::chrono::duration<double>(*counts_.last_answer - arrived).count();
  if (daemon_ > 0) counts_.daemon_cpu_at_last = SampleProcess(daemon_).cpu_seconds;
  return Answer(200, std::move(body));
}

}  // namespace tributary::bench
