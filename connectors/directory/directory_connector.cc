#include "connectors/directory/directory_connector.h"

#include "connectors/directory/factory.h"

#include <spdlog/spdlog.h>

#include "connectors/common/file_pickup.h"
#include "connectors/directory/directory_config.h"
#include "connectors/directory/local_drop_site.h"
#include "gateway/common/private_folder.h"

namespace tributary::connectors::directory {
namespace {

class DirectoryConnector final : public Connector {
 public:
  DirectoryConnector(std::string name, std::string state_path, FilePickup pickup)
      : name_(std::move(name)), state_path_(std::move(state_path)), pickup_(std::move(pickup)) {}

  const std::string& name() const override { return name_; }

  Status Poll(std::stop_token stop) override {
    if (!store_) {
      auto opened = store::Store::Open(state_path_);
      if (!opened) return std::unexpected(opened.error());
      store_ = std::move(*opened);
    }
    return pickup_.RunPass(site_, *store_, stop);
  }

 private:
  std::string name_;
  std::string state_path_;
  LocalDropSite site_;
  FilePickup pickup_;
  std::unique_ptr<store::Store> store_;  // opened on the connector's thread at first Poll
};

}  // namespace

Result<std::unique_ptr<Connector>> MakeDirectoryConnector(const config::ConnectorConfig& config,
                                                          const DirectoryConfig& directory,
                                                          const ConnectorContext& context) {
  const DirectoryConfig* settings = &directory;
  auto rules = PrepareFileRules(config);
  if (!rules) return std::unexpected(rules.error());
  std::error_code ec;
  // The spool folder holds the copy of the file being read, and the groups past their memory budget.
  const std::filesystem::path state_dir = std::filesystem::path(context.state_path).parent_path();
  const std::string spool = state_dir.empty() ? std::string() : (state_dir / "spool" / config.name).string();
  for (const std::string& folder : {settings->path, settings->archive_dir, settings->error_dir}) {
    if (folder.empty()) continue;
    std::filesystem::create_directories(folder, ec);
    if (ec) return Fail(ErrorCode::kIo, "cannot create " + folder + ": " + ec.message());
  }
  if (!spool.empty()) {
    if (auto created = CreatePrivateFolder(spool, /*tighten_existing=*/true); !created) {
      return std::unexpected(created.error());
    }
  }
  PickupSettings pickup{.drop_dir = settings->path,
                        .archive_dir = settings->archive_dir,
                        .error_dir = settings->error_dir,
                        .stable_for = settings->stable_for,
                        .done_suffix = settings->done_suffix,
                        .after_processing = settings->after_processing,
                        .recursion = settings->recursion,
                        .spool_dir = spool};
  return std::make_unique<DirectoryConnector>(
      config.name, context.state_path,
      FilePickup(config.name, config.legal_entity, std::move(pickup), context, std::move(*rules)));
}

ConnectorFactory Factory() {
  return Erase(FactoryOf<DirectoryConfig>{.type = "directory", .parse = ParseDirectoryConfig, .make = MakeDirectoryConnector});
}

}  // namespace tributary::connectors::directory
