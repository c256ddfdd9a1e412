// `tributary check --connect` for an sftp connector.
#pragma once

#include <string>

#include "connectors/kit/connector.h"
#include "connectors/sftp/sftp_config.h"

namespace tributary::connectors::sftp {

// Logs in as the daemon does (the host key checked against known_hosts_file first: a
// changed or unknown key fails, naming the key the server presented) and looks at the
// folders: remote_dir must be a folder; archive_dir and error_dir a folder or missing (the
// daemon creates them). Writes nothing on the server.
Result<std::string> ProbeSftp(const config::ConnectorConfig& config, const SftpConfig& settings,
                              const ConnectorContext& context);

}  // namespace tributary::connectors::sftp
