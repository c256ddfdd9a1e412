// What the body of POST /v1/actions/{kind} must hold, kind by kind (docs/actions.md). The
// checks are the contract's, common to every connector of the kind; what only one provider
// requires (a country it covers) is that connector's to say when the job runs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tributary::admin {

// The action kinds of the contract, by their path segment.
inline constexpr std::string_view kActionKinds[] = {"score", "credit-limit", "registered-letter"};
bool IsActionKind(std::string_view kind);

struct FieldProblem {
  std::string field;    // "company.country", "documents[0].content_base64"; "" for the body
  std::string message;  // "required", "expected a 2-letter ISO 3166 country code"
};

// Every problem of `body` for `kind`; empty when it is valid. Unknown members are problems
// too (a misspelt field must not be silently ignored).
std::vector<FieldProblem> CheckActionRequest(std::string_view kind, const nlohmann::json& body);

}  // namespace tributary::admin
