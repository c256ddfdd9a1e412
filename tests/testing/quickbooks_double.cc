#include "tests/testing/quickbooks_double.h"

#include <algorithm>
#include <thread>

#include "tests/testing/quickbooks_double_support.h"

namespace tributary::testing {
namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

constexpr std::string_view kApiPrefix = "/v3/company/";

std::string QueryParam(const std::string& query, const std::string& name) {
  auto form = qbo::ParseForm(query);
  auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

ordered_json MetaData(const std::string& time) { return {{"CreateTime", time}, {"LastUpdatedTime", time}}; }

// The JAXB noise real Payment lines carry.
ordered_json LineEx(const std::string& txn_id, const std::string& open_balance) {
  auto name_value = [](const std::string& name, const std::string& value) {
    return ordered_json{{"name", "{http://schema.intuit.com/finance/v3}NameValue"},
                        {"declaredType", "com.intuit.schema.finance.v3.NameValue"},
                        {"scope", "javax.xml.bind.JAXBElement$GlobalScope"},
                        {"value", {{"Name", name}, {"Value", value}}},
                        {"nil", false},
                        {"globalScope", true},
                        {"typeSubstituted", false}};
  };
  return {{"any", ordered_json::array({name_value("txnId", txn_id), name_value("txnOpenBalance", open_balance),
                                        name_value("txnReferenceNumber", txn_id)})}};
}

int64_t CentsOf(const ordered_json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end()) return 0;
  return qbo::ParseCents(qbo::NumberText(*it)).value_or(0);
}

}  // namespace

Result<std::unique_ptr<QuickBooksDouble>> QuickBooksDouble::Start(QuickBooksDoubleOptions options) {
  std::unique_ptr<QuickBooksDouble> double_(new QuickBooksDouble(std::move(options)));
  auto server = http::StartHttpServer({.host = "127.0.0.1", .port = 0, .max_connections = 64},
                                      [raw = double_.get()](const http::Request& request) { return raw->Handle(request); });
  if (!server) return std::unexpected(server.error());
  double_->port_ = (*server)->port();
  double_->server_ = std::move(*server);
  return double_;
}

QuickBooksDouble::QuickBooksDouble(QuickBooksDoubleOptions options) : options_(std::move(options)) {}

QuickBooksDouble::~QuickBooksDouble() {
  if (server_) server_->Stop();
}

std::string QuickBooksDouble::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string QuickBooksDouble::token_url() const { return base_url() + "/oauth2/v1/tokens/bearer"; }
std::string QuickBooksDouble::authorize_url() const { return base_url() + "/connect/oauth2"; }

system_clock::time_point QuickBooksDouble::Now() const {
  std::lock_guard lock(mutex_);
  return options_.start + offset_;
}

void QuickBooksDouble::Advance(seconds by) {
  std::lock_guard lock(mutex_);
  offset_ += by;
}

std::string QuickBooksDouble::FormatTime(system_clock::time_point time, bool milliseconds) {
  return qbo::FormatTime(time, milliseconds);
}

ordered_json QuickBooksDouble::Amount(const std::string& decimal_text) { return qbo::ExactNumber(decimal_text); }

// --- data --------------------------------------------------------------------------------

void QuickBooksDouble::AddRealm(const std::string& realm) {
  std::lock_guard lock(mutex_);
  Realm& added = realms_[realm];
  added.bucket = options_.requests_per_minute;
  added.bucket_at = steady_clock::now();
}

std::string QuickBooksDouble::NextId(Realm&) { return std::to_string(next_id_++); }

void QuickBooksDouble::Stamp(Entity& entity) {
  auto now = options_.start + offset_;
  entity.updated = now;
  std::string time = qbo::FormatTime(now, false);
  if (!entity.object.contains("MetaData")) entity.object["MetaData"] = MetaData(time);
  entity.object["MetaData"]["LastUpdatedTime"] = time;
  // Every change gets its own second.
  offset_ += seconds(1);
}

