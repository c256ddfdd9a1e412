// The Salesforce double's reads answer as Salesforce does: SOQL query and queryAll with
// their paging, getUpdated/getDeleted, and Bulk API 2.0 query jobs with CSV results.
#include <regex>
#include <set>

#include "tests/unit/connectors/salesforce_double_fixture.h"

namespace tributary::testing {
namespace {

using nlohmann::json;
using namespace std::chrono;

constexpr const char* kApi = "/services/data/v62.0";

TEST_F(SalesforceDoubleTest, QueryAnswersTheSelectedFieldsAfterTheirAttributes) {
  const std::string account = sf_->Put("Account", {{"Name", "Acme"}, {"SIREN__c", "123456789"}});
  const std::string invoice =
      sf_->Put("blng__Invoice__c", {{"Name", "INV-1"},
                                    {"blng__Account__c", account},
                                    {"blng__Balance__c", SalesforceDouble::Amount("1234.50")},
                                    {"blng__TotalAmount__c", SalesforceDouble::Amount("0.10")}});
  EXPECT_EQ(account.size(), 18u);
  EXPECT_TRUE(account.starts_with("001"));
  EXPECT_TRUE(invoice.starts_with("a0X"));

  auto answer = Query(
      "SELECT Id, name, blng__Balance__c, blng__TotalAmount__c, blng__Account__r.Name, Phone__c, "
      "SystemModstamp FROM blng__Invoice__c");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const std::string stamp = SalesforceDouble::FormatTime(sf_->Now());
  EXPECT_TRUE(std::regex_match(stamp, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000)"))) << stamp;
  // Exact amounts as JSON numbers, fields in SELECT order with their API spelling, a field
  // the record lacks as null, the parent as a nested record.
  EXPECT_EQ(
      answer.body,
      R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"blng__Invoice__c","url":"/services/data/v62.0/sobjects/blng__Invoice__c/)" +
          invoice + R"("},"Id":")" + invoice +
          R"(","Name":"INV-1","blng__Balance__c":1234.50,"blng__TotalAmount__c":0.10,"blng__Account__r":{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/)" +
          account + R"("},"Name":"Acme"},"Phone__c":null,"SystemModstamp":")" + stamp + R"("}]})");

  sf_->Put("Contact", {{"LastName", "Orphan"}});
  auto contacts = Body(Query("SELECT Id, Account.Name FROM Contact"));
  EXPECT_TRUE(contacts["records"][0]["Account"].is_null());
}

TEST_F(SalesforceDoubleTest, PutUpdatesByIdAndRestoresFromTheRecycleBin) {
  const auto created = sf_->Now();
  const std::string id = sf_->Put("Account", {{"Name", "Acme"}, {"Phone", "1"}});
  sf_->Advance(minutes(1));
  EXPECT_EQ(sf_->Put("Account", {{"Id", id}, {"name", "Acme SA"}}), id);
  auto record = *sf_->Find("Account", id);
  EXPECT_EQ(record["Name"], "Acme SA");  // the stored spelling is kept
  EXPECT_FALSE(record.contains("name"));
  EXPECT_EQ(record["Phone"], "1");  // fields not put are kept
  EXPECT_EQ(record["CreatedDate"], SalesforceDouble::FormatTime(created));
  EXPECT_EQ(record["SystemModstamp"], SalesforceDouble::FormatTime(sf_->Now()));
  EXPECT_EQ(record["LastModifiedDate"], SalesforceDouble::FormatTime(sf_->Now()));

  sf_->Delete("Account", id);
  EXPECT_EQ(Body(Query("SELECT Id FROM Account"))["totalSize"], 0);
  sf_->Put("Account", {{"Id", id}});  // undelete
  EXPECT_EQ(Body(Query("SELECT Id, IsDeleted FROM Account"))["records"][0]["IsDeleted"], false);
  EXPECT_EQ(sf_->Put("Contact", {{"LastName", "Doe"}}).substr(0, 3), "003");
  EXPECT_EQ(sf_->Put("Opportunity", {{"Name", "Deal"}}).substr(0, 3), "006");
  EXPECT_EQ(sf_->Put("Invoice__c", {{"Name", "I"}}).substr(0, 3), "a0X");
  EXPECT_EQ(sf_->Put("Payment__c", {{"Name", "P"}}).substr(0, 3), "a0Y");
}

