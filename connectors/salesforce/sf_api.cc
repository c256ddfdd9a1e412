#include "connectors/salesforce/sf_api.h"

#include <ctime>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace tributary::connectors::salesforce {

std::vector<SalesforceError> ParseErrors(const std::string& body) {
  std::vector<SalesforceError> errors;
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object()) parsed = nlohmann::json::array({parsed});  // Bulk API answers one object at times
  if (!parsed.is_array()) return errors;
  for (const auto& entry : parsed) {
    if (!entry.is_object()) continue;
    SalesforceError error;
    if (auto code = entry.find("errorCode"); code != entry.end() && code->is_string()) error.code = *code;
    if (auto message = entry.find("message"); message != entry.end() && message->is_string()) error.message = *message;
    if (auto fields = entry.find("fields"); fields != entry.end() && fields->is_array()) {
      for (const auto& field : *fields) {
        if (field.is_string()) error.fields.push_back(field);
      }
    }
    if (!error.code.empty() || !error.message.empty()) errors.push_back(std::move(error));
  }
  return errors;
}

std::string DescribeRefusal(const http::Response& response) {
  std::string text;
  for (const SalesforceError& error : ParseErrors(response.body)) {
    std::string message = error.message;
    // A query error repeats the query with a caret; its last line says what is wrong.
    if (auto newline = message.rfind('\n'); newline != std::string::npos) message = message.substr(newline + 1);
    text += (text.empty() ? "" : "; ") + error.code + ": " + message;
    if (!error.fields.empty()) {
      text += " (fields:";
      for (const std::string& field : error.fields) text += " " + field;
      text += ")";
    }
  }
  return text.empty() ? "HTTP " + std::to_string(response.status) : "HTTP " + std::to_string(response.status) + " " + text;
}

kit::Reading ReadAnswer(const http::Response& response) {
  if (response.status != 401 && response.status != 403) return kit::Reading::kCommon;
  for (const SalesforceError& error : ParseErrors(response.body)) {
    if (response.status == 401 && error.code == "INVALID_SESSION_ID") {
      // The token works, but not for this API: renewing would not change it.
      if (error.message.find("not valid for use with the REST API") != std::string::npos) return kit::Reading::kDone;
      return kit::Reading::kAuthExpired;
    }
    if (response.status == 403 && error.code == "REQUEST_LIMIT_EXCEEDED") {
      if (error.message.find("TotalRequests") != std::string::npos) return kit::Reading::kQuotaExhausted;
      return kit::Reading::kThrottled;
    }
  }
  return kit::Reading::kCommon;
}

std::optional<ApiUsage> LimitInfoOf(const http::Response& response) {
  const std::string header = http::FindHeader(response.headers, "Sforce-Limit-Info");
  const size_t at = header.find("api-usage=");
  if (at == std::string::npos) return std::nullopt;
  ApiUsage usage;
  char slash = 0;
  std::istringstream in(header.substr(at + 10));
  if (!(in >> usage.used >> slash >> usage.max) || slash != '/') return std::nullopt;
  return usage;
}

store::GrantId GrantIdOf(const SalesforceConfig& settings) {
  return {.provider = "salesforce", .client_id = settings.client_id, .account = settings.username};
}

std::string ConsentCommand(const std::string& connector) {
  return "tributary auth salesforce --config FILE --connector " + connector;
}

Result<kit::JwtBearerGrant::Settings> GrantSettingsOf(const SalesforceConfig& settings) {
  std::ifstream in(settings.private_key_file, std::ios::binary);
  std::ostringstream pem;
  if (!in || !(pem << in.rdbuf())) {
    return Fail(ErrorCode::kInvalidArgument, "cannot read the private key file " + settings.private_key_file);
  }
  return kit::JwtBearerGrant::Settings{
      .identity = {.id = GrantIdOf(settings), .provider_name = "Salesforce", .token_url = settings.TokenUrl()},
      .issuer = settings.client_id,
      .subject = settings.username,
      .audience = settings.login_url,
      .private_key_pem = pem.str()};
}

