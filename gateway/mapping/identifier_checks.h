// Validation of business identifiers by their structure and check digits, for an entity's
// `checks:` (a failure makes the record a reject). Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "gateway/common/result.h"

namespace tributary::mapping {

enum class IdentifierCheck {
  kSiren,  // French company number: 9 digits, Luhn
  kSiret,  // French establishment number: 14 digits, Luhn (La Poste's 356000000xxxxx: digit sum % 5 == 0)
  kVat,    // VAT number with its country prefix: EU 27 (EL for Greece), XI, CH, GB, NO; FR key checked
  kIban,   // IBAN: registry length of its country, ISO 7064 mod 97 == 1; spaces allowed
  kLuhn,   // any digit string (2 digits or more) with a Luhn check digit
};

// "siren", "siret", "vat", "iban", "luhn"; nullopt for anything else.
std::optional<IdentifierCheck> ParseIdentifierCheckName(std::string_view name);
// "siren, siret, vat, iban, luhn" for messages.
std::string_view IdentifierCheckNames();

// Ok, or a kParse error whose message is a plain reason ready for a reject line:
// "SIREN \"123456788\" fails its check digit", "IBAN \"DE89...\" has 21 characters; DE IBANs have 22".
// The value is checked as given (leading and trailing ASCII whitespace ignored): SIREN, SIRET
// and Luhn take digits only; IBAN ignores spaces; VAT ignores spaces, dots and hyphens
// (CHE-123.456.789 MWST). Letters in IBAN and VAT numbers may be in either case. The value
// itself is not changed: normalise it in the mapping if the core should get the compact form.
Status CheckIdentifier(IdentifierCheck check, std::string_view value);

}  // namespace tributary::mapping
