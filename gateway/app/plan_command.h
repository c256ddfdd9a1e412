// `tributary plan --config FILE --connector NAME [--folder SUBDIR] [--json] INPUT`: what dropping INPUT on
// the connector would change in the store, in business terms, without writing anything
// (the store is opened read-only, so it works beside the running daemon).
// docs/mapping-tools.md is the user guide.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "gateway/app/file_plan.h"

namespace tributary::app {

// What the plan is about, for its report.
struct PlanHeader {
  std::string file;        // as the user named it
  std::string connector;
  std::string pattern;     // the files rule that matched
  std::string feed;
  bool snapshot = false;
  std::string mapping;     // name@version
  std::string store_path;
};

// The plan as people read it: counts per entity, rejects, open balance before → after per
// currency, the biggest changes, the guard's verdict and what the ledger knows of the file.
void PrintPlanText(const PlanHeader& header, const FilePlan& plan, std::ostream& out);
// The same as one JSON object (amounts as exact decimal strings), then a newline.
void PrintPlanJson(const PlanHeader& header, const FilePlan& plan, std::ostream& out);

// The command: `arguments` are what follows `plan`. Returns 0 when the file would apply
// cleanly, 1 when it has rejects, would be quarantined, or the config is invalid, 2 on a
// usage error, an unusable file or an unreadable store.
int RunPlanCommand(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err);

}  // namespace tributary::app
