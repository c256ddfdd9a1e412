#include "gateway/app/auth_command.h"

#include "connectors/kit/connector.h"
#include "gateway/config/config.h"

namespace tributary::app {

int RunAuthCommand(const AuthOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  const connectors::ConnectorFactory* factory = connectors::FindConnectorFactory(options.provider);
  if (factory == nullptr || !factory->consent) {
    std::string known;
    for (const auto& candidate : connectors::RegisteredConnectors()) {
      if (candidate.consent) known += (known.empty() ? "" : ", ") + candidate.config_type.type;
    }
    err << "tributary: auth knows these connector types: " << known << "\n";
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
    if (candidate.name == options.connector && candidate.type == options.provider) connector = &candidate;
  }
  if (connector == nullptr) {
    err << "tributary: " << options.config_path << " has no " << options.provider << " connector named '"
        << options.connector << "'\n";
    return 2;
  }
  return factory->consent({.config = &*config, .connector = connector, .redirect_url = options.redirect_url,
                           .wait = options.wait},
                          {in, out, err});
}

}  // namespace tributary::app
