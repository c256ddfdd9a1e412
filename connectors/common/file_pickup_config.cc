#include "connectors/common/file_pickup_config.h"

#include "gateway/config/values.h"

namespace tributary::connectors {

std::string_view AfterProcessingName(AfterProcessing value) {
  return value == AfterProcessing::kDelete ? "delete" : "archive";
}

bool CheckMoveFoldersDiffer(config::ConfigNode& section, const std::optional<std::string>& source,
                            const std::optional<std::string>& archive_dir,
                            const std::optional<std::string>& error_dir, std::string_view source_description) {
  bool ok = true;
  if (source && archive_dir && *archive_dir == *source) {
    section.Child("archive_dir").Error("archive_dir must not be " + std::string(source_description) + " itself");
    ok = false;
  }
  if (source && error_dir && *error_dir == *source) {
    section.Child("error_dir").Error("error_dir must not be " + std::string(source_description) + " itself");
    ok = false;
  }
  return ok;
}

bool ReadDoneSuffix(config::ConfigNode& section, std::string& done_suffix) {
  std::optional<std::string> suffix = section.String("done_suffix");
  if (!suffix) return true;
  if (suffix->size() < 2 || !suffix->starts_with('.') || suffix->find('/') != std::string::npos) {
    section.Child("done_suffix")
        .Error("invalid done_suffix " + config::QuoteForMessage(*suffix) + " (expected '.' and a name, e.g. .done)");
    return false;
  }
  done_suffix = *suffix;
  return true;
}

bool ReadAfterProcessing(config::ConfigNode& section, AfterProcessing& value) {
  // An invalid value is reported by Enum and fails the load; the default stands meanwhile.
  if (std::optional<std::string> text = section.Enum("after_processing", {"archive", "delete"})) {
    value = *text == "delete" ? AfterProcessing::kDelete : AfterProcessing::kArchive;
  }
  return true;
}

bool CheckArchiveDirUse(config::ConfigNode& section, AfterProcessing value, bool archive_present) {
  if (value != AfterProcessing::kDelete || !archive_present) return true;
  section.Child("archive_dir").Error("archive_dir is not used with after_processing: delete (remove it)");
  return false;
}

bool ReadRecursion(config::ConfigNode& section, Recursion& recursion) {
  if (std::optional<bool> recursive = section.Bool("recursive")) recursion.recursive = *recursive;
  std::optional<int64_t> depth = section.Integer("max_depth", 1, 64);
  if (!depth) return true;
  if (!recursion.recursive) {
    section.Child("max_depth").Error("max_depth applies only with recursive: true");
    return false;
  }
  recursion.max_depth = static_cast<int>(*depth);
  return true;
}

}  // namespace tributary::connectors
