// The one list of the source connector types the conformance suite covers.
#include "tests/integration/conformance/source_remote.h"
#include "tests/testing/sftp_server.h"

namespace tributary::testing::conformance {

std::unique_ptr<SourceRemote> MakeDirectoryRemote();
std::unique_ptr<SourceRemote> MakeSftpRemote();
std::unique_ptr<SourceRemote> MakeQuickBooksRemote();
std::unique_ptr<SourceRemote> MakeSalesforceRemote();

std::vector<RemoteMaker> AllSourceRemotes() {
  return {
      {.name = "directory", .make = MakeDirectoryRemote},
      {.name = "sftp", .unavailable = SftpServer::UnavailableReason, .make = MakeSftpRemote},
      {.name = "quickbooks", .make = MakeQuickBooksRemote},
      {.name = "salesforce", .make = MakeSalesforceRemote},
  };
}

}  // namespace tributary::testing::conformance