kit::ApiCallerOptions CallerOptions(const SalesforceConfig& settings, const std::string& connector,
                                    std::function<void(const http::Response&)> on_answer) {
  return {.connector = connector,
          .provider_name = "Salesforce",
          .policy = settings.http,
          .read_answer =
              [on_answer = std::move(on_answer)](const http::Response& response) {
                if (on_answer) on_answer(response);
                return ReadAnswer(response);
              },
          .describe_refusal = DescribeRefusal};
}

std::optional<int64_t> ParseSalesforceTime(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest(text.c_str() + consumed);
  if (rest.starts_with('.')) {
    size_t digits = 1;
    int scale = 100;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      if (scale > 0) millis += (rest[digits] - '0') * scale;
      scale /= 10;
      ++digits;
    }
    rest.remove_prefix(digits);
  }
  int offset_minutes = 0;
  if (rest == "Z" || rest == "+0000" || rest == "+00:00") {
  } else if (rest.size() >= 5 && (rest[0] == '+' || rest[0] == '-')) {
    const std::string digits = rest.size() == 6 ? std::string(rest.substr(1, 2)) + std::string(rest.substr(4, 2))
                                                : std::string(rest.substr(1, 4));
    if (digits.size() != 4 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
    offset_minutes = std::stoi(digits.substr(0, 2)) * 60 + std::stoi(digits.substr(2, 2));
    if (rest[0] == '-') offset_minutes = -offset_minutes;
  } else {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const int64_t seconds = static_cast<int64_t>(timegm(&tm)) - offset_minutes * 60;
  return seconds * 1000 + millis;
}

std::string FormatSalesforceTime(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000);
  const int millis = static_cast<int>(unix_ms - static_cast<int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return text;
}

std::string SoqlQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

Result<http::Response> SalesforceApi::Send(http::Request request, const std::string& what, std::stop_token stop,
                                           std::vector<SalesforceError>* refusal) {
  auto response = caller_.Send(std::move(request), what, stop);
  if (!response) return response;
  if (response->status < 200 || response->status >= 300) {
    if (refusal != nullptr) *refusal = ParseErrors(response->body);
    return Fail(ErrorCode::kRejected, "Salesforce refused " + what + ": " + caller_.last_refusal());
  }
  return response;
}

Result<http::Response> SalesforceApi::Get(const std::string& target, const std::string& what, std::stop_token stop,
                                          std::vector<SalesforceError>* refusal, http::Headers headers) {
  headers.emplace_back("Accept", "application/json");
  return Send({.method = "GET", .target = target, .headers = std::move(headers)}, what, stop, refusal);
}

Result<std::string> SalesforceApi::Query(const std::string& soql, std::stop_token stop,
                                         std::vector<SalesforceError>* refusal) {
  auto response = Get(settings_.DataPath() + "/query?q=" + kit::UrlEncode(soql), "query " + soql, stop, refusal,
                      {{"Sforce-Query-Options", "batchsize=" + std::to_string(settings_.page_size)}});
  if (!response) return std::unexpected(response.error());
  return std::move(response->body);
}

Result<std::string> SalesforceApi::More(const std::string& next_records_url, std::stop_token stop) {
  auto response = Get(next_records_url, "the next page of a query", stop, nullptr,
                      {{"Sforce-Query-Options", "batchsize=" + std::to_string(settings_.page_size)}});
  if (!response) return std::unexpected(response.error());
  return std::move(response->body);
}

Result<ApiUsage> SalesforceApi::Limits(std::stop_token stop) {
  auto response = Get(settings_.DataPath() + "/limits", "the org's limits", stop);
  if (!response) return std::unexpected(response.error());
  auto limits = nlohmann::json::parse(response->body, nullptr, false);
  if (!limits.is_object() || !limits.contains("DailyApiRequests") || !limits["DailyApiRequests"].is_object()) {
    return Fail(ErrorCode::kParse, "the org's limits answer has no DailyApiRequests");
  }
  const auto& daily = limits["DailyApiRequests"];
  ApiUsage usage;
  usage.max = daily.value("Max", int64_t{0});
  usage.used = usage.max - daily.value("Remaining", int64_t{0});
  return usage;
}

}  // namespace tributary::connectors::salesforce
