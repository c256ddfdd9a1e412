// The action path under load: N score jobs posted to the real daemon's admin API, each a
// distinct company of the D&B Direct+ double (a match call and a data-block call, no cache
// hit), until every job has succeeded.
//
//   action_jobs_bench [jobs=10000] [latency_ms=0]
//
// `latency_ms` makes the double answer each data-block call (the billed one) that much
// later, as a real provider does. Prints the rate of the posts, the rate of the jobs from the first post to the last
// success, the daemon's CPU time per job and its peak RSS, and the calls the double
// answered. The provider is a loopback double with no quota: what is measured is the
// gateway's own cost per job.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "bench/store_path/daemon_child.h"
#include "gateway/http/http_client.h"
#include "tests/testing/dnb_double.h"
#include "tests/testing/temp_dir.h"

namespace tributary::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

std::string RegistrationNumber(int i) {
  char text[16];
  std::snprintf(text, sizeof(text), "4%08d", i);
  return text;
}

int64_t SucceededJobs(DaemonChild& daemon) {
  auto metrics = daemon.Get("/metrics");
  if (!metrics) return -1;
  static const std::regex kLine(R"(tributary_action_jobs\{status="succeeded"\} (\d+))");
  std::smatch match;
  if (!std::regex_search(*metrics, match, kLine)) return 0;
  return std::stoll(match[1]);
}

int Run(int jobs, int latency_ms) {
  testing::FakeClock clock;
  auto started = testing::DnbDouble::Start(clock);
  if (!started) {
    std::fprintf(stderr, "D&B double: %s\n", started.error().message.c_str());
    return 1;
  }
  auto& dnb = **started;
  dnb.faults().SetLatency(std::chrono::milliseconds(latency_ms));
  for (int i = 0; i < jobs; ++i) {
    dnb.PutCompany({.duns = std::to_string(100000000 + i),
                    .name = "COMPANY " + std::to_string(i),
                    .country = "FR",
                    .registration_number = RegistrationNumber(i),
                    .assessment = testing::DnbDouble::Assessment(1 + i % 100, 1 + i % 5, "risk", "25000.50", "EUR")});
  }

  testing::TempDir root;
  for (const char* name : {"dnb-key", "dnb-secret"}) {
    std::ofstream(root.File(name)) << (std::string(name) == "dnb-key" ? dnb.options().consumer_key
                                                                      : dnb.options().consumer_secret);
    std::filesystem::permissions(root.File(name), std::filesystem::perms::owner_read |
                                                      std::filesystem::perms::owner_write);
  }
  DaemonSetup setup{.root = root.path(),
                    .binary = TRIBUTARY_BINARY,
                    .mapping = std::filesystem::path(TRIBUTARY_SOURCE_DIR) / "mappings/generic/open_items.yaml"};
  setup.extra_connectors_yaml = "  - name: scores\n    type: dnb\n    schedule: 1h\n    dnb:\n      base_url: " +
                                dnb.base_url() + "\n      consumer_key: ${file:" + root.File("dnb-key") +
                                "}\n      consumer_secret: ${file:" + root.File("dnb-secret") + "}\n";
  std::filesystem::create_directories(root.path() / "drop");
  DaemonChild daemon(setup);
  if (!daemon.Start()) return 1;

  auto client = http::MakeCurlClient({});
  const std::string target = "http://127.0.0.1:" + std::to_string(daemon.admin_port()) + "/v1/actions/score";
  const auto first_post = Clock::now();
  for (int i = 0; i < jobs; ++i) {
    http::Request request{.method = "POST", .target = target};
    request.headers = {{"Idempotency-Key", "bench-" + std::to_string(i)}, {"Content-Type", "application/json"}};
    request.body = R"({"connector":"scores","company":{"country":"FR","registration_number":")" +
                   RegistrationNumber(i) + "\"}}";
    auto response = client->Send(request);
    if (!response || response->status != 202) {
      std::fprintf(stderr, "post %d: %s\n", i, response ? response->body.c_str() : response.error().message.c_str());
      return 1;
    }
  }
  const auto last_post = Clock::now();
  int64_t done = 0;
  while ((done = SucceededJobs(daemon)) < jobs) {
    if (Seconds(Clock::now() - first_post) > 3600) {
      std::fprintf(stderr, "only %lld of %d jobs succeeded within an hour\n", static_cast<long long>(done), jobs);
      return 1;
    }
    // Seldom: /metrics counts the jobs by status, and the figure is the daemon's cost per job.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  const auto all_done = Clock::now();
  const ProcessSample sample = daemon.Sample();
  const DaemonExit exit = daemon.Stop();

  int matches = 0, data = 0, tokens = 0;
  for (const auto& request : dnb.requests()) {
    if (request.kind == "match") ++matches;
    if (request.kind == "data") ++data;
    if (request.kind == "token") ++tokens;
  }
  const double posting = Seconds(last_post - first_post);
  const double total = Seconds(all_done - first_post);
  std::printf("score jobs                 %d (each a distinct company: no cache hit), provider latency %d ms\n",
              jobs, latency_ms);
  std::printf("posts                      %.2f s, %.0f posts/s\n", posting, jobs / posting);
  std::printf("all succeeded after        %.2f s from the first post: %.0f jobs/s\n", total, jobs / total);
  std::printf("daemon CPU                 %.2f s, %.0f us per job\n", exit.cpu_seconds,
              exit.cpu_seconds * 1e6 / jobs);
  std::printf("daemon peak RSS            %.1f MiB (VmHWM at the end %.1f MiB)\n", exit.peak_rss_kib / 1024.0,
              sample.peak_rss_kib / 1024.0);
  std::printf("double calls               %d match, %d data, %d token\n", matches, data, tokens);
  return 0;
}

}  // namespace
}  // namespace tributary::bench

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int latency_ms = argc > 2 ? std::atoi(argv[2]) : 0;
  return tributary::bench::Run(jobs, latency_ms);
}
