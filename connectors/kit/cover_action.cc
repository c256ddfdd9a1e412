#include "connectors/kit/cover_action.h"

#include <algorithm>
#include <utility>

#include "connectors/kit/score_action.h"
#include "gateway/common/quote.h"
#include "gateway/model/money.h"

namespace tributary::connectors::kit {

namespace {

// What the core asked for, read and checked against the policy's rules.
struct Ask {
  std::string policy;
  std::string currency;
  int64_t amount_minor = 0;
  std::string comment;
  std::string party;  // the customer asked for; "" when the request names a company
};

int64_t PowerOfTen(int exponent) {
  int64_t value = 1;
  for (int i = 0; i < exponent; ++i) value *= 10;
  return value;
}

// The request's amount, currency and policy, checked before anything is sent: a currency
// the policy does not cover, an amount that is not a whole multiple of the insurer's step,
// another policy than the connector's. kInvalidArgument: a business reason.
Result<Ask> ReadAsk(const nlohmann::json& request, const InsurerRules& rules, const std::string& provider) {
  Ask ask;
  ask.currency = request.value("currency", "");
  ask.comment = request.value("comment", "");
  ask.party = request.value("customer", "");
  ask.policy = request.value("policy", rules.policy);
  if (ask.policy != rules.policy) {
    return Fail(ErrorCode::kInvalidArgument, "policy " + QuoteForMessage(ask.policy) + " is not the policy of this " +
                                                 provider + " connector (" + QuoteForMessage(rules.policy) + ")");
  }
  if (std::ranges::find(rules.currencies, ask.currency) == rules.currencies.end()) {
    std::string covered;
    for (const std::string& currency : rules.currencies) covered += (covered.empty() ? "" : ", ") + currency;
    return Fail(ErrorCode::kInvalidArgument, "policy " + rules.policy + " covers " + covered + ", not " + ask.currency +
                                                 "; nothing was sent to " + provider);
  }
  const auto exponent = model::CurrencyExponent(ask.currency);
  const std::string amount = request.value("amount", "");
  auto minor = exponent ? model::ParseMinorUnits(amount, *exponent) : std::unexpected(Error{});
  if (!exponent || !minor || *minor < 0) {
    return Fail(ErrorCode::kInvalidArgument, "amount " + QuoteForMessage(amount) + " is not an amount in " + ask.currency);
  }
  ask.amount_minor = *minor;
  const int64_t step_minor = std::max<int64_t>(rules.amount_step, 1) * PowerOfTen(*exponent);
  if (ask.amount_minor % step_minor != 0) {
    if (rules.amount_step <= 1) {
      return Fail(ErrorCode::kInvalidArgument, "amount " + amount + " " + ask.currency + " has a fraction; " +
                                                   provider + " covers whole " + ask.currency +
                                                   " amounts only; nothing was sent");
    }
    return Fail(ErrorCode::kInvalidArgument, "amount " + amount + " " + ask.currency + " is not a multiple of " +
                                                 std::to_string(rules.amount_step) + " " + ask.currency + ", as " +
                                                 provider + " requires; nothing was sent");
  }
  return ask;
}

// What the job keeps between runs (ActionJob::provider_ref): the request as it was sent,
// and once the insurer answered, how to follow it.
struct SentState {
  CoverRequest request;
  bool answered = false;  // the insurer answered the send (referred); false: the intent only
  std::string tracking;
};

nlohmann::json CompanyJson(const CompanyMatch& company) {
  return {{"id", company.id},
          {"name", company.name},
          {"country", company.country},
          {"registration_number", company.registration_number},
          {"vat_number", company.vat_number},
          {"duns", company.duns}};
}

CompanyMatch CompanyOf(const nlohmann::json& json) {
  CompanyMatch company;
  company.id = json.value("id", "");
  company.name = json.value("name", "");
  company.country = json.value("country", "");
  company.registration_number = json.value("registration_number", "");
  company.vat_number = json.value("vat_number", "");
  company.duns = json.value("duns", "");
  return company;
}

std::string EncodeState(const SentState& state) {
  nlohmann::json json = {{"policy", state.request.policy},
                         {"buyer", CompanyJson(state.request.buyer)},
                         {"currency", state.request.currency},
                         {"amount_minor", state.request.amount_minor},
                         {"reference", state.request.reference},
                         {"answered", state.answered},
                         {"tracking", state.tracking}};
  if (const auto& in_force = state.request.in_force) {
    json["in_force"] = {{"cover_id", in_force->cover_id},
                        {"cover_type", in_force->cover_type},
                        {"currency", in_force->currency},
                        {"granted_minor", in_force->granted_minor.value_or(0)}};
  }
  return json.dump();
}

Result<SentState> DecodeState(const std::string& text, const std::string& comment) {
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains("reference")) {
    return Fail(ErrorCode::kParse, "the job's record of its send is unreadable");
  }
  SentState state;
  state.request.policy = json.value("policy", "");
  state.request.buyer = CompanyOf(json.value("buyer", nlohmann::json::object()));
  state.request.currency = json.value("currency", "");
  state.request.amount_minor = json.value("amount_minor", int64_t{0});
  state.request.reference = json.value("reference", "");
  state.request.comment = comment;
  state.answered = json.value("answered", false);
  state.tracking = json.value("tracking", "");
  if (auto in_force = json.find("in_force"); in_force != json.end() && in_force->is_object()) {
    Cover cover;
    cover.policy = state.request.policy;
    cover.buyer = state.request.buyer;
    cover.cover_id = in_force->value("cover_id", "");
    cover.cover_type = in_force->value("cover_type", "");
    cover.currency = in_force->value("currency", "");
    cover.state = CoverState::kDecided;
    cover.granted_minor = in_force->value("granted_minor", int64_t{0});
    state.request.in_force = std::move(cover);
  }
  return state;
}

std::string DescribeBuyer(const CompanyMatch& buyer) {
  std::string text = buyer.name.empty() ? "(no name)" : buyer.name;
  return text + " (" + buyer.id + ")";
}

// The cover in force the store knows on the buyer (decided, with cover), if any.
Result<std::optional<Cover>> InForce(JobStoreView& store, const std::string& key, const Cover& on) {
  auto entity = store.Entity(key);
  if (!entity) return std::unexpected(entity.error());
  if (!*entity) return std::optional<Cover>{};
  const nlohmann::json data = nlohmann::json::parse((*entity)->data, nullptr, false);
  const std::optional<int64_t> granted = GrantedInForce(data);
  if (!granted) return std::optional<Cover>{};
  auto text = [](const nlohmann::json& object, const char* name) {
    auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
  };
  Cover cover = on;
  cover.state = CoverState::kDecided;
  cover.currency = text(data, "currency");
  cover.granted_minor = *granted;
  if (auto custom = data.find("custom"); custom != data.end() && custom->is_object()) {
    cover.cover_id = text(*custom, "cover_id");
    cover.cover_type = text(*custom, "cover_type");
  }
  return std::optional<Cover>{std::move(cover)};
}

}  // namespace

