// The OpenAPI document (docs/openapi.json) against the admin API's route table: every route
// is an operation of the document, with the scopes the route needs in its `security` and its
// description; every operation of the document is a route; GET /openapi.json serves the
// document's exact bytes without a token. That the document is valid OpenAPI 3.1 is checked by
// the ctest openapi_document_valid (tests/openapi/).
//
// Only the route table is checked. The connector routes (PublicRoute, e.g. the QuickBooks
// webhook and OAuth redirect of connectors/quickbooks/admin_routes.cc) are functions the
// daemon hands to the AdminApi, not table entries: the document describes them, and they are
// listed below (kConnectorRoutes) as operations no table entry has to match.
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gateway/admin/admin_api.h"
#include "gateway/admin/openapi_document.h"
#include "gateway/admin/query_string.h"
#include "tests/testing/temp_dir.h"

namespace tributary::admin {
namespace {

using Operation = std::pair<std::string, std::string>;  // method (upper case), path pattern

// Documented, served by connectors' PublicRoute functions instead of the table.
const std::set<Operation> kConnectorRoutes = {{"POST", "/webhooks/quickbooks"}, {"GET", "/oauth/callback"}};

const char* const kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(TRIBUTARY_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << relative;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // With tokens: the routes that need none must still answer without one.
    AdminApiOptions options{.state_path = dir_.File("state.db"),
                            .tokens = {{.name = "monitoring", .token = "read-token", .scopes = {Scope::kRead}}},
                            .tenant = "acme"};
    AdminApiDeps deps{.metrics = &metrics_, .connectors = &board_, .changes = &changes_, .ready = [] { return true; }};
    api_ = std::make_unique<AdminApi>(options, deps);
    text_ = ReadSourceFile("docs/openapi.json");
    document_ = nlohmann::json::parse(text_, nullptr, false);
    ASSERT_FALSE(document_.is_discarded()) << "docs/openapi.json is not JSON";
    ASSERT_TRUE(document_.contains("paths"));
  }

  // The operation object of `route` in the document, or null.
  const nlohmann::json* OperationOf(const Route& route) const {
    const nlohmann::json& paths = document_["paths"];
    auto item = paths.find(route.pattern);
    if (item == paths.end()) return nullptr;
    auto operation = item->find(Lower(route.method));
    return operation == item->end() ? nullptr : &*operation;
  }

  testing::TempDir dir_;
  Metrics metrics_;
  ConnectorStatusBoard board_;
  ChangeSignal changes_;
  std::unique_ptr<AdminApi> api_;
  std::string text_;
  nlohmann::json document_;
};

TEST_F(OpenApiTest, EveryRouteIsAnOperationOfTheDocument) {
  std::ostringstream missing;
  for (const Route& route : api_->routes().routes()) {
    if (OperationOf(route) == nullptr) missing << "\n  " << route.method << " " << route.pattern;
  }
  EXPECT_EQ(missing.str(), "") << "routes missing from docs/openapi.json's paths";
}

TEST_F(OpenApiTest, EveryOperationOfTheDocumentIsARoute) {
  std::set<Operation> routes;
  for (const Route& route : api_->routes().routes()) routes.insert({route.method, route.pattern});
  std::ostringstream unknown;
  for (const auto& [path, item] : document_["paths"].items()) {
    for (const char* method : kMethods) {
      if (!item.contains(method)) continue;
      const Operation operation{Upper(method), path};
      if (routes.contains(operation) || kConnectorRoutes.contains(operation)) {
        continue;
      }
      unknown << "\n  " << operation.first << " " << operation.second;
    }
  }
  EXPECT_EQ(unknown.str(), "") << "operations of docs/openapi.json that no route serves";
}

TEST_F(OpenApiTest, EachOperationRequiresTheScopesOfItsRoute) {
  for (const Route& route : api_->routes().routes()) {
    const nlohmann::json* operation = OperationOf(route);
    if (operation == nullptr) continue;  // reported by EveryRouteIsAnOperationOfTheDocument
    const std::string name = route.method + " " + route.pattern;
    ASSERT_TRUE(operation->contains("security")) << name << " has no security requirement";
    const nlohmann::json& security = (*operation)["security"];
    const std::string description = operation->value("description", "");
    std::set<std::string> wanted;
    for (Scope scope : {Scope::kRead, Scope::kOperate, Scope::kActions}) {
      if (route.scopes.Has(scope)) wanted.insert(std::string(ScopeName(scope)));
    }
    if (wanted.empty()) {
      EXPECT_EQ(security, nlohmann::json::array()) << name << " needs no token: `security: []`";
      EXPECT_NE(description.find("Needs no token"), std::string::npos) << name;
      continue;
    }
    // Each alternative is one scheme with one scope; bearer and basic take the same scopes.
    std::set<std::string> bearer, basic;
    for (const nlohmann::json& requirement : security) {
      ASSERT_EQ(requirement.size(), 1u) << name << ": " << requirement.dump();
      for (const auto& [scheme, scopes] : requirement.items()) {
        for (const nlohmann::json& scope : scopes) {
          (scheme == "basicAuth" ? basic : bearer).insert(scope.get<std::string>());
        }
      }
    }
    EXPECT_EQ(bearer, wanted) << name;
    EXPECT_EQ(basic, wanted) << name;
    for (const std::string& scope : wanted) {
      EXPECT_NE(description.find("`" + scope + "`"), std::string::npos) << name << "'s description names no " << scope;
    }
  }
}

TEST_F(OpenApiTest, EveryPathParameterIsDeclared) {
  for (const auto& [path, item] : document_["paths"].items()) {
    for (const std::string& segment : SplitPath(path)) {
      if (segment.size() < 3 || segment.front() != '{' || segment.back() != '}') continue;
      const std::string name = segment.substr(1, segment.size() - 2);
      for (const char* method : kMethods) {
        if (!item.contains(method)) continue;
        bool declared = false;
        for (const nlohmann::json& parameter : item[method].value("parameters", nlohmann::json::array())) {
          declared |= parameter.value("in", "") == "path" && parameter.value("name", "") == name;
        }
        EXPECT_TRUE(declared) << method << " " << path << " does not declare its path parameter " << name;
      }
    }
  }
}

TEST_F(OpenApiTest, ServesTheDocumentsExactBytesWithoutAToken) {
  auto response = api_->Handle({.method = "GET", .target = "/openapi.json"});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(http::FindHeader(response.headers, "Content-Type"), "application/json");
  // The build embeds the file: a stale binary serves an older document.
  EXPECT_TRUE(response.body == text_) << "GET /openapi.json does not serve docs/openapi.json as it is now ("
                                      << response.body.size() << " bytes served, " << text_.size()
                                      << " in the file)";
  EXPECT_TRUE(OpenApiDocumentText() == text_);
  // Other routes still want the token.
  EXPECT_EQ(api_->Handle({.method = "GET", .target = "/v1/connectors"}).status, 401);
}

TEST_F(OpenApiTest, DescribesThePushContractAsAWebhook) {
  ASSERT_TRUE(document_.contains("webhooks"));
  const nlohmann::json& push = document_["webhooks"]["pushBatch"]["post"];
  EXPECT_EQ(push["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/PushBatch");
  for (const char* status : {"200", "401", "408", "429", "4XX", "5XX"}) {
    EXPECT_TRUE(push["responses"].contains(status)) << status;
  }
}

}  // namespace
}  // namespace tributary::admin
