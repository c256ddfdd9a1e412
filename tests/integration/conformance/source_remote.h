// The remote side of one source connector type, as the source conformance suite drives it
// (source_conformance_test.cc): a folder of files, an SFTP server, or the test double of a
// provider's API. Each connector type adds one implementation and one line in
// AllSourceRemotes().
//
// The suite speaks of receivables by number and open amount only; the remote turns them
// into what its source holds (a snapshot file's rows, a QuickBooks invoice, a Salesforce
// Billing invoice) and says which canonical key each becomes.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing::conformance {

class SourceRemote {
 public:
  virtual ~SourceRemote() = default;

  // The daemon's `connectors:` list (two-space indented items): one connector named "src".
  virtual std::string ConnectorsYaml(DaemonHarness& daemon) = 0;
  // Before the daemon's first start (e.g. store an OAuth grant, as `tributary auth` would).
  virtual void Prepare(DaemonHarness& /*daemon*/) {}

  // Creates receivable `number`, or changes its open amount (a decimal string, e.g. "12.30").
  virtual void Put(const std::string& number, const std::string& amount) = 0;
  // Deletes it in the source.
  virtual void Remove(const std::string& number) = 0;
  // Makes the changes since the last Publish visible to the connector (a file source
  // writes its next snapshot file; an API source has nothing to do).
  virtual void Publish() = 0;

  // The canonical key receivable `number` becomes.
  virtual std::string KeyOf(const std::string& number) = 0;
  // The lifecycle of a receivable deleted in the source ("deleted", or "closed_by_absence"
  // for a snapshot feed).
  virtual std::string DeletedLifecycle() = 0;

  // Makes every pass fail until Repair (the folder gone, the server down, the API
  // answering 503).
  virtual void Break() = 0;
  virtual void Repair() = 0;
};

struct RemoteMaker {
  std::string name;  // the connector type
  // Why the remote cannot run on this machine ("" when it can; e.g. no sshd).
  std::function<std::string()> unavailable = [] { return std::string(); };
  std::function<std::unique_ptr<SourceRemote>()> make;
};

// The test name part.
inline void PrintTo(const RemoteMaker& maker, std::ostream* out) { *out << maker.name; }

// Every source connector type the suite covers.
std::vector<RemoteMaker> AllSourceRemotes();

}  // namespace tributary::testing::conformance
