// The credit_limit record of an insurer's cover and its canonical decision (cover_action.h).
#include <algorithm>

#include "connectors/kit/cover_action.h"
#include "gateway/common/quote.h"
#include "gateway/common/time_format.h"
#include "gateway/model/money.h"

namespace tributary::connectors::kit {

namespace {

std::optional<int64_t> StoredMinor(const std::optional<nlohmann::json>& stored, const char* field) {
  if (!stored || !stored->is_object()) return std::nullopt;
  auto found = stored->find(field);
  if (found == stored->end() || !found->is_string()) return std::nullopt;
  auto exponent = model::CurrencyExponent(stored->value("currency", ""));
  if (!exponent) return std::nullopt;
  auto minor = model::ParseMinorUnits(found->get<std::string>(), *exponent);
  if (!minor) return std::nullopt;
  return *minor;
}

std::string StoredText(const std::optional<nlohmann::json>& stored, const char* field) {
  if (!stored || !stored->is_object()) return "";
  auto found = stored->find(field);
  return found != stored->end() && found->is_string() ? found->get<std::string>() : "";
}

std::string StoredBuyerText(const std::optional<nlohmann::json>& stored, const char* field) {
  if (!stored || !stored->is_object()) return "";
  auto buyer = stored->find("buyer");
  if (buyer == stored->end() || !buyer->is_object()) return "";
  auto found = buyer->find(field);
  return found != buyer->end() && found->is_string() ? found->get<std::string>() : "";
}

// Why the cover cannot be stored, or "".
std::string CoverProblem(const Cover& cover) {
  if (cover.buyer.id.empty()) return "the cover names no buyer id";
  if (cover.policy.empty()) return "the cover names no policy";
  if (!model::CurrencyExponent(cover.currency)) {
    return "the cover's currency " + QuoteForMessage(cover.currency) + " is not an ISO 4217 code";
  }
  if (cover.requested_minor && *cover.requested_minor < 0) return "the requested amount is negative";
  if (cover.granted_minor && *cover.granted_minor < 0) return "the granted amount is negative";
  return "";
}

}  // namespace

std::optional<int64_t> GrantedInForce(const std::optional<nlohmann::json>& data) {
  const std::string decision = StoredText(data, "decision");
  if (decision != "approved" && decision != "partially_approved" && decision != "reduced") return std::nullopt;
  const std::optional<int64_t> granted = StoredMinor(data, "granted");
  if (!granted || *granted <= 0) return std::nullopt;
  return granted;
}

std::string CreditLimitKey(const CoverSettings& settings, const Cover& cover) {
  return model::MakeKey(settings.connector, "credit_limit", cover.policy + "/" + cover.buyer.id);
}

std::string CreditLimitDecision(const Cover& cover, const std::optional<nlohmann::json>& stored,
                                const std::string& today) {
  switch (cover.state) {
    case CoverState::kReferred: return "pending";
    case CoverState::kCancelled:
    case CoverState::kWithdrawn: return "withdrawn";
    case CoverState::kDecided: break;
  }
  if (!cover.expires_at.empty() && cover.expires_at < today) return "expired";
  const int64_t granted = cover.granted_minor.value_or(0);
  const std::optional<int64_t> had = StoredMinor(stored, "granted");
  const std::string had_decision = StoredText(stored, "decision");
  const std::optional<int64_t> in_force = GrantedInForce(stored);
  if (granted == 0) return in_force ? "withdrawn" : "refused";
  const std::optional<int64_t> requested = cover.requested_minor ? cover.requested_minor : StoredMinor(stored, "requested");
  if (in_force && granted < *in_force && requested && granted < *requested) return "reduced";
  // A reduction stays a reduction until the insurer decides again on an application.
  if (had_decision == "reduced" && had && granted == *had) return "reduced";
  if (!requested || granted >= *requested) return "approved";
  return "partially_approved";
}

Result<model::CanonicalRecord> CreditLimitRecord(const CoverSettings& settings, const std::string& provider,
                                                 const Cover& cover, const std::string& party,
                                                 const std::optional<nlohmann::json>& stored,
                                                 std::chrono::system_clock::time_point now) {
  if (std::string problem = CoverProblem(cover); !problem.empty()) return Fail(ErrorCode::kParse, problem);
  const int exponent = *model::CurrencyExponent(cover.currency);
  const model::EntitySchema* schema = model::FindEntitySchema("credit_limit");
  const std::string now_text = FormatRfc3339(now);
  model::CanonicalRecord record;
  record.entity = "credit_limit";
  record.source_key = cover.policy + "/" + cover.buyer.id;
  record.key = CreditLimitKey(settings, cover);
  record.lifecycle = std::string(model::kLifecycleActive);
  auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
  };
  auto kept = [&](const std::string& text, const char* field) {
    return or_null(text.empty() ? StoredBuyerText(stored, field) : text);
  };
  auto money = [&](std::optional<int64_t> minor) {
    return minor ? nlohmann::ordered_json(model::FormatMinorUnits(*minor, exponent)) : nlohmann::ordered_json();
  };
  // The stored amounts are only comparable in the same currency.
  const bool same_currency = StoredText(stored, "currency") == cover.currency;
  std::optional<int64_t> requested = cover.requested_minor;
  if (!requested && same_currency) requested = StoredMinor(stored, "requested");

