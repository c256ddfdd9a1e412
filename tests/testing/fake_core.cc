#include "tests/testing/fake_core.h"

#include <utility>

#include "gateway/http/http_types.h"

namespace tributary::testing {
namespace {

using nlohmann::json;

http::Response JsonResponse(int status, const json& body, http::Headers extra = {}) {
  http::Response response;
  response.status = status;
  response.headers = std::move(extra);
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = body.dump();
  return response;
}

http::Response ErrorResponse(int status, const std::string& code, const std::string& message,
                             http::Headers extra = {}) {
  return JsonResponse(status, json{{"error", {{"code", code}, {"message", message}}}},
                      std::move(extra));
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

}  // namespace

Result<std::unique_ptr<FakeCore>> FakeCore::Start(FakeCoreOptions options) {
  std::unique_ptr<FakeCore> core(new FakeCore(std::move(options)));
  if (auto listening = core->Listen(core->options_.port); !listening) {
    return std::unexpected(listening.error());
  }
  return core;
}

FakeCore::~FakeCore() { Stop(); }

Status FakeCore::Listen(uint16_t port) {
  http::ServerOptions server_options;
  server_options.host = "127.0.0.1";
  server_options.port = port;
  server_options.tls = options_.tls;
  auto server = http::StartHttpServer(
      server_options, [this](const http::Request& request) { return Handle(request); });
  if (!server) return std::unexpected(server.error());
  port_ = (*server)->port();
  server_ = std::move(*server);
  return Ok();
}

std::string FakeCore::base_url() const {
  return std::string(options_.tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + options_.base_path;
}

void FakeCore::Stop() {
  std::lock_guard server_lock(server_mutex_);
  if (!server_) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_->Stop();
  server_.reset();
  std::lock_guard lock(mutex_);
  stopping_ = false;
}

Status FakeCore::Restart() {
  std::lock_guard server_lock(server_mutex_);
  if (server_) return Ok();
  return Listen(port_);
}

bool FakeCore::running() const {
  std::lock_guard server_lock(server_mutex_);
  return server_ != nullptr;
}

void FakeCore::FailNextRequests(int n, int status) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  fail_status_ = status;
}

void FakeCore::ThrottleNextRequests(int n, std::string retry_after) {
  std::lock_guard lock(mutex_);
  throttle_next_ = n;
  retry_after_ = std::move(retry_after);
}

void FakeCore::LoseNextResponses(int n) {
  std::lock_guard lock(mutex_);
  lose_next_ = n;
}

void FakeCore::SetDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

void FakeCore::RejectKeys(std::function<bool(std::string_view key)> predicate, std::string code,
                          std::string message) {
  std::lock_guard lock(mutex_);
  reject_predicate_ = std::move(predicate);
  reject_code_ = std::move(code);
  reject_message_ = std::move(message);
}

void FakeCore::ClearRejections() {
  std::lock_guard lock(mutex_);
  reject_predicate_ = nullptr;
}

void FakeCore::RefuseNextBatch(int status, std::string message) {
  std::lock_guard lock(mutex_);
  refuse_next_status_ = status;
  refuse_message_ = std::move(message);
}

void FakeCore::AnswerNextWith(int n, http::Response response) {
  std::lock_guard lock(mutex_);
  canned_next_ = n;
  canned_ = std::move(response);
}

http::Response FakeCore::Handle(const http::Request& request) {
  std::unique_lock lock(mutex_);
  ++requests_;
  if (PathOf(request.target) != options_.base_path + "/batches") {
    return ErrorResponse(404, "not_found", "no such endpoint");
  }
  if (request.method != "POST") {
    return ErrorResponse(405, "method_not_allowed", "use POST", {{"Allow", "POST"}});
  }

  const json body = json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  const std::string key = http::FindHeader(request.headers, "Idempotency-Key");
  const size_t index = batches_.size();
  {
    ReceivedBatch received;
    received.idempotency_key = key;
    received.batch_id = key;
    if (body.is_object()) {
      if (auto it = body.find("batch_id"); it != body.end() && it->is_string()) {
        received.batch_id = it->get<std::string>();
      }
      if (auto it = body.find("tenant"); it != body.end() && it->is_string()) {
        received.tenant = it->get<std::string>();
      }
      if (auto it = body.find("changes"); it != body.end() && it->is_array()) {
        for (const auto& change : *it) {
          if (change.is_object() && change.contains("seq") && change["seq"].is_number_integer()) {
            received.seqs.push_back(change["seq"].get<int64_t>());
          }
        }
      }
    }
    batches_.push_back(std::move(received));
  }
  auto answer = [&](http::Response response) {
    batches_[index].status = response.status;
    return response;
  };

  if (delay_.count() > 0) {
    const auto delay = delay_;
    cv_.wait_for(lock, delay, [this] { return stopping_; });
  }
  if (fail_next_ > 0) {
    --fail_next_;
    return answer(ErrorResponse(fail_status_, "injected_failure", "injected failure"));
  }
  if (throttle_next_ > 0) {
    --throttle_next_;
    return answer(ErrorResponse(429, "too_many_requests", "slow down", {{"Retry-After", retry_after_}}));
  }
  if (http::FindHeader(request.headers, "Authorization") != "Bearer " + options_.token) {
    return answer(ErrorResponse(401, "unauthorized", "missing or wrong bearer token"));
  }
  if (canned_next_ > 0) {
    --canned_next_;
    return answer(canned_);
  }
  if (refuse_next_status_ != 0) {
    const int status = refuse_next_status_;
    refuse_next_status_ = 0;
    return answer(ErrorResponse(status, "refused", refuse_message_));
  }
  if (!body.is_object() || !body.contains("batch_id") || !body["batch_id"].is_string() ||
      body["batch_id"].get<std::string>().empty() || !body.contains("tenant") ||
      !body["tenant"].is_string() || !body.contains("changes") || !body["changes"].is_array()) {
    return answer(ErrorResponse(400, "invalid_batch",
                                "body must be {\"batch_id\",\"tenant\",\"changes\":[...]}"));
  }
  if (key != body["batch_id"].get<std::string>()) {
    return answer(ErrorResponse(400, "invalid_batch", "Idempotency-Key must equal batch_id"));
  }
  for (const auto& change : body["changes"]) {
    if (!change.is_object() || !change.contains("seq") || !change["seq"].is_number_integer()) {
      return answer(ErrorResponse(400, "invalid_batch", "every change needs an integer seq"));
    }
  }
  if (auto it = idempotency_.find(key); it != idempotency_.end()) {
    ++replays_;
    batches_[index].replay = true;
    if (it->second.body != request.body) idempotency_mismatch_ = true;
    http::Response stored;
    stored.headers.emplace_back("Content-Type", "application/json");
    stored.body = it->second.response;
    return answer(std::move(stored));
  }

  http::Response response = ApplyBatch(body);
  idempotency_[key] = Remembered{request.body, response.body};
  if (lose_next_ > 0) {
    --lose_next_;
    return answer(ErrorResponse(500, "injected_failure", "answer lost"));
  }
  return answer(std::move(response));
}

http::Response FakeCore::ApplyBatch(const json& body) {
  json results = json::array();
  for (const auto& change : body["changes"]) {
    const int64_t seq = change["seq"].get<int64_t>();
    json result{{"seq", seq}};
    auto reject = [&](const std::string& code, const std::string& message) {
      ++rejected_;
      result["status"] = "rejected";
      result["error"] = {{"code", code}, {"message", message}};
    };
    const std::string op = change.value("op", "");
    const std::string key = change.contains("key") && change["key"].is_string()
                                ? change["key"].get<std::string>()
                                : "";
    const bool has_version = change.contains("version") && change["version"].is_number_integer();
    if (key.empty() || (op != "upsert" && op != "close") || (op == "upsert" && !has_version) ||
        (op == "upsert" && !change.contains("data"))) {
      reject("invalid_change", "change needs key, op upsert|close, version and data");
      results.push_back(std::move(result));
      continue;
    }
    const int64_t version = has_version ? change["version"].get<int64_t>() : 0;

    if (auto last = last_seq_by_key_.find(key);
        last != last_seq_by_key_.end() && seq <= last->second && order_violation_.empty()) {
      order_violation_ = "key " + key + ": seq " + std::to_string(seq) + " arrived after seq " +
                         std::to_string(last->second);
    }
    last_seq_by_key_[key] = std::max(last_seq_by_key_[key], seq);
    auto existing = entities_.find(key);
    if (existing != entities_.end() && has_version && version < existing->second.version &&
        order_violation_.empty()) {
      order_violation_ = "key " + key + ": version " + std::to_string(version) +
                         " arrived after version " + std::to_string(existing->second.version);
    }

    if (reject_predicate_ && reject_predicate_(key)) {
      reject(reject_code_, reject_message_);
      results.push_back(std::move(result));
      continue;
    }
    // Without a version (an older close spelling) a close is a duplicate when the key is
    // already closed.
    const bool duplicate =
        existing != entities_.end() &&
        (has_version ? version <= existing->second.version : existing->second.closed);
    if (duplicate) {
      ++duplicates_;
      result["status"] = "duplicate";
      results.push_back(std::move(result));
      continue;
    }
    FakeEntity& state = entities_[key];
    state.entity = change.value("entity", state.entity);
    if (has_version) state.version = version;
    state.op = op;
    state.closed = op == "close";
    if (op == "upsert") state.data = change["data"];
    ++applied_;
    result["status"] = "applied";
    results.push_back(std::move(result));
  }
  return JsonResponse(200, json{{"results", std::move(results)}});
}

std::map<std::string, FakeEntity> FakeCore::entities() const {
  std::lock_guard lock(mutex_);
  return entities_;
}

std::optional<FakeEntity> FakeCore::entity(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = entities_.find(key);
  if (it == entities_.end()) return std::nullopt;
  return it->second;
}

int64_t FakeCore::applied_count() const {
  std::lock_guard lock(mutex_);
  return applied_;
}

int64_t FakeCore::duplicate_count() const {
  std::lock_guard lock(mutex_);
  return duplicates_;
}

int64_t FakeCore::rejected_count() const {
  std::lock_guard lock(mutex_);
  return rejected_;
}

int64_t FakeCore::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int64_t FakeCore::replay_count() const {
  std::lock_guard lock(mutex_);
  return replays_;
}

std::vector<std::string> FakeCore::batch_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  ids.reserve(batches_.size());
  for (const auto& batch : batches_) ids.push_back(batch.batch_id);
  return ids;
}

std::vector<ReceivedBatch> FakeCore::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

bool FakeCore::order_violated() const {
  std::lock_guard lock(mutex_);
  return !order_violation_.empty();
}

std::string FakeCore::order_violation() const {
  std::lock_guard lock(mutex_);
  return order_violation_;
}

bool FakeCore::idempotency_mismatch() const {
  std::lock_guard lock(mutex_);
  return idempotency_mismatch_;
}

}  // namespace tributary::testing
