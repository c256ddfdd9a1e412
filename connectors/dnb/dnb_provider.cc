#include "connectors/dnb/dnb_provider.h"

#include <algorithm>
#include <cctype>

#include "connectors/dnb/dnb_api.h"
#include "connectors/dnb/dnb_report.h"
#include "gateway/model/canonical.h"

namespace tributary::connectors::dnb {
namespace {

// What a person does after fixing refused credentials.
constexpr const char* kReload = "systemctl reload tributary";

bool IsDuns(const std::string& text) {
  return text.size() == 9 && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "00-123-4567" and "00 123 4567" are written DUNS too.
std::string DunsDigits(const std::string& text) {
  std::string digits;
  for (char c : text) {
    if (c != '-' && c != ' ') digits += c;
  }
  return digits;
}

}  // namespace

DnbProvider::DnbProvider(DnbConfig settings, std::string connector, ConnectorContext context)
    : settings_(std::move(settings)), connector_(std::move(connector)), context_(std::move(context)) {}

DnbProvider::~DnbProvider() = default;

Status DnbProvider::StartUp() {
  if (caller_) return Ok();
  auto opened = store::Store::Open(context_.state_path);
  if (!opened) return std::unexpected(opened.error());
  store_ = std::move(*opened);
  client_ = http::MakeCurlClient(settings_.http.ClientOptions());
  grant_ = MakeGrant(settings_);
  keeper_ = std::make_unique<kit::GrantKeeper>(*grant_, connector_, kReload, *store_, *client_,
                                               *context_.services.grant_locks, context_.clock(), context_.metrics);
  // D&B limits requests per consumer key: every connector on the key shares one budget.
  budget_ = context_.services.budgets->For("dnb:" + GrantIdOf(settings_).client_id, settings_.http.budget);
  caller_ = std::make_unique<kit::ApiCaller>(CallerOptions(settings_, connector_), *client_, *budget_, keeper_.get(),
                                             context_.clock(), context_.metrics);
  return Ok();
}

Result<http::Response> DnbProvider::Send(http::Request request, const std::string& what, std::stop_token stop) {
  if (auto started = StartUp(); !started) return std::unexpected(started.error());
  request.headers.emplace_back("Accept", "application/json");
  return caller_->Send(std::move(request), what, stop);
}

Error DnbProvider::Refusal(const http::Response& response, const std::string& what,
                           const std::string& missing) const {
  const std::string described = DescribeRefusal(response);
  auto error = ParseDnbError(response.body);
  if (response.status == 401 || (error && IsCredentialRefusal(error->code))) {
    return {ErrorCode::kRejected, "D&B refused the consumer key and secret for " + what + " (" + described +
                                      "); correct consumer_key and consumer_secret, then run `" + kReload + "`"};
  }
  if (response.status == 404) return {ErrorCode::kNotFound, "D&B found no " + missing + " (" + described + ")"};
  return {ErrorCode::kRejected, "D&B refused " + what + " (" + described + ")"};
}

Result<std::vector<kit::CompanyMatch>> DnbProvider::FindCompany(const kit::CompanyQuery& query, std::stop_token stop) {
  if (!query.duns.empty()) {
    const std::string duns = DunsDigits(query.duns);
    if (!IsDuns(duns)) {
      return Fail(ErrorCode::kInvalidArgument, "DUNS " + query.duns + " is not a D-U-N-S Number (9 digits)");
    }
    return std::vector<kit::CompanyMatch>{
        {.id = duns, .name = query.name, .country = query.country, .duns = duns}};
  }
  std::vector<std::pair<std::string, std::string>> parameters = {{"countryISOAlpha2Code", query.country}};
  if (!query.registration_number.empty()) {
    parameters.emplace_back("registrationNumber", query.registration_number);
  } else if (!query.vat_number.empty()) {
    parameters.emplace_back("registrationNumber", query.vat_number);
  }
  if (!query.name.empty()) parameters.emplace_back("name", query.name);
  parameters.emplace_back("candidateMaximumQuantity", "5");
  parameters.emplace_back("confidenceLowerLevelThresholdValue", std::to_string(settings_.min_confidence));
  const std::string what = "a company matching " + query.Describe() + " in " + query.country;
  auto response = Send({.method = "GET", .target = settings_.base_url + "/v1/match/cleanseMatch?" + kit::FormEncode(parameters)},
                       what, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status == 404) {
    // No candidate at all: D&B may answer 404 with a match code (2xxxx) instead of an
    // empty list.
    auto error = ParseDnbError(response->body);
    if (error && error->code.starts_with('2')) return std::vector<kit::CompanyMatch>{};
  }
  if (response->status < 200 || response->status >= 300) return std::unexpected(Refusal(*response, what, what));
  auto candidates = ParseCandidates(response->body);
  if (!candidates) return std::unexpected(candidates.error());
  return BestCandidates(*candidates, settings_.min_confidence);
}

Result<kit::ScoreReport> DnbProvider::FetchReport(const kit::CompanyMatch& company, std::stop_token stop) {
  const std::string duns = company.duns.empty() ? company.id : company.duns;
  if (!IsDuns(duns)) return Fail(ErrorCode::kInvalidArgument, "DUNS " + duns + " is not a D-U-N-S Number (9 digits)");
  std::string blocks;
  for (const std::string& block : settings_.blocks) blocks += (blocks.empty() ? "" : ",") + block;
  const std::string what = "company with DUNS " + duns;
  auto response = Send({.method = "GET", .target = settings_.base_url + "/v1/data/duns/" + duns + "?blockIDs=" + blocks},
                       what, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) return std::unexpected(Refusal(*response, what, what));
  auto report = ParseReport(response->body);
  if (!report) return std::unexpected(report.error());
  if (report->company.id.empty()) report->company.id = report->company.duns = duns;
  if (report->company.name.empty()) report->company.name = company.name;
  if (report->company.country.empty()) report->company.country = company.country;
  return report;
}

std::string DnbProvider::RegistrationPath() const {
  return settings_.base_url + "/v1/monitoring/registrations/" + kit::UrlEncode(settings_.monitoring->registration);
}

Status DnbProvider::Watch(const kit::CompanyMatch& company, std::stop_token stop) {
  if (!Monitors()) return Ok();
  const std::string duns = company.duns.empty() ? company.id : company.duns;
  const std::string what = "adding DUNS " + duns + " to monitoring registration " + settings_.monitoring->registration;
  auto response = Send({.method = "POST", .target = RegistrationPath() + "/subjects/" + duns}, what, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status >= 200 && response->status < 300) return Ok();
  // 21012: the DUNS is in the registration already.
  if (auto error = ParseDnbError(response->body); error && error->code == "21012") return Ok();
  return std::unexpected(Refusal(*response, what, "monitoring registration " + settings_.monitoring->registration));
}

Result<kit::MonitoringPage> DnbProvider::ChangesSince(const std::string& cursor, std::stop_token stop) {
  if (!Monitors()) return kit::MonitoringPage{.next_cursor = cursor};
  const std::string what = "notifications of monitoring registration " + settings_.monitoring->registration;
  auto response = Send({.method = "GET",
                        .target = RegistrationPath() + "/notifications?maximumQuantity=" +
                                  std::to_string(kNotificationPage)},
                       what, stop);
  if (!response) return std::unexpected(response.error());
  if (response->status < 200 || response->status >= 300) {
    return std::unexpected(Refusal(*response, what, "monitoring registration " + settings_.monitoring->registration));
  }
  auto page = ParseNotifications(response->body);
  if (!page) return std::unexpected(page.error());
  kit::MonitoringPage out;
  out.company_ids = std::move(page->duns);
  out.next_cursor = page->timestamp.empty() ? cursor : page->timestamp;
  out.more = page->notifications >= static_cast<size_t>(kNotificationPage);
  return out;
}

}  // namespace tributary::connectors::dnb
