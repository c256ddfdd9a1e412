#include "connectors/directory/directory_config.h"

#include "connectors/common/file_pickup_config.h"

#include <optional>

#include "gateway/config/values.h"

namespace tributary::connectors::directory {

std::vector<std::pair<std::string, std::string>> DirectoryConfig::DescribeFields() const {
  return {{"path", path},
          {"archive_dir", archive_dir},
          {"error_dir", error_dir},
          {"stable_for", config::FormatDuration(stable_for)},
          {"done_suffix", done_suffix}};
}

std::unique_ptr<config::ConnectorSettings> ParseDirectoryConfig(config::ConfigNode section) {
  using config::Presence;
  auto settings = std::make_unique<DirectoryConfig>();
  std::optional<std::string> path = section.Path("path", Presence::kRequired);
  std::optional<std::string> archive_dir = section.Path("archive_dir", Presence::kRequired);
  std::optional<std::string> error_dir = section.Path("error_dir", Presence::kRequired);
  bool usable = path && archive_dir && error_dir;
  if (!CheckMoveFoldersDiffer(section, path, archive_dir, error_dir, "the drop folder")) usable = false;
  if (auto stable_for = section.Duration("stable_for")) settings->stable_for = *stable_for;
  if (!ReadDoneSuffix(section, settings->done_suffix)) usable = false;
  section.RejectUnknownKeys();
  if (!usable) return nullptr;
  settings->path = *path;
  settings->archive_dir = *archive_dir;
  settings->error_dir = *error_dir;
  return settings;
}

}  // namespace tributary::connectors::directory