std::string QuickBooksDouble::AddCustomer(const std::string& realm_id, const std::string& display_name) {
  std::lock_guard lock(mutex_);
  Realm& realm = realms_.at(realm_id);
  std::string id = NextId(realm);
  Entity entity{.type = "Customer", .order = next_order_++};
  entity.object = {{"Taxable", false},
                   {"BillAddr", {{"Id", id}, {"Line1", "4581 Finch St."}, {"City", "Bayshore"},
                                 {"CountrySubDivisionCode", "CA"}, {"PostalCode", "94326"}}},
                   {"Job", false},
                   {"BillWithParent", false},
                   {"Balance", qbo::ExactNumber("0")},
                   {"BalanceWithJobs", qbo::ExactNumber("0")},
                   {"CurrencyRef", {{"value", "USD"}, {"name", "United States Dollar"}}},
                   {"PreferredDeliveryMethod", "Print"},
                   {"IsProject", false},
                   {"domain", "QBO"},
                   {"sparse", false},
                   {"Id", id},
                   {"SyncToken", "0"},
                   {"FullyQualifiedName", display_name},
                   {"CompanyName", display_name},
                   {"DisplayName", display_name},
                   {"PrintOnCheckName", display_name},
                   {"Active", true},
                   {"PrimaryEmailAddr", {{"Address", "billing@example.com"}}}};
  Stamp(entity);
  realm.entities[id] = std::move(entity);
  return id;
}

std::string QuickBooksDouble::AddInvoice(const std::string& realm_id, const std::string& customer_id,
                                         const std::string& doc_number, const std::string& amount,
                                         const std::string& due_date) {
  std::lock_guard lock(mutex_);
  Realm& realm = realms_.at(realm_id);
  const std::string customer_name = realm.entities.at(customer_id).object["DisplayName"];
  std::string id = NextId(realm);
  std::string today = qbo::FormatTime(options_.start + offset_, false).substr(0, 10);
  Entity entity{.type = "Invoice", .order = next_order_++};
  entity.object = {
      {"AllowIPNPayment", false}, {"AllowOnlinePayment", false}, {"AllowOnlineCreditCardPayment", false},
      {"AllowOnlineACHPayment", false}, {"domain", "QBO"}, {"sparse", false}, {"Id", id}, {"SyncToken", "0"},
      {"CustomField", ordered_json::array({{{"DefinitionId", "1"}, {"Name", "Crew #"}, {"Type", "StringType"}}})},
      {"DocNumber", doc_number}, {"TxnDate", today},
      {"CurrencyRef", {{"value", "USD"}, {"name", "United States Dollar"}}},
      {"LinkedTxn", ordered_json::array()},
      {"Line", ordered_json::array(
                   {{{"Id", "1"}, {"LineNum", 1}, {"Amount", qbo::ExactNumber(amount)},
                     {"DetailType", "SalesItemLineDetail"},
                     {"SalesItemLineDetail", {{"ItemRef", {{"value", "1"}, {"name", "Services"}}},
                                              {"TaxCodeRef", {{"value", "NON"}}}}}},
                    {{"Amount", qbo::ExactNumber(amount)}, {"DetailType", "SubTotalLineDetail"},
                     {"SubTotalLineDetail", ordered_json::object()}}})},
      {"TxnTaxDetail", {{"TotalTax", qbo::ExactNumber("0")}}},
      {"CustomerRef", {{"value", customer_id}, {"name", customer_name}}},
      {"DueDate", due_date}, {"TotalAmt", qbo::ExactNumber(amount)}, {"ApplyTaxAfterDiscount", false},
      {"PrintStatus", "NeedToPrint"}, {"EmailStatus", "NotSet"}, {"Balance", qbo::ExactNumber(amount)}};
  Stamp(entity);
  realm.entities[id] = std::move(entity);
  return id;
}

