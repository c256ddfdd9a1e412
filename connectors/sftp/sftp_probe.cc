#include "connectors/sftp/sftp_probe.h"

#include <memory>

#include "connectors/sftp/host_keys.h"
#include "connectors/sftp/sftp_session.h"

namespace tributary::connectors::sftp {
namespace {

// "" when `path` is a folder (or, `may_be_missing`, absent), else why not.
std::string FolderProblem(SftpSession& server, const std::string& key, const std::string& path,
                          bool may_be_missing) {
  auto entry = server.Stat(path);
  if (!entry) {
    if (entry.error().code == ErrorCode::kNotFound) {
      return may_be_missing ? "" : key + " " + path + " does not exist on the server";
    }
    return "cannot look at " + key + " " + path + ": " + entry.error().message;
  }
  if (entry->kind != DropEntryKind::kDirectory) {
    return key + " " + path + " is a " + DropEntryKindName(entry->kind) + " on the server, not a folder";
  }
  return "";
}

}  // namespace

Result<std::string> ProbeSftp(const config::ConnectorConfig& /*config*/, const SftpConfig& settings,
                              const ConnectorContext& /*context*/) {
  auto server = SftpSession::Open(settings, nullptr);
  if (!server) return std::unexpected(server.error());
  std::string problems;
  auto add = [&problems](std::string problem) {
    if (!problem.empty()) problems += (problems.empty() ? "" : "; ") + problem;
  };
  add(FolderProblem(**server, "remote_dir", settings.remote_dir, /*may_be_missing=*/false));
  if (!settings.archive_dir.empty()) {
    add(FolderProblem(**server, "archive_dir", settings.archive_dir, /*may_be_missing=*/true));
  }
  add(FolderProblem(**server, "error_dir", settings.error_dir, /*may_be_missing=*/true));
  if (!problems.empty()) return Fail(ErrorCode::kNotFound, problems);
  return "logged in as " + settings.username + " on " + KnownHostsName(settings.host, settings.port) +
         " (host key as pinned), remote_dir " + settings.remote_dir + " is a folder";
}

}  // namespace tributary::connectors::sftp
