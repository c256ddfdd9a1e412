// Helpers of the store tests: canonical records, files and a store in a temp dir.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/model/canonical.h"
#include "gateway/store/store.h"
#include "tests/testing/temp_dir.h"

namespace tributary::store::test {

// A finalized receivable of source "erp": key "erp:receivable:<source_key>".
inline model::CanonicalRecord Receivable(const std::string& source_key,
                                         const std::string& open_amount,
                                         const std::string& currency = "EUR", int64_t line = 1,
                                         const std::string& kind = "invoice") {
  model::CanonicalRecord record;
  record.entity = "receivable";
  record.source_key = source_key;
  record.key = model::MakeKey("erp", "receivable", source_key);
  record.data = {
      {"key", record.key},       {"tenant", "acme"},       {"legal_entity", "FR01"},
      {"source", "erp"},         {"source_key", source_key}, {"lifecycle", "active"},
      {"kind", kind},            {"number", source_key},   {"currency", currency},
      {"total", open_amount},    {"open_amount", open_amount},
      // raw is outside the hash: the same content on another line is the same version.
      {"raw", "row " + std::to_string(line) + ";" + source_key + ";" + open_amount},
  };
  record.provenance = {.file = "open_items.csv", .file_sha256 = "", .line = line,
                       .mapping = "sap-fbl5n", .mapping_version = "3"};
  EXPECT_TRUE(model::Finalize(*model::FindEntitySchema("receivable"), record).has_value());
  return record;
}

// A finalized customer of source "erp".
inline model::CanonicalRecord Customer(const std::string& source_key, const std::string& name,
                                       int64_t line = 1) {
  model::CanonicalRecord record;
  record.entity = "customer";
  record.source_key = source_key;
  record.key = model::MakeKey("erp", "customer", source_key);
  record.data = {{"key", record.key},         {"tenant", "acme"},
                 {"legal_entity", "FR01"},    {"source", "erp"},
                 {"source_key", source_key},  {"lifecycle", "active"},
                 {"account_number", source_key}, {"name", name}};
  record.provenance = {.file = "open_items.csv", .line = line, .mapping = "sap-fbl5n",
                       .mapping_version = "3"};
  EXPECT_TRUE(model::Finalize(*model::FindEntitySchema("customer"), record).has_value());
  return record;
}

// A file of connector "erp" known by `content` (its sha256 is the hash of that text).
inline FileIdentity File(const std::string& content, const std::string& name = "open_items.csv") {
  return FileIdentity{.connector = "erp", .name = name, .sha256 = model::Sha256Hex(content),
                      .size = static_cast<int64_t>(content.size())};
}

inline ApplyOptions Snapshot(std::optional<double> max_close_ratio = std::nullopt) {
  return ApplyOptions{.feed = "erp/open_items_*.csv",
                      .mode = SyncMode::kSnapshot,
                      .closing_entities = {"receivable"},
                      .max_close_ratio = max_close_ratio,
                      .repeatable_entities = {"customer"}};
}

inline ApplyOptions Delta() {
  return ApplyOptions{.feed = "erp/changes_*.csv", .mode = SyncMode::kDelta,
                      .repeatable_entities = {"customer"}};
}

// A store on a fresh database file in a unique temp dir, removed afterwards.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    Reopen();
  }

  void Reopen() {
    store_.reset();
    auto opened = Store::Open(path());
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  std::string path() const { return dir_.File("state/tributary.db"); }

  // Applies `records` (and `rejects`) as one file and commits.
  ApplyOutcome Apply(const FileIdentity& file, const ApplyOptions& options,
                     std::vector<model::CanonicalRecord> records,
                     std::vector<model::Reject> rejects = {}) {
    auto application = store_->BeginFile(file, options);
    EXPECT_TRUE(application.has_value()) << application.error().ToString();
    if (!application) return {};
    for (auto& record : records) {
      auto status = (*application)->OnRecord(std::move(record));
      EXPECT_TRUE(status.has_value()) << status.error().ToString();
    }
    for (auto& reject : rejects) {
      auto status = (*application)->OnReject(std::move(reject));
      EXPECT_TRUE(status.has_value()) << status.error().ToString();
    }
    auto outcome = (*application)->Commit();
    EXPECT_TRUE(outcome.has_value()) << outcome.error().ToString();
    return outcome.value_or(ApplyOutcome{});
  }

  std::vector<Change> AllChanges() {
    auto changes = store_->ChangesAfter(0, 100000);
    EXPECT_TRUE(changes.has_value()) << changes.error().ToString();
    return changes.value_or(std::vector<Change>{});
  }

  tributary::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

// `count` receivables "INV-000".."INV-<count-1>" of 10.00 EUR each, on lines 2…
inline std::vector<model::CanonicalRecord> Invoices(int count, int skip_from = -1,
                                                    int skip_to = -1) {
  std::vector<model::CanonicalRecord> records;
  for (int i = 0; i < count; ++i) {
    if (i >= skip_from && i < skip_to) continue;
    char id[16];
    std::snprintf(id, sizeof id, "INV-%03d", i);
    records.push_back(Receivable(id, "10.00", "EUR", i + 2));
  }
  return records;
}

}  // namespace tributary::store::test
