#include "connectors/kit/action_connector.h"

namespace tributary::connectors {

std::string_view ActionKindName(ActionKind kind) {
  switch (kind) {
    case ActionKind::kScore:
      return "score";
    case ActionKind::kCreditLimit:
      return "credit-limit";
    case ActionKind::kRegisteredLetter:
      return "registered-letter";
  }
  return "score";
}

std::optional<ActionKind> ParseActionKind(std::string_view name) {
  for (ActionKind kind : {ActionKind::kScore, ActionKind::kCreditLimit, ActionKind::kRegisteredLetter}) {
    if (ActionKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

ActionOutcome ActionOutcome::FromError(const Error& error) {
  if (error.Retryable() || error.code == ErrorCode::kCancelled) return RetryLater(error.message);
  return Failed(error.message);
}

}  // namespace tributary::connectors
