// The actions contract on the admin API: idempotency, 400 naming every bad field, 422
// naming the connectors that do the kind, paging, cancel and proofs.
#include "gateway/admin/action_requests.h"
#include "gateway/admin/admin_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/store/store.h"
#include "tests/testing/temp_dir.h"

namespace tributary::admin {
namespace {

class ActionRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AdminApiOptions options{.state_path = dir_.File("state.db"), .tenant = "acme"};
    AdminApiDeps deps{.metrics = &metrics_, .connectors = &board_, .changes = &changes_, .ready = [] { return true; }};
    deps.actions.connectors = {{"creditsafe", {"score"}}, {"dnb", {"score"}}, {"atradius", {"credit-limit"}}};
    deps.actions.wake = [this](const std::string& name) { woken_.push_back(name); };
    api_ = std::make_unique<AdminApi>(options, deps);
  }

  http::Response Send(const std::string& method, const std::string& target, const std::string& body = "",
                      const std::string& key = "") {
    http::Request request{.method = method, .target = target, .body = body};
    if (!key.empty()) request.headers.emplace_back("Idempotency-Key", key);
    return api_->Handle(request);
  }
  static nlohmann::json Body(const http::Response& response) { return nlohmann::json::parse(response.body); }

  testing::TempDir dir_;
  Metrics metrics_;
  ConnectorStatusBoard board_;
  ChangeSignal changes_;
  std::unique_ptr<AdminApi> api_;
  std::vector<std::string> woken_;
};

constexpr const char* kScore = R"({"connector":"creditsafe","company":{"country":"FR","registration_number":"494814452"}})";

TEST_F(ActionRoutesTest, ANewJobIsAcceptedAndTheSameKeyFindsIt) {
  auto created = Send("POST", "/v1/actions/score", kScore, "k-1");
  ASSERT_EQ(created.status, 202) << created.body;
  auto job = Body(created);
  EXPECT_EQ(job["status"], "queued");
  EXPECT_EQ(job["kind"], "score");
  EXPECT_EQ(http::FindHeader(created.headers, "Location"), "/v1/actions/" + job["id"].get<std::string>());
  EXPECT_EQ(woken_, std::vector<std::string>{"creditsafe"});

  // The same request with its members in another order is the same request.
  auto again = Send("POST", "/v1/actions/score",
                    R"({"company":{"registration_number":"494814452","country":"FR"},"connector":"creditsafe"})", "k-1");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again)["id"], job["id"]);

  auto other = Send("POST", "/v1/actions/score", R"({"connector":"dnb","company":{"country":"FR","name":"X"}})", "k-1");
  ASSERT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(Body(other)["error"]["code"], "idempotency_key_reused");

  auto read = Send("GET", "/v1/actions/" + job["id"].get<std::string>());
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(Body(read)["request"]["company"]["registration_number"], "494814452");
  EXPECT_EQ(Send("GET", "/v1/actions/nope").status, 404);
}

TEST_F(ActionRoutesTest, WithoutAnIdempotencyKeyTheRequestIsRefused) {
  auto response = Send("POST", "/v1/actions/score", kScore);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Body(response)["error"]["code"], "idempotency_key_required");
}

TEST_F(ActionRoutesTest, EveryBadFieldIsNamed) {
  auto response = Send("POST", "/v1/actions/score",
                       R"({"connector":"creditsafe","company":{"country":"France","colour":"red"},"extra":1})", "k");
  ASSERT_EQ(response.status, 400) << response.body;
  auto error = Body(response)["error"];
  EXPECT_EQ(error["code"], "invalid_request");
  std::vector<std::string> fields;
  for (const auto& field : error["fields"]) fields.push_back(field["field"].get<std::string>() + ": " + field["message"].get<std::string>());
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "extra: unknown field",
                        "company.colour: unknown field",
                        "company.country: expected a 2-letter ISO 3166 country code",
                        "company: needs one of registration_number, vat_number, duns or name",
                    }));
  EXPECT_EQ(Send("POST", "/v1/actions/score", "{not json", "k").status, 400);
}

