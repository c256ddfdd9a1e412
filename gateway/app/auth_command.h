// `tributary auth <type> --config FILE --connector NAME [--redirect-url URL]`: the consent
// (or the grant check) of a connector whose type offers one (ConnectorFactory::consent).
#pragma once

#include <chrono>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace tributary::app {

struct AuthOptions {
  std::string provider;        // the connector type whose factory offers the consent
  std::string config_path;
  std::string connector;
  std::optional<std::string> redirect_url;  // skip the prompt
  std::chrono::seconds wait{15 * 60};       // how long to wait for the redirect
};

// Exit codes: 0 connected, 1 the consent failed (refused, expired, wrong company, token
// endpoint error), 2 usage (unknown type or connector, invalid config).
int RunAuthCommand(const AuthOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
