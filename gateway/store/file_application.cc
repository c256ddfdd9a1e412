#include "gateway/store/file_application.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "gateway/common/time_format.h"
#include "gateway/model/canonical.h"
#include "gateway/store/change_decision.h"
#include "gateway/store/rejected_keys.h"
#include "gateway/store/seen_in_file.h"
#include "gateway/store/snapshot_guard.h"

namespace tributary::store {
namespace {

constexpr size_t kSampleSize = 20;
// Close candidates are read in chunks so memory stays bounded on a large feed.
constexpr size_t kCloseChunk = 512;
constexpr size_t kMaxRawBytes = 4096;
// About 15 MB of repeatable keys remembered per file; past it, further keys are looked up.
constexpr size_t kMaxRepeatableRemembered = 100'000;

// At most kMaxRawBytes, cut on a UTF-8 character boundary.
std::string Bounded(std::string text) {
  if (text.size() <= kMaxRawBytes) return text;
  size_t end = kMaxRawBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

// The source record of a canonical record, as text for a reject. Parses the record's
// text when it came without its tree: a duplicate is rare.
std::string RawText(const model::CanonicalRecord& record) {
  nlohmann::ordered_json parsed;
  if (record.data.is_null() && !record.json.empty()) {
    parsed = nlohmann::ordered_json::parse(record.json, nullptr, false);
  }
  const nlohmann::ordered_json& data = record.data.is_null() ? parsed : record.data;
  if (!data.is_object()) return {};
  auto it = data.find("raw");
  if (it == data.end() || it->is_null()) return {};
  if (it->is_string()) return Bounded(it->get<std::string>());
  return Bounded(it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// What the store knows of a key before this record.
struct StoredEntity {
  int64_t rowid = 0;
  int64_t version = 0;
  std::string hash;
  std::string lifecycle;
  std::string feed;
};

class SqliteFileApplication final : public FileApplication {
 public:
  SqliteFileApplication(SqliteStore& store, Transaction txn, FileIdentity file,
                        ApplyOptions options, int64_t run_id, bool released,
                        std::optional<int64_t> max_close_ppm, int64_t active_before)
      : store_(store),
        db_(store.db()),
        txn_(std::move(txn)),
        file_(std::move(file)),
        options_(std::move(options)),
        run_id_(run_id),
        released_(released),
        max_close_ppm_(max_close_ppm),
        active_before_(active_before) {}

  ~SqliteFileApplication() override {
    if (!finished_) Finish();
  }

  Status OnRecord(model::CanonicalRecord&& record) override {
    if (auto status = CheckUsable(); !status) return status;
    return Remember(ApplyRecord(record));
  }

  Status OnReject(model::Reject&& reject) override {
    if (auto status = CheckUsable(); !status) return status;
    ++rows_;
    ++outcome_.rejects;
    if (ClosesByAbsence()) rejected_.Add(reject, options_.closing_entities);
    return Remember(InsertReject(reject));
  }

  // The store reads the record's text, hash, key and plain members, never the tree.
  [[nodiscard]] bool WantsTree() const override { return false; }

  Result<ApplyOutcome> Commit() override {
    if (auto status = CheckUsable(); !status) return std::unexpected(status.error());
    auto outcome = CommitOrQuarantine();
    Finish();
    return outcome;
  }

 private:
  Status CheckUsable() const {
    if (finished_) return Fail(ErrorCode::kConflict, "file application already finished");
    if (failure_) {
      return Fail(failure_->code, "file application failed earlier: " + failure_->message);
    }
    return Ok();
  }

  // A failed statement may leave SQLite's transaction half done: nothing after it commits.
  Status Remember(Status status) {
    if (!status) failure_ = status.error();
    return status;
  }

  // Rolls back unless committed, and frees the store for other writes.
  void Finish() {
    finished_ = true;
    txn_.reset();
    store_.EndFileApplication();
  }

  bool IsRepeatable(const std::string& entity) const {
    return std::ranges::find(options_.repeatable_entities, entity) !=
           options_.repeatable_entities.end();
  }

  Result<std::optional<StoredEntity>> Lookup(const std::string& key) {
    auto stmt = db_.Prepare("SELECT rowid, version, hash, lifecycle, feed FROM entities WHERE key = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(key);
    auto row = stmt->Step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<StoredEntity>{};
    return std::optional<StoredEntity>{
        StoredEntity{stmt->Int(0), stmt->Int(1), stmt->Text(2), stmt->Text(3), stmt->Text(4)}};
  }

  Status ApplyRecord(const model::CanonicalRecord& record) {
    ++rows_;
    if (record.key.empty() || record.entity.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "record at line " + std::to_string(record.provenance.line) +
                      " has no key or entity");
    }
    const std::string_view lifecycle = RecordLifecycle(record);
    const bool repeatable = IsRepeatable(record.entity);
    if (repeatable && RepeatsUnchanged(record, lifecycle)) {
      ++outcome_.unchanged;
      return Ok();
    }
    auto stored = Lookup(record.key);
    if (!stored) return std::unexpected(stored.error());
    std::optional<KnownContent> known;
    if (*stored) known = KnownContent{(*stored)->hash, (*stored)->lifecycle, seen_.Seen((*stored)->rowid)};
    // The rule `tributary plan` follows too (change_decision.h).
    if (repeatable) RememberRepeatable(record, lifecycle);
    switch (DecideRecord(known, record.hash, lifecycle, repeatable)) {
      case RecordDecision::kDuplicate:
        return RejectDuplicate(record, seen_.FirstLine((*stored)->rowid).value_or(0));
      case RecordDecision::kUnchanged:
        ++outcome_.unchanged;
        return MarkSeen(**stored, record);
      case RecordDecision::kCreate: return Insert(record, lifecycle);
      case RecordDecision::kUpdate: return Update(**stored, record, lifecycle);
    }
    return Fail(ErrorCode::kInternal, "unknown record decision");
  }

  // A repeatable entity (a customer on each of its open items) met again in this file with
  // the content and lifecycle it had when last met here: unchanged, without a lookup. The
  // first meeting decided it and marked it seen.
  bool RepeatsUnchanged(const model::CanonicalRecord& record, std::string_view lifecycle) const {
    auto it = repeatable_.find(record.key);
    return it != repeatable_.end() && it->second.hash == record.hash && it->second.lifecycle == lifecycle;
  }

  void RememberRepeatable(const model::CanonicalRecord& record, std::string_view lifecycle) {
    if (repeatable_.size() >= kMaxRepeatableRemembered && !repeatable_.contains(record.key)) return;
    RepeatedContent& content = repeatable_[record.key];
    content.hash = record.hash;
    content.lifecycle = lifecycle;
  }

  // An unchanged key is only marked seen; its row is written only when it moved to this
  // feed (a file rule renamed, say), so that the snapshot closes follow it.
  Status MarkSeen(const StoredEntity& stored, const model::CanonicalRecord& record) {
    seen_.Mark(stored.rowid, record.provenance.line);
    if (stored.feed == options_.feed) return Ok();
    auto stmt = db_.Prepare("UPDATE entities SET feed = ? WHERE rowid = ?");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt->Bind(options_.feed, stored.rowid).Run();
  }

  static std::string MappingOf(const model::CanonicalRecord& record) {
    std::string mapping = record.provenance.mapping;
    if (!record.provenance.mapping_version.empty()) mapping += "@" + record.provenance.mapping_version;
    return mapping;
  }

  static std::optional<std::string_view> KindOf(const model::CanonicalRecord& record) {
    if (!record.kind.empty()) return record.kind;
    if (!record.data.is_object()) return std::nullopt;
    auto it = record.data.find("kind");
    if (it == record.data.end() || !it->is_string()) return std::nullopt;
    return it->get_ref<const std::string&>();
  }

  // The record's wire object as text, into `text` when it has to be written from `data`
  // (a record built by hand); else a view of the record's own text.
  static Result<std::string_view> WireText(const model::CanonicalRecord& record, std::string& text) {
    if (!record.json.empty()) return std::string_view(record.json);
    try {
      text = record.data.dump();
    } catch (const nlohmann::json::exception& e) {
      return Fail(ErrorCode::kInvalidArgument,
                  "record " + record.key + " cannot be written as JSON: " + e.what());
    }
    return std::string_view(text);
  }

  // A new key: its version 1. The text is written once, in the outbox; the entity names
  // that row (data_seq).
  Status Insert(const model::CanonicalRecord& record, std::string_view lifecycle) {
    std::string dumped;
    auto text = WireText(record, dumped);
    if (!text) return std::unexpected(text.error());
    const std::string& now = Now();
    auto seq = AppendUpsert(record, 1, *text, now);
    if (!seq) return std::unexpected(seq.error());
    auto stmt = db_.Prepare(
        "INSERT INTO entities (key, entity, feed, version, hash, lifecycle, kind, "
        "open_amount_minor, currency, last_file_id, last_line, mapping, seen_run, seen_line, "
        "updated_at, data, data_seq, legal_entity) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(record.key, record.entity, options_.feed, record.hash, lifecycle, OptionalText(KindOf(record)),
               record.open_amount_minor, OptionalText(record.currency), run_id_, record.provenance.line,
               MappingOf(record), run_id_, record.provenance.line, now, *seq, OptionalText(options_.legal_entity));
    if (auto status = stmt->Run(); !status) return status;
    seen_.Mark(db_.LastInsertRowId(), record.provenance.line);
    ++outcome_.created;
    return Ok();
  }

  Status Update(const StoredEntity& stored, const model::CanonicalRecord& record, std::string_view lifecycle) {
    std::string dumped;
    auto text = WireText(record, dumped);
    if (!text) return std::unexpected(text.error());
    const std::string& now = Now();
    auto seq = AppendUpsert(record, stored.version + 1, *text, now);
    if (!seq) return std::unexpected(seq.error());
    auto stmt = db_.Prepare(
        "UPDATE entities SET entity = ?, feed = ?, version = ?, hash = ?, lifecycle = ?, kind = ?, "
        "open_amount_minor = ?, currency = ?, last_file_id = ?, last_line = ?, mapping = ?, "
        "seen_run = ?, seen_line = ?, updated_at = ?, data = '', data_seq = ?, legal_entity = ? WHERE rowid = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(record.entity, options_.feed, stored.version + 1, record.hash, lifecycle,
               OptionalText(KindOf(record)), record.open_amount_minor, OptionalText(record.currency), run_id_,
               record.provenance.line, MappingOf(record), run_id_, record.provenance.line, now, *seq,
               OptionalText(options_.legal_entity), stored.rowid);
    if (auto status = stmt->Run(); !status) return status;
    seen_.Mark(stored.rowid, record.provenance.line);
    ++outcome_.updated;
    return Ok();
  }

  // UtcNowRfc3339(), formatted again only when the millisecond it shows changed.
  const std::string& Now() {
    const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    if (now != now_ms_) {
      now_ms_ = now;
      now_text_ = FormatRfc3339(now, true);
    }
    return now_text_;
  }

  static std::optional<std::string> OptionalText(std::optional<std::string_view> text) {
    if (!text || text->empty()) return std::nullopt;
    return std::string(*text);
  }

  Result<int64_t> AppendUpsert(const model::CanonicalRecord& record, int64_t version, std::string_view text,
                               const std::string& now) {
    auto seq = store_.AppendUpsert(record.entity, record.key, version, record.hash, text, run_id_, now);
    if (!seq) return std::unexpected(seq.error());
    if (auto status = Appended(*seq); !status) return std::unexpected(status.error());
    return *seq;
  }

  Status AppendChange(const Change& change) {
    auto seq = store_.AppendChange(change, run_id_);
    if (!seq) return std::unexpected(seq.error());
    return Appended(*seq);
  }

  Status Appended(int64_t seq) {
    if (outcome_.first_seq == 0) outcome_.first_seq = seq;
    outcome_.last_seq = seq;
    ++changes_;
    return Ok();
  }

  Status RejectDuplicate(const model::CanonicalRecord& record, int64_t first_line) {
    ++outcome_.rejects;
    return InsertReject(model::Reject{
        .file = record.provenance.file,
        .line = record.provenance.line,
        .column = 0,
        .field = "key",
        .reason = DuplicateKeyReason(record.key, first_line),
        .raw = RawText(record),
    });
  }

  Status InsertReject(const model::Reject& reject) {
    auto stmt = db_.Prepare(
        "INSERT INTO rejects (file_id, connector, file_sha256, file_name, line, col, field, "
        "reason, raw, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return std::unexpected(stmt.error());
    return stmt
        ->Bind(run_id_, file_.connector, file_.sha256, reject.file.empty() ? file_.name : reject.file,
               reject.line, reject.column, reject.field, reject.reason, Bounded(reject.raw),
               UtcNowRfc3339())
        .Run();
  }

  // --- commit ----------------------------------------------------------------------------

  bool ClosesByAbsence() const {
    return options_.mode == SyncMode::kSnapshot && !options_.closing_entities.empty();
  }

  // The active entities of `entity` in the feed that this file did not meet, by rowid,
  // in the order of the feed's index. Read once per entity, after the rejects' keys were
  // kept: the guard, the withheld counts, the sample and the closes all use this list.
  Result<const std::vector<int64_t>*> CloseCandidates(const std::string& entity) {
    if (auto it = candidates_.find(entity); it != candidates_.end()) return &it->second;
    auto stmt = db_.Prepare(
        "SELECT rowid FROM entities WHERE feed = ? AND lifecycle = 'active' AND entity = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(options_.feed, entity);
    std::vector<int64_t> absent;
    while (true) {
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      const int64_t rowid = stmt->Int(0);
      if (!seen_.Seen(rowid)) absent.push_back(rowid);
    }
    return &candidates_.emplace(entity, std::move(absent)).first->second;
  }

  // An active entity of the feed that this file did not carry: closed by absence unless
  // withheld.
  struct Candidate {
    int64_t rowid = 0;
    std::string key;
    std::string entity;
    int64_t version = 0;
    std::string customer;  // the `customer` member of its data; "" when it has none
    std::optional<int64_t> open_minor;
    std::string currency;
    std::string data;      // ForEachCandidate with_data only
  };

  // Whether the close of `candidate` is withheld for this file: a rejected record of its
  // entity had no key but named its customer (rejected_keys.h).
  bool Withheld(const Candidate& candidate) const {
    return rejected_.WithholdsClose(candidate.entity, candidate.customer);
  }

  // Calls `each` with the close candidates of `entity` (CloseCandidates) in rowid order
  // until it answers false. Read in chunks of kCloseChunk, each read whole before `each`
  // sees it: memory stays bounded, and `each` may update the rows (no SELECT is iterating
  // them).
  Status ForEachCandidate(const std::string& entity, bool with_data,
                          const std::function<Result<bool>(Candidate&)>& each) {
    auto rowids = CloseCandidates(entity);
    if (!rowids) return std::unexpected(rowids.error());
    const std::string data = std::string(kEntityDataSql);
    const std::string sql = "SELECT key, version, coalesce(json_extract(" + data + ", '$.customer'), ''), "
                            "open_amount_minor, currency, " + (with_data ? data : std::string("''")) +
                            " FROM entities WHERE rowid = ?";
    std::vector<Candidate> chunk;
    for (size_t begin = 0; begin < (*rowids)->size(); begin += kCloseChunk) {
      chunk.clear();
      const size_t end = std::min((*rowids)->size(), begin + kCloseChunk);
      for (size_t i = begin; i < end; ++i) {
        const int64_t rowid = (**rowids)[i];
        auto stmt = db_.Prepare(sql);
        if (!stmt) return std::unexpected(stmt.error());
        stmt->Bind(rowid);
        if (auto row = stmt->StepRow("entity " + std::to_string(rowid)); !row) return std::unexpected(row.error());
        chunk.push_back({rowid, stmt->Text(0), entity, stmt->Int(1), stmt->Text(2), stmt->OptionalInt(3),
                         stmt->Text(4), stmt->Text(5)});
      }
      for (Candidate& candidate : chunk) {
        auto more = each(candidate);
        if (!more) return std::unexpected(more.error());
        if (!*more) return Ok();
      }
    }
    return Ok();
  }

  // The close candidates of one closing entity: closes to make, and closes withheld.
  struct EntityCloses {
    std::string entity;
    int64_t closes = 0;
    int64_t withheld = 0;
  };

  Result<std::vector<EntityCloses>> CountCloses() {
    std::vector<EntityCloses> counts;
    for (const std::string& entity : options_.closing_entities) {
      EntityCloses& count = counts.emplace_back(EntityCloses{.entity = entity});
      auto keyless = rejected_.keyless().find(entity);
      if (keyless == rejected_.keyless().end() || keyless->second.customers.empty()) {
        // Nothing of the entity is withheld: the candidates need not be read.
        auto rowids = CloseCandidates(entity);
        if (!rowids) return std::unexpected(rowids.error());
        count.closes = static_cast<int64_t>((*rowids)->size());
        continue;
      }
      auto status = ForEachCandidate(entity, false, [&](Candidate& candidate) -> Result<bool> {
        ++(Withheld(candidate) ? count.withheld : count.closes);
        return true;
      });
      if (!status) return std::unexpected(status.error());
    }
    return counts;
  }

  // A rejected record's key counts as carried by the file: marked seen (nothing else of
  // it changes), so it is not closed. Done at commit, not at the reject, so that a valid
  // record of the same key later in the file is not taken for a duplicate.
  Status KeepRejectedKeys() {
    for (const std::string& key : rejected_.kept()) {
      auto stmt = db_.Prepare(
          "SELECT rowid FROM entities WHERE key = ? AND feed = ? AND lifecycle = 'active'");
      if (!stmt) return std::unexpected(stmt.error());
      stmt->Bind(key, options_.feed);
      auto row = stmt->Step();
      if (!row) return std::unexpected(row.error());
      if (!*row || seen_.Seen(stmt->Int(0))) continue;
      seen_.Mark(stmt->Int(0), 0);
      ++outcome_.kept;
    }
    return Ok();
  }

  // The closes not made, by entity, into the outcome.
  void CountWithheld(const std::vector<EntityCloses>& counts) {
    for (const EntityCloses& count : counts) {
      if (count.withheld == 0) continue;
      outcome_.withheld.push_back(MakeWithheld(rejected_, count.entity, count.withheld));
      outcome_.closes_withheld += count.withheld;
    }
    outcome_.withheld_reason = WithheldReason(outcome_.withheld);
  }

  // The entities whose closes rejected records with neither key nor customer hold back:
  // they would close something, and the file was not released by an admin (a release
  // lets its closes through).
  std::vector<UnreadableRejects> HeldByUnreadableRejects(const std::vector<EntityCloses>& counts) const {
    std::vector<UnreadableRejects> held;
    if (released_) return held;
    for (const EntityCloses& count : counts) {
      if (count.closes > 0 && rejected_.HasUnreadable(count.entity)) {
        held.push_back(MakeUnreadable(rejected_, count.entity, count.closes));
      }
    }
    return held;
  }

  Result<ApplyOutcome> CommitOrQuarantine() {
    if (ClosesByAbsence()) {
      if (auto status = KeepRejectedKeys(); !status) return std::unexpected(status.error());
      auto counts = CountCloses();
      if (!counts) return std::unexpected(counts.error());
      CountWithheld(*counts);
      int64_t would_close = 0;
      for (const EntityCloses& count : *counts) would_close += count.closes;
      const std::vector<UnreadableRejects> unreadable = HeldByUnreadableRejects(*counts);
      const bool guard_trips = max_close_ppm_ && !released_ &&
                               CloseGuardTrips(would_close, active_before_, *max_close_ppm_);
      if (guard_trips || !unreadable.empty()) return Quarantine(would_close, guard_trips, unreadable);
      if (auto status = CloseAbsent(); !status) return std::unexpected(status.error());
    }
    auto stmt = db_.Prepare(
        "UPDATE files SET name = ?, size = ?, feed = ?, state = 'applied', rows = ?, "
        "rejects = ?, changes = ?, first_seq = ?, last_seq = ?, error = '', updated_at = ?, "
        "closes_withheld = ?, note = ? WHERE id = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(file_.name, file_.size, options_.feed, rows_, outcome_.rejects, changes_,
               outcome_.first_seq, outcome_.last_seq, UtcNowRfc3339(), outcome_.closes_withheld,
               outcome_.withheld_reason, run_id_);
    if (auto status = stmt->Run(); !status) return std::unexpected(status.error());
    if (auto status = txn_->Commit(); !status) return std::unexpected(status.error());
    return outcome_;
  }

  Status CloseAbsent() {
    for (const std::string& entity : options_.closing_entities) {
      auto status = ForEachCandidate(entity, true, [&](Candidate& candidate) -> Result<bool> {
        if (Withheld(candidate)) return true;
        if (auto closed = Close(candidate); !closed) return std::unexpected(closed.error());
        return true;
      });
      if (!status) return status;
    }
    return Ok();
  }

  Status Close(const Candidate& candidate) {
    auto data = nlohmann::ordered_json::parse(candidate.data, nullptr, false);
    if (data.is_discarded() || !data.is_object()) {
      return Fail(ErrorCode::kInternal, "stored data of " + candidate.key + " is not a JSON object");
    }
    // receivable.status stays as the source last said: the close is the news.
    data["lifecycle"] = std::string(model::kLifecycleClosedByAbsence);
    Change change{.op = "close", .entity = candidate.entity, .key = candidate.key,
                  .version = candidate.version + 1, .reason = std::string(kCloseReasonAbsentFromSnapshot),
                  .created_at = UtcNowRfc3339()};
    auto stmt = db_.Prepare(
        "UPDATE entities SET version = ?, lifecycle = ?, data = ?, data_seq = NULL, last_file_id = ?, "
        "last_line = 0, updated_at = ? WHERE rowid = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(change.version, model::kLifecycleClosedByAbsence,
               data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), run_id_,
               change.created_at, candidate.rowid);
    if (auto status = stmt->Run(); !status) return status;
    if (auto status = AppendChange(change); !status) return status;
    ++outcome_.closed;
    return Ok();
  }

  // The first kSampleSize closes the file would make.
  Result<std::vector<CloseSample>> Sample() {
    std::vector<CloseSample> sample;
    for (const std::string& entity : options_.closing_entities) {
      if (sample.size() >= kSampleSize) break;
      auto status = ForEachCandidate(entity, false, [&](Candidate& candidate) -> Result<bool> {
        if (!Withheld(candidate)) sample.push_back({candidate.key, candidate.open_minor, candidate.currency});
        return sample.size() < kSampleSize;
      });
      if (!status) return std::unexpected(status.error());
    }
    return sample;
  }

  // The guard tripped, or rejected records with neither key nor customer hold back closes
  // (`unreadable`). Nothing of the file stays, not even its rejects: the quarantine row and
  // a ledger row are all that is written, in a transaction of their own. A release applies
  // the whole file again, closes included.
  Result<ApplyOutcome> Quarantine(int64_t would_close, bool guard_trips,
                                  const std::vector<UnreadableRejects>& unreadable) {
    auto sample = Sample();
    if (!sample) return std::unexpected(sample.error());
    std::string reason = UnreadableRejectsReason(unreadable);
    if (guard_trips) {
      if (!reason.empty()) reason += "; ";
      reason += QuarantineReason(would_close, active_before_, *max_close_ppm_);
    }
    const bool guarded = max_close_ppm_ && !released_;
    const std::string diff = QuarantineDiffJson(
        would_close, guarded ? std::optional<int64_t>(active_before_) : std::nullopt,
        guarded ? max_close_ppm_ : std::nullopt, outcome_.created, outcome_.updated, *sample, unreadable);
    txn_->Rollback();

    auto txn = Transaction::Begin(db_);
    if (!txn) return std::unexpected(txn.error());
    const std::string now = UtcNowRfc3339();
    auto file = db_.Prepare(
        "INSERT INTO files (connector, name, sha256, size, feed, state, rows, rejects, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'quarantined', ?, ?, ?, ?)");
    if (!file) return std::unexpected(file.error());
    file->Bind(file_.connector, file_.name, file_.sha256, file_.size, options_.feed, rows_,
               outcome_.rejects, now, now);
    if (auto status = file->Run(); !status) return std::unexpected(status.error());
    const int64_t file_id = db_.LastInsertRowId();
    auto quarantine = db_.Prepare(
        "INSERT INTO quarantine (file_id, feed, reason, diff_json, state, created_at) "
        "VALUES (?, ?, ?, ?, 'pending', ?)");
    if (!quarantine) return std::unexpected(quarantine.error());
    quarantine->Bind(file_id, options_.feed, reason, diff, now);
    if (auto status = quarantine->Run(); !status) return std::unexpected(status.error());
    const int64_t quarantine_id = db_.LastInsertRowId();
    if (auto status = txn->Commit(); !status) return std::unexpected(status.error());
    return ApplyOutcome{.quarantined = true, .quarantine_id = quarantine_id,
                        .quarantine_reason = reason};
  }

  SqliteStore& store_;
  Database& db_;
  std::optional<Transaction> txn_;
  const FileIdentity file_;
  const ApplyOptions options_;
  const int64_t run_id_;  // the files row: what the file writes carries it (last_file_id, seen_run)
  const bool released_;
  const std::optional<int64_t> max_close_ppm_;
  const int64_t active_before_;  // active closing entities of the feed before this file
  ApplyOutcome outcome_;
  int64_t rows_ = 0;
  int64_t changes_ = 0;
  RejectedKeys rejected_;  // snapshot only: what the file's rejects keep and withhold
  SeenInFile seen_;        // the keys met, by rowid, with their first line
  struct RepeatedContent {
    std::string hash;
    std::string lifecycle;
  };
  // Repeatable keys met in this file, with the content they were last met with (bounded).
  std::unordered_map<std::string, RepeatedContent> repeatable_;
  std::chrono::sys_time<std::chrono::milliseconds> now_ms_{};
  std::string now_text_;
  std::map<std::string, std::vector<int64_t>> candidates_;  // CloseCandidates, by entity
  bool finished_ = false;
  std::optional<Error> failure_;
};

Status ValidateOptions(const FileIdentity& file, const ApplyOptions& options) {
  if (file.connector.empty() || file.sha256.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a file needs a connector and a sha256");
  }
  if (options.mode == SyncMode::kSnapshot && options.feed.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "a snapshot needs a feed");
  }
  return Ok();
}

Result<int64_t> CountActive(Database& db, const ApplyOptions& options) {
  int64_t total = 0;
  for (const std::string& entity : options.closing_entities) {
    auto stmt = db.Prepare(
        "SELECT COUNT(*) FROM entities WHERE feed = ? AND lifecycle = 'active' AND entity = ?");
    if (!stmt) return std::unexpected(stmt.error());
    stmt->Bind(options.feed, entity);
    if (auto row = stmt->StepRow("count"); !row) return std::unexpected(row.error());
    total += stmt->Int(0);
  }
  return total;
}

}  // namespace

Result<std::unique_ptr<FileApplication>> BeginFileApplication(SqliteStore& store,
                                                              const FileIdentity& file,
                                                              const ApplyOptions& options) {
  if (auto status = ValidateOptions(file, options); !status) return std::unexpected(status.error());
  ApplyOptions normalized = options;
  // A closing entity listed twice would be counted twice by the guard.
  std::ranges::sort(normalized.closing_entities);
  normalized.closing_entities.erase(std::ranges::unique(normalized.closing_entities).begin(),
                                    normalized.closing_entities.end());
  std::optional<int64_t> max_close_ppm;
  if (normalized.max_close_ratio) {
    auto ppm = CloseRatioToPpm(*normalized.max_close_ratio);
    if (!ppm) return std::unexpected(ppm.error());
    max_close_ppm = *ppm;
  }

  Database& db = store.db();
  auto txn = Transaction::Begin(db);
  if (!txn) return std::unexpected(txn.error());

  int64_t run_id = 0;
  bool released = false;
  {
    auto latest = db.Prepare(
        "SELECT id, state FROM files WHERE connector = ? AND sha256 = ? ORDER BY id DESC LIMIT 1");
    if (!latest) return std::unexpected(latest.error());
    latest->Bind(file.connector, file.sha256);
    auto row = latest->Step();
    if (!row) return std::unexpected(row.error());
    if (*row && latest->Text(1) == FileStateName(FileState::kReleased)) {
      run_id = latest->Int(0);
      released = true;
    } else if (*row && latest->Text(1) == FileStateName(FileState::kQuarantined)) {
      return Fail(ErrorCode::kConflict, "file " + file.name + " (" + file.sha256 +
                                            ") is quarantined; release or discard it first");
    }
  }
  if (!released) {
    auto insert = db.Prepare(
        "INSERT INTO files (connector, name, sha256, size, feed, state, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, 'applied', ?, ?)");
    if (!insert) return std::unexpected(insert.error());
    const std::string now = UtcNowRfc3339();
    insert->Bind(file.connector, file.name, file.sha256, file.size, normalized.feed, now, now);
    if (auto status = insert->Run(); !status) return std::unexpected(status.error());
    run_id = db.LastInsertRowId();
  }

  int64_t active_before = 0;
  const bool guarded = normalized.mode == SyncMode::kSnapshot && max_close_ppm && !released;
  if (guarded) {
    auto active = CountActive(db, normalized);
    if (!active) return std::unexpected(active.error());
    active_before = *active;
  }
  return std::make_unique<SqliteFileApplication>(store, std::move(*txn), file,
                                                 std::move(normalized), run_id, released,
                                                 max_close_ppm, active_before);
}

}  // namespace tributary::store