TEST_F(SalesforceDoubleTest, WhereComparesDatetimesAsInstantsAndAmountsExactly) {
  const std::string early =
      sf_->Put("Account", {{"Name", "O'Brien"}, {"AnnualRevenue", SalesforceDouble::Amount("1234.50")}});
  sf_->Advance(hours(1));
  const std::string late = sf_->Put(
      "Account", {{"Name", "Zeta"}, {"AnnualRevenue", SalesforceDouble::Amount("99.99")}, {"Active__c", true}});
  const std::string cut = SalesforceDouble::FormatTime(sf_->Now() - minutes(30));  // …+0000
  auto ids = [&](const std::string& where) {
    auto answer = Query("SELECT Id FROM Account WHERE " + where + " ORDER BY Id");
    EXPECT_EQ(answer.status, 200) << where << ": " << answer.body;
    std::vector<std::string> out;
    const json body = Body(answer);
    for (const auto& record : body["records"]) out.push_back(record["Id"].get<std::string>());
    return out;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("SystemModstamp > " + cut), Ids({late}));
  EXPECT_EQ(ids("SystemModstamp > " + cut.substr(0, 19) + "Z"), Ids({late}));
  EXPECT_EQ(ids("SystemModstamp <= " + cut.substr(0, 19) + "+00:00"), Ids({early}));
  EXPECT_EQ(ids("AnnualRevenue > 1234.4"), Ids({early}));
  EXPECT_EQ(ids("AnnualRevenue = 1234.5"), Ids({early}));
  EXPECT_EQ(ids("Name = 'o\\'brien'"), Ids({early}));  // case-insensitive, backslash escape
  EXPECT_EQ(ids("Name IN ('Zeta', 'Nobody')"), Ids({late}));
  EXPECT_EQ(ids("Name NOT IN ('Zeta')"), Ids({early}));
  EXPECT_EQ(ids("Active__c = true"), Ids({late}));
  EXPECT_EQ(ids("Active__c = null"), Ids({early}));
  EXPECT_EQ(ids("NOT (Name = 'Zeta' OR AnnualRevenue < 100)"), Ids({early}));
  EXPECT_EQ(ids("(Name LIKE 'ze%' AND Active__c != false) OR Id = '" + early + "'"), Ids({early, late}));
  EXPECT_EQ(ids("Id = '" + early.substr(0, 3) + "x'"), Ids({}));

  auto count = Query("SELECT COUNT() FROM Account WHERE Name != 'Zeta'");
  EXPECT_EQ(Body(count), json({{"totalSize", 1}, {"done", true}, {"records", json::array()}}));

  auto desc = Body(Query("SELECT Name FROM Account ORDER BY SystemModstamp DESC LIMIT 1"));
  EXPECT_EQ(desc["totalSize"], 1);
  EXPECT_EQ(desc["records"][0]["Name"], "Zeta");
}

TEST_F(SalesforceDoubleTest, BadSoqlIsAMalformedQueryWithItsPosition) {
  auto mixed = Query("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'");
  EXPECT_EQ(mixed.status, 400);
  EXPECT_EQ(Body(mixed)[0]["errorCode"], "MALFORMED_QUERY");
  EXPECT_EQ(Body(mixed)[0]["message"], "\nSELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'\n" +
                                           std::string(55, ' ') +
                                           "^\nERROR at Row:1:Column:56\nunexpected token: 'OR'");
  auto truncated = Query("SELECT Id FROM Account WHERE");
  EXPECT_EQ(Body(truncated)[0]["message"], "\nSELECT Id FROM Account WHERE\n" + std::string(28, ' ') +
                                               "^\nERROR at Row:1:Column:29\nunexpected token: '<EOF>'");
  auto none = Call(std::string(kApi) + "/query");
  EXPECT_EQ(none.body, R"([{"message":"A query string has to be specified","errorCode":"MALFORMED_QUERY"}])");
  EXPECT_EQ(Body(Query("SELECT Id FROM Account OFFSET 2001"))[0]["errorCode"], "NUMBER_OUTSIDE_VALID_RANGE");
}

