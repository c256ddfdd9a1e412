#include <gtest/gtest.h>

#include "gateway/store/snapshot_guard.h"
#include "gateway/store/store.h"

namespace tributary::store {
namespace {

TEST(ChangeToJson, WritesAnUpsertAsTheCoreContractSpellsIt) {
  const Change change{.seq = 1042, .op = "upsert", .entity = "receivable",
                      .key = "sap-fr:receivable:FR01-1800001234-2026-001", .version = 3,
                      .hash = "sha256:9f2c", .data = R"({"key":"k","open_amount":"12.50"})"};
  EXPECT_EQ(ChangeToJson(change),
            R"({"seq":1042,"op":"upsert","entity":"receivable",)"
            R"("key":"sap-fr:receivable:FR01-1800001234-2026-001","version":3,)"
            R"("hash":"sha256:9f2c","data":{"key":"k","open_amount":"12.50"}})");
}

TEST(ChangeToJson, WritesACloseWithoutHashOrData) {
  const Change change{.seq = 1043, .op = "close", .entity = "receivable", .key = "k",
                      .version = 4, .hash = "sha256:ignored", .data = "{}",
                      .reason = "absent_from_snapshot"};
  EXPECT_EQ(ChangeToJson(change),
            R"({"seq":1043,"op":"close","entity":"receivable","key":"k","version":4,)"
            R"("reason":"absent_from_snapshot"})");
}

TEST(ChangeToJson, EscapesStrings) {
  const Change change{.seq = 1, .op = "upsert", .entity = "customer",
                      .key = "erp:customer:\"A\"\\1\n", .version = 1, .hash = "h",
                      .data = "{}"};
  EXPECT_EQ(ChangeToJson(change),
            R"({"seq":1,"op":"upsert","entity":"customer","key":"erp:customer:\"A\"\\1\n",)"
            R"("version":1,"hash":"h","data":{}})");
}

TEST(SnapshotGuard, ConvertsAndComparesExactly) {
  EXPECT_EQ(CloseRatioToPpm(0.2).value(), 200000);
  EXPECT_EQ(CloseRatioToPpm(0).value(), 0);
  EXPECT_EQ(CloseRatioToPpm(3).value(), 1000000);
  EXPECT_EQ(CloseRatioToPpm(-0.5).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(CloseRatioToPpm(std::numeric_limits<double>::quiet_NaN()).error().code,
            ErrorCode::kInvalidArgument);

  EXPECT_FALSE(CloseGuardTrips(2, 10, 200000));  // exactly the guard
  EXPECT_TRUE(CloseGuardTrips(3, 10, 200000));
  EXPECT_TRUE(CloseGuardTrips(200001, 1000000, 200000));
  EXPECT_FALSE(CloseGuardTrips(0, 0, 0));  // an empty feed
  EXPECT_TRUE(CloseGuardTrips(1, 10, 0));
  EXPECT_FALSE(CloseGuardTrips(10, 10, 1000000));
}

TEST(SnapshotGuard, DescribesTheQuarantine) {
  EXPECT_EQ(FormatPpmRatio(600000), "0.600");
  EXPECT_EQ(FormatPpmRatio(333333), "0.333333");
  EXPECT_EQ(FormatPpmRatio(1000000), "1.000");
  EXPECT_EQ(FormatPpmRatio(125000), "0.125");
  EXPECT_EQ(FormatPpmRatio(12500), "0.0125");
  EXPECT_EQ(QuarantineReason(6, 10, 200000),
            "snapshot would close 6 of 10 open items (60%), above the guard of 20%");
  EXPECT_EQ(QuarantineReason(1, 3, 125000),
            "snapshot would close 1 of 3 open items (33.3%), above the guard of 12.5%");

  const CloseSample sample[] = {{"k1", 1250, "EUR"}, {"k2", 2700, "JPY"}, {"c1", {}, ""}};
  EXPECT_EQ(QuarantineDiffJson(6, 10, 200000, 1, 2, sample),
            R"({"would_close":6,"active":10,"ratio":"0.600","max_close_ratio":"0.200",)"
            R"("would_create":1,"would_update":2,"sample":[)"
            R"({"key":"k1","open_amount":"12.50","currency":"EUR"},)"
            R"({"key":"k2","open_amount":"2700","currency":"JPY"},{"key":"c1"}]})");
}

}  // namespace
}  // namespace tributary::store