TEST_F(ActionRoutesTest, ACreditLimitNeedsAnExactAmountInItsCurrency) {
  auto problems = CheckActionRequest(
      "credit-limit", nlohmann::json::parse(R"({"connector":"atradius","customer":"erp:customer:1","amount":"10.001","currency":"EUR"})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "amount");
  problems = CheckActionRequest("credit-limit", nlohmann::json::parse(R"({"connector":"atradius","customer":"c","amount":"5","currency":"XXY"})"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "currency");
  problems = CheckActionRequest("credit-limit", nlohmann::json::parse(R"({"connector":"atradius","customer":"c","amount":"2700","currency":"JPY"})"));
  EXPECT_TRUE(problems.empty());
}

TEST_F(ActionRoutesTest, ALetterNeedsARecipientASubjectAndReadableDocuments) {
  auto problems = CheckActionRequest(
      "registered-letter",
      nlohmann::json::parse(R"({"connector":"ar24","recipient":{"email":"a@b.c"},"documents":[{"filename":"n.pdf","content_base64":"%%%"}]})"));
  std::vector<std::string> fields;
  for (const auto& problem : problems) fields.push_back(problem.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"recipient.name", "subject", "documents[0].content_base64"}));
}

TEST_F(ActionRoutesTest, AConnectorThatDoesNotDoTheKindIsNamedWithThoseThatDo) {
  auto response = Send("POST", "/v1/actions/score", R"({"connector":"atradius","customer":"erp:customer:1"})", "k");
  ASSERT_EQ(response.status, 422) << response.body;
  EXPECT_EQ(Body(response)["error"]["message"],
            "connector \"atradius\" does not do score actions; connectors that do score actions: creditsafe, dnb");
  response = Send("POST", "/v1/actions/score", R"({"connector":"nope","customer":"erp:customer:1"})", "k");
  ASSERT_EQ(response.status, 422);
  EXPECT_EQ(Body(response)["error"]["message"],
            "no connector \"nope\" is configured; connectors that do score actions: creditsafe, dnb");
  response = Send("POST", "/v1/actions/registered-letter",
                  R"({"connector":"ar24","recipient":{"name":"A"},"subject":"s","documents":[{"filename":"a.pdf","content_base64":"JVBERg=="}]})",
                  "k");
  ASSERT_EQ(response.status, 422);
  EXPECT_EQ(Body(response)["error"]["message"],
            "no connector \"ar24\" is configured; no configured connector does registered-letter actions");
}

TEST_F(ActionRoutesTest, JobsPageOldestFirstAndAQueuedJobCanBeCancelled) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Send("POST", "/v1/actions/score", kScore, "k-" + std::to_string(i)).status, 202);
  }
  auto page = Body(Send("GET", "/v1/actions?after=1&limit=1"));
  ASSERT_EQ(page["actions"].size(), 1u);
  EXPECT_EQ(page["actions"][0]["number"], 2);
  EXPECT_EQ(page["next_after"], 2);
  EXPECT_EQ(Send("GET", "/v1/actions?status=lost").status, 400);

  const std::string id = page["actions"][0]["id"];
  auto cancelled = Send("POST", "/v1/actions/" + id + "/cancel");
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Body(cancelled)["status"], "cancelled");
  EXPECT_EQ(Send("POST", "/v1/actions/" + id + "/cancel").status, 409);
  EXPECT_EQ(Body(Send("GET", "/v1/actions?status=cancelled"))["actions"].size(), 1u);
}

TEST_F(ActionRoutesTest, AProofIsServedAsKept) {
  EXPECT_EQ(Send("GET", "/v1/proofs/XYZ").status, 400);
  EXPECT_EQ(Send("GET", "/v1/proofs/" + std::string(64, 'a')).status, 404);
}

}  // namespace
}  // namespace tributary::admin
