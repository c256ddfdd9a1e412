// The remote side of one action connector type, as the action conformance suite drives it
// (action_conformance_test.cc): the test double of a provider's API. Each action connector
// type adds one implementation and one line in AllActionRemotes().
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/daemon_harness.h"

namespace tributary::testing::conformance {

class ActionRemote {
 public:
  virtual ~ActionRemote() = default;

  // The kind of action the suite asks for: "score", "credit-limit", "registered-letter".
  virtual std::string Kind() = 0;
  // The entity a job's result is ("risk_score", …).
  virtual std::string ResultEntity() = 0;
  // The daemon's `connectors:` list (two-space indented items): one connector named "act".
  virtual std::string ConnectorsYaml(DaemonHarness& daemon) = 0;

  // A request body for connector "act" the provider answers with a result; `subject` 0, 1,
  // 2… name distinct subjects (companies, recipients).
  virtual nlohmann::json Request(int subject) = 0;
  // A request the provider has no result for: the job fails for a business reason.
  virtual nlohmann::json UnanswerableRequest() = 0;

  // The provider calls that cost money (a report bought, a letter sent) so far.
  virtual int BilledCalls() = 0;
  // Billed calls that arrived while held (Hold), answered or not.
  virtual int HeldCalls() = 0;

  // Every call answers 503 until Repair.
  virtual void Break() = 0;
  virtual void Repair() = 0;
  // Billed calls block, unanswered, until Release (a crash in the middle of one).
  virtual void Hold() = 0;
  virtual void Release() = 0;
};

struct ActionRemoteMaker {
  std::string name;  // the connector type
  std::function<std::unique_ptr<ActionRemote>()> make;
};

inline void PrintTo(const ActionRemoteMaker& maker, std::ostream* out) { *out << maker.name; }

// Every action connector type the suite covers.
std::vector<ActionRemoteMaker> AllActionRemotes();

}  // namespace tributary::testing::conformance