std::string QuickBooksDouble::AddCreditMemo(const std::string& realm_id, const std::string& customer_id,
                                            const std::string& doc_number, const std::string& amount) {
  std::lock_guard lock(mutex_);
  Realm& realm = realms_.at(realm_id);
  const std::string customer_name = realm.entities.at(customer_id).object["DisplayName"];
  std::string id = NextId(realm);
  std::string today = qbo::FormatTime(options_.start + offset_, false).substr(0, 10);
  Entity entity{.type = "CreditMemo", .order = next_order_++};
  entity.object = {
      {"RemainingCredit", qbo::ExactNumber(amount)}, {"domain", "QBO"}, {"sparse", false}, {"Id", id},
      {"SyncToken", "0"}, {"DocNumber", doc_number}, {"TxnDate", today},
      {"CurrencyRef", {{"value", "USD"}, {"name", "United States Dollar"}}},
      {"LinkedTxn", ordered_json::array()},
      {"Line", ordered_json::array(
                   {{{"Id", "1"}, {"LineNum", 1}, {"Amount", qbo::ExactNumber(amount)},
                     {"DetailType", "SalesItemLineDetail"},
                     {"SalesItemLineDetail", {{"ItemRef", {{"value", "1"}, {"name", "Services"}}}}}},
                    {{"Amount", qbo::ExactNumber(amount)}, {"DetailType", "SubTotalLineDetail"},
                     {"SubTotalLineDetail", ordered_json::object()}}})},
      {"TxnTaxDetail", {{"TotalTax", qbo::ExactNumber("0")}}},
      {"CustomerRef", {{"value", customer_id}, {"name", customer_name}}},
      {"TotalAmt", qbo::ExactNumber(amount)}, {"PrintStatus", "NeedToPrint"}, {"EmailStatus", "NotSet"}};
  Stamp(entity);
  realm.entities[id] = std::move(entity);
  return id;
}

std::string QuickBooksDouble::AddPayment(const std::string& realm_id, const std::string& customer_id,
                                         const std::string& total, const std::vector<PaymentLink>& links) {
  std::lock_guard lock(mutex_);
  Realm& realm = realms_.at(realm_id);
  const std::string customer_name = realm.entities.at(customer_id).object["DisplayName"];
  std::string id = NextId(realm);
  int64_t unapplied = qbo::ParseCents(total).value_or(0);
  ordered_json lines = ordered_json::array();
  for (const PaymentLink& link : links) {
    Entity& target = realm.entities.at(link.txn_id);
    const char* open_field = link.txn_type == "CreditMemo" ? "RemainingCredit" : "Balance";
    const int64_t amount = qbo::ParseCents(link.amount).value_or(0);
    const int64_t open_before = CentsOf(target.object, open_field);
    lines.push_back({{"Amount", qbo::ExactNumber(link.amount)},
                     {"LinkedTxn", ordered_json::array({{{"TxnId", link.txn_id}, {"TxnType", link.txn_type}}})},
                     {"LineEx", LineEx(link.txn_id, qbo::FormatCents(open_before))}});
    if (link.txn_type == "Invoice") unapplied -= amount;
    target.object[open_field] = qbo::ExactNumber(qbo::FormatCents(open_before - amount));
    target.object["LinkedTxn"].push_back({{"TxnId", id}, {"TxnType", "Payment"}});
    target.object["SyncToken"] = std::to_string(std::stoll(target.object["SyncToken"].get<std::string>()) + 1);
    Stamp(target);
  }
  std::string today = qbo::FormatTime(options_.start + offset_, false).substr(0, 10);
  Entity entity{.type = "Payment", .order = next_order_++};
  entity.object = {{"CustomerRef", {{"value", customer_id}, {"name", customer_name}}},
                   {"DepositToAccountRef", {{"value", "4"}}},
                   {"TotalAmt", qbo::ExactNumber(total)},
                   {"UnappliedAmt", qbo::ExactNumber(qbo::FormatCents(unapplied))},
                   {"ProcessPayment", false},
                   {"domain", "QBO"},
                   {"sparse", false},
                   {"Id", id},
                   {"SyncToken", "0"},
                   {"TxnDate", today},
                   {"CurrencyRef", {{"value", "USD"}, {"name", "United States Dollar"}}},
                   {"Line", lines}};
  Stamp(entity);
  realm.entities[id] = std::move(entity);
  return id;
}

