#include "connectors/salesforce/org_sync.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <spdlog/spdlog.h>

#include "connectors/salesforce/query_page.h"
#include "gateway/common/time_format.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::salesforce {
namespace {

bool SameName(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

std::string CursorName(const SyncedObject& object) { return "object:" + object.config->object; }

// "No such column 'X' on entity 'Y'" -> X.
std::string ColumnOf(const std::string& message) {
  const std::string marker = "No such column '";
  const size_t at = message.find(marker);
  if (at == std::string::npos) return "";
  const size_t end = message.find('\'', at + marker.size());
  return end == std::string::npos ? "" : message.substr(at + marker.size(), end - at - marker.size());
}

}  // namespace

Result<std::vector<SyncedObject>> LoadObjects(const SalesforceConfig& settings) {
  std::vector<SyncedObject> objects;
  std::string problems;
  for (const SalesforceObject& config : settings.objects) {
    auto loaded = mapping::Mapping::Load(config.mapping);
    if (!loaded) {
      for (const Diagnostic& diagnostic : loaded.error()) problems += "\n  " + diagnostic.ToString();
      continue;
    }
    if (auto checked = (*loaded)->CheckParameters(config.parameters); !checked) {
      problems += "\n  " + config.object + ": " + checked.error().message;
      continue;
    }
    SyncedObject object;
    object.config = &config;
    object.fields = {"Id", "SystemModstamp"};
    for (const std::string& path : (*loaded)->SourcePaths()) {
      if (std::none_of(object.fields.begin(), object.fields.end(),
                       [&](const std::string& field) { return SameName(field, path); })) {
        object.fields.push_back(path);
      }
    }
    for (const mapping::EntityInfo& entity : (*loaded)->entities()) object.entities.push_back(entity.entity);
    object.mapping = std::move(*loaded);
    objects.push_back(std::move(object));
  }
  if (!problems.empty()) return Fail(ErrorCode::kInvalidArgument, "invalid Salesforce mapping:" + problems);
  return objects;
}

OrgSync::OrgSync(const SalesforceConfig& settings, SyncContext context, store::Store& store, SalesforceApi& api,
                 std::vector<SyncedObject> objects)
    : settings_(settings), context_(std::move(context)), store_(store), api_(api), objects_(std::move(objects)) {}

int64_t OrgSync::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(context_.clock->Now().time_since_epoch()).count();
}

std::string OrgSync::Select(const SyncedObject& object) const {
  std::string list;
  for (const std::string& field : object.fields) list += (list.empty() ? "" : ", ") + field;
  return "SELECT " + list + " FROM " + object.config->object;
}

std::vector<std::string> OrgSync::Required(const SyncedObject& object) const {
  std::vector<std::string> members;
  for (const std::string& field : object.fields) {
    std::string first = field.substr(0, field.find('.'));
    if (std::find(members.begin(), members.end(), first) == members.end()) members.push_back(std::move(first));
  }
  return members;
}

Result<ObjectCursor> OrgSync::ReadCursor(const SyncedObject& object) {
  auto text = store_.api().GetCursor(context_.connector, CursorName(object));
  if (!text) return std::unexpected(text.error());
  if (!*text) return ObjectCursor{};
  return ObjectCursor::FromJson(**text);
}

Status OrgSync::SaveCursor(const SyncedObject& object, const ObjectCursor& cursor) {
  return store_.api().SetCursor(context_.connector, CursorName(object), cursor.ToJson());
}

Error OrgSync::QueryFailed(const SyncedObject& object, const Error& error,
                           const std::vector<SalesforceError>& refusal) {
  for (const SalesforceError& entry : refusal) {
    if (entry.code != "INVALID_FIELD") continue;
    const std::string column = ColumnOf(entry.message);
    return Error{ErrorCode::kRejected,
                 "Salesforce refuses to read field " + (column.empty() ? std::string("?") : column) + " of " +
                     object.config->object + " (INVALID_FIELD: the integration user cannot see it, or the org has no "
                     "such field): grant the user read access to " + object.config->object + "." + column +
                     " (field-level security, in its permission set) or remove it from the mapping " +
                     object.config->mapping};
  }
  return Error{error.code, object.config->object + ": " + error.message};
}