  nlohmann::ordered_json& data = record.data;
  data["key"] = record.key;
  data["tenant"] = settings.tenant;
  data["legal_entity"] = or_null(settings.legal_entity);
  data["source"] = settings.connector;
  data["source_key"] = record.source_key;
  data["source_updated_at"] = now_text;
  data["lifecycle"] = record.lifecycle;
  data["party"] = or_null(party.empty() ? StoredText(stored, "party") : party);
  data["type"] = "insurer_cover";
  data["provider"] = provider;
  data["policy"] = cover.policy;
  data["buyer"] = nlohmann::ordered_json{{"id", cover.buyer.id},
                                         {"name", kept(cover.buyer.name, "name")},
                                         {"country", kept(cover.buyer.country, "country")},
                                         {"registration_number", kept(cover.buyer.registration_number, "registration_number")},
                                         {"vat_number", kept(cover.buyer.vat_number, "vat_number")},
                                         {"duns", kept(cover.buyer.duns, "duns")}};
  data["currency"] = cover.currency;
  data["requested"] = money(requested);
  data["granted"] = money(cover.state == CoverState::kReferred ? std::nullopt
                          : cover.state == CoverState::kDecided ? std::optional<int64_t>(cover.granted_minor.value_or(0))
                                                                 : std::optional<int64_t>(0));
  Cover judged = cover;
  judged.requested_minor = requested;
  data["decision"] = CreditLimitDecision(judged, same_currency ? stored : std::nullopt, now_text.substr(0, 10));
  data["decided_at"] = or_null(cover.decided_at);
  data["effective_from"] = or_null(cover.effective_from);
  data["expires_at"] = or_null(cover.expires_at);
  data["conditions"] = or_null(cover.conditions);
  std::string reason = cover.reason;
  if (reason.empty() && cover.state == CoverState::kCancelled) reason = "cancelled at the insured's request";
  if (reason.empty() && data["decision"] == "withdrawn" && cover.state == CoverState::kWithdrawn) {
    reason = "withdrawn by " + provider;
  }
  data["reason"] = or_null(reason);
  data["raw"] = nullptr;
  data["custom"] = nlohmann::ordered_json{{"cover_id", or_null(cover.cover_id)}, {"cover_type", or_null(cover.cover_type)}};
  if (auto finalized = model::Finalize(*schema, record); !finalized) return std::unexpected(finalized.error());
  record.json = record.data.dump();
  record.provenance.file = "cover " + record.source_key;
  record.provenance.mapping = provider;
  return record;
}

}  // namespace tributary::connectors::kit
