// The actions contract on the admin API (docs/actions.md): POST /v1/actions/{kind} creates
// a durable job (Idempotency-Key required), GET /v1/actions[/{id}] reads jobs, POST
// /v1/actions/{id}/cancel cancels one, GET /v1/proofs/{sha256} serves a kept document.
//
// Thread-safe: Handle() runs on the admin server's handler threads with the Store each
// request borrows.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/common/clock.h"
#include "gateway/http/http_types.h"
#include "gateway/store/store.h"

namespace tributary::admin {

struct ActionRoutesDeps {
  // The action connectors configured: name -> the kinds each does ("score", …).
  std::map<std::string, std::vector<std::string>> connectors;
  std::function<void(const std::string& connector)> wake;  // a job was created; thread-safe
  const Clock* clock = &MachineClock();
};

class ActionRoutes {
 public:
  explicit ActionRoutes(ActionRoutesDeps deps) : deps_(std::move(deps)) {}

  // POST /v1/actions/{kind}
  http::Response Create(const http::Request& request, const std::string& kind, store::Store& store) const;
  // GET /v1/actions
  http::Response List(const std::string& query, store::Store& store) const;
  // GET /v1/actions/{id}
  http::Response Get(const std::string& id, store::Store& store) const;
  // POST /v1/actions/{id}/cancel
  http::Response Cancel(const std::string& id, store::Store& store) const;
  // GET /v1/proofs/{sha256}
  http::Response Proof(const std::string& sha256, store::Store& store) const;

 private:

  ActionRoutesDeps deps_;
};

}  // namespace tributary::admin