Status OrgSync::Pass(std::stop_token stop) {
  for (SyncedObject& object : objects_) {
    if (stop.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped");
    if (auto synced = SyncObject(object, stop); !synced) return synced;
  }
  return Ok();
}

Status OrgSync::Probe(SyncedObject& object, std::stop_token stop) {
  if (object.probed) return Ok();
  auto currency = std::find_if(object.fields.begin(), object.fields.end(),
                               [](const std::string& field) { return SameName(field, "CurrencyIsoCode"); });
  if (currency != object.fields.end()) {
    // CurrencyIsoCode exists only in multi-currency orgs: one cheap query tells.
    std::vector<SalesforceError> refusal;
    auto probe = api_.Query("SELECT Id, CurrencyIsoCode FROM " + object.config->object + " LIMIT 1", stop, &refusal);
    if (!probe) {
      const bool missing = std::any_of(refusal.begin(), refusal.end(), [](const SalesforceError& entry) {
        return entry.code == "INVALID_FIELD" && SameName(ColumnOf(entry.message), "CurrencyIsoCode");
      });
      if (!missing) return std::unexpected(QueryFailed(object, probe.error(), refusal));
      spdlog::info("[{}] {} has no CurrencyIsoCode (a single-currency org): the mapping's home_currency applies",
                   context_.connector, object.config->object);
      object.fields.erase(currency);
    }
  }
  object.probed = true;
  return Ok();
}

Status OrgSync::SyncObject(SyncedObject& object, std::stop_token stop) {
  if (auto probed = Probe(object, stop); !probed) return probed;
  auto cursor = ReadCursor(object);
  if (!cursor) return std::unexpected(cursor.error());
  if (cursor->phase == ObjectCursor::Phase::kCount) {
    cursor = Start(object, std::move(*cursor), stop);
    if (!cursor) return std::unexpected(cursor.error());
  }
  if (cursor->phase == ObjectCursor::Phase::kBulk) {
    cursor = Bulk(object, std::move(*cursor), stop);
    if (!cursor) return std::unexpected(cursor.error());
    if (cursor->phase == ObjectCursor::Phase::kCount) return Ok();  // the job was gone: the next pass loads again
  }
  // Deletes before changes: a record deleted and then restored ends restored.
  cursor = Deletes(object, std::move(*cursor), stop);
  if (!cursor) return std::unexpected(cursor.error());
  cursor = Changes(object, std::move(*cursor), stop);
  if (!cursor) return std::unexpected(cursor.error());
  return Ok();
}

Result<ObjectCursor> OrgSync::Start(SyncedObject& object, ObjectCursor cursor, std::stop_token stop) {
  std::string soql = "SELECT COUNT() FROM " + object.config->object;
  if (!object.config->where.empty()) soql += " WHERE " + object.config->where;
  std::vector<SalesforceError> refusal;
  auto body = api_.Query(soql, stop, &refusal);
  if (!body) return std::unexpected(QueryFailed(object, body.error(), refusal));
  auto page = ParseQueryPage(*body, {});
  if (!page) return std::unexpected(page.error());
  const std::string start = FormatSalesforceTime(NowMs() - settings_.overlap.count());
  // Deletes before the load began do not matter: its records are what exists from then.
  cursor.deleted_since = FormatSalesforceTime(NowMs());
  if (page->total_size >= settings_.bulk_threshold) {
    spdlog::info("[{}] {}: initial load of {} records through Bulk API 2.0", context_.connector,
                 object.config->object, page->total_size);
    cursor.phase = ObjectCursor::Phase::kBulk;
    cursor.load_start = start;
    cursor.job.clear();
    cursor.locator.clear();
  } else {
    spdlog::info("[{}] {}: initial load of {} records through REST queries", context_.connector,
                 object.config->object, page->total_size);
    cursor.phase = ObjectCursor::Phase::kChanges;
    cursor.stamp.clear();
    cursor.id.clear();
    cursor.caught_up = false;
  }
  if (auto saved = SaveCursor(object, cursor); !saved) return std::unexpected(saved.error());
  return cursor;
}

Result<ObjectCursor> OrgSync::Changes(SyncedObject& object, ObjectCursor cursor, std::stop_token stop) {
  std::string from_stamp = cursor.stamp;
  std::string from_id = cursor.id;
  if (cursor.caught_up && !from_stamp.empty()) {
    auto mark = ParseSalesforceTime(from_stamp);
    if (!mark) return Fail(ErrorCode::kParse, "the SystemModstamp mark is not a time: " + from_stamp);
    from_stamp = FormatSalesforceTime(*mark - settings_.overlap.count());
    from_id.clear();
  }
  auto query = [&](const std::string& stamp, const std::string& id) {
    std::string condition;
    if (!stamp.empty()) {
      const std::string literal = FormatSalesforceTime(ParseSalesforceTime(stamp).value_or(0));
      condition = id.empty() ? "SystemModstamp >= " + literal
                             : "(SystemModstamp > " + literal + " OR (SystemModstamp = " + literal + " AND Id > " +
                                   SoqlQuote(id) + "))";
    }
    std::string where = condition;
    if (!object.config->where.empty()) {
      where = condition.empty() ? object.config->where : condition + " AND (" + object.config->where + ")";
    }
    return Select(object) + (where.empty() ? "" : " WHERE " + where) + " ORDER BY SystemModstamp, Id";
  };
  const std::vector<std::string> required = Required(object);
  std::string soql = query(from_stamp, from_id);
  std::vector<SalesforceError> refusal;
  auto body = api_.Query(soql, stop, &refusal);
  if (!body) return std::unexpected(QueryFailed(object, body.error(), refusal));
  int pages = 0;
  while (true) {
    auto page = ParseQueryPage(*body, required);
    if (!page) return std::unexpected(Error{page.error().code, object.config->object + ": " + page.error().message});
    ObjectCursor next = cursor;
    if (page->records > 0) {
      next.stamp = page->stamps.back();
      next.id = page->ids.back();
      if (next.stamp.empty() || next.id.empty()) {
        return Fail(ErrorCode::kParse, object.config->object + ": a record without Id or SystemModstamp");
      }
    }
    next.caught_up = page->done;
    const std::string call = object.config->object + " changes from " + (from_stamp.empty() ? "the start" : from_stamp) +
                             " page " + std::to_string(++pages);
    if (page->records > 0 || next.caught_up != cursor.caught_up) {
      if (auto applied = Apply(object, page->json_lines, page->records, {}, next, call, stop); !applied) {
        return std::unexpected(applied.error());
      }
    }
    cursor = std::move(next);
    if (page->done) return cursor;
    if (stop.stop_requested()) return Fail(ErrorCode::kCancelled, "stopped");
    auto more = api_.More(page->next_records_url, stop);
    if (!more && api_.last_refusal().find("INVALID_QUERY_LOCATOR") != std::string::npos) {
      // The locator expired: the keyset mark says where to go on.
      more = api_.Query(query(cursor.stamp, cursor.id), stop, &refusal);
    }
    if (!more) return std::unexpected(Error{more.error().code, object.config->object + ": " + more.error().message});
    body = std::move(more);
  }
}

Status OrgSync::Apply(const SyncedObject& object, const std::string& json_lines, int64_t records,
                      const std::vector<std::string>& deletes, const ObjectCursor& next, const std::string& call,
                      std::stop_token stop) {
  if (commits_left_ == 0) return Fail(ErrorCode::kCancelled, "stopped before a commit (test)");
  const std::string sha256 = model::Sha256Hex(json_lines + call);
  auto batch = store_.api().BeginBatch(
      {.connector = context_.connector,
       .call = call,
       .sha256 = sha256,
       .size = static_cast<int64_t>(json_lines.size()),
       .legal_entity = context_.legal_entity});
  if (!batch) return std::unexpected(batch.error());
  if (!json_lines.empty()) {
    mapping::MappingContext mapping_context{.tenant = context_.tenant,
                                            .source = context_.connector,
                                            .legal_entity = context_.legal_entity,
                                            .file_name = call,
                                            .file_sha256 = sha256,
                                            .source_updated_at = FormatRfc3339(context_.clock->Now()),
                                            .parameters = object.config->parameters};
    std::istringstream input(json_lines);
    auto stats = object.mapping->Run(input, mapping_context, **batch, stop);
    if (!stats) {
      return std::unexpected(
          Error{stats.error().code, "mapping Salesforce " + object.config->object + " (" + call + "): " + stats.error().message});
    }
  }
  for (const std::string& key : deletes) {
    if (auto deleted = (*batch)->Delete(key); !deleted) return std::unexpected(deleted.error());
  }
  if (auto saved = (*batch)->SetCursor(CursorName(object), next.ToJson()); !saved) return saved;
  if (context_.usage_cursor) {
    if (auto saved = (*batch)->SetCursor("api_use", context_.usage_cursor()); !saved) return saved;
  }
  auto outcome = (*batch)->Commit();
  if (!outcome) return std::unexpected(outcome.error());
  if (commits_left_ > 0) --commits_left_;
  const int64_t changes = outcome->last_seq == 0 ? 0 : outcome->last_seq - outcome->first_seq + 1;
  spdlog::info("[{}] {}: {} records, {} created, {} updated, {} unchanged, {} deleted, {} rejects", context_.connector,
               call, records, outcome->created, outcome->updated, outcome->unchanged, outcome->deleted,
               outcome->rejects);
  if (context_.metrics != nullptr) {
    Labels labels{{"connector", context_.connector}};
    context_.metrics->Add("tributary_rows_total", labels, records);
    context_.metrics->Add("tributary_rejects_total", labels, outcome->rejects);
    context_.metrics->Add("tributary_changes_total", labels, changes);
  }
  if (changes > 0 && context_.notify_changes) context_.notify_changes();
  return Ok();
}

}  // namespace tributary::connectors::salesforce
