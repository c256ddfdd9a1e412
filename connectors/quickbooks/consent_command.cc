#include "connectors/quickbooks/consent_command.h"

#include <poll.h>
#include <unistd.h>

#include <iostream>

#include "connectors/quickbooks/consent.h"
#include "connectors/quickbooks/quickbooks_grant.h"
#include "gateway/http/http_client.h"
#include "gateway/store/store.h"

namespace tributary::connectors::quickbooks {
namespace {

// True when stdin has a line to read within `timeout` (always true for a stream that is not
// the process's stdin, e.g. in tests).
bool LineReady(std::istream& in, std::chrono::milliseconds timeout) {
  if (&in != &std::cin) return true;
  if (in.rdbuf()->in_avail() > 0) return true;
  pollfd fd{.fd = STDIN_FILENO, .events = POLLIN, .revents = 0};
  return ::poll(&fd, 1, static_cast<int>(timeout.count())) > 0;
}

// Waits for a pasted redirect address, or for the callback route to store a newer grant.
// Returns the pasted line, or "" when the grant arrived by itself (nullopt: the wait ran out).
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

int RunQuickBooksConsent(const ConsentOptions& options, const QuickBooksConfig& settings, ConsentStreams streams) {
  const std::string& connector = options.connector->name;
  auto store = store::Store::Open(options.config->state_path);
  if (!store) {
    streams.err << "tributary: " << store.error().message << "\n";
    return 1;
  }
  const store::GrantId id = GrantIdOf(settings);
  auto before = (*store)->api().GetGrant(id);
  const int64_t generation_before = before && *before ? (*before)->generation : 0;
  std::optional<std::string> redirect = options.redirect_url;
  if (!redirect) {
    auto started = StartConsent(settings, connector, **store);
    if (!started) {
      streams.err << "tributary: " << started.error().message << "\n";
      return 1;
    }
    streams.out << "Open this address in a browser, sign in to QuickBooks, choose the company (realm "
                << settings.realm_id << ") and allow access:\n\n  " << started->url << "\n\n"
                << "Then paste here the whole address the browser was sent to (it starts with "
                << settings.redirect_uri
                << ").\nWhen that address is this gateway's /oauth/callback, the daemon completes the consent and this "
                   "command notices it.\n> "
                << std::flush;
    redirect = AwaitRedirect(streams.in, **store, id, generation_before, options.wait);
    if (!redirect) {
      streams.err << "tributary: no redirect address received; nothing changed (run the command again)\n";
      return 1;
    }
  }
  if (!redirect->empty()) {
    auto client = http::MakeCurlClient(settings.http.ClientOptions());
    auto grant = CompleteConsent(settings, connector, **store, *client, RedirectParameters(*redirect));
    if (!grant) {
      streams.err << "tributary: " << grant.error().message << "\n";
      return 1;
    }
  }
  auto grant = (*store)->api().GetGrant(id);
  streams.out << "\nConnected: connector " << connector << " may read QuickBooks company " << settings.realm_id
              << ". The tokens are in " << options.config->state_path << ", encrypted with the key file "
              << (*store)->api().KeyFile()
              << " (back it up apart from the database); a running daemon uses them at its next pass.\n";
  if (grant && *grant && (*grant)->refresh_hard_expires_at > 0) {
    streams.out << "The consent must be renewed before " << (*grant)->refresh_hard_expires_at
                << " (unix time; metric tributary_oauth_refresh_token_hard_expiry_timestamp_seconds).\n";
  }
  return 0;
}

}  // namespace tributary::connectors::quickbooks
