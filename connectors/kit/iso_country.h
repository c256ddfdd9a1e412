// Country codes: the kit speaks ISO 3166-1 alpha-2 ("FR"); some providers want alpha-3
// ("FRA": Atradius). One complete table, so that a connector never keeps its own.
#pragma once

#include <optional>
#include <string_view>

namespace tributary::connectors::kit {

// The ISO 3166-1 alpha-3 code of the alpha-2 code `alpha2` (either case: "fr" and "FR"
// give "FRA"); nullopt when `alpha2` is not an assigned ISO 3166-1 code. The view points
// into a static table. Thread-safe.
std::optional<std::string_view> CountryAlpha3(std::string_view alpha2);

}  // namespace tributary::connectors::kit
