#include "connectors/sftp/sftp_connector.h"

#include "connectors/sftp/factory.h"
#include "connectors/sftp/keyscan_tool.h"
#include "connectors/sftp/sftp_probe.h"

#include <filesystem>

#include "connectors/common/file_pickup.h"
#include "connectors/sftp/sftp_config.h"
#include "connectors/sftp/sftp_session.h"
#include "gateway/common/private_folder.h"

namespace tributary::connectors::sftp {
namespace {
namespace fs = std::filesystem;

// One session at a time, opened on demand and dropped after any session error; the
// picking itself is the shared FilePickup over that session.
class SftpConnector final : public Connector {
 public:
  SftpConnector(std::string name, const SftpConfig& settings, ConnectorContext context, FilePickup pickup)
      : name_(std::move(name)), settings_(settings), context_(std::move(context)), pickup_(std::move(pickup)) {}

  const std::string& name() const override { return name_; }

  Status Poll(std::stop_token stop) override {
    if (!store_) {
      auto opened = store::Store::Open(context_.state_path);
      if (!opened) return std::unexpected(opened.error());
      store_ = std::move(*opened);
    }
    if (session_ && !session_->KeepAlive()) session_.reset();
    if (!session_) {
      SessionErrorKind kind = SessionErrorKind::kConnect;
      auto opened = SftpSession::Open(settings_, &kind);
      if (!opened) {
        CountConnectionError(SessionErrorKindName(kind));
        return std::unexpected(opened.error());
      }
      session_ = std::move(*opened);
      counted_bytes_ = 0;
    }
    Status pass = pickup_.RunPass(*session_, *store_, stop);
    if (context_.metrics != nullptr) {
      context_.metrics->Add("tributary_sftp_bytes_total", {{"connector", name_}},
                            session_->bytes_read() - counted_bytes_);
    }
    counted_bytes_ = session_->bytes_read();
    if (!pass && pass.error().code != ErrorCode::kIo && pass.error().code != ErrorCode::kInternal) {
      // A session error (or a stop mid-download): start from a fresh connection next pass.
      if (pass.error().code != ErrorCode::kCancelled) {
        CountConnectionError(pass.error().code == ErrorCode::kTimeout ? "timeout" : "sftp");
      }
      session_.reset();
    }
    return pass;
  }

 private:
  void CountConnectionError(const std::string& kind) {
    if (context_.metrics != nullptr) {
      context_.metrics->Add("tributary_sftp_connection_errors_total", {{"connector", name_}, {"kind", kind}});
    }
  }

  std::string name_;
  SftpConfig settings_;
  ConnectorContext context_;
  FilePickup pickup_;
  std::unique_ptr<store::Store> store_;    // opened on the connector's thread at first Poll
  std::unique_ptr<SftpSession> session_;   // reconnected after any session error
  int64_t counted_bytes_ = 0;              // of session_->bytes_read(), already in the metric
};

}  // namespace

Result<std::unique_ptr<Connector>> MakeSftpConnector(const config::ConnectorConfig& config, const SftpConfig& sftp,
                                                     const ConnectorContext& context) {
  const SftpConfig* settings = &sftp;
  auto rules = PrepareFileRules(config);
  if (!rules) return std::unexpected(rules.error());
  fs::path spool = fs::path(context.state_path).parent_path() / "spool" / config.name;
  if (auto created = CreatePrivateFolder(spool, /*tighten_existing=*/true); !created) {
    return Fail(ErrorCode::kIo, "cannot create spool folder: " + created.error().message);
  }
  if (context.metrics != nullptr) {
    context.metrics->Describe("tributary_sftp_bytes_total", "counter", "Bytes downloaded from SFTP servers.");
    context.metrics->Describe("tributary_sftp_connection_errors_total", "counter",
                              "Failed SFTP sessions, by kind (connect, host_key, auth, sftp, timeout).");
  }
  PickupSettings pickup{.drop_dir = settings->remote_dir,
                        .archive_dir = settings->archive_dir,
                        .error_dir = settings->error_dir,
                        .stable_for = settings->stable_for,
                        .done_suffix = settings->done_suffix,
                        .after_processing = settings->after_processing,
                        .recursion = settings->recursion,
                        .spool_dir = spool};
  return std::make_unique<SftpConnector>(
      config.name, *settings, context,
      FilePickup(config.name, config.legal_entity, std::move(pickup), context, std::move(*rules)));
}

ConnectorFactory Factory() {
  return Erase(FactoryOf<SftpConfig>{
      .type = "sftp", .parse = ParseSftpConfig, .make = MakeSftpConnector, .tools = {KeyscanTool()}, .probe = ProbeSftp});
}

}  // namespace tributary::connectors::sftp
