// The status page served at `/`: one HTML document, its CSS and script inline, no external
// resource. Rendered on the server, so it reads with JavaScript off; with it on, it
// refreshes itself and its buttons (release, discard, replay, pause, resume, poll) post to
// the admin API with the X-Tributary-Page header (admin_api.cc's browser rule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/admin/connector_status.h"
#include "gateway/store/action_jobs.h"
#include "gateway/store/store.h"

namespace tributary::admin {

struct OpenAmount {
  std::string legal_entity;  // "" when the receivables name none
  std::string currency;
  std::string amount;        // decimal text
  int64_t items = 0;
};

struct ConnectorFreshness {
  std::string connector;
  int64_t last_applied_unix = 0;  // 0: nothing applied since the daemon started
};

// Everything the page shows, read at one request.
struct StatusPageData {
  std::string tenant;
  std::string version;
  std::string now;  // RFC 3339
  bool can_operate = false;  // the caller's token has the operate scope: show the buttons
  int refresh_seconds = 10;      // how often the script refreshes the page
  bool reload_without_script = false;  // `/?refresh=N`: a browser without JavaScript reloads every N s
  std::vector<ConnectorStatus> connectors;
  std::vector<ConnectorFreshness> freshness;
  int64_t now_unix = 0;
  std::vector<OpenAmount> open_amounts;
  std::vector<store::Quarantine> quarantine;  // pending
  std::vector<store::Reject> rejects;         // the latest
  std::vector<store::DeadLetter> dead_letters;  // not replayed
  std::vector<store::FileEntry> files;        // the latest
  std::vector<store::Job> actions;            // the latest
  std::optional<int64_t> outbox_depth;        // changes not yet delivered (push only)
};

std::string RenderStatusPage(const StatusPageData& data);

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace tributary::admin