void QuickBooksDouble::Update(const std::string& realm_id, const std::string& type, const std::string& id,
                              const std::function<void(ordered_json&)>& edit) {
  std::lock_guard lock(mutex_);
  Entity& entity = realms_.at(realm_id).entities.at(id);
  if (entity.type != type || entity.deleted) return;
  edit(entity.object);
  entity.object["SyncToken"] = std::to_string(std::stoll(entity.object["SyncToken"].get<std::string>()) + 1);
  Stamp(entity);
}

void QuickBooksDouble::Delete(const std::string& realm_id, const std::string& type, const std::string& id) {
  std::lock_guard lock(mutex_);
  Realm& realm = realms_.at(realm_id);
  Entity& entity = realm.entities.at(id);
  if (entity.type != type || entity.deleted) return;
  // Deleting a payment gives the money back to what it paid.
  if (type == "Payment") {
    for (const auto& line : entity.object["Line"]) {
      for (const auto& linked : line["LinkedTxn"]) {
        auto target = realm.entities.find(linked["TxnId"].get<std::string>());
        if (target == realm.entities.end() || target->second.deleted) continue;
        const char* open_field = linked["TxnType"] == "CreditMemo" ? "RemainingCredit" : "Balance";
        int64_t open = CentsOf(target->second.object, open_field) + qbo::ParseCents(qbo::NumberText(line["Amount"])).value_or(0);
        target->second.object[open_field] = qbo::ExactNumber(qbo::FormatCents(open));
        auto& back = target->second.object["LinkedTxn"];
        for (auto it = back.begin(); it != back.end();) {
          it = (*it)["TxnId"] == id ? back.erase(it) : it + 1;
        }
        Stamp(target->second);
      }
    }
  }
  entity.deleted = true;
  Stamp(entity);
}

std::optional<ordered_json> QuickBooksDouble::Find(const std::string& realm_id, const std::string& type,
                                                    const std::string& id) const {
  std::lock_guard lock(mutex_);
  const Realm& realm = realms_.at(realm_id);
  auto it = realm.entities.find(id);
  if (it == realm.entities.end() || it->second.type != type || it->second.deleted) return std::nullopt;
  return ordered_json::parse(qbo::Dump(it->second.object));
}

std::vector<std::string> QuickBooksDouble::Ids(const std::string& realm_id, const std::string& type) const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<int64_t, std::string>> found;
  for (const auto& [id, entity] : realms_.at(realm_id).entities) {
    if (entity.type == type && !entity.deleted) found.emplace_back(entity.order, id);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> ids;
  for (auto& [order, id] : found) ids.push_back(id);
  return ids;
}

// --- OAuth -------------------------------------------------------------------------------

std::string QuickBooksDouble::Random(const std::string& prefix) {
  // Unique and unpredictable enough for a test: a counter and the address of this double.
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s-%llu-%04x", prefix.c_str(),
                static_cast<unsigned long long>(++random_counter_),
                static_cast<unsigned>(reinterpret_cast<uintptr_t>(this) >> 4) & 0xffff);
  return buffer;
}

int QuickBooksDouble::refresh_grants_answered() const {
  std::lock_guard lock(mutex_);
  return refresh_grants_;
}
int QuickBooksDouble::invalid_grants_answered() const {
  std::lock_guard lock(mutex_);
  return invalid_grants_;
}
int QuickBooksDouble::superseded_refresh_attempts() const {
  std::lock_guard lock(mutex_);
  return superseded_attempts_;
}

void QuickBooksDouble::ThrottleEveryNth(int n, bool legacy_403) {
  std::lock_guard lock(mutex_);
  throttle_every_ = n;
  throttle_legacy_403_ = legacy_403;
}

void QuickBooksDouble::FailNextWith503(int n) {
  std::lock_guard lock(mutex_);
  fail_next_503_ = n;
}

void QuickBooksDouble::SetResponseDelay(milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

std::vector<QuickBooksRequest> QuickBooksDouble::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int QuickBooksDouble::CountRequests(const std::string& kind, int status) const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(), [&](const QuickBooksRequest& seen) {
    return seen.kind == kind && (status == 0 || seen.status == status);
  }));
}

