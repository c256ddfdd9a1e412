#include "connectors/directory/directory_config.h"

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
  // Moving a file into the folder it is listed from would pick it up again forever.
  if (path && archive_dir && *archive_dir == *path) {
    section.Child("archive_dir").Error("archive_dir must not be the drop folder itself");
    usable = false;
  }
  if (path && error_dir && *error_dir == *path) {
    section.Child("error_dir").Error("error_dir must not be the drop folder itself");
    usable = false;
  }
  if (auto stable_for = section.Duration("stable_for")) settings->stable_for = *stable_for;
  if (std::optional<std::string> suffix = section.String("done_suffix")) {
    if (suffix->size() < 2 || !suffix->starts_with('.') || suffix->find('/') != std::string::npos) {
      section.Child("done_suffix")
          .Error("invalid done_suffix " + config::QuoteForMessage(*suffix) + " (expected '.' and a name, e.g. .done)");
      usable = false;
    } else {
      settings->done_suffix = *suffix;
    }
  }
  section.RejectUnknownKeys();
  if (!usable) return nullptr;
  settings->path = *path;
  settings->archive_dir = *archive_dir;
  settings->error_dir = *error_dir;
  return settings;
}

}  // namespace tributary::connectors::directory
