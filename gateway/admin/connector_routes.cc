// The admin API's connectors (status, pause, resume, poll now) and the effective config.
#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.h"
#include "gateway/admin/error_response.h"
#include "gateway/admin/json_fields.h"
#include "gateway/http/json_response.h"

namespace tributary::admin {
namespace {

using nlohmann::ordered_json;

ordered_json ConnectorJson(const ConnectorStatus& status) {
  ordered_json current;
  if (status.current_file) {
    const FileProgress& file = *status.current_file;
    current = {{"name", file.name},
               {"size", file.size},
               {"bytes_read", file.bytes_read},
               {"rows_read", file.rows_read},
               {"started_at", OrNull(file.started_at)}};
  }
  ordered_json unmatched = ordered_json::array();
  for (const UnmatchedFile& file : status.unmatched_files) {
    unmatched.push_back({{"name", file.name}, {"size", file.size}, {"seen_at", OrNull(file.seen_at)}});
  }
  return {{"name", status.name},
          {"type", status.type},
          {"state", status.state},
          {"schedule", OrNull(status.schedule)},
          {"last_run_at", status.last_run_at},
          {"last_success_at", status.last_success_at},
          {"last_error", status.last_error},
          {"last_error_at", OrNull(status.last_error_at)},
          {"polls", status.polls},
          {"failures", status.failures},
          {"current_file", std::move(current)},
          {"unmatched_files", std::move(unmatched)}};
}

std::string_view ControlName(ConnectorControl control) {
  switch (control) {
    case ConnectorControl::kPause: return "pause";
    case ConnectorControl::kResume: return "resume";
    case ConnectorControl::kPoll: return "poll";
  }
  return "?";
}

}  // namespace

void AdminApi::AddConnectorRoutes() {
  const Scopes read{Scope::kRead};
  const Scopes operate{Scope::kOperate};
  routes_.Add({"GET", "/v1/connectors", read, [this](const http::Request&, const RouteArgs&) { return Connectors(); }});
  routes_.Add({"GET", "/v1/connectors/{name}", read,
               [this](const http::Request&, const RouteArgs& args) { return Connector(args.Param("name")); }});
  for (ConnectorControl control : {ConnectorControl::kPause, ConnectorControl::kResume, ConnectorControl::kPoll}) {
    routes_.Add({"POST", "/v1/connectors/{name}/" + std::string(ControlName(control)), operate,
                 [this, control](const http::Request&, const RouteArgs& args) {
                   return Control(args.Param("name"), control, args);
                 }});
  }
  routes_.Add({"GET", "/v1/config", read,
               [this](const http::Request&, const RouteArgs&) { return ConfigText(); }});
}

http::Response AdminApi::Connectors() {
  ordered_json list = ordered_json::array();
  for (const ConnectorStatus& status : deps_.connectors->All()) list.push_back(ConnectorJson(status));
  return http::JsonResponse(200, ordered_json{{"connectors", list}});
}

http::Response AdminApi::Connector(const std::string& name) {
  std::optional<ConnectorStatus> status = deps_.connectors->Get(name);
  if (!status) return ErrorResponse(404, "not_found", "no connector \"" + name + "\" is configured");
  return http::JsonResponse(200, ConnectorJson(*status));
}

http::Response AdminApi::Control(const std::string& name, ConnectorControl control, const RouteArgs& args) {
  if (!deps_.control) return ErrorResponse(503, "unavailable", "connectors cannot be controlled in this process");
  if (Status done = deps_.control(name, control, args.caller); !done) return FromError(done.error());
  std::optional<ConnectorStatus> status = deps_.connectors->Get(name);
  if (!status) return ErrorResponse(404, "not_found", "no connector \"" + name + "\" is configured");
  ordered_json body = ConnectorJson(*status);
  // The runner takes the change on its own thread: say what was asked, not only what is.
  if (control == ConnectorControl::kPause) body["state"] = status->state == "polling" ? "pausing" : "paused";
  if (control == ConnectorControl::kResume && status->state == "paused") body["state"] = "resuming";
  return http::JsonResponse(control == ConnectorControl::kPoll ? 202 : 200, body);
}

http::Response AdminApi::ConfigText() {
  return http::Response{200, {{"Content-Type", "application/yaml; charset=utf-8"}}, options_.config_text};
}

}  // namespace tributary::admin