int QuickBooksDouble::max_in_flight_seen() const {
  std::lock_guard lock(mutex_);
  return max_in_flight_seen_;
}

// --- HTTP --------------------------------------------------------------------------------

http::Response QuickBooksDouble::Json(int status, const ordered_json& body) const {
  http::Response response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json;charset=utf-8"},
                      {"intuit_tid", "1-" + std::to_string(requests_.size()) + "-tid"},
                      {"Server", "nginx"},
                      {"Qbo-Version", "1975.199"}};
  response.body = qbo::Dump(body);
  return response;
}

http::Response QuickBooksDouble::FaultResponse(int status, const std::string& type, const std::string& code,
                                               const std::string& message, const std::string& detail) const {
  ordered_json error = {{"Message", message}, {"Detail", detail}, {"code", code}};
  if (type == "ValidationFault") error["element"] = "";
  return Json(status, {{"Fault", {{"Error", ordered_json::array({error})}, {"type", type}}},
                       {"time", qbo::FormatTime(options_.start + offset_, true)}});
}

http::Response QuickBooksDouble::Handle(const http::Request& request) {
  std::string path = request.target;
  std::string query;
  if (auto mark = path.find('?'); mark != std::string::npos) {
    query = path.substr(mark + 1);
    path.resize(mark);
  }
  QuickBooksRequest seen{.method = request.method, .path = path, .query = query, .kind = "other", .body = request.body};
  http::Response response;
  if (path == "/oauth2/v1/tokens/bearer" && request.method == "POST") {
    seen.kind = "token";
    std::lock_guard lock(mutex_);
    response = HandleToken(request);
  } else if (path == "/connect/oauth2" && request.method == "GET") {
    seen.kind = "authorize";
    std::lock_guard lock(mutex_);
    response = HandleAuthorize(query);
  } else if (path.starts_with(kApiPrefix)) {
    response = HandleApi(request, path, query, seen);
  } else {
    std::lock_guard lock(mutex_);
    response = FaultResponse(400, "ValidationFault", "500", "Unsupported Operation",
                             "Operation " + path + " is not supported.");
  }
  std::lock_guard lock(mutex_);
  seen.status = response.status;
  requests_.push_back(std::move(seen));
  return response;
}

bool QuickBooksDouble::TakeBudget(Realm& realm) {
  auto now = steady_clock::now();
  const double per_second = options_.requests_per_minute / 60.0;
  realm.bucket = std::min<double>(options_.requests_per_minute,
                                  realm.bucket + duration<double>(now - realm.bucket_at).count() * per_second);
  realm.bucket_at = now;
  if (realm.bucket < 1.0) return false;
  realm.bucket -= 1.0;
  return true;
}

