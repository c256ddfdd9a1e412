// `tributary auth quickbooks --config FILE --connector NAME [--redirect-url URL]`: the OAuth
// consent of a QuickBooks connector. Prints the authorization URL, then completes the code
// exchange from the redirect address the admin pastes (or gives with --redirect-url), or
// notices that the admin API's /oauth/callback completed it. Tokens go to the store,
// encrypted with the key file next to it (created at the first consent).
#pragma once

#include <chrono>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace tributary::app {

struct AuthOptions {
  std::string provider;        // "quickbooks"
  std::string config_path;
  std::string connector;
  std::optional<std::string> redirect_url;  // skip the prompt
  std::chrono::seconds wait{15 * 60};       // how long to wait for the redirect
};

// Exit codes: 0 connected, 1 the consent failed (refused, expired, wrong company, token
// endpoint error), 2 usage (unknown provider or connector, invalid config).
int RunAuthCommand(const AuthOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
