#include "gateway/app/auth_command.h"

#include <poll.h>
#include <unistd.h>

#include <iostream>

#include "connectors/connector.h"
#include "connectors/quickbooks/consent.h"
#include "connectors/quickbooks/quickbooks_config.h"
#include "connectors/quickbooks/token_keeper.h"
#include "gateway/config/config.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::app {
namespace {

namespace qbo = connectors::quickbooks;

// True when stdin has a line to read within `timeout` (always true for a stream that is not
// the process's stdin, e.g. in tests).
bool LineReady(std::istream& in, std::chrono::milliseconds timeout) {
  if (&in != &std::cin) return true;
  if (in.rdbuf()->in_avail() > 0) return true;
  pollfd fd{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
  return ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0;
}

// Waits for a pasted redirect address, or for the callback route to store a newer grant.
// Returns the pasted line, or "" when the grant arrived by itself (or the wait ran out).
std::optional<std::string> AwaitRedirect(std::istream& in, store::Store& store, const store::GrantId& id,
                                         int64_t generation_before, std::chrono::seconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (LineReady(in, std::chrono::milliseconds(500))) {
      std::string line;
      if (!std::getline(in, line)) return std::nullopt;  // end of input: nothing pasted
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (!line.empty()) return line;
    }
    auto grant = store.api().GetGrant(id);
    if (grant && *grant && (*grant)->generation > generation_before &&
        (*grant)->state == store::GrantState::kActive) {
      return std::string();
    }
  }
  return std::nullopt;
}

}  // namespace

int RunAuthCommand(const AuthOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.provider != "quickbooks") {
    err << "tributary: auth knows one provider: quickbooks\n";
    return 2;
  }
  auto types = connectors::RegisteredConfigTypes();
  // The consent needs the connector's credentials, not the admin or core tokens.
  auto config = config::LoadConfig(options.config_path, types, {},
                                   [](std::string_view path) { return path.starts_with("connectors["); });
  if (!config) {
    for (const Diagnostic& diagnostic : config.error()) err << diagnostic.ToString() << "\n";
    return 2;
  }
  const config::ConnectorConfig* connector = nullptr;
  for (const auto& candidate : config->connectors) {
    if (candidate.name == options.connector) connector = &candidate;
  }
  const auto* settings = connector ? dynamic_cast<const qbo::QuickBooksConfig*>(connector->settings.get()) : nullptr;
  if (settings == nullptr) {
    err << "tributary: " << options.config_path << " has no quickbooks connector named '" << options.connector << "'\n";
    return 2;
  }
  auto store = store::Store::Open(config->state_path);
  if (!store) {
    err << "tributary: " << store.error().message << "\n";
    return 1;
  }
  const store::GrantId id = qbo::GrantIdOf(*settings);
  auto before = (*store)->api().GetGrant(id);
  const int64_t generation_before = before && *before ? (*before)->generation : 0;
  std::optional<std::string> redirect = options.redirect_url;
  if (!redirect) {
    auto started = qbo::StartConsent(*settings, options.connector, **store);
    if (!started) {
      err << "tributary: " << started.error().message << "\n";
      return 1;
    }
    out << "Open this address in a browser, sign in to QuickBooks, choose the company (realm "
        << settings->realm_id << ") and allow access:\n\n  " << started->url << "\n\n"
        << "Then paste here the whole address the browser was sent to (it starts with " << settings->redirect_uri
        << ").\nWhen that address is this gateway's /oauth/callback, the daemon completes the consent and this "
           "command notices it.\n> "
        << std::flush;
    redirect = AwaitRedirect(in, **store, id, generation_before, options.wait);
    if (!redirect) {
      err << "tributary: no redirect address received; nothing changed (run the command again)\n";
      return 1;
    }
  }
  if (!redirect->empty()) {
    auto client = http::MakeCurlClient({.ca_file = settings->ca_file});
    auto grant = qbo::CompleteConsent(*settings, options.connector, **store, *client, qbo::RedirectParameters(*redirect));
    if (!grant) {
      err << "tributary: " << grant.error().message << "\n";
      return 1;
    }
  }
  auto grant = (*store)->api().GetGrant(id);
  out << "\nConnected: connector " << options.connector << " may read QuickBooks company " << settings->realm_id
      << ". The tokens are in " << config->state_path << ", encrypted with the key file "
      << (*store)->api().KeyFile() << " (back it up apart from the database); a running daemon uses them at its next "
         "pass.\n";
  if (grant && *grant && (*grant)->refresh_hard_expires_at > 0) {
    out << "The consent must be renewed before " << (*grant)->refresh_hard_expires_at
        << " (unix time; metric tributary_oauth_refresh_token_hard_expiry_timestamp_seconds).\n";
  }
  return 0;
}

}  // namespace tributary::app
