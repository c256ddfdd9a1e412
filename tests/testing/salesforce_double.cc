#include "tests/testing/salesforce_double.h"

#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kDataPrefix = "/services/data";
const auto kRecycleBinLifetime = hours(24 * 15);
const auto kUsageWindow = hours(24);

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "Winter '25" for 62.0: three releases a year, 59.0 being Winter '24.
std::string ReleaseLabel(const std::string& version) {
  static const char* kSeasons[] = {"Winter", "Spring", "Summer"};
  const int major = std::atoi(version.c_str());
  const int since = major - 59;
  const int year = 24 + (since >= 0 ? since / 3 : -((2 - since) / 3));
  const int season = ((since % 3) + 3) % 3;
  return std::string(kSeasons[season]) + " '" + std::to_string(year % 100);
}

// What a request is, for the record (tests count by kind).
std::string KindOf(const std::string& path) {
  if (path == "/services/oauth2/token") return "token";
  if (!path.starts_with("/services/data/v")) return "other";
  const size_t slash = path.find('/', kDataPrefix.size() + 1);
  const std::string rest = slash == std::string::npos ? "" : path.substr(slash + 1);
  if (rest == "query" || rest == "query/") return "query";
  if (rest == "queryAll" || rest == "queryAll/") return "queryAll";
  if (rest.starts_with("query/") || rest.starts_with("queryAll/")) return "more";
  if (rest.starts_with("sobjects/") && (rest.ends_with("/updated") || rest.ends_with("/updated/"))) return "updated";
  if (rest.starts_with("sobjects/") && (rest.ends_with("/deleted") || rest.ends_with("/deleted/"))) return "deleted";
  if (rest == "limits" || rest == "limits/") return "limits";
  if (rest.starts_with("jobs/query")) return "bulk";
  return "other";
}

}  // namespace

