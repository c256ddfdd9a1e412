#include <spdlog/spdlog.h>

#include "connectors/kit/score_action.h"
#include "gateway/common/time_format.h"

namespace tributary::connectors::kit {

namespace {

constexpr const char* kMonitoringCursor = "monitoring";

}  // namespace

ScoreMonitor::ScoreMonitor(ScoreSettings settings, std::unique_ptr<ScoreProvider> provider, ConnectorContext context)
    : settings_(std::move(settings)), provider_(std::move(provider)), context_(std::move(context)) {}

Status ScoreMonitor::Poll(std::stop_token stop) {
  if (!provider_->Monitors()) return Ok();
  auto store = store::Store::Open(context_.state_path);
  if (!store) return std::unexpected(store.error());
  auto cursor = (*store)->api().GetCursor(settings_.connector, kMonitoringCursor);
  if (!cursor) return std::unexpected(cursor.error());
  std::string position = cursor->value_or("");
  while (!stop.stop_requested()) {
    auto page = provider_->ChangesSince(position, stop);
    if (!page) return std::unexpected(page.error());
    // The reports are read before the batch takes the write lock: a provider call must
    // never hold it.
    std::vector<model::CanonicalRecord> records;
    std::vector<store::StoredProof> proofs;
    for (const std::string& id : page->company_ids) {
      const std::string key = model::MakeKey(settings_.connector, "risk_score", id);
      auto existing = (*store)->GetEntity(key);
      if (!existing) {
        if (existing.error().code == ErrorCode::kNotFound) continue;  // never scored here
        return std::unexpected(existing.error());
      }
      const nlohmann::json data = nlohmann::json::parse(existing->data, nullptr, false);
      const std::string party = data.is_object() && data.value("party", nlohmann::json()).is_string()
                                    ? data["party"].get<std::string>()
                                    : "";
      auto report = provider_->FetchReportById(id, stop);
      if (!report) return std::unexpected(report.error());
      if (report->company.id.empty()) report->company.id = id;
      auto record = RiskScoreRecord(settings_, provider_->provider(), *report, party,
                                    FormatRfc3339(context_.clock().Now()));
      if (!record) {
        spdlog::warn("{}: the monitored report on {} makes no sense, score left as it was: {}", settings_.connector, id,
                     record.error().message);
        continue;
      }
      if (!report->report.content.empty()) {
        proofs.push_back({.sha256 = report->report.Sha256(),
                          .media_type = report->report.media_type,
                          .filename = report->report.filename,
                          .content = std::move(report->report.content)});
      }
      records.push_back(std::move(*record));
    }
    std::string call = "monitoring since " + (position.empty() ? std::string("start") : position);
    auto batch = (*store)->api().BeginBatch({.connector = settings_.connector,
                                             .call = call,
                                             .sha256 = model::Sha256Hex(call + "\n" + page->next_cursor),
                                             .size = static_cast<int64_t>(page->company_ids.size())});
    if (!batch) return std::unexpected(batch.error());
    for (const store::StoredProof& proof : proofs) {
      if (auto saved = (*batch)->SaveProof(proof); !saved) return saved;
    }
    for (model::CanonicalRecord& record : records) {
      if (auto stored = (*batch)->OnRecord(std::move(record)); !stored) return stored;
    }
    if (auto moved = (*batch)->SetCursor(kMonitoringCursor, page->next_cursor); !moved) return moved;
    auto committed = (*batch)->Commit();
    if (!committed) return std::unexpected(committed.error());
    if (committed->last_seq > 0 && context_.notify_changes) context_.notify_changes();
    if (committed->created + committed->updated > 0) {
      spdlog::info("{}: monitoring updated {} score(s)", settings_.connector, committed->created + committed->updated);
    }
    position = page->next_cursor;
    if (!page->more) break;
  }
  return Ok();
}

}  // namespace tributary::connectors::kit
