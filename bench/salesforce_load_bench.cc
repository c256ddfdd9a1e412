// Salesforce initial-load benchmark: N Billing invoices (default 1,000,000) in the
// Salesforce double (tests/testing/salesforce_double.h) served over loopback from a child
// process, loaded by the real salesforce connector (JWT sign-in, COUNT, Bulk API 2.0 job,
// CSV pages of 50,000 records mapped through mappings/salesforce/billing_invoice.yaml)
// into a real SQLite store. Prints records, seconds, records/s and the connector process's
// peak RSS (getrusage ru_maxrss; the double's memory is in the child).
//
// Usage: salesforce_load_bench [RECORDS] [rest]   ("rest": a bulk_threshold above N, so
// the load runs through REST queries instead)
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "connectors/kit/connector.h"
#include "connectors/salesforce/salesforce_connector.h"
#include "gateway/store/store.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"
#include "tests/testing/temp_dir.h"

using namespace tributary;

namespace {

constexpr const char* kInvoice = "blng__Invoice__c";

// The child: a double with `records` invoices; writes its URL to `fd`, serves until killed.
[[noreturn]] void ServeDouble(int64_t records, const std::string& certificate, int fd) {
  testing::SalesforceDoubleOptions options;
  options.certificate_pem = certificate;
  options.objects.push_back(kInvoice);
  options.daily_api_limit = 10000000;
  options.bulk_page_records = 50000;
  // The records were last modified a day before the load, as in an org being connected.
  options.start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours(24);
  auto sf = testing::SalesforceDouble::Start(options);
  if (!sf) std::_Exit(2);
  for (int64_t i = 0; i < records; ++i) {
    const int64_t cents = 1000 + (i * 7919) % 9000000;
    char amount[32];
    std::snprintf(amount, sizeof amount, "%lld.%02lld", static_cast<long long>(cents / 100),
                  static_cast<long long>(cents % 100));
    (*sf)->Put(kInvoice, {{"Name", "INV-" + std::to_string(i)},
                          {"blng__Account__c", "001000000000" + std::to_string(100000 + i % 5000)},
                          {"blng__InvoiceStatus__c", "Posted"},
                          {"blng__PaymentStatus__c", "Unpaid"},
                          {"blng__InvoiceDate__c", "2026-06-15"},
                          {"blng__DueDate__c", "2026-07-15"},
                          {"CurrencyIsoCode", "EUR"},
                          {"blng__TotalAmount__c", testing::SalesforceDouble::Amount(amount)},
                          {"blng__Subtotal__c", testing::SalesforceDouble::Amount(amount)},
                          {"blng__TaxAmount__c", testing::SalesforceDouble::Amount("0")},
                          {"blng__Balance__c", testing::SalesforceDouble::Amount(amount)}});
  }
  (*sf)->Advance(std::chrono::hours(24));
  const std::string url = (*sf)->base_url() + "\n";
  if (write(fd, url.data(), url.size()) != static_cast<ssize_t>(url.size())) std::_Exit(3);
  close(fd);
  while (true) pause();
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t records = argc > 1 ? std::atoll(argv[1]) : 1000000;
  const bool rest = argc > 2 && std::string(argv[2]) == "rest";
  testing::TempDir dir;
  auto keys = testing::MakeRsaTestKeyPair("bench");
  if (!keys) return 1;
  auto files = testing::WriteRsaTestKeyPair(*keys, dir.path().string());
  if (!files) return 1;
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  const pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    ServeDouble(records, keys->certificate_pem, pipe_fds[1]);
  }
  close(pipe_fds[1]);
  std::string url;
  char c;
  while (read(pipe_fds[0], &c, 1) == 1 && c != '\n') url += c;
  if (url.empty()) {
    std::fprintf(stderr, "the Salesforce double did not start\n");
    return 1;
  }

  connectors::salesforce::SalesforceConfig settings;
  settings.login_url = url;
  settings.client_id = testing::SalesforceDoubleOptions().client_id;
  settings.username = "integration@example.com";
  settings.private_key_file = files->private_key_path;
  settings.max_api_share = 1.0;
  settings.bulk_threshold = rest ? records + 1 : 10000;
  settings.objects = {{.object = kInvoice,
                       .mapping = TRIBUTARY_SOURCE_DIR "/mappings/salesforce/billing_invoice.yaml",
                       .where = "blng__InvoiceStatus__c IN ('Posted','Cancelled','Rebilled')"}};
  config::ConnectorConfig config{.name = "crm", .type = "salesforce", .legal_entity = "FR01"};
  Metrics metrics;
  connectors::kit::BudgetRegistry budgets(MachineClock());
  connectors::kit::GrantLocks locks;
  connectors::ConnectorContext context;
  context.tenant = "bench";
  context.state_path = dir.File("state/tributary.db");
  context.metrics = &metrics;
  context.services.budgets = &budgets;
  context.services.grant_locks = &locks;
  auto connector = connectors::salesforce::MakeSalesforceConnector(config, settings, context);
  if (!connector) {
    std::fprintf(stderr, "%s\n", connector.error().message.c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  auto polled = (*connector)->Poll({});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  if (!polled) {
    std::fprintf(stderr, "load failed: %s\n", polled.error().message.c_str());
    return 1;
  }
  auto store = store::Store::Open(context.state_path);
  auto live = (*store)->api().LiveKeysWithPrefix("crm:receivable:");
  const int64_t stored = live ? static_cast<int64_t>(live->size()) : -1;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  // The connector's own CPU time (the double serves from the child process).
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("salesforce load (%s): %lld invoices, %lld stored, %.2f s, %.0f records/s; connector CPU %.2f s "
              "(%.0f records per CPU second); peak RSS %.1f MiB\n",
              rest ? "REST" : "Bulk API 2.0", static_cast<long long>(records), static_cast<long long>(stored), seconds,
              static_cast<double>(records) / seconds, cpu, static_cast<double>(records) / cpu,
              static_cast<double>(usage.ru_maxrss) / 1024.0);
  return stored == records ? 0 : 1;
}
