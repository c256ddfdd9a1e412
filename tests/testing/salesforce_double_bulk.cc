// The Salesforce double's Bulk API 2.0 query jobs: create, poll, CSV results paged by
// Sforce-Locator, abort and delete.
#include <algorithm>

#include "tests/testing/quickbooks_double_support.h"
#include "tests/testing/salesforce_double.h"
#include "tests/testing/salesforce_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

const std::map<std::string, std::string> kDelimiters = {{"COMMA", ","}, {"TAB", "\t"},  {"SEMICOLON", ";"},
                                                        {"PIPE", "|"},  {"CARET", "^"}, {"BACKQUOTE", "`"}};

// One CSV cell as Bulk API 2.0 writes it: every value quoted, null an empty field,
// datetimes in UTC with a Z.
std::string Cell(const ordered_json& value) {
  if (value.is_null()) return "";
  if (value.is_boolean()) return sfdc::CsvQuote(value.get<bool>() ? "true" : "false");
  if (value.is_number() || !qbo::NumberText(value).empty()) return sfdc::CsvQuote(sfdc::DecimalText(value));
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (auto time = sfdc::ParseTime(text)) return sfdc::CsvQuote(sfdc::FormatCsvTime(*time));
    return sfdc::CsvQuote(text);
  }
  return sfdc::CsvQuote(qbo::Dump(value));
}

// The locator of a results page: base64 of its offset, unpadded ("MTAwMDA" for 10000).
std::string Locator(size_t offset) {
  std::string text = sfdc::Base64Encode(std::to_string(offset));
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<size_t> LocatorOffset(std::string text) {
  while (text.size() % 4 != 0) text += '=';
  auto decoded = sfdc::Base64Decode(text);
  if (!decoded || decoded->empty() || decoded->find_first_not_of("0123456789") != std::string::npos ||
      decoded->size() > 12) {
    return std::nullopt;
  }
  return std::stoull(*decoded);
}

}  // namespace

http::Response SalesforceDouble::Bulk(const http::Request& request, const std::string& version, const std::string& rest,
                                      const std::string& query) {
  auto not_allowed = [&](const char* allowed) {
    return Error(405, "METHOD_NOT_ALLOWED", "HTTP Method '" + request.method + "' not allowed. Allowed are " + allowed);
  };
  if (rest == "jobs/query" || rest == "jobs/query/") {
    if (request.method == "POST") return CreateJob(version, request.body);
    if (request.method != "GET") return not_allowed("GET,POST");
    ordered_json records = ordered_json::array();
    for (const auto& [id, job] : jobs_) records.push_back(ordered_json::parse(JobInfo(job, false).body));
    return Json(200, {{"done", true}, {"records", records}, {"nextRecordsUrl", nullptr}});
  }
  std::string tail = rest.substr(std::string("jobs/query/").size());
  bool results = false;
  if (tail.ends_with("/results")) {
    tail.resize(tail.size() - 8);
    results = true;
  }
  auto job = jobs_.find(tail);
  if (tail.find('/') != std::string::npos || job == jobs_.end()) {
    return Error(404, "NOT_FOUND", "The requested resource does not exist");
  }
  if (results) {
    if (request.method != "GET") return not_allowed("GET");
    return JobResults(job->second, version, query);
  }
  if (request.method == "GET") {
    BulkJob& polled = job->second;
    if (polled.state == "UploadComplete" || polled.state == "InProgress") {
      ++polled.polls;
      if (polled.polls >= options_.bulk_polls_to_complete) {
        CompleteJob(polled);
      } else {
        polled.state = "InProgress";
        polled.modstamp = NowLocked();
      }
    }
    return JobInfo(polled, true);
  }
  if (request.method == "PATCH") {
    const auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object() || body.value("state", "") != "Aborted") {
      return Error(400, "INVALIDJOBSTATE", "The state of a query job can only be changed to Aborted");
    }
    if (job->second.state != "UploadComplete" && job->second.state != "InProgress") {
      return Error(400, "INVALIDJOBSTATE", "Cannot abort a job in state " + job->second.state);
    }
    job->second.state = "Aborted";
    job->second.modstamp = NowLocked();
    return JobInfo(job->second, false);
  }
  if (request.method == "DELETE") {
    if (job->second.state == "InProgress") {
      return Error(400, "INVALIDJOBSTATE",
                   "The job must be in the UploadComplete, JobComplete, Aborted or Failed state to be deleted");
    }
    jobs_.erase(job);
    http::Response deleted;
    deleted.status = 204;
    return deleted;
  }
  return not_allowed("GET,PATCH,DELETE");
}