Result<std::unique_ptr<SalesforceDouble>> SalesforceDouble::Start(SalesforceDoubleOptions options) {
  std::unique_ptr<SalesforceDouble> double_(new SalesforceDouble(std::move(options)));
  if (auto loaded = double_->LoadCertificate(); !loaded) return std::unexpected(loaded.error());
  auto server =
      http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                            [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

SalesforceDouble::SalesforceDouble(SalesforceDoubleOptions options) : options_(std::move(options)) {
  daily_limit_ = options_.daily_api_limit;
  usage_window_start_ = options_.start;
  delete_log_purged_until_ = floor<minutes>(options_.start);
  for (const std::string& object : options_.objects) ObjectFor(object);
}

SalesforceDouble::~SalesforceDouble() {
  ResumeRequests();
  if (server_) server_->Stop();
}

std::string SalesforceDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string SalesforceDouble::token_url() const { return base_url() + "/services/oauth2/token"; }

system_clock::time_point SalesforceDouble::Now() const {
  std::lock_guard lock(mutex_);
  return NowLocked();
}

void SalesforceDouble::Advance(seconds by) {
  std::lock_guard lock(mutex_);
  offset_ += by;
}

std::string SalesforceDouble::FormatTime(system_clock::time_point time) { return sfdc::FormatTime(time); }

ordered_json SalesforceDouble::Amount(const std::string& decimal_text) { return qbo::ExactNumber(decimal_text); }

// --- data --------------------------------------------------------------------------------

SalesforceDouble::Object& SalesforceDouble::ObjectFor(const std::string& name) {
  auto [it, added] = objects_.try_emplace(Lower(name));
  if (!added) return it->second;
  it->second.name = name;
  static const std::map<std::string, std::string> kPrefixes = {
      {"account", "001"}, {"contact", "003"}, {"opportunity", "006"}, {"user", "005"},    {"lead", "00Q"},
      {"case", "500"},    {"task", "00T"},    {"event", "00U"},       {"product2", "01t"}};
  static constexpr std::string_view kSeries = "XYZ0123456789ABCDEFGHIJKLMNOPQRSTUVW";
  if (auto known = kPrefixes.find(it->first); known != kPrefixes.end()) {
    it->second.prefix = known->second;
  } else if (it->first.ends_with("__c")) {
    // Custom objects get a0X, a0Y, a0Z, a00, … in the order they are first seen.
    it->second.prefix = std::string("a0") + kSeries[next_custom_prefix_++ % kSeries.size()];
  } else {
    it->second.prefix = std::string("0X") + kSeries[next_standard_prefix_++ % kSeries.size()];
  }
  return it->second;
}

std::string SalesforceDouble::NextId(const std::string& prefix) { return sfdc::MakeId(prefix, next_serial_++); }

void SalesforceDouble::DeclareObject(const std::string& object) {
  std::lock_guard lock(mutex_);
  ObjectFor(object);
}

std::string SalesforceDouble::Put(const std::string& object_name, ordered_json record) {
  std::lock_guard lock(mutex_);
  Object& object = ObjectFor(object_name);
  const std::string now = sfdc::FormatTime(NowLocked());
  std::string id = record.contains("Id") && record["Id"].is_string() ? record["Id"].get<std::string>() : "";
  if (id.empty()) id = NextId(object.prefix);
  auto existing = object.records.find(id);
  if (existing == object.records.end()) {
    Record created;
    created.fields = ordered_json::object();
    created.fields["Id"] = id;
    created.fields["IsDeleted"] = false;
    created.fields["CreatedDate"] = now;
    existing = object.records.emplace(id, std::move(created)).first;
    id_objects_[id] = Lower(object_name);
  }
  Record& stored = existing->second;
  for (auto& [key, value] : record.items()) {
    if (key == "Id") continue;
    // Names are case-insensitive: an update replaces the field however it is spelt.
    std::string spelt = key;
    for (auto it = stored.fields.begin(); it != stored.fields.end(); ++it) {
      if (sfdc::EqualsIgnoreCase(it.key(), key)) spelt = it.key();
    }
    stored.fields[spelt] = value;
  }
  stored.deleted = false;
  stored.fields["IsDeleted"] = false;
  stored.fields["SystemModstamp"] = now;
  stored.fields["LastModifiedDate"] = now;
  return id;
}

std::vector<std::string> SalesforceDouble::PutMany(const std::string& object,
                                                   const std::vector<ordered_json>& records) {
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (const ordered_json& record : records) ids.push_back(Put(object, record));
  return ids;
}

void SalesforceDouble::Delete(const std::string& object_name, const std::string& id) {
  std::lock_guard lock(mutex_);
  Object& object = ObjectFor(object_name);
  auto it = object.records.find(id);
  if (it == object.records.end() || it->second.deleted) return;
  const auto now = NowLocked();
  it->second.deleted = true;
  it->second.deleted_at = now;
  it->second.fields["IsDeleted"] = true;
  it->second.fields["SystemModstamp"] = sfdc::FormatTime(now);
  delete_log_.push_back({Lower(object_name), id, now});
}

void SalesforceDouble::Purge(const std::string& object_name, const std::string& id) {
  std::lock_guard lock(mutex_);
  Object& object = ObjectFor(object_name);
  auto it = object.records.find(id);
  if (it == object.records.end()) return;
  // A record deleted without the recycle bin is still a deletion the log records.
  if (!it->second.deleted) delete_log_.push_back({Lower(object_name), id, NowLocked()});
  object.records.erase(it);
  id_objects_.erase(id);
}

std::optional<ordered_json> SalesforceDouble::Find(const std::string& object_name, const std::string& id) const {
  std::lock_guard lock(mutex_);
  const Object* object = FindObject(object_name);
  if (object == nullptr) return std::nullopt;
  auto it = object->records.find(id);
  if (it == object->records.end()) return std::nullopt;
  return ordered_json::parse(qbo::Dump(it->second.fields));
}

void SalesforceDouble::HideField(const std::string& object, const std::string& field) {
  std::lock_guard lock(mutex_);
  ObjectFor(object).hidden.insert(Lower(field));
}

const SalesforceDouble::Object* SalesforceDouble::FindObject(const std::string& name) const {
  auto it = objects_.find(Lower(name));
  return it == objects_.end() ? nullptr : &it->second;
}

// The recycle bin keeps records 15 days; the delete log as long; cursors live 15 minutes
// unused; bulk results 7 days.
void SalesforceDouble::ExpireOldData() {
  const auto now = NowLocked();
  for (auto& [key, object] : objects_) {
    for (auto it = object.records.begin(); it != object.records.end();) {
      if (it->second.deleted && it->second.deleted_at + kRecycleBinLifetime <= now) {
        id_objects_.erase(it->first);
        it = object.records.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::erase_if(delete_log_, [&](const DeleteLogEntry& entry) {
    if (entry.deleted_at + kRecycleBinLifetime > now) return false;
    const system_clock::time_point minute = floor<minutes>(entry.deleted_at);
    delete_log_purged_until_ = std::max(delete_log_purged_until_, minute);
    return true;
  });
  std::erase_if(cursors_, [&](const auto& cursor) { return cursor.second.last_used + minutes(15) <= now; });
  std::erase_if(jobs_, [&](const auto& job) {
    return job.second.state == "JobComplete" && job.second.modstamp + hours(24 * 7) <= now;
  });
  if (now >= usage_window_start_ + kUsageWindow) {
    usage_window_start_ = now;
    api_used_ = 0;
  }
}

// --- sessions, allocations, failures, observations ----------------------------------------

void SalesforceDouble::ExpireSessions() {
  std::lock_guard lock(mutex_);
  sessions_.clear();
}

TokenCounts SalesforceDouble::TokenRequests() const {
  std::lock_guard lock(mutex_);
  return token_counts_;
}

void SalesforceDouble::SetDailyLimit(int64_t max) {
  std::lock_guard lock(mutex_);
  daily_limit_ = max;
}

void SalesforceDouble::SetApiUsage(int64_t used) {
  std::lock_guard lock(mutex_);
  api_used_ = used;
}

int64_t SalesforceDouble::ApiUsage() const {
  std::lock_guard lock(mutex_);
  return api_used_;
}

void SalesforceDouble::FailNext(int n, int status) {
  std::lock_guard lock(mutex_);
  fail_next_ = n;
  fail_status_ = status;
}

void SalesforceDouble::FailNextToken(int n, int status) {
  std::lock_guard lock(mutex_);
  fail_next_token_ = n;
  fail_token_status_ = status;
}

void SalesforceDouble::PauseRequests() {
  std::lock_guard lock(mutex_);
  paused_ = true;
}

void SalesforceDouble::ResumeRequests() {
  {
    std::lock_guard lock(mutex_);
    paused_ = false;
  }
  resumed_.notify_all();
}

int SalesforceDouble::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

std::string SalesforceDouble::BulkJobState(const std::string& job_id) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(job_id);
  return it == jobs_.end() ? "" : it->second.state;
}

std::vector<SalesforceRequest> SalesforceDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int SalesforceDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const SalesforceRequest& seen) {
    return seen.kind == kind && (status == 0 || seen.status == status);
  }));
}

