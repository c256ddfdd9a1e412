// How the Creditsafe Connect API writes what the connector reads: company search pages,
// credit reports, Global Monitoring notification events and error bodies. Pure functions
// over the bytes received; no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kit/score_provider.h"
#include "gateway/common/result.h"
#include "gateway/http/http_types.h"
#include "gateway/model/money.h"

namespace tributary::connectors::creditsafe {

// One company of a search answer, with its office type ("HeadOffice", "Branch", …).
struct FoundCompany {
  kit::CompanyMatch match;
  std::string office_type;
};

struct SearchPage {
  std::vector<FoundCompany> companies;
  int64_t total_size = 0;  // every match of the search, over all pages
};

// GET /companies answer: {"totalSize", "companies":[{"id","country","regNo","name",
// "status","officeType","vatNo":[…]}]}. kParse when the body is not that shape.
Result<SearchPage> ParseSearchPage(std::string_view body);

// The 0-100 value of `value` on the agency's scale [min, max], 100 the lowest risk:
// (value - min) * 100 / (max - min), rounded half up, on integers only. nullopt when
// `value` is not a number ("Not Rated", "No credit rating", "") or no scale is given;
// kParse when the value is outside the scale or the scale is not two integers min < max.
Result<std::optional<int64_t>> NormaliseScore(std::string_view value, std::string_view min, std::string_view max);

// A creditLimit {"currency","value"} as exact money; nullopt when the value is text with
// no digits ("Credit Limit not applicable") or absent. kParse for an unknown currency or a
// value that has digits but is not a plain decimal ("25,000").
Result<std::optional<model::Money>> ParseCreditLimit(const std::string& currency, const std::string& value);

// GET /companies/{id} answer: the report's company, score, band, limit and rating date,
// with the body itself as the report proof ("creditsafe-<id>.json"). kParse when the body
// is not a report or its values make no sense (see NormaliseScore, ParseCreditLimit).
Result<kit::ScoreReport> ParseReport(std::string_view body, const std::string& requested_id);

// One notification event of a portfolio.
struct NotificationEvent {
  int64_t event_id = 0;
  std::string company_id;  // the connectId of the company it concerns
};
struct EventsPage {
  std::vector<NotificationEvent> events;
  int64_t total_count = 0;
  std::optional<int64_t> next_page;  // paging.next; nullopt on the last page
};
// GET /monitoring/portfolios/{id}/notificationEvents answer: {"totalCount", "data":[
// {"company":{"id",…},"eventId",…}], "paging":{"size","prev","next","last"}}.
Result<EventsPage> ParseEventsPage(std::string_view body);

// "HTTP 404: <message> (<details>)" from Creditsafe's {"correlationId","message","details"}
// error body; "HTTP <status>" when the body is not one.
std::string DescribeRefusal(const http::Response& response);
// The `message` of an error body ("" when none).
std::string ErrorMessage(std::string_view body);

}  // namespace tributary::connectors::creditsafe