TEST_F(SalesforceDoubleTest, AHiddenFieldIsAnInvalidFieldAndAnUnknownObjectAnInvalidType) {
  sf_->Put("Account", {{"Name", "Acme"}, {"SIREN__c", "123"}});
  sf_->HideField("Account", "SIREN__c");
  auto hidden = Query("SELECT Id, SIREN__c FROM Account");
  EXPECT_EQ(hidden.status, 400);
  EXPECT_EQ(
      Body(hidden),
      json::parse(
          R"([{"message":"\nSELECT Id, SIREN__c FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'SIREN__c' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.","errorCode":"INVALID_FIELD"}])"));
  EXPECT_EQ(Body(Query("SELECT Id FROM Account WHERE siren__c = '1'"))[0]["errorCode"], "INVALID_FIELD");
  sf_->Put("Contact", {{"LastName", "Doe"}});
  EXPECT_EQ(Body(Query("SELECT Id, Account.SIREN__c FROM Contact"))[0]["errorCode"], "INVALID_FIELD");

  auto unknown = Query("SELECT Id FROM blng__Invoice__c");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(Body(unknown)[0]["errorCode"], "INVALID_TYPE");
  sf_->DeclareObject("blng__Invoice__c");
  EXPECT_EQ(Body(Query("SELECT Id FROM blng__Invoice__c"))["totalSize"], 0);
}

TEST_F(SalesforceDoubleTest, FiveThousandRecordsWithOneSystemModstampPageOnceEach) {
  std::vector<nlohmann::ordered_json> records;
  for (int i = 0; i < 5000; ++i) records.push_back({{"Name", "Account " + std::to_string(i)}});
  std::vector<std::string> put = sf_->PutMany("Account", records);
  std::set<std::string> stamps;
  for (const std::string& id : {put.front(), put.back()})
    stamps.insert((*sf_->Find("Account", id))["SystemModstamp"].get<std::string>());
  EXPECT_EQ(stamps.size(), 1u);  // Put does not move the clock

  auto answer = Query("SELECT Id, SystemModstamp FROM Account ORDER BY SystemModstamp, Id");
  ASSERT_EQ(answer.status, 200);
  json page = Body(answer);
  const std::regex locator(R"(/services/data/v62\.0/query/01g[0-9A-Za-z]{15}-(\d+))");
  std::vector<std::string> seen;
  int pages = 0;
  while (true) {
    ++pages;
    EXPECT_EQ(page["totalSize"], 5000);
    for (const auto& record : page["records"]) seen.push_back(record["Id"].get<std::string>());
    if (page["done"] == true) {
      EXPECT_FALSE(page.contains("nextRecordsUrl"));
      break;
    }
    const std::string next = page["nextRecordsUrl"];
    std::smatch match;
    ASSERT_TRUE(std::regex_match(next, match, locator)) << next;
    EXPECT_EQ(std::stoul(match[1].str()), seen.size());
    if (pages == 1) sf_->Put("Account", {{"Name", "Late"}});  // not in the snapshot
    auto more = Call(next);
    ASSERT_EQ(more.status, 200) << more.body;
    page = Body(more);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, put);  // every record once, in Id order
  EXPECT_EQ(sf_->CountRequests("more"), 2);
}

TEST_F(SalesforceDoubleTest, BatchSizeFollowsTheHeaderAndLocatorsExpire) {
  std::vector<nlohmann::ordered_json> records(450, {{"Name", "A"}});
  sf_->PutMany("Account", records);
  auto answer = Query("SELECT Id FROM Account", "query", {{"Sforce-Query-Options", "batchsize=200"}});
  json page = Body(answer);
  EXPECT_EQ(page["records"].size(), 200u);
  const std::string next = page["nextRecordsUrl"];
  EXPECT_TRUE(next.ends_with("-200"));
  // Below the minimum: 200 all the same.
  EXPECT_EQ(
      Body(Query("SELECT Id FROM Account", "query", {{"Sforce-Query-Options", "batchsize=10"}}))["records"].size(),
      200u);
  EXPECT_EQ(Body(Query("SELECT Id FROM Account"))["records"].size(), 450u);

  sf_->Advance(minutes(14));
  EXPECT_EQ(Call(next).status, 200);  // a use keeps the cursor open
  const std::string query_id = next.substr(next.rfind('/') + 1, 18);
  EXPECT_EQ(Call(std::string(kApi) + "/query/" + query_id + "-99999999999999999999999").status, 400);
  EXPECT_EQ(Call(std::string(kApi) + "/query/" + query_id + "-450").status, 400);  // past the end
  EXPECT_EQ(sf_->in_flight(), 0);
  sf_->Advance(minutes(15));
  auto expired = Call(next);
  EXPECT_EQ(expired.status, 400);
  EXPECT_EQ(expired.body, R"([{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}])");
  EXPECT_EQ(Call(std::string(kApi) + "/query/01gnothing-200").status, 400);
}

