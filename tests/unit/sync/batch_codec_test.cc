#include "gateway/sync/batch_codec.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "gateway/sync/uuid.h"

namespace tributary::sync {
namespace {

using nlohmann::json;

std::vector<store::Change> Changes(std::initializer_list<int64_t> seqs) {
  std::vector<store::Change> changes;
  for (int64_t seq : seqs) {
    store::Change change;
    change.seq = seq;
    change.op = "upsert";
    change.entity = "customer";
    change.key = "erp:customer:" + std::to_string(seq);
    change.version = 1;
    change.hash = "sha256:ab";
    change.data = R"({"key":"erp:customer:)" + std::to_string(seq) + R"(","name":"Zoë"})";
    changes.push_back(change);
  }
  return changes;
}

TEST(BatchCodecTest, BodySplicesTheStoredChangeJson) {
  const auto changes = Changes({4, 5});
  std::vector<std::string> rendered;
  for (const auto& change : changes) rendered.push_back(store::ChangeToJson(change));
  const std::string body = BuildBatchBody("id-1", "ac\"me", rendered);
  EXPECT_EQ(body, "{\"batch_id\":\"id-1\",\"tenant\":\"ac\\\"me\",\"changes\":[" + rendered[0] +
                      "," + rendered[1] + "]}");
  const json parsed = json::parse(body);
  EXPECT_EQ(parsed["tenant"], "ac\"me");
  EXPECT_EQ(parsed["changes"][1]["seq"], 5);
  EXPECT_EQ(parsed["changes"][1]["data"]["name"], "Zoë");
  EXPECT_EQ(BuildBatchBody("id", "t", {}), R"({"batch_id":"id","tenant":"t","changes":[]})");
}

TEST(BatchCodecTest, ResultsInBatchOrderWithErrors) {
  const auto changes = Changes({1, 2, 3});
  auto results = ParseBatchResults(
      R"({"results":[{"seq":3,"status":"rejected","error":{"code":"bad_vat","message":"VAT id invalid"}},
                     {"seq":1,"status":"applied"},{"seq":2,"status":"duplicate"}]})",
      changes);
  ASSERT_TRUE(results.has_value()) << results.error().ToString();
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].seq, 1);
  EXPECT_EQ((*results)[0].status, "applied");
  EXPECT_EQ((*results)[1].status, "duplicate");
  EXPECT_EQ((*results)[2].status, "rejected");
  EXPECT_EQ((*results)[2].code, "bad_vat");
  EXPECT_EQ((*results)[2].message, "VAT id invalid");
}

TEST(BatchCodecTest, RejectionWithoutErrorGetsAGenericCode) {
  auto results = ParseBatchResults(R"({"results":[{"seq":1,"status":"rejected"}]})", Changes({1}));
  ASSERT_TRUE(results.has_value());
  EXPECT_EQ((*results)[0].code, "rejected");
}

TEST(BatchCodecTest, UnusableResultsAreParseErrors) {
  const auto changes = Changes({1, 2});
  const char* bad[] = {
      "not json",
      "[]",
      R"({"result":[]})",
      R"({"results":{}})",
      R"({"results":[{"seq":1,"status":"applied"}]})",                                 // 2 missing
      R"({"results":[{"seq":1,"status":"applied"},{"seq":2,"status":"applied"},{"seq":3,"status":"applied"}]})",
      R"({"results":[{"seq":1,"status":"applied"},{"seq":1,"status":"applied"},{"seq":2,"status":"applied"}]})",
      R"({"results":[{"seq":1,"status":"applied"},{"seq":2,"status":"ok"}]})",
      R"({"results":[{"seq":"1","status":"applied"},{"seq":2,"status":"applied"}]})",
      R"({"results":[{"seq":1},{"seq":2,"status":"applied"}]})",
  };
  for (const char* body : bad) {
    auto results = ParseBatchResults(body, changes);
    ASSERT_FALSE(results.has_value()) << body;
    EXPECT_EQ(results.error().code, ErrorCode::kParse) << body;
  }
}

TEST(BatchCodecTest, CoreErrorMessageIsReadableAndBounded) {
  EXPECT_EQ(CoreErrorMessage(R"({"error":{"code":"x","message":"tenant unknown"}})"), "tenant unknown");
  EXPECT_EQ(CoreErrorMessage(R"({"message":"plain"})"), "plain");
  EXPECT_EQ(CoreErrorMessage(R"({"error":"short"})"), "short");
  EXPECT_EQ(CoreErrorMessage("<html>Bad Request</html>"), "<html>Bad Request</html>");
  EXPECT_EQ(CoreErrorMessage(std::string(5000, 'a')).size(), kMaxErrorMessageBytes);
  // Cut on a UTF-8 boundary, invalid bytes replaced.
  EXPECT_EQ(BoundedUtf8("aé", 2), "a");
  EXPECT_EQ(BoundedUtf8("a\xff", 10), "a\xEF\xBF\xBD");
}

TEST(UuidTest, VersionSevenCarriesTheTimeAndIsUnique) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::milliseconds(0x0192f0c2a1b3));
  auto id = NewUuidV7(now);
  ASSERT_TRUE(id.has_value());
  EXPECT_TRUE(std::regex_match(*id, std::regex("0192f0c2-a1b3-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << *id;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(*NewUuidV7(now));
  EXPECT_EQ(seen.size(), 1000u);
  // Later ids sort after earlier ones.
  EXPECT_LT(*NewUuidV7(now), *NewUuidV7(now + std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace tributary::sync
