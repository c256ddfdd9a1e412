// GET /: the status page (status_page.h), its data read from the board, the metrics and
// the store at each request.
#include <chrono>

#include "gateway/admin/admin_api.h"
#include "gateway/admin/error_response.h"
#include "gateway/admin/query_string.h"
#include "gateway/admin/status_page.h"
#include "gateway/common/time_format.h"
#include "gateway/model/money.h"

namespace tributary::admin {
namespace {

constexpr int kLatest = 20;

}  // namespace

void AdminApi::AddStatusRoute() {
  routes_.Add({"GET", "/", {Scope::kRead},
               [this](const http::Request&, const RouteArgs& args) { return StatusPage(args); }});
}

http::Response AdminApi::StatusPage(const RouteArgs& args) {
  QueryParams params(args.query);
  auto refresh = params.Int("refresh", 0);
  if (!refresh || (*refresh != 0 && (*refresh < 5 || *refresh > 3600))) {
    return ErrorResponse(400, "invalid_argument", "refresh is a number of seconds from 5 to 3600");
  }
  auto store = BorrowStore();
  if (!store) return FromError(store.error());
  const auto now = std::chrono::system_clock::now();
  StatusPageData data{.tenant = options_.tenant,
                      .version = options_.version,
                      .now = FormatRfc3339(now),
                      .can_operate = args.scopes.Has(Scope::kOperate),
                      .refresh_seconds = *refresh > 0 ? static_cast<int>(*refresh) : 10,
                      .reload_without_script = *refresh > 0,
                      .connectors = deps_.connectors->All(),
                      .now_unix = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()};
  for (const ConnectorStatus& connector : data.connectors) {
    const int64_t last = deps_.metrics->Get("tributary_last_file_applied_timestamp_seconds", {{"connector", connector.name}});
    data.freshness.push_back({connector.name, last});
  }
  if (auto balances = (*store)->OpenBalances()) {
    for (const auto& balance : *balances) {
      const int exponent = model::CurrencyExponent(balance.currency).value_or(2);
      data.open_amounts.push_back({.legal_entity = balance.legal_entity,
                                   .currency = balance.currency,
                                   .amount = model::FormatMinorUnits(balance.open_minor, exponent),
                                   .items = balance.open_items});
    }
  } else {
    return FromError(balances.error());
  }
  auto quarantine = (*store)->ListQuarantine(true);
  if (!quarantine) return FromError(quarantine.error());
  auto rejects = (*store)->LatestRejects(kLatest);
  if (!rejects) return FromError(rejects.error());
  auto dead = (*store)->ListDeadLetters(true, 0, 100);
  if (!dead) return FromError(dead.error());
  auto files = (*store)->ListFiles({.limit = kLatest});
  if (!files) return FromError(files.error());
  auto actions = (*store)->actions().Latest(kLatest);
  if (!actions) return FromError(actions.error());
  data.quarantine = std::move(*quarantine);
  data.rejects = std::move(*rejects);
  data.dead_letters = std::move(*dead);
  data.files = std::move(*files);
  data.actions = std::move(*actions);
  if (options_.push_enabled) {
    auto last = (*store)->LastSeq();
    auto delivered = (*store)->DeliveredThrough();
    if (last && delivered) data.outbox_depth = *last - *delivered;
  }
  return http::Response{200,
                        {{"Content-Type", "text/html; charset=utf-8"},
                         {"Cache-Control", "no-store"},
                         {"Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                          "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                          "frame-ancestors 'none'"},
                         {"X-Content-Type-Options", "nosniff"}},
                        RenderStatusPage(data)};
}

}  // namespace tributary::admin
