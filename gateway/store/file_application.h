// Applying one file to the store: the FileApplication of SqliteStore. Internal to the
// store module.
#pragma once

#include <memory>

#include "gateway/common/result.h"
#include "gateway/store/sqlite_store.h"
#include "gateway/store/store.h"

namespace tributary::store {

// Opens the file's IMMEDIATE transaction and its ledger row (or takes over the `released`
// row of the same connector and content), validating `options`. kConflict when the file's
// latest ledger row is a pending quarantine. The result borrows `store`.
Result<std::unique_ptr<FileApplication>> BeginFileApplication(SqliteStore& store,
                                                              const FileIdentity& file,
                                                              const ApplyOptions& options);

}  // namespace tributary::store