// Refusals: a body that is not JSON is JSON_PARSER_ERROR; a bad operation, content type,
// delimiter or line ending and the SOQL Bulk API 2.0 does not run (GROUP BY, OFFSET,
// aggregates) are INVALIDJOB; SOQL errors keep their REST codes (MALFORMED_QUERY,
// INVALID_FIELD, INVALID_TYPE). The messages are the double's own.
http::Response SalesforceDouble::CreateJob(const std::string& version, const std::string& body_text) {
  const auto body = nlohmann::json::parse(body_text, nullptr, false);
  if (!body.is_object()) return Error(400, "JSON_PARSER_ERROR", "The request body is not valid JSON");
  auto text = [&](const char* name, const char* fallback) {
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
  };
  BulkJob job;
  job.operation = text("operation", "");
  job.column_delimiter = text("columnDelimiter", "COMMA");
  job.line_ending = text("lineEnding", "LF");
  if (job.operation != "query" && job.operation != "queryAll") {
    return Error(400, "INVALIDJOB", "Invalid operation: '" + job.operation + "'; use query or queryAll");
  }
  if (text("contentType", "CSV") != "CSV") return Error(400, "INVALIDJOB", "Only the CSV contentType is supported");
  if (!kDelimiters.contains(job.column_delimiter)) {
    return Error(400, "INVALIDJOB", "Invalid columnDelimiter: '" + job.column_delimiter + "'");
  }
  if (job.line_ending != "LF" && job.line_ending != "CRLF") {
    return Error(400, "INVALIDJOB", "Invalid lineEnding: '" + job.line_ending + "'");
  }
  const std::string soql_text = text("query", "");
  if (soql_text.empty()) return Error(400, "INVALIDJOB", "A query is required");
  auto parsed = soql::Parse(soql_text);
  if (!parsed) return Error(400, "MALFORMED_QUERY", parsed.error());
  if (parsed->group_by) return Error(400, "INVALIDJOB", "The GROUP BY clause is not supported by Bulk API 2.0 query");
  if (parsed->offset) return Error(400, "INVALIDJOB", "The OFFSET clause is not supported by Bulk API 2.0 query");
  if (parsed->count || !parsed->aggregates.empty()) {
    return Error(400, "INVALIDJOB", "Aggregate functions are not supported by Bulk API 2.0 query");
  }
  if (auto refused = Check(*parsed)) return Error(400, refused->code, refused->message);
  job.id = sfdc::MakeId("750", next_serial_++);
  job.object = FindObject(parsed->object)->name;
  job.version = version;
  job.created_by = current_user_id_;
  job.query = std::move(*parsed);
  job.state = "UploadComplete";
  job.created = job.modstamp = NowLocked();
  const std::string id = job.id;
  auto& stored = jobs_[id] = std::move(job);
  return JobInfo(stored, false);
}

http::Response SalesforceDouble::JobInfo(const BulkJob& job, bool full) const {
  ordered_json info = {{"id", job.id},
                       {"operation", job.operation},
                       {"object", job.object},
                       {"createdById", job.created_by},
                       {"createdDate", sfdc::FormatTime(job.created)},
                       {"systemModstamp", sfdc::FormatTime(job.modstamp)},
                       {"state", job.state},
                       {"concurrencyMode", "Parallel"},
                       {"contentType", "CSV"},
                       {"apiVersion", qbo::ExactNumber(job.version)}};
  if (full) info["jobType"] = "V2Query";
  info["lineEnding"] = job.line_ending;
  info["columnDelimiter"] = job.column_delimiter;
  if (full) {
    info["numberRecordsProcessed"] = job.rows.empty() ? 0 : job.rows.size() - 1;
    info["retries"] = 0;
    info["totalProcessingTime"] = 0;
  }
  return Json(200, info);
}

// The result snapshot is taken now: later changes to the data do not reach it.
void SalesforceDouble::CompleteJob(BulkJob& job) {
  const std::string& delimiter = kDelimiters.at(job.column_delimiter);
  std::string header;
  for (const soql::FieldPath& field : job.query.fields) {
    if (!header.empty()) header += delimiter;
    header += sfdc::CsvQuote(field.text);
  }
  job.rows.push_back(std::move(header));
  for (const auto& [object, record] : Select(job.query, job.operation == "queryAll")) {
    std::string row;
    for (size_t i = 0; i < job.query.fields.size(); ++i) {
      if (i > 0) row += delimiter;
      row += Cell(ValueAt(*record, job.query.fields[i]));
    }
    job.rows.push_back(std::move(row));
  }
  job.state = "JobComplete";
  job.modstamp = NowLocked();
}

// Before JobComplete: 400 JOB_NOT_COMPLETE (older documentation says 412); results asked
// through another API version than the job's: 409 (the code is the double's own, the
// status Salesforce's).
http::Response SalesforceDouble::JobResults(BulkJob& job, const std::string& version, const std::string& query) {
  if (version != job.version) {
    return Error(409, "API_VERSION_MISMATCH", "Use API version " + job.version + " to get the results of this job");
  }
  if (job.state != "JobComplete") {
    return Error(400, "JOB_NOT_COMPLETE", "Can't retrieve the results of a job that is not in the JobComplete state");
  }
  auto params = qbo::ParseForm(query);
  size_t offset = 0;
  if (!params["locator"].empty()) {
    auto decoded = LocatorOffset(params["locator"]);
    if (!decoded || *decoded > job.rows.size() - 1) return Error(400, "API_ERROR", "Invalid locator");
    offset = *decoded;
  }
  int64_t max_records = options_.bulk_page_records;
  if (!params["maxRecords"].empty()) {
    const std::string& text = params["maxRecords"];
    if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos || std::stoll(text) < 1) {
      return Error(400, "API_ERROR", "maxRecords must be a positive integer");
    }
    max_records = std::stoll(text);
  }
  const size_t total = job.rows.size() - 1;
  const size_t end = std::min(total, offset + static_cast<size_t>(max_records));
  const std::string line_end = job.line_ending == "CRLF" ? "\r\n" : "\n";
  http::Response response;
  response.headers = {{"Content-Type", "text/csv"},
                      {"Sforce-NumberOfRecords", std::to_string(end - offset)},
                      {"Sforce-Locator", end < total ? Locator(end) : "null"}};
  response.body = job.rows[0] + line_end;
  for (size_t i = offset; i < end; ++i) response.body += job.rows[i + 1] + line_end;
  return response;
}

}  // namespace tributary::testing