CoverAction::CoverAction(CoverSettings settings, std::unique_ptr<InsurerProvider> provider, const Clock& clock)
    : settings_(std::move(settings)), provider_(std::move(provider)), clock_(clock) {}

ActionOutcome CoverAction::Run(const ActionJob& job, JobStoreView& store, std::stop_token stop) {
  const std::string insurer = provider_->provider();
  auto ask = ReadAsk(job.request, provider_->rules(), insurer);
  if (!ask) return ActionOutcome::Failed(ask.error().message);

  // The answer to a send, as one outcome: decided (the job ends) or referred (it waits).
  auto settle = [&](SentState state, Submission submission) -> ActionOutcome {
    Cover& cover = submission.cover;
    if (cover.policy.empty()) cover.policy = state.request.policy;
    if (cover.buyer.id.empty()) cover.buyer = state.request.buyer;
    if (cover.currency.empty()) cover.currency = state.request.currency;
    if (!cover.requested_minor && cover.state != CoverState::kCancelled) cover.requested_minor = state.request.amount_minor;
    const std::string key = CreditLimitKey(settings_, cover);
    auto entity = store.Entity(key);
    if (!entity) return ActionOutcome::RetryLater("the store could not be read: " + entity.error().message);
    std::optional<nlohmann::json> stored;
    if (*entity) stored = nlohmann::json::parse((*entity)->data, nullptr, false);
    auto record = CreditLimitRecord(settings_, insurer, cover, ask->party, stored, clock_.Now());
    if (!record) {
      return ActionOutcome::Failed("the " + insurer + " answer on buyer " + cover.buyer.id +
                                   " makes no sense: " + record.error().message);
    }
    if (cover.state == CoverState::kReferred) {
      state.answered = true;
      if (!submission.tracking.empty()) state.tracking = submission.tracking;
      ActionOutcome outcome;
      outcome.kind = ActionOutcome::Kind::kWaitingProvider;
      outcome.reason = "referred to " + insurer + "'s underwriters";
      outcome.next_run = clock_.Now() + settings_.decision_poll;
      outcome.provider_ref = EncodeState(state);
      outcome.result_key = record->key;
      outcome.records.push_back(std::move(*record));
      return outcome;
    }
    ActionOutcome outcome = ActionOutcome::Succeeded(record->key);
    outcome.records.push_back(std::move(*record));
    return outcome;
  };
  // The one irreversible call, its intent already committed.
  auto send = [&](SentState state) -> ActionOutcome {
    auto submission = provider_->Submit(state.request, stop);
    if (!submission) return ActionOutcome::FromError(submission.error());
    return settle(std::move(state), std::move(*submission));
  };

  if (!job.provider_ref.empty()) {
    auto state = DecodeState(job.provider_ref, ask->comment);
    if (!state) return ActionOutcome::Failed(state.error().message);
    if (state->answered) {
      auto cover = provider_->Follow(state->request, state->tracking, stop);
      if (!cover) return ActionOutcome::FromError(cover.error());
      return settle(std::move(*state), Submission{.cover = std::move(*cover), .tracking = state->tracking});
    }
    // The intent was committed; whether the insurer got the send is unknown. Ask first.
    auto found = provider_->FindSubmission(state->request, stop);
    if (!found) return ActionOutcome::FromError(found.error());
    if (*found) return settle(std::move(*state), std::move(**found));
    return send(std::move(*state));
  }

  auto query = QueryOfRequest(job.request, store);
  if (!query) return ActionOutcome::FromError(query.error());
  auto matches = provider_->FindBuyer(*query, stop);
  if (!matches) return ActionOutcome::FromError(matches.error());
  if (matches->empty()) {
    return ActionOutcome::Failed("no " + insurer + " buyer matches " + query->Describe() + " in " + query->country +
                                 "; nothing was sent");
  }
  if (matches->size() > 1) {
    std::string reason = std::to_string(matches->size()) + " " + insurer + " buyers match " + query->Describe() + ": ";
    constexpr size_t kNamed = 5;
    for (size_t i = 0; i < matches->size() && i < kNamed; ++i) reason += (i > 0 ? ", " : "") + DescribeBuyer((*matches)[i]);
    if (matches->size() > kNamed) reason += ", …";
    return ActionOutcome::Failed(reason + "; ask again with an identifier that names one of them; nothing was sent");
  }

  SentState state;
  state.request.policy = ask->policy;
  state.request.buyer = matches->front();
  state.request.currency = ask->currency;
  state.request.amount_minor = ask->amount_minor;
  state.request.reference = job.id;
  state.request.comment = ask->comment;
  Cover on{.policy = ask->policy, .buyer = state.request.buyer};
  auto in_force = InForce(store, CreditLimitKey(settings_, on), on);
  if (!in_force) return ActionOutcome::RetryLater("the store could not be read: " + in_force.error().message);
  state.request.in_force = std::move(*in_force);
  if (ask->amount_minor == 0 && !state.request.in_force) {
    return ActionOutcome::Failed("there is no cover in force on buyer " + DescribeBuyer(state.request.buyer) +
                                 " to cancel; nothing was sent");
  }
  if (auto committed = store.CommitIntent(EncodeState(state)); !committed) {
    return ActionOutcome::FromError(committed.error());
  }
  return send(std::move(state));
}

}  // namespace tributary::connectors::kit