// --- HTTP --------------------------------------------------------------------------------

http::Response SalesforceDouble::Json(int status, const ordered_json& body) const {
  http::Response response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  response.body = qbo::Dump(body);
  return response;
}

http::Response SalesforceDouble::Error(int status, const std::string& code, const std::string& message) const {
  http::Response response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json;charset=UTF-8"}};
  response.body = sfdc::ErrorBody(code, message);
  return response;
}

http::Response SalesforceDouble::Handle(const http::Request& request) {
  std::string path = request.target;
  std::string query;
  if (auto mark = path.find('?'); mark != std::string::npos) {
    query = path.substr(mark + 1);
    path.resize(mark);
  }
  SalesforceRequest seen{.method = request.method,
                         .path = path,
                         .query = query,
                         .headers = request.headers,
                         .body = request.body,
                         .kind = KindOf(path)};
  http::Response response;
  if (path == "/services/oauth2/token") {
    std::lock_guard lock(mutex_);
    ExpireOldData();
    if (request.method != "POST") {
      response = TokenError("invalid_request", "must use HTTP POST");
    } else {
      response = HandleToken(request);
    }
  } else if (path == kDataPrefix || path.starts_with(std::string(kDataPrefix) + "/")) {
    response = HandleData(request, path, query);
  } else {
    std::lock_guard lock(mutex_);
    response = Error(404, "NOT_FOUND", "The requested resource does not exist");
  }
  std::lock_guard lock(mutex_);
  seen.status = response.status;
  requests_.push_back(std::move(seen));
  return response;
}

