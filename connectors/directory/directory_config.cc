#include "connectors/directory/directory_config.h"

#include <optional>

#include "gateway/config/values.h"

namespace tributary::connectors::directory {

std::vector<std::pair<std::string, std::string>> DirectoryConfig::DescribeFields() const {
  std::vector<std::pair<std::string, std::string>> fields = {{"path", path}};
  if (after_processing == AfterProcessing::kArchive) fields.emplace_back("archive_dir", archive_dir);
  fields.emplace_back("error_dir", error_dir);
  fields.emplace_back("stable_for", config::FormatDuration(stable_for));
  fields.emplace_back("done_suffix", done_suffix);
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

std::vector<config::LocalPath> DirectoryConfig::LocalPaths() const {
  // The daemon lists and reads the drop folder (and, recursive, its sub-folders), moves
  // files out of it and removes done markers; it creates all three folders at start.
  std::vector<config::LocalPath> paths = {{.key = "path",
                                           .what = "drop folder",
                                           .path = path,
                                           .writes = true,
                                           .created = true,
                                           .subfolder_depth = recursion.recursive ? recursion.max_depth : 0}};
  if (!archive_dir.empty()) {
    paths.push_back({.key = "archive_dir", .what = "archive folder", .path = archive_dir, .writes = true, .created = true});
  }
  paths.push_back({.key = "error_dir", .what = "error folder", .path = error_dir, .writes = true, .created = true});
  return paths;
}

std::unique_ptr<DirectoryConfig> ParseDirectoryConfig(config::ConfigNode section) {
  using config::Presence;
  auto settings = std::make_unique<DirectoryConfig>();
  bool usable = ReadAfterProcessing(section, settings->after_processing);
  const bool archiving = settings->after_processing == AfterProcessing::kArchive;
  std::optional<std::string> path = section.Path("path", Presence::kRequired);
  std::optional<std::string> archive_dir =
      section.Path("archive_dir", archiving ? Presence::kRequired : Presence::kOptional);
  std::optional<std::string> error_dir = section.Path("error_dir", Presence::kRequired);
  if (!path || (archiving && !archive_dir) || !error_dir) usable = false;
  if (!CheckArchiveDirUse(section, settings->after_processing, archive_dir.has_value())) usable = false;
  if (!CheckMoveFoldersDiffer(section, path, archive_dir, error_dir, "the drop folder")) usable = false;
  if (auto stable_for = section.Duration("stable_for")) settings->stable_for = *stable_for;
  if (!ReadDoneSuffix(section, settings->done_suffix)) usable = false;
  if (!ReadRecursion(section, settings->recursion)) usable = false;
  section.RejectUnknownKeys();
  if (!usable) return nullptr;
  settings->path = *path;
  if (archiving) settings->archive_dir = *archive_dir;
  settings->error_dir = *error_dir;
  return settings;
}

}  // namespace tributary::connectors::directory
