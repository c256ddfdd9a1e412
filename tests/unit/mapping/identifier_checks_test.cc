#include "gateway/mapping/identifier_checks.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary::mapping {
namespace {

// "ok" or the reason.
std::string Check(IdentifierCheck check, std::string_view value) {
  auto status = CheckIdentifier(check, value);
  return status ? "ok" : status.error().message;
}

TEST(IdentifierCheckNames, ParseEveryName) {
  EXPECT_EQ(ParseIdentifierCheckName("siren"), IdentifierCheck::kSiren);
  EXPECT_EQ(ParseIdentifierCheckName("siret"), IdentifierCheck::kSiret);
  EXPECT_EQ(ParseIdentifierCheckName("vat"), IdentifierCheck::kVat);
  EXPECT_EQ(ParseIdentifierCheckName("iban"), IdentifierCheck::kIban);
  EXPECT_EQ(ParseIdentifierCheckName("luhn"), IdentifierCheck::kLuhn);
  EXPECT_EQ(ParseIdentifierCheckName("SIREN"), std::nullopt);
  EXPECT_EQ(IdentifierCheckNames(), "siren, siret, vat, iban, luhn");
}

TEST(Siren, KnownNumbersPassAndCorruptedOnesFail) {
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "552120222"), "ok");  // Société Générale
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "732829320"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kSiren, " 303265045 "), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "552120223"), "SIREN \"552120223\" fails its check digit");
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "552210222"), "SIREN \"552210222\" fails its check digit");  // swap
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "55212022"), "SIREN \"55212022\" must be 9 digits");
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "552 120 222"), "SIREN \"552 120 222\" must be 9 digits");
  EXPECT_EQ(Check(IdentifierCheck::kSiren, "55212022A"), "SIREN \"55212022A\" must be 9 digits");
}

TEST(Siret, LuhnAndTheLaPosteRule) {
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "55212022200013"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "44306184100047"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "55212022200014"), "SIRET \"55212022200014\" fails its check digit");
  // La Poste: Luhn fails but the digit sum is a multiple of 5.
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "35600000049837"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "35600000049838"), "SIRET \"35600000049838\" fails its check digit");
  // The digit-sum rule is La Poste's only.
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "55212022200031"), "SIRET \"55212022200031\" fails its check digit");
  EXPECT_EQ(Check(IdentifierCheck::kSiret, "552120222"), "SIRET \"552120222\" must be 14 digits");
}

TEST(Luhn, AnyDigitString) {
  EXPECT_EQ(Check(IdentifierCheck::kLuhn, "79927398713"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kLuhn, "4539578763621486"), "ok");
  EXPECT_EQ(Check(IdentifierCheck::kLuhn, "79927398710"), "number \"79927398710\" fails its Luhn check digit");
  EXPECT_EQ(Check(IdentifierCheck::kLuhn, "0"), "number \"0\" must be 2 or more digits for a Luhn check");
  EXPECT_EQ(Check(IdentifierCheck::kLuhn, "12-34"), "number \"12-34\" must be 2 or more digits for a Luhn check");
}

TEST(Iban, RegistryExamplesPass) {
  for (std::string_view iban : {"DE89 3704 0044 0532 0130 00", "GB29 NWBK 6016 1331 9268 19",
                                "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "BE68 5390 0754 7034",
                                "CH93 0076 2011 6238 5295 7", "NO93 8601 1117 947",
                                "MT84 MALT 0110 0001 2345 MTLC AST0 01S", "fr1420041010050500013m02606"}) {
    EXPECT_EQ(Check(IdentifierCheck::kIban, iban), "ok") << iban;
  }
}

TEST(Iban, CorruptedOnesFailWithTheReason) {
  EXPECT_EQ(Check(IdentifierCheck::kIban, "DE89 3704 0044 0532 0130 01"),
            "IBAN \"DE89 3704 0044 0532 0130 01\" fails its check digits");
  EXPECT_EQ(Check(IdentifierCheck::kIban, "DE98 3704 0044 0532 0130 00"),
            "IBAN \"DE98 3704 0044 0532 0130 00\" fails its check digits");  // transposed check digits
  EXPECT_EQ(Check(IdentifierCheck::kIban, "DE89 3704 0044 0532 0130 0"),
            "IBAN \"DE89 3704 0044 0532 0130 0\" has 21 characters; DE IBANs have 22");
  EXPECT_EQ(Check(IdentifierCheck::kIban, "ZZ89 3704 0044 0532 0130 00"),
            "IBAN \"ZZ89 3704 0044 0532 0130 00\" has an unknown country code \"ZZ\"");
  EXPECT_EQ(Check(IdentifierCheck::kIban, "DE89-3704-0044-0532-0130-00"),
            "IBAN \"DE89-3704-0044-0532-0130-00\" must be letters and digits only");
  EXPECT_EQ(Check(IdentifierCheck::kIban, "3704 0044 0532 0130 00"),
            "IBAN \"3704 0044 0532 0130 00\" must start with a country code and two check digits");
  EXPECT_EQ(Check(IdentifierCheck::kIban, "DE8"), "IBAN \"DE8\" is too short");
}

TEST(Vat, KnownNumbersPass) {
  for (std::string_view vat : {"FR40303265045", "FR 27 552 120 222", "fr27552120222", "DE136695976", "ATU13585627",
                               "NL004495445B01", "BE0403170701", "ESA28015865", "IE6388047V", "EL094014201",
                               "GB980780684", "XI980780684", "CHE-116.281.710 MWST", "NO 923 609 016 MVA",
                               "SE556703748501", "FRK7399859412"}) {
    EXPECT_EQ(Check(IdentifierCheck::kVat, vat), "ok") << vat;
  }
}

TEST(Vat, StructureAndFrenchKeyAreChecked) {
  EXPECT_EQ(Check(IdentifierCheck::kVat, "FR41303265045"), "VAT number \"FR41303265045\" fails its check key");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "FR4030326504"),
            "VAT number \"FR4030326504\" does not have the structure of a FR VAT number");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "DE13669597"),
            "VAT number \"DE13669597\" does not have the structure of a DE VAT number");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "AT13585627"),
            "VAT number \"AT13585627\" does not have the structure of a AT VAT number");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "NL004495445A01"),
            "VAT number \"NL004495445A01\" does not have the structure of a NL VAT number");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "GR094014201"),
            "VAT number \"GR094014201\": Greek VAT numbers start with EL, not GR");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "US123456789"),
            "VAT number \"US123456789\" has no known country prefix (expected one of AT, BE, BG, CY, CZ, DE, DK, "
            "EE, EL, ES, FI, FR, HR, HU, IE, IT, LT, LU, LV, MT, NL, PL, PT, RO, SE, SI, SK, XI, GB, CH, NO)");
  EXPECT_EQ(Check(IdentifierCheck::kVat, "FR"), "VAT number \"FR\" has the length of no VAT number");
  EXPECT_EQ(Check(IdentifierCheck::kVat, std::string(100, '1')),
            "VAT number \"" + std::string(80, '1') + "...\" has the length of no VAT number");
}

}  // namespace
}  // namespace tributary::mapping
