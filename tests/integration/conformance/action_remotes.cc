// The action connector types the action conformance suite covers: one line each.
#include "tests/integration/conformance/action_remote.h"

namespace tributary::testing::conformance {

std::unique_ptr<ActionRemote> MakeCreditsafeRemote();
std::unique_ptr<ActionRemote> MakeDnbRemote();
std::unique_ptr<ActionRemote> MakeAtradiusRemote();
std::unique_ptr<ActionRemote> MakeAllianzTradeRemote();

std::vector<ActionRemoteMaker> AllActionRemotes() {
  return {
      {.name = "creditsafe", .make = MakeCreditsafeRemote},
      {.name = "dnb", .make = MakeDnbRemote},
      {.name = "atradius", .make = MakeAtradiusRemote},
      {.name = "allianz_trade", .make = MakeAllianzTradeRemote},
  };
}

}  // namespace tributary::testing::conformance
