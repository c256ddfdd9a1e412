#include "connectors/common/file_pickup_config.h"

#include "gateway/config/values.h"

namespace tributary::connectors {

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

}  // namespace tributary::connectors