TEST_F(SalesforceDoubleTest, QueryAllKeepsRecycleBinRecordsUntilTheyArePurged) {
  const std::string kept = sf_->Put("Account", {{"Name", "Kept"}});
  const std::string binned = sf_->Put("Account", {{"Name", "Binned"}});
  const std::string purged = sf_->Put("Account", {{"Name", "Purged"}});
  sf_->Advance(minutes(5));
  sf_->Delete("Account", binned);
  sf_->Purge("Account", purged);

  auto live = Body(Query("SELECT Id, IsDeleted FROM Account ORDER BY Id"));
  ASSERT_EQ(live["totalSize"], 1);
  EXPECT_EQ(live["records"][0]["Id"], kept);
  auto all = Body(Query("SELECT Id, IsDeleted, SystemModstamp FROM Account ORDER BY Id", "queryAll"));
  ASSERT_EQ(all["totalSize"], 2);
  EXPECT_EQ(all["records"][1]["Id"], binned);
  EXPECT_EQ(all["records"][1]["IsDeleted"], true);
  EXPECT_EQ(all["records"][1]["SystemModstamp"], SalesforceDouble::FormatTime(sf_->Now()));
  EXPECT_EQ(all["records"][0]["IsDeleted"], false);

  AdvanceDays(15);
  EXPECT_EQ(Body(Query("SELECT Id FROM Account", "queryAll"))["totalSize"], 1);
}

TEST_F(SalesforceDoubleTest, GetUpdatedAndGetDeletedAnswerTheirShapesWithinTheirWindows) {
  const auto t0 = sf_->Now();
  const std::string a = sf_->Put("Account", {{"Name", "A"}});
  sf_->Advance(minutes(2));
  const std::string b = sf_->Put("Account", {{"Name", "B"}});
  sf_->Advance(minutes(3));
  sf_->Delete("Account", a);
  sf_->Advance(minutes(2));
  auto iso = [](system_clock::time_point time) {  // 2026-07-01T00:00:00+00:00
    return SalesforceDouble::FormatTime(time).substr(0, 19) + "+00:00";
  };
  auto window = [&](const std::string& kind, system_clock::time_point from, system_clock::time_point to) {
    return Call(std::string(kApi) + "/sobjects/Account/" + kind + "/?start=" + UrlEncode(iso(from)) +
                "&end=" + UrlEncode(iso(to)));
  };
  const auto now = sf_->Now();
  auto updated = window("updated", t0 - hours(1), now + hours(1));
  ASSERT_EQ(updated.status, 200) << updated.body;
  const std::string covered = SalesforceDouble::FormatTime(floor<minutes>(now));
  EXPECT_EQ(Body(updated), json({{"ids", json::array({b})}, {"latestDateCovered", covered}}));  // a is deleted

  auto deleted = window("deleted", t0 - hours(1), now);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  json body = Body(deleted);
  ASSERT_EQ(body["deletedRecords"].size(), 1u);
  EXPECT_EQ(body["deletedRecords"][0]["id"], a);
  EXPECT_EQ(body["deletedRecords"][0]["deletedDate"], SalesforceDouble::FormatTime(t0 + minutes(5)));
  EXPECT_EQ(body["earliestDateAvailable"], SalesforceDouble::FormatTime(floor<minutes>(t0)));
  EXPECT_EQ(body["latestDateCovered"], covered);

  auto old_updated = window("updated", now - hours(24 * 31), now);
  EXPECT_EQ(old_updated.status, 400);
  EXPECT_EQ(old_updated.body,
            R"([{"message":"startDate cannot be more than 30 days ago","errorCode":"INVALID_REPLICATION_DATE"}])");
  EXPECT_EQ(window("updated", now - hours(24 * 29), now).status, 200);
  EXPECT_EQ(Body(window("deleted", now - hours(24 * 16), now))[0]["message"],
            "startDate cannot be more than 15 days ago");
  EXPECT_EQ(window("updated", now, now - hours(1)).status, 400);
  EXPECT_EQ(Call(std::string(kApi) + "/sobjects/Nope/updated/?start=x&end=y").status, 404);

  sf_->Purge("Account", b);
  sf_->Advance(minutes(1));  // the current minute is not covered yet
  EXPECT_EQ(Body(window("deleted", t0 - hours(1), now + hours(1)))["deletedRecords"].size(), 2u);
  AdvanceDays(15);
  auto later = Body(window("deleted", sf_->Now() - hours(24 * 14), sf_->Now()));
  EXPECT_EQ(later["deletedRecords"].size(), 0u);
  EXPECT_EQ(later["earliestDateAvailable"], SalesforceDouble::FormatTime(floor<minutes>(now)));
}

