// Where the sync of one Salesforce object is, persisted as JSON (cursor
// "object:<Object>") in the same transaction as the page it covers.
//
//   count   -> nothing loaded yet: SELECT COUNT() decides between Bulk API and REST.
//   bulk    -> a Bulk API 2.0 query job `job` is loading; `locator` is the next results
//              page ("" = the first). When the job is gone, the load starts again.
//   changes -> REST query ordered by (SystemModstamp, Id) from the keyset mark (`stamp`,
//              `id`): records after it. While `caught_up` is false the next query resumes
//              exactly at the mark (a pass was interrupted); once a pass reached the end,
//              the next one starts `overlap` before the mark, for late commits.
// `deleted_since` is the deletes mark (getDeleted from there), set when the load starts.
#pragma once

#include <string>

#include "gateway/common/result.h"

namespace tributary::connectors::salesforce {

struct ObjectCursor {
  enum class Phase { kCount, kBulk, kChanges };
  Phase phase = Phase::kCount;
  std::string stamp;       // changes: SystemModstamp of the mark ("" = from the start)
  std::string id;          // changes: Id of the mark ("" = every record at `stamp`)
  bool caught_up = false;  // changes: the last pass read to the end
  std::string job;         // bulk: the query job
  std::string locator;     // bulk: the next results page
  std::string load_start;  // bulk: where changes resume when the load is done
  std::string deleted_since;

  [[nodiscard]] std::string ToJson() const;
  static Result<ObjectCursor> FromJson(const std::string& text);
};

}  // namespace tributary::connectors::salesforce
