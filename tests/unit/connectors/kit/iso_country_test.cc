// ISO 3166-1 alpha-2 to alpha-3.
#include "connectors/kit/iso_country.h"

#include <gtest/gtest.h>

namespace tributary::connectors::kit {
namespace {

TEST(IsoCountryTest, KnownCodesInEitherCase) {
  EXPECT_EQ(CountryAlpha3("FR"), "FRA");
  EXPECT_EQ(CountryAlpha3("fr"), "FRA");
  EXPECT_EQ(CountryAlpha3("De"), "DEU");
  EXPECT_EQ(CountryAlpha3("GB"), "GBR");
  EXPECT_EQ(CountryAlpha3("NL"), "NLD");
  // The ends of the table.
  EXPECT_EQ(CountryAlpha3("AD"), "AND");
  EXPECT_EQ(CountryAlpha3("ZW"), "ZWE");
  // Codes whose alpha-3 is not the first letters of the alpha-2.
  EXPECT_EQ(CountryAlpha3("CH"), "CHE");
  EXPECT_EQ(CountryAlpha3("XK"), std::nullopt);  // Kosovo: user-assigned, not ISO
}

TEST(IsoCountryTest, UnknownOrMalformedCodes) {
  EXPECT_EQ(CountryAlpha3(""), std::nullopt);
  EXPECT_EQ(CountryAlpha3("F"), std::nullopt);
  EXPECT_EQ(CountryAlpha3("FRA"), std::nullopt);
  EXPECT_EQ(CountryAlpha3("UK"), std::nullopt);  // not ISO: GB
  EXPECT_EQ(CountryAlpha3("ZZ"), std::nullopt);
  EXPECT_EQ(CountryAlpha3("1A"), std::nullopt);
}

}  // namespace
}  // namespace tributary::connectors::kit