TEST_F(SalesforceDoubleTest, GetUpdatedRefusesMoreIdsThanTheLimit) {
  Start({.replication_id_limit = 2});
  sf_->PutMany("Account", {{{"Name", "1"}}, {{"Name", "2"}}, {{"Name", "3"}}});
  sf_->Advance(minutes(1));
  const std::string from = UrlEncode(SalesforceDouble::FormatTime(sf_->Now() - hours(1)));
  const std::string to = UrlEncode(SalesforceDouble::FormatTime(sf_->Now()));
  auto answer = Call(std::string(kApi) + "/sobjects/Account/updated/?start=" + from + "&end=" + to);
  EXPECT_EQ(answer.status, 400);
  EXPECT_EQ(Body(answer)[0]["errorCode"], "EXCEEDED_ID_LIMIT");
}

TEST_F(SalesforceDoubleTest, ABulkQueryJobCompletesAndPagesItsCsvToNull) {
  const std::string account = sf_->Put("Account", {{"Name", "Acme, \"the\" firm"}});
  for (int i = 0; i < 4; ++i) {
    sf_->Put("Contact", {{"LastName", "Doe " + std::to_string(i)},
                         {"AccountId", account},
                         {"Balance__c", SalesforceDouble::Amount("10.50")}});
  }
  sf_->Put("Contact", {{"LastName", "Solo"}});
  const std::string jobs = std::string(kApi) + "/jobs/query";
  auto created = Call(
      jobs, "POST",
      R"({"operation":"query","query":"SELECT Id, LastName, Account.Name, Balance__c, SystemModstamp FROM Contact ORDER BY LastName","contentType":"CSV","columnDelimiter":"COMMA","lineEnding":"LF"})");
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find(R"("apiVersion":62.0,)"), std::string::npos) << created.body;
  json job = Body(created);
  const std::string id = job["id"];
  EXPECT_TRUE(id.starts_with("750"));
  EXPECT_EQ(job["state"], "UploadComplete");
  EXPECT_EQ(job["object"], "Contact");
  EXPECT_EQ(job["operation"], "query");
  EXPECT_EQ(job["concurrencyMode"], "Parallel");
  EXPECT_TRUE(job["createdById"].get<std::string>().starts_with("005"));

  auto early = Call(jobs + "/" + id + "/results");
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(Body(early)[0]["errorCode"], "JOB_NOT_COMPLETE");
  EXPECT_EQ(Body(Call(jobs + "/" + id))["state"], "InProgress");
  json done = Body(Call(jobs + "/" + id));
  EXPECT_EQ(done["state"], "JobComplete");
  EXPECT_EQ(done["jobType"], "V2Query");
  EXPECT_EQ(done["numberRecordsProcessed"], 5);
  sf_->Put("Contact", {{"LastName", "After"}});  // the snapshot was taken at completion

  http::Headers csv = {{"Accept", "text/csv"}};
  auto first = Call(jobs + "/" + id + "/results?maxRecords=2", "GET", "", csv);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(http::FindHeader(first.headers, "Sforce-NumberOfRecords"), "2");
  const std::string stamp = SalesforceDouble::FormatTime(sf_->Now()).substr(0, 23) + "Z";
  auto id_of = [&](const std::string& name) {
    return Body(Query("SELECT Id FROM Contact WHERE LastName = '" + name + "'"))["records"][0]["Id"].get<std::string>();
  };
  EXPECT_EQ(first.body,
            "\"Id\",\"LastName\",\"Account.Name\",\"Balance__c\",\"SystemModstamp\"\n"
            "\"" +
                id_of("Doe 0") + "\",\"Doe 0\",\"Acme, \"\"the\"\" firm\",\"10.50\",\"" + stamp + "\"\n" + "\"" +
                id_of("Doe 1") + "\",\"Doe 1\",\"Acme, \"\"the\"\" firm\",\"10.50\",\"" + stamp + "\"\n");
  std::string locator = http::FindHeader(first.headers, "Sforce-Locator");
  EXPECT_EQ(locator, "Mg");  // base64 of "2", opaque to clients
  int rows = 2;
  int pages = 1;
  while (locator != "null") {
    auto next = Call(jobs + "/" + id + "/results?locator=" + locator + "&maxRecords=2", "GET", "", csv);
    ASSERT_EQ(next.status, 200) << next.body;
    rows += std::stoi(http::FindHeader(next.headers, "Sforce-NumberOfRecords"));
    locator = http::FindHeader(next.headers, "Sforce-Locator");
    ++pages;
    if (locator == "null") {
      EXPECT_TRUE(next.body.ends_with("\"Solo\",,,\"" + stamp + "\"\n")) << next.body;
    }
  }
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(pages, 3);

  EXPECT_EQ(Call("/services/data/v61.0/jobs/query/" + id + "/results", "GET", "", csv).status, 409);
  AdvanceDays(7);
  EXPECT_EQ(Call(jobs + "/" + id + "/results").status, 404);  // results kept 7 days
}

