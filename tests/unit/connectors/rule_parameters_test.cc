// `files[].parameters`: parsed with positions, checked against the rule's mapping when
// the config loads, every problem reported at once with its exact text.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/common/file_ingest.h"
#include "connectors/common/rule_parameter_check.h"
#include "connectors/kit/connector.h"

namespace tributary::connectors {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kSource = TRIBUTARY_SOURCE_DIR;

std::string ConfigWith(const std::string& parameters, const std::string& schedule = "30s") {
  return "tenant: acme\n"
         "state: sqlite:x.db\n"
         "connectors:\n"
         "  - name: erp\n"
         "    type: directory\n"
         "    schedule: " + schedule + "\n"
         "    directory: {path: /d, archive_dir: /a, error_dir: /e}\n"
         "    files:\n"
         "      - pattern: \"FEC*.txt\"\n"
         "        mapping: mappings/fec/open_items.yaml\n"
         "        parameters: " + parameters + "\n";
}

std::expected<config::Config, Diagnostics> Load(const std::string& text) {
  const auto types = RegisteredConfigTypes();
  return config::ParseConfig(text, "c.yaml", kSource, types, MappingParameterCheck());
}

std::vector<std::string> Errors(const std::string& text) {
  auto config = Load(text);
  std::vector<std::string> out;
  if (config) return out;
  for (const Diagnostic& diagnostic : config.error()) out.push_back(diagnostic.ToString());
  return out;
}

TEST(RuleParameters, ScalarsAndListsWithTheirPositions) {
  auto config = Load(ConfigWith("{sales_journals: [VE, VEN], payment_terms_days: 45}"));
  ASSERT_TRUE(config.has_value()) << ::testing::PrintToString(Errors(ConfigWith("{}")));
  const config::FileRule& rule = config->connectors[0].files[0];
  EXPECT_EQ(rule.ParameterValues(),
            (std::map<std::string, std::vector<std::string>>{{"payment_terms_days", {"45"}},
                                                             {"sales_journals", {"VE", "VEN"}}}));
  const config::RuleParameter& terms = rule.parameters.at("payment_terms_days");
  EXPECT_EQ(terms.line, 11);
  EXPECT_EQ(terms.path, "connectors[0].files[0].parameters.payment_terms_days");
  EXPECT_THAT(config->Describe(), HasSubstr("        parameters:\n"
                                            "          payment_terms_days: 45\n"
                                            "          sales_journals: [VE, VEN]\n"));
  // The daemon's rules carry them to the mapping run.
  auto rules = PrepareFileRules(config->connectors[0]);
  ASSERT_TRUE(rules.has_value()) << rules.error().ToString();
  EXPECT_EQ((*rules)[0].rule.ParameterValues().at("payment_terms_days"), std::vector<std::string>{"45"});
}

TEST(RuleParameters, EveryProblemIsReportedWithTheOthers) {
  EXPECT_THAT(
      Errors(ConfigWith("{terms: 45, payment_terms_days: [30, 60], currency: {code: EUR}, sales_journals: [[VE]]}",
                        "5x")),
      ElementsAre(
          "c.yaml:6:15: connectors[0].schedule: invalid duration \"5x\" (expected a number with ms, s, m, h or d, e.g. 30s)",
          "c.yaml:11:29: connectors[0].files[0].parameters.terms: mapping fec-open-items has no parameter \"terms\" "
          "(it declares: sales_journals, payment_terms_days, currency, customer_account_prefixes)",
          "c.yaml:11:53: connectors[0].files[0].parameters.payment_terms_days: parameter 'payment_terms_days' has 2 "
          "values, but the mapping reads it as one value",
          "c.yaml:11:73: connectors[0].files[0].parameters.currency: expected a scalar or a list of scalars",
          "c.yaml:11:103: connectors[0].files[0].parameters.sales_journals[0]: expected a scalar (a list of "
          "parameter values holds text, numbers or dates)"));
}

TEST(RuleParameters, WithoutTheCheckOnlyTheShapeIsChecked) {
  const auto types = RegisteredConfigTypes();
  auto config = config::ParseConfig(ConfigWith("{terms: 45}"), "c.yaml", kSource, types);
  ASSERT_TRUE(config.has_value());
  // The daemon's rules refuse what the config check would have.
  auto rules = PrepareFileRules(config->connectors[0]);
  ASSERT_FALSE(rules.has_value());
  EXPECT_EQ(rules.error().message,
            "line 11: connectors[0].files[0].parameters.terms: mapping fec-open-items has no parameter \"terms\" "
            "(it declares: sales_journals, payment_terms_days, currency, customer_account_prefixes)");
  EXPECT_THAT(Errors(ConfigWith("[VE]")),
              ElementsAre("c.yaml:11:21: connectors[0].files[0].parameters: expected a map of parameter name: value "
                          "(a scalar or a list of scalars)"));
}

}  // namespace
}  // namespace tributary::connectors