http::Response SalesforceDouble::HandleData(const http::Request& request, const std::string& path,
                                            const std::string& query) {
  std::unique_lock lock(mutex_);
  ExpireOldData();
  if (fail_next_ > 0) {
    --fail_next_;
    if (fail_status_ == 503) return Error(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable");
    if (fail_status_ == 500) {
      return Error(500, "UNKNOWN_EXCEPTION",
                   "An unexpected error occurred. Please include this ErrorId if you contact support: "
                   "1904633728-95367 (-1108372231)");
    }
    http::Response page;
    page.status = fail_status_;
    page.headers = {{"Content-Type", "text/html"}};
    page.body = "<html><body><h1>" + std::to_string(fail_status_) + "</h1></body></html>";
    return page;
  }
  // The version list needs no session, as on Salesforce.
  if ((path == kDataPrefix || path == std::string(kDataPrefix) + "/") && request.method == "GET") {
    ordered_json versions = ordered_json::array();
    for (const std::string& version : options_.api_versions) {
      versions.push_back(
          {{"label", ReleaseLabel(version)}, {"url", "/services/data/v" + version}, {"version", version}});
    }
    return Json(200, versions);
  }
  // "Bearer <token>", or the older "OAuth <token>" Salesforce still takes.
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  const std::string token = authorization.starts_with("Bearer ")  ? authorization.substr(7)
                            : authorization.starts_with("OAuth ") ? authorization.substr(6)
                                                                  : "";
  auto session = sessions_.find(token);
  if (session == sessions_.end() || session->second.expiry <= NowLocked()) {
    return Error(401, "INVALID_SESSION_ID", "Session expired or invalid");
  }
  auto with_usage = [&](http::Response response) {
    response.headers.emplace_back("Sforce-Limit-Info",
                                  "api-usage=" + std::to_string(api_used_) + "/" + std::to_string(daily_limit_));
    return response;
  };
  if (api_used_ >= daily_limit_) {
    return with_usage(Error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."));
  }
  if (in_flight_ >= options_.max_concurrent_requests) {
    return with_usage(Error(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."));
  }
  ++api_used_;
  ++in_flight_;
  // Released however the answer ends (a handler that throws is answered 500 by the server).
  struct InFlight {
    int& count;
    ~InFlight() { --count; }
  } in_flight{in_flight_};
  const std::string user_id = session->second.user_id;
  resumed_.wait(lock, [&] { return !paused_; });
  current_user_id_ = user_id;
  http::Response response;
  // /services/data/vXX.X[/rest]
  std::string rest = path.substr(kDataPrefix.size() + 1);
  const size_t slash = rest.find('/');
  std::string version = rest.substr(0, slash);
  rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (!version.starts_with("v") || std::find(options_.api_versions.begin(), options_.api_versions.end(),
                                             version.substr(1)) == options_.api_versions.end()) {
    response = Error(404, "NOT_FOUND", "The requested resource does not exist");
  } else {
    response = Route(request, version.substr(1), rest, query);
  }
  return with_usage(std::move(response));
}

http::Response SalesforceDouble::Route(const http::Request& request, const std::string& version,
                                       const std::string& rest_in, const std::string& query) {
  std::string rest = rest_in;
  if (rest.ends_with("/") && !rest.starts_with("jobs/")) rest.pop_back();
  const std::string base = "/services/data/v" + version;
  auto only_get = [&]() -> std::optional<http::Response> {
    if (request.method == "GET" || request.method == "HEAD") return std::nullopt;
    return Error(405, "METHOD_NOT_ALLOWED", "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD");
  };
  if (rest.empty()) {
    if (auto refused = only_get()) return *refused;
    return Json(200, {{"limits", base + "/limits"},
                      {"sobjects", base + "/sobjects"},
                      {"query", base + "/query"},
                      {"queryAll", base + "/queryAll"},
                      {"jobs", base + "/jobs"}});
  }
  if (rest == "query" || rest == "queryAll") {
    if (auto refused = only_get()) return *refused;
    return Query(request, version, rest, query);
  }
  if (rest.starts_with("query/") || rest.starts_with("queryAll/")) {
    if (auto refused = only_get()) return *refused;
    const size_t slash = rest.find('/');
    return QueryMore(version, rest.substr(0, slash), rest.substr(slash + 1));
  }
  if (rest == "limits") {
    if (auto refused = only_get()) return *refused;
    ordered_json limits;
    limits["ConcurrentAsyncGetReportInstances"] = {{"Max", 200}, {"Remaining", 200}};
    limits["DailyApiRequests"] = {{"Max", daily_limit_}, {"Remaining", std::max<int64_t>(0, daily_limit_ - api_used_)}};
    limits["DailyBulkV2QueryFileStorageMB"] = {{"Max", 976562}, {"Remaining", 976562}};
    limits["DailyBulkV2QueryJobs"] = {{"Max", 10000}, {"Remaining", 10000 - static_cast<int64_t>(jobs_.size())}};
    return Json(200, limits);
  }
  if (rest.starts_with("sobjects/")) {
    // sobjects/{Obj}/updated | sobjects/{Obj}/deleted
    const std::string tail = rest.substr(9);
    const size_t slash = tail.find('/');
    const std::string object = tail.substr(0, slash);
    const std::string action = slash == std::string::npos ? "" : tail.substr(slash + 1);
    if (action == "updated" || action == "deleted") {
      if (auto refused = only_get()) return *refused;
      return Replication(version, object, action == "deleted", query);
    }
  }
  if (rest == "jobs/query" || rest.starts_with("jobs/query/")) return Bulk(request, version, rest, query);
  return Error(404, "NOT_FOUND", "The requested resource does not exist");
}

}  // namespace tributary::testing