TEST_F(SalesforceDoubleTest, BulkRefusesWhatItDoesNotRunAndJobsCanBeAbortedAndDeleted) {
  const std::string jobs = std::string(kApi) + "/jobs/query";
  auto refused = [&](const std::string& soql) {
    auto answer = Call(jobs, "POST", json({{"operation", "query"}, {"query", soql}}).dump());
    EXPECT_EQ(answer.status, 400) << soql;
    return Body(answer)[0]["errorCode"].get<std::string>();
  };
  EXPECT_EQ(refused("SELECT Name, COUNT(Id) FROM Account GROUP BY Name"), "INVALIDJOB");
  EXPECT_EQ(refused("SELECT Id FROM Account OFFSET 5"), "INVALIDJOB");
  EXPECT_EQ(refused("SELECT COUNT() FROM Account"), "INVALIDJOB");
  EXPECT_EQ(refused("SELECT FROM Account"), "MALFORMED_QUERY");
  EXPECT_EQ(Body(Call(jobs, "POST", R"({"operation":"upsert","query":"SELECT Id FROM Account"})"))[0]["errorCode"],
            "INVALIDJOB");
  EXPECT_EQ(Body(Call(jobs, "POST", "not json"))[0]["errorCode"], "JSON_PARSER_ERROR");

  sf_->Put("Account", {{"Name", "Gone"}});
  sf_->Delete("Account", sf_->Put("Account", {{"Name", "Binned"}}));
  auto all = Body(
      Call(jobs, "POST", R"({"operation":"queryAll","query":"SELECT Name, IsDeleted FROM Account ORDER BY Name"})"));
  Call(jobs + "/" + all["id"].get<std::string>());
  Call(jobs + "/" + all["id"].get<std::string>());
  auto csv = Call(jobs + "/" + all["id"].get<std::string>() + "/results");
  EXPECT_EQ(csv.body, "\"Name\",\"IsDeleted\"\n\"Binned\",\"true\"\n\"Gone\",\"false\"\n");
  EXPECT_EQ(http::FindHeader(csv.headers, "Sforce-Locator"), "null");

  auto job = Body(Call(jobs, "POST", R"({"operation":"query","query":"SELECT Id FROM Account"})"));
  const std::string id = job["id"];
  auto aborted = Call(jobs + "/" + id, "PATCH", R"({"state":"Aborted"})");
  EXPECT_EQ(Body(aborted)["state"], "Aborted");
  EXPECT_EQ(Body(Call(jobs + "/" + id))["state"], "Aborted");
  EXPECT_EQ(Body(Call(jobs + "/" + id + "/results"))[0]["errorCode"], "JOB_NOT_COMPLETE");
  EXPECT_EQ(Call(jobs + "/" + id, "DELETE").status, 204);
  EXPECT_EQ(Call(jobs + "/" + id).status, 404);
  EXPECT_EQ(sf_->BulkJobState(id), "");
}

}  // namespace
}  // namespace tributary::testing
