#include "connectors/sftp/sftp_config.h"

#include "gateway/config/values.h"

namespace tributary::connectors::sftp {

std::vector<config::LocalPath> SftpConfig::LocalPaths() const {
  // The folders are on the server: `check --connect` looks at them.
  std::vector<config::LocalPath> paths;
  if (!private_key_file.empty()) {
    paths.push_back({.key = "private_key_file", .what = "private key file", .path = private_key_file,
                     .kind = config::LocalPath::Kind::kFile});
  }
  paths.push_back({.key = "known_hosts_file", .what = "known hosts file", .path = known_hosts_file,
                   .kind = config::LocalPath::Kind::kFile});
  return paths;
}

std::vector<std::pair<std::string, std::string>> SftpConfig::DescribeFields() const {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"host", host},
      {"port", std::to_string(port)},
      {"username", username},
      {"private_key_file", private_key_file},
      {"passphrase", passphrase ? passphrase->Redacted() : ""},
      {"password", password ? password->Redacted() : ""},
      {"known_hosts_file", known_hosts_file},
      {"remote_dir", remote_dir}};
  if (after_processing == AfterProcessing::kArchive) fields.emplace_back("archive_dir", archive_dir);
  fields.emplace_back("error_dir", error_dir);
  fields.emplace_back("stable_for", config::FormatDuration(stable_for));
  fields.emplace_back("done_suffix", done_suffix);
  fields.emplace_back("timeout", config::FormatDuration(timeout));
  // The newer keys are shown when set away from their defaults.
  if (after_processing != AfterProcessing::kArchive) {
    fields.emplace_back("after_processing", std::string(AfterProcessingName(after_processing)));
  }
  if (recursion.recursive) {
    fields.emplace_back("recursive", "true");
    fields.emplace_back("max_depth", std::to_string(recursion.max_depth));
  }
  return fields;
}

namespace {

// Remote paths are server paths, never resolved against the config file's folder.
std::optional<std::string> RemoteDir(config::ConfigNode& section, std::string_view key, bool& usable,
                                     config::Presence presence = config::Presence::kRequired) {
  std::optional<std::string> dir = section.String(key, presence);
  if (!dir) {
    if (presence == config::Presence::kRequired) usable = false;
    return std::nullopt;
  }
  if (dir->empty()) {
    section.Child(key).Error("expected a remote folder path, found an empty string");
    usable = false;
    return std::nullopt;
  }
  while (dir->size() > 1 && dir->ends_with('/')) dir->pop_back();
  return dir;
}

}  // namespace

std::unique_ptr<SftpConfig> ParseSftpConfig(config::ConfigNode section) {
  using config::Presence;
  auto settings = std::make_unique<SftpConfig>();
  bool usable = true;
  std::optional<std::string> host = section.String("host", Presence::kRequired);
  if (!host || host->empty()) {
    if (host) section.Child("host").Error("host must not be empty");
    usable = false;
  }
  if (auto port = section.Integer("port", 1, 65535)) settings->port = static_cast<uint16_t>(*port);
  std::optional<std::string> username = section.String("username", Presence::kRequired);
  if (!username || username->empty()) {
    if (username) section.Child("username").Error("username must not be empty");
    usable = false;
  }
  std::optional<std::string> key_file = section.Path("private_key_file");
  settings->passphrase = section.SecretValue("passphrase");
  settings->password = section.SecretValue("password");
  if (!key_file && !settings->password) {
    section.Error("one of 'private_key_file' or 'password' is required");
    usable = false;
  }
  if (settings->passphrase && !key_file) {
    section.Child("passphrase").Error("passphrase needs private_key_file");
    usable = false;
  }
  std::optional<std::string> known_hosts = section.Path("known_hosts_file", Presence::kRequired);
  if (!known_hosts) usable = false;
  if (!ReadAfterProcessing(section, settings->after_processing)) usable = false;
  const bool archiving = settings->after_processing == AfterProcessing::kArchive;
  std::optional<std::string> remote_dir = RemoteDir(section, "remote_dir", usable);
  std::optional<std::string> archive_dir =
      RemoteDir(section, "archive_dir", usable, archiving ? Presence::kRequired : Presence::kOptional);
  std::optional<std::string> error_dir = RemoteDir(section, "error_dir", usable);
  if (!CheckArchiveDirUse(section, settings->after_processing, archive_dir.has_value())) usable = false;
  if (!CheckMoveFoldersDiffer(section, remote_dir, archive_dir, error_dir, "remote_dir")) usable = false;
  if (!ReadRecursion(section, settings->recursion)) usable = false;
  if (auto stable_for = section.Duration("stable_for")) settings->stable_for = *stable_for;
  if (auto timeout = section.Duration("timeout")) settings->timeout = *timeout;
  if (!ReadDoneSuffix(section, settings->done_suffix)) usable = false;
  section.RejectUnknownKeys();
  if (!usable) return nullptr;
  settings->host = *host;
  settings->username = *username;
  settings->private_key_file = key_file.value_or("");
  settings->known_hosts_file = *known_hosts;
  settings->remote_dir = *remote_dir;
  settings->archive_dir = archiving ? *archive_dir : "";
  settings->error_dir = *error_dir;
  return settings;
}

}  // namespace tributary::connectors::sftp
