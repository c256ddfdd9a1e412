// Reading Direct+ answers into the kit's terms: cleanseMatch candidates, the data blocks
// of a DUNS as a ScoreReport, and pulled monitoring notifications. Pure functions of the
// answer's text, so every rule here is tested without a server.
//
// The score is the D&B Failure Score of financialstrengthinsight_L2_v1:
//   organization.dnbAssessment.failureScore.nationalPercentile  1-100, 100 the lowest risk
//   organization.dnbAssessment.failureScore.classScore          1-5, 1 the lowest risk
//   organization.dnbAssessment.failureScore.classScoreDescription, scoreDate
// value_raw is the percentile as D&B writes it; value_numeric spreads 1-100 over 0-100:
//   value_numeric = round_half_up((percentile - 1) * 100 / 99)
// in integers (1 -> 0, 50 -> 49, 51 -> 51, 100 -> 100). A percentile written as text that
// is not a number ("Not Scored") is kept as value_raw with no value_numeric; a number
// outside 1-100, or a class score outside 1-5, is a kParse error naming it.
// The band is "<classScore> (<classScoreDescription>)", else standardRating.rating.
// The limit is dnbAssessment.creditLimitRecommendation.maximumRecommendedLimit
// {value, currency}, exact from the number's text; a value that is text and not a number
// means no limit; an unknown currency is a kParse error.
#pragma once

#include <string>
#include <vector>

#include "connectors/kit/score_provider.h"

namespace tributary::connectors::dnb {

struct Candidate {
  kit::CompanyMatch company;
  int confidence = 0;  // matchQualityInformation.confidenceCode, 1-10
  std::string match_grade;
};

// The matchCandidates of a cleanseMatch answer, in D&B's order. kParse when the body is
// not a cleanseMatch answer.
Result<std::vector<Candidate>> ParseCandidates(const std::string& body);
// The companies a search resolves to: the candidates at or above `min_confidence`, and of
// those, the ones at the top confidence code (one: found; several: ambiguous; none: none).
std::vector<kit::CompanyMatch> BestCandidates(const std::vector<Candidate>& candidates, int min_confidence);

// The report of a data-blocks answer (`body` kept as the proof document).
Result<kit::ScoreReport> ParseReport(const std::string& body);
// The normalisation above; nullopt when `percentile` is outside 1-100.
std::optional<int64_t> NormalisePercentile(int64_t percentile);

// The DUNS named by the notifications of a pulled page, each once, in order, and how many
// notifications the page held.
struct NotificationPage {
  std::vector<std::string> duns;
  size_t notifications = 0;
  std::string timestamp;  // transactionDetail.transactionTimestamp
};
Result<NotificationPage> ParseNotifications(const std::string& body);

}  // namespace tributary::connectors::dnb
