// A Salesforce double, its connected app's key pair and a plain HTTP client, for the tests
// that check the double speaks Salesforce's wire protocol.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "gateway/http/http_client.h"
#include "tests/testing/rsa_test_keys.h"
#include "tests/testing/salesforce_double.h"

namespace tributary::testing {

inline std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class SalesforceDoubleTest : public ::testing::Test {
 protected:
  static constexpr const char* kUser = "integration@example.com";

  static void SetUpTestSuite() {
    app_keys_ = new RsaTestKeyPair(MakeRsaTestKeyPair("connected-app").value());
    other_keys_ = new RsaTestKeyPair(MakeRsaTestKeyPair("someone-else").value());
  }
  static void TearDownTestSuite() {
    delete app_keys_;
    delete other_keys_;
    app_keys_ = other_keys_ = nullptr;
  }

  void SetUp() override { Start({}); }

  void Start(SalesforceDoubleOptions options) {
    if (options.certificate_pem.empty() && options.certificate_path.empty()) {
      options.certificate_pem = app_keys_->certificate_pem;
    }
    auto started = SalesforceDouble::Start(std::move(options));
    ASSERT_TRUE(started.has_value()) << started.error().ToString();
    sf_ = std::move(*started);
    session_ = sf_->IssueSession(kUser);
  }

  // Claims the JWT bearer flow expects, valid now.
  nlohmann::json Claims() const {
    const auto exp =
        std::chrono::duration_cast<std::chrono::seconds>((sf_->Now() + std::chrono::minutes(2)).time_since_epoch());
    return {{"iss", sf_->options().client_id}, {"sub", kUser}, {"aud", sf_->base_url()}, {"exp", exp.count()}};
  }

  std::string Jwt(const nlohmann::json& claims, const RsaTestKeyPair* keys = nullptr,
                  const nlohmann::json& header = {{"alg", "RS256"}}) const {
    return SignJwtRs256((keys != nullptr ? keys : app_keys_)->private_key_pem, claims, header).value();
  }

  http::Response Token(const std::string& form, http::Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return client_->Send({.method = "POST", .target = sf_->token_url(), .headers = headers, .body = form}).value();
  }

  http::Response JwtToken(const std::string& jwt) {
    return Token("grant_type=" + UrlEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + jwt);
  }

  // A request to `path_and_query` (relative to the instance) with the session.
  http::Response Call(const std::string& path_and_query, const std::string& method = "GET",
                      const std::string& body = "", http::Headers headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + session_);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return client_
        ->Send({.method = method, .target = sf_->base_url() + path_and_query, .headers = headers, .body = body})
        .value();
  }

  http::Response Query(const std::string& soql, const std::string& endpoint = "query", http::Headers headers = {}) {
    return Call("/services/data/v62.0/" + endpoint + "?q=" + UrlEncode(soql), "GET", "", std::move(headers));
  }

  // Moves the fake clock past the session lifetime and signs in again, as a client would.
  void AdvanceDays(int days) {
    sf_->Advance(std::chrono::hours(24 * days));
    session_ = sf_->IssueSession(kUser);
  }

  static nlohmann::json Body(const http::Response& response) { return nlohmann::json::parse(response.body); }

  static inline RsaTestKeyPair* app_keys_ = nullptr;
  static inline RsaTestKeyPair* other_keys_ = nullptr;
  std::unique_ptr<SalesforceDouble> sf_;
  std::string session_;
  std::unique_ptr<http::HttpClient> client_ = http::MakeCurlClient({});
};

}  // namespace tributary::testing
