// `tributary sftp-keyscan HOST[:PORT]`: connects, takes the host key, does not authenticate;
// prints it as a known_hosts line and its SHA256 fingerprint (to verify out of band before
// pinning it).
#pragma once

#include "connectors/kit/connector.h"

namespace tributary::connectors::sftp {

ConnectorTool KeyscanTool();

}  // namespace tributary::connectors::sftp