http::Response QuickBooksDouble::HandleApi(const http::Request& request, const std::string& path,
                                           const std::string& query, QuickBooksRequest& seen) {
  // /v3/company/{realm}/{rest}
  std::string rest = path.substr(kApiPrefix.size());
  const size_t slash = rest.find('/');
  seen.realm = rest.substr(0, slash);
  rest = slash == std::string::npos ? "" : rest.substr(slash + 1);
  seen.kind = rest == "query" ? "query" : rest == "cdc" ? "cdc" : "read";
  std::unique_lock lock(mutex_);
  auto throttled = [&] {
    const int status = throttle_legacy_403_ ? 403 : 429;
    return FaultResponse(status, "SERVICE", "3001",
                         "message=ThrottleExceeded; errorCode=003001; statusCode=" + std::to_string(status),
                         "The request limit was reached.  Try again later");
  };
  ++api_requests_;
  if (throttle_every_ > 0 && api_requests_ % throttle_every_ == 0) return throttled();
  if (fail_next_503_ > 0) {
    --fail_next_503_;
    http::Response response;
    response.status = 503;
    response.headers = {{"Content-Type", "text/html"}};
    response.body = "<html><body>Service Unavailable</body></html>";
    return response;
  }
  // The bearer token: unknown or expired -> the gateway's lowercase 401.
  const std::string authorization = http::FindHeader(request.headers, "Authorization");
  auto token = access_tokens_.find(authorization.starts_with("Bearer ") ? authorization.substr(7) : "");
  if (token == access_tokens_.end() || token->second.expiry <= options_.start + offset_) {
    http::Response response = Json(401, {{"warnings", nullptr},
                                         {"intuitObject", nullptr},
                                         {"fault", {{"error", ordered_json::array({{{"message", "message=AuthenticationFailed; errorCode=003200; statusCode=401"},
                                                                                    {"detail", "Token expired: " + authorization.substr(std::min<size_t>(7, authorization.size()), 6) + "…"},
                                                                                    {"code", "3200"},
                                                                                    {"element", nullptr}}})},
                                                    {"type", "AUTHENTICATION"}}},
                                         {"report", nullptr},
                                         {"queryResponse", nullptr},
                                         {"batchItemResponse", ordered_json::array()},
                                         {"attachableResponse", ordered_json::array()},
                                         {"syncErrorResponse", nullptr},
                                         {"requestId", nullptr},
                                         {"time", duration_cast<milliseconds>((options_.start + offset_).time_since_epoch()).count()},
                                         {"status", nullptr},
                                         {"cdcresponse", ordered_json::array()}});
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"Intuit\", error=\"invalid_token\"");
    return response;
  }
  auto realm = realms_.find(seen.realm);
  if (realm == realms_.end() || token->second.realm != seen.realm) {
    return FaultResponse(403, "AuthorizationFault", "3100",
                         "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                         "The application is not authorized for company " + seen.realm);
  }
  if (QueryParam(query, "minorversion").empty()) {
    return FaultResponse(400, "ValidationFault", "2010", "Request has invalid or unsupported property",
                         "minorversion is required");
  }
  if (realm->second.in_flight >= options_.max_in_flight || !TakeBudget(realm->second)) return throttled();
  ++realm->second.in_flight;
  max_in_flight_seen_ = std::max(max_in_flight_seen_, realm->second.in_flight);
  if (delay_.count() > 0) {
    auto delay = delay_;
    lock.unlock();
    std::this_thread::sleep_for(delay);
    lock.lock();
  }
  http::Response response;
  if (rest == "query") {
    std::string sql = request.method == "POST" ? request.body : QueryParam(query, "query");
    response = Query(realm->second, sql);
  } else if (rest == "cdc") {
    response = Cdc(realm->second, query);
  } else if (rest == "batch" && request.method == "POST") {
    response = Batch(realm->second, request.body);
  } else if ((rest == "customer" || rest == "invoice") && request.method == "POST") {
    auto [status, body] = Write(realm->second, rest == "customer" ? "Customer" : "Invoice", request.body);
    response = Json(status, body);
  } else if (auto entity_slash = rest.find('/'); entity_slash != std::string::npos && request.method == "GET") {
    static const std::map<std::string, std::string> kTypes = {
        {"invoice", "Invoice"}, {"customer", "Customer"}, {"payment", "Payment"}, {"creditmemo", "CreditMemo"}};
    auto type = kTypes.find(rest.substr(0, entity_slash));
    response = type == kTypes.end()
                   ? FaultResponse(400, "ValidationFault", "500", "Unsupported Operation", "Operation " + rest + " is not supported.")
                   : Read(realm->second, type->second, rest.substr(entity_slash + 1));
  } else {
    response = FaultResponse(400, "ValidationFault", "500", "Unsupported Operation",
                             "Operation " + rest + " is not supported.");
  }
  --realm->second.in_flight;
  return response;
}

http::Response QuickBooksDouble::Read(Realm& realm, const std::string& type, const std::string& id) {
  auto it = realm.entities.find(id);
  if (it == realm.entities.end() || it->second.type != type || it->second.deleted) {
    return FaultResponse(400, "ValidationFault", "610", "Object Not Found",
                         "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.");
  }
  return Json(200, {{type, it->second.object}, {"time", qbo::FormatTime(options_.start + offset_, true)}});
}

}  // namespace tributary::testing
