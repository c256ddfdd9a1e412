#include "gateway/mapping/identifier_checks.h"

#include <array>
#include <regex>
#include <string>

#include "gateway/config/values.h"

namespace tributary::mapping {
namespace {

std::string Quoted(std::string_view text) { return config::QuoteForMessage(text); }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view TrimAscii(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Uppercased, without the characters in `ignored`.
std::string Compact(std::string_view text, std::string_view ignored) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (ignored.find(c) == std::string_view::npos) out.push_back(AsciiUpper(c));
  }
  return out;
}

// The Luhn (mod 10) check over a digit string, the check digit last.
bool LuhnValid(std::string_view digits) {
  int sum = 0;
  bool doubled = false;
  for (size_t i = digits.size(); i > 0; --i) {
    int digit = digits[i - 1] - '0';
    if (doubled) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    doubled = !doubled;
  }
  return sum % 10 == 0;
}

int DigitSum(std::string_view digits) {
  int sum = 0;
  for (char c : digits) sum += c - '0';
  return sum;
}

std::unexpected<Error> Reason(std::string message) { return Fail(ErrorCode::kParse, std::move(message)); }

Status CheckSiren(std::string_view value) {
  if (value.size() != 9 || !AllDigits(value)) return Reason("SIREN " + Quoted(value) + " must be 9 digits");
  if (!LuhnValid(value)) return Reason("SIREN " + Quoted(value) + " fails its check digit");
  return Ok();
}

Status CheckSiret(std::string_view value) {
  if (value.size() != 14 || !AllDigits(value)) return Reason("SIRET " + Quoted(value) + " must be 14 digits");
  if (LuhnValid(value)) return Ok();
  // La Poste's establishments share one SIREN and are numbered by a rule of their own.
  if (value.starts_with("356000000") && DigitSum(value) % 5 == 0) return Ok();
  return Reason("SIRET " + Quoted(value) + " fails its check digit");
}

Status CheckLuhn(std::string_view value) {
  if (value.size() < 2 || !AllDigits(value)) {
    return Reason("number " + Quoted(value) + " must be 2 or more digits for a Luhn check");
  }
  if (!LuhnValid(value)) return Reason("number " + Quoted(value) + " fails its Luhn check digit");
  return Ok();
}

struct IbanLength {
  std::string_view country;
  size_t length;
};

// The IBAN registry (ISO 13616): total IBAN length per country code. Sorted by code.
constexpr std::array kIbanLengths = std::to_array<IbanLength>({
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HN", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26},
    {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20},
    {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
    {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24},
    {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25},
    {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
});

std::optional<size_t> IbanLengthOf(std::string_view country) {
  for (const IbanLength& entry : kIbanLengths) {
    if (entry.country == country) return entry.length;
  }
  return std::nullopt;
}

Status CheckIban(std::string_view value) {
  const std::string iban = Compact(value, " ");
  if (iban.size() < 5) return Reason("IBAN " + Quoted(value) + " is too short");
  for (char c : iban) {
    if (!IsDigit(c) && !IsUpper(c)) return Reason("IBAN " + Quoted(value) + " must be letters and digits only");
  }
  const std::string_view country = std::string_view(iban).substr(0, 2);
  if (!IsUpper(country[0]) || !IsUpper(country[1]) || !IsDigit(iban[2]) || !IsDigit(iban[3])) {
    return Reason("IBAN " + Quoted(value) + " must start with a country code and two check digits");
  }
  const std::optional<size_t> length = IbanLengthOf(country);
  if (!length) return Reason("IBAN " + Quoted(value) + " has an unknown country code " + Quoted(country));
  if (iban.size() != *length) {
    return Reason("IBAN " + Quoted(value) + " has " + std::to_string(iban.size()) + " characters; " +
                  std::string(country) + " IBANs have " + std::to_string(*length));
  }
  // ISO 7064 mod 97-10 over the account part followed by the country and check digits,
  // letters counting as 10..35.
  int remainder = 0;
  const std::string rearranged = iban.substr(4) + iban.substr(0, 4);
  for (char c : rearranged) {
    if (IsDigit(c)) {
      remainder = (remainder * 10 + (c - '0')) % 97;
    } else {
      remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
  }
  if (remainder != 1) return Reason("IBAN " + Quoted(value) + " fails its check digits");
  return Ok();
}

struct VatFormat {
  std::string_view prefix;
  std::string_view structure;  // ECMAScript regex over what follows the prefix
};

// The structure of VAT numbers after their prefix (VIES for the EU; XI Northern Ireland,
// GB, CH UID-based, NO organisation number). Greece uses EL, not GR.
constexpr std::array kVatFormats = std::to_array<VatFormat>({
    {"AT", "U[0-9]{8}"},
    {"BE", "[01][0-9]{9}"},
    {"BG", "[0-9]{9,10}"},
    {"CY", "[0-9]{8}[A-Z]"},
    {"CZ", "[0-9]{8,10}"},
    {"DE", "[0-9]{9}"},
    {"DK", "[0-9]{8}"},
    {"EE", "[0-9]{9}"},
    {"EL", "[0-9]{9}"},
    {"ES", "[0-9A-Z][0-9]{7}[0-9A-Z]"},
    {"FI", "[0-9]{8}"},
    {"FR", "[0-9A-HJ-NP-Z]{2}[0-9]{9}"},
    {"HR", "[0-9]{11}"},
    {"HU", "[0-9]{8}"},
    {"IE", "[0-9]{7}[A-W][A-I]?|[0-9][A-Z+*][0-9]{5}[A-W]"},
    {"IT", "[0-9]{11}"},
    {"LT", "[0-9]{9}|[0-9]{12}"},
    {"LU", "[0-9]{8}"},
    {"LV", "[0-9]{11}"},
    {"MT", "[0-9]{8}"},
    {"NL", "[0-9]{9}B[0-9]{2}"},
    {"PL", "[0-9]{10}"},
    {"PT", "[0-9]{9}"},
    {"RO", "[1-9][0-9]{1,9}"},
    {"SE", "[0-9]{10}01"},
    {"SI", "[0-9]{8}"},
    {"SK", "[0-9]{10}"},
    {"XI", "[0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2}"},
    {"GB", "[0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2}"},
    {"CH", "E[0-9]{9}(MWST|TVA|IVA)?"},
    {"NO", "[0-9]{9}(MVA)?"},
});

// Compiled once, on first use (thread-safe static initialisation).
const std::array<std::regex, kVatFormats.size()>& VatStructures() {
  static const auto compiled = [] {
    std::array<std::regex, kVatFormats.size()> regexes;
    for (size_t i = 0; i < kVatFormats.size(); ++i) {
      regexes[i] = std::regex(std::string(kVatFormats[i].structure), std::regex::ECMAScript | std::regex::optimize);
    }
    return regexes;
  }();
  return compiled;
}

std::string VatPrefixes() {
  std::string out;
  for (const VatFormat& format : kVatFormats) {
    if (!out.empty()) out += ", ";
    out += format.prefix;
  }
  return out;
}

Status CheckVat(std::string_view value) {
  // The longest structure is 17 characters; longer input is refused before any regex.
  constexpr size_t kMaxVatLength = 20;
  const std::string vat = Compact(value, " .-");
  if (vat.size() < 4 || vat.size() > kMaxVatLength) {
    return Reason("VAT number " + Quoted(value) + " has the length of no VAT number");
  }
  const std::string_view prefix = std::string_view(vat).substr(0, 2);
  if (prefix == "GR") return Reason("VAT number " + Quoted(value) + ": Greek VAT numbers start with EL, not GR");
  for (size_t i = 0; i < kVatFormats.size(); ++i) {
    if (kVatFormats[i].prefix != prefix) continue;
    const std::string rest = vat.substr(2);
    if (!std::regex_match(rest, VatStructures()[i])) {
      return Reason("VAT number " + Quoted(value) + " does not have the structure of a " + std::string(prefix) +
                    " VAT number");
    }
    if (prefix == "FR" && IsDigit(rest[0]) && IsDigit(rest[1])) {
      // The numeric key: (12 + 3 * (SIREN mod 97)) mod 97.
      const int key = (rest[0] - '0') * 10 + (rest[1] - '0');
      int64_t siren = 0;
      for (char c : std::string_view(rest).substr(2)) siren = siren * 10 + (c - '0');
      if (key != (12 + 3 * (siren % 97)) % 97) return Reason("VAT number " + Quoted(value) + " fails its check key");
    }
    return Ok();
  }
  return Reason("VAT number " + Quoted(value) + " has no known country prefix (expected one of " + VatPrefixes() +
                ")");
}

}  // namespace

std::optional<IdentifierCheck> ParseIdentifierCheckName(std::string_view name) {
  if (name == "siren") return IdentifierCheck::kSiren;
  if (name == "siret") return IdentifierCheck::kSiret;
  if (name == "vat") return IdentifierCheck::kVat;
  if (name == "iban") return IdentifierCheck::kIban;
  if (name == "luhn") return IdentifierCheck::kLuhn;
  return std::nullopt;
}

std::string_view IdentifierCheckNames() { return "siren, siret, vat, iban, luhn"; }

Status CheckIdentifier(IdentifierCheck check, std::string_view value) {
  value = TrimAscii(value);
  switch (check) {
    case IdentifierCheck::kSiren: return CheckSiren(value);
    case IdentifierCheck::kSiret: return CheckSiret(value);
    case IdentifierCheck::kVat: return CheckVat(value);
    case IdentifierCheck::kIban: return CheckIban(value);
    case IdentifierCheck::kLuhn: return CheckLuhn(value);
  }
  return Reason("unknown identifier check");
}

}  // namespace tributary::mapping
