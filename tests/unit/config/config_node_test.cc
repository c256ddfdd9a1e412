#include "gateway/config/config_node.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "tests/unit/config/temp_dir.h"

namespace tributary::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using std::chrono::milliseconds;

std::vector<std::string> Messages(ConfigDocument& document) {
  std::vector<std::string> out;
  for (const Diagnostic& diagnostic : document.diagnostics()) out.push_back(diagnostic.ToString());
  return out;
}

std::unique_ptr<ConfigDocument> Doc(const std::string& text, const std::string& base_dir = "/etc/tributary") {
  return ConfigDocument::Parse(text, "t.yaml", base_dir);
}

TEST(ConfigNode, ReadsValuesWithDottedPathsAndPositions) {
  auto document = Doc(
      "tenant: acme\n"
      "admin:\n"
      "  listen: 127.0.0.1:8470\n"
      "connectors:\n"
      "  - name: erp\n"
      "    schedule: 5m\n");
  ConfigNode root = document->root();
  EXPECT_EQ(root.String("tenant"), "acme");
  ConfigNode admin = root.Child("admin");
  EXPECT_EQ(admin.path(), "admin");
  ConfigNode listen = admin.Child("listen");
  EXPECT_EQ(listen.path(), "admin.listen");
  EXPECT_EQ(listen.line(), 3);
  EXPECT_EQ(listen.column(), 11);
  std::vector<ConfigNode> connectors = root.Sequence("connectors");
  ASSERT_EQ(connectors.size(), 1u);
  EXPECT_EQ(connectors[0].path(), "connectors[0]");
  EXPECT_EQ(connectors[0].Child("name").path(), "connectors[0].name");
  EXPECT_EQ(connectors[0].line(), 5);
  EXPECT_EQ(connectors[0].Duration("schedule"), milliseconds(300000));
  EXPECT_THAT(Messages(*document), IsEmpty());
}

TEST(ConfigNode, ReportsMissingRequiredKeyAtTheMapThatLacksIt) {
  auto document = Doc(
      "connectors:\n"
      "  - type: directory\n");
  ConfigNode root = document->root();
  std::vector<ConfigNode> connectors = root.Sequence("connectors", Presence::kRequired);
  ASSERT_EQ(connectors.size(), 1u);
  EXPECT_EQ(connectors[0].String("name", Presence::kRequired), std::nullopt);
  EXPECT_EQ(connectors[0].String("legal_entity"), std::nullopt);  // optional: silent
  EXPECT_EQ(root.String("tenant", Presence::kRequired), std::nullopt);
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:2:5: connectors[0]: missing required key 'name'",
                                               "t.yaml:1:1: missing required key 'tenant'"));
}

TEST(ConfigNode, AbsentOptionalSectionReportsNothingInside) {
  auto document = Doc("tenant: acme\n");
  ConfigNode admin = document->root().Child("admin");
  EXPECT_FALSE(admin.IsDefined());
  EXPECT_EQ(admin.String("listen", Presence::kRequired), std::nullopt);
  admin.RejectUnknownKeys();
  EXPECT_THAT(Messages(*document), IsEmpty());
}

TEST(ConfigNode, ReportsWrongShapesAtTheValue) {
  auto document = Doc(
      "tenant: {a: 1}\n"
      "admin: [1, 2]\n"
      "files: just-text\n");
  ConfigNode root = document->root();
  EXPECT_EQ(root.String("tenant"), std::nullopt);
  ConfigNode admin = root.Child("admin");
  EXPECT_EQ(admin.String("listen"), std::nullopt);
  EXPECT_EQ(admin.String("token"), std::nullopt);  // the shape is reported once
  EXPECT_THAT(root.Sequence("files"), IsEmpty());
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:1:9: tenant: expected a string, found a map",
                                               "t.yaml:2:8: admin: expected a map, found a sequence",
                                               "t.yaml:3:8: files: expected a sequence, found a scalar"));
}

TEST(ConfigNode, ReportsBadScalarsWithWhatWasExpectedAndFound) {
  auto document = Doc(
      "schedule: 30x\n"
      "zero: 0s\n"
      "batch_size: 0\n"
      "words: many\n"
      "ratio: 1.5\n"
      "mode: maybe\n"
      "enabled: yes\n");
  ConfigNode root = document->root();
  EXPECT_EQ(root.Duration("schedule"), std::nullopt);
  EXPECT_EQ(root.Duration("zero"), std::nullopt);
  EXPECT_EQ(root.Integer("batch_size", 1, 10000), std::nullopt);
  EXPECT_EQ(root.Integer("words", 0, INT64_MAX), std::nullopt);
  EXPECT_EQ(root.Ratio("ratio"), std::nullopt);
  EXPECT_EQ(root.Enum("mode", {"snapshot", "delta"}), std::nullopt);
  EXPECT_EQ(root.Bool("enabled"), std::nullopt);
  EXPECT_THAT(
      Messages(*document),
      ElementsAre(
          "t.yaml:1:11: schedule: invalid duration \"30x\" (expected a number with ms, s, m, h or d, e.g. 30s)",
          "t.yaml:2:7: zero: invalid duration \"0s\" (must be greater than 0)",
          "t.yaml:3:13: batch_size: expected an integer from 1 to 10000, found \"0\"",
          "t.yaml:4:8: words: expected an integer of at least 0, found \"many\"",
          "t.yaml:5:8: ratio: expected a ratio from 0 to 1 (e.g. 0.2), found \"1.5\"",
          "t.yaml:6:7: mode: \"maybe\" is not one of: snapshot, delta",
          "t.yaml:7:10: enabled: expected true or false, found \"yes\""));
}

TEST(ConfigNode, ParsesGoodScalars) {
  auto document = Doc(
      "a: 250ms\nb: 2d\nc: 42\nd: -7\ne: 0.2\nf: 1\ng: delta\nh: false\ni: \"01\"\nj: TRUE\n");
  ConfigNode root = document->root();
  EXPECT_EQ(root.Duration("a"), milliseconds(250));
  EXPECT_EQ(root.Duration("b"), milliseconds(2LL * 24 * 3600 * 1000));
  EXPECT_EQ(root.Integer("c", 1, 100), 42);
  EXPECT_EQ(root.Integer("d", INT64_MIN, 0), -7);
  EXPECT_EQ(root.Ratio("e"), 0.2);
  EXPECT_EQ(root.Ratio("f"), 1.0);
  EXPECT_EQ(root.Enum("g", {"snapshot", "delta"}), "delta");
  EXPECT_EQ(root.Bool("h"), false);
  EXPECT_EQ(root.String("i"), "01");  // the text as written, not a number
  EXPECT_EQ(root.Bool("j"), true);
  root.RejectUnknownKeys();
  EXPECT_THAT(Messages(*document), IsEmpty());
}

TEST(ConfigNode, EmptyValueIsAbsentUnlessRequired) {
  auto document = Doc(
      "legal_entity:\n"
      "name: ~\n"
      "directory:\n"
      "next: 1\n");
  ConfigNode root = document->root();
  EXPECT_EQ(root.String("legal_entity"), std::nullopt);
  EXPECT_EQ(root.String("name", Presence::kRequired), std::nullopt);
  ConfigNode directory = root.Child("directory");
  EXPECT_TRUE(directory.IsDefined());
  EXPECT_TRUE(directory.IsNull());
  EXPECT_EQ(directory.Path("path", Presence::kRequired), std::nullopt);
  EXPECT_THAT(Messages(*document),
              ElementsAre("t.yaml:2:1: name: expected a string, found an empty value",
                          "t.yaml:3:1: directory: missing required key 'path'"));
}

TEST(ConfigNode, RejectsUnknownKeysWithASuggestion) {
  auto document = Doc(
      "name: erp\n"
      "shedule: 30s\n"
      "colour: blue\n"
      "mdoe: delta\n");
  ConfigNode root = document->root();
  EXPECT_TRUE(root.Has("shedule"));  // Has() does not mark the key as read
  root.String("name");
  root.Duration("schedule");
  root.Enum("mode", {"snapshot", "delta"});
  root.RejectUnknownKeys();
  root.RejectUnknownKeys();  // idempotent
  EXPECT_THAT(Messages(*document),
              ElementsAre("t.yaml:2:1: shedule: unknown key 'shedule' (did you mean 'schedule'?)",
                          "t.yaml:3:1: colour: unknown key 'colour'",
                          "t.yaml:4:1: mdoe: unknown key 'mdoe' (did you mean 'mode'?)"));
}

TEST(ConfigNode, ReadKeysAreSharedBetweenViewsOfTheSameNode) {
  auto document = Doc("directory: {path: /a, extra: 1}\n");
  ConfigNode root = document->root();
  root.Child("directory").Path("path");
  ConfigNode again = root.Child("directory");
  ConfigNode copy = again;
  copy.RejectUnknownKeys();
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:1:23: directory.extra: unknown key 'extra'"));
}

TEST(ConfigNode, MembersInDocumentOrderAreAllRead) {
  auto document = Doc("map: {invoice: INV, credit_note: CN, \"x y\": z}\n");
  ConfigNode map = document->root().Child("map");
  auto members = map.Members();
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].first, "invoice");
  EXPECT_EQ(members[1].first, "credit_note");
  EXPECT_EQ(members[1].second.path(), "map.credit_note");
  EXPECT_EQ(members[1].second.Scalar(), "CN");
  EXPECT_EQ(members[2].first, "x y");
  map.RejectUnknownKeys();
  EXPECT_THAT(Messages(*document), IsEmpty());
}

TEST(ConfigNode, ScalarReportsNonScalars) {
  auto document = Doc("list: [a, [b]]\n");
  std::vector<ConfigNode> items = document->root().Sequence("list");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].Scalar(), "a");
  EXPECT_EQ(items[1].Scalar(), std::nullopt);
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:1:11: list[1]: expected a scalar, found a sequence"));
}

TEST(ConfigNode, ReportsDuplicateKeysAndFirstValueWins) {
  auto document = Doc("tenant: a\nlog: {}\ntenant: b\n");
  EXPECT_EQ(document->root().String("tenant"), "a");
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:3:1: tenant: duplicate key 'tenant' (first at line 1)"));
}

TEST(ConfigNode, ReportsYamlSyntaxErrorsWithPosition) {
  auto document = Doc("tenant: acme\nadmin: {listen: a\nlog: x\n");
  EXPECT_FALSE(document->root().IsDefined());
  ASSERT_EQ(document->diagnostics().size(), 1u);
  const Diagnostic& diagnostic = document->diagnostics()[0];
  EXPECT_EQ(diagnostic.file, "t.yaml");
  EXPECT_GT(diagnostic.line, 1);
  EXPECT_TRUE(diagnostic.message.starts_with("invalid YAML: ")) << diagnostic.message;
  // Reading an undefined root reports nothing more.
  document->root().String("tenant", Presence::kRequired);
  EXPECT_EQ(document->diagnostics().size(), 1u);
}

TEST(ConfigNode, ResolvesRelativePathsAgainstTheDocumentFolder) {
  auto document = Doc("a: ../var/drop\nb: /abs/x\nc: ./m/./n.yaml\nd: \"\"\n", "/srv/tributary/config");
  ConfigNode root = document->root();
  EXPECT_EQ(root.Path("a"), "/srv/tributary/var/drop");
  EXPECT_EQ(root.Path("b"), "/abs/x");
  EXPECT_EQ(root.Path("c"), "/srv/tributary/config/m/n.yaml");
  EXPECT_EQ(root.Path("d"), std::nullopt);
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:4:4: d: expected a path, found an empty string"));
}

TEST(ConfigNode, LoadsAFileAndResolvesAgainstItsFolder) {
  testing::TempDir dir;
  const std::string file = dir.Write("conf/main.yaml", "state: data/x.db\n");
  auto document = ConfigDocument::Load(file);
  EXPECT_EQ(document->display_name(), file);
  EXPECT_EQ(document->base_dir(), dir.path() + "/conf");
  EXPECT_EQ(document->root().Path("state"), dir.path() + "/conf/data/x.db");
  EXPECT_THAT(Messages(*document), IsEmpty());

  auto missing = ConfigDocument::Load(dir.path() + "/nope.yaml");
  EXPECT_FALSE(missing->root().IsDefined());
  EXPECT_THAT(Messages(*missing),
              ElementsAre(dir.path() + "/nope.yaml:0:0: cannot read file: No such file or directory"));
}

TEST(ConfigNode, EmptyDocumentIsAnEmptyMap) {
  auto document = Doc("");
  document->root().String("tenant", Presence::kRequired);
  EXPECT_THAT(Messages(*document), ElementsAre("t.yaml:1:1: missing required key 'tenant'"));
}

class SecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TRIBUTARY_TEST_SECRET", "s3cr3t-env", 1);
    setenv("TRIBUTARY_TEST_EMPTY", "", 1);
    unsetenv("TRIBUTARY_TEST_UNSET");
  }
  void TearDown() override {
    unsetenv("TRIBUTARY_TEST_SECRET");
    unsetenv("TRIBUTARY_TEST_EMPTY");
  }
  testing::TempDir dir_;
};

TEST_F(SecretTest, ReadsEnvironmentFileAndInlineSecrets) {
  dir_.Write("secrets/core.token", "s3cr3t-file\n");
  dir_.Write("crlf.token", "s3cr3t-crlf\r\n");
  const std::string absolute = dir_.Write("abs.token", "s3cr3t-abs");
  auto document = ConfigDocument::Parse(
      "env: ${env:TRIBUTARY_TEST_SECRET}\n"
      "file: ${file:secrets/core.token}\n"
      "crlf: ${file:crlf.token}\n"
      "abs: \"${file:" + absolute + "}\"\n"
      "inline: s3cr3t-inline\n",
      "t.yaml", dir_.path());
  ConfigNode root = document->root();
  std::optional<Secret> env = root.SecretValue("env");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->value, "s3cr3t-env");
  EXPECT_EQ(env->reference, "${env:TRIBUTARY_TEST_SECRET}");
  EXPECT_EQ(env->Redacted(), "${env:TRIBUTARY_TEST_SECRET} (redacted)");
  std::optional<Secret> file = root.SecretValue("file");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->value, "s3cr3t-file");
  EXPECT_EQ(file->reference, "${file:secrets/core.token}");
  EXPECT_EQ(root.SecretValue("crlf")->value, "s3cr3t-crlf");
  EXPECT_EQ(root.SecretValue("abs")->value, "s3cr3t-abs");
  std::optional<Secret> inline_secret = root.SecretValue("inline");
  ASSERT_TRUE(inline_secret);
  EXPECT_EQ(inline_secret->value, "s3cr3t-inline");
  EXPECT_EQ(inline_secret->reference, "");
  EXPECT_EQ(inline_secret->Redacted(), "<redacted>");
  EXPECT_THAT(Messages(*document), IsEmpty());
}

TEST_F(SecretTest, ReportsUnusableSecretsWithoutTheirValue) {
  auto document = ConfigDocument::Parse(
      "unset: ${env:TRIBUTARY_TEST_UNSET}\n"
      "empty: ${env:TRIBUTARY_TEST_EMPTY}\n"
      "missing: ${file:nope.token}\n"
      "bad: ${vault:s3cr3t-inline}\n"
      "shape: {s3cr3t: inline}\n"
      "dir: ${file:.}\n",
      "t.yaml", dir_.path());
  ConfigNode root = document->root();
  for (const char* key : {"unset", "empty", "missing", "bad", "shape", "dir"}) {
    EXPECT_EQ(root.SecretValue(key), std::nullopt) << key;
  }
  EXPECT_THAT(Messages(*document),
              ElementsAre("t.yaml:1:8: unset: environment variable TRIBUTARY_TEST_UNSET is not set",
                          "t.yaml:2:8: empty: environment variable TRIBUTARY_TEST_EMPTY is empty",
                          "t.yaml:3:10: missing: cannot read secret file " + dir_.path() +
                              "/nope.token: No such file or directory",
                          "t.yaml:4:6: bad: invalid secret reference (expected ${env:NAME}, ${file:/path} or ${cred:NAME})",
                          "t.yaml:5:8: shape: expected a string, found a map",
                          "t.yaml:6:6: dir: cannot read secret file " + dir_.path() + ": Is a directory"));
  for (const Diagnostic& diagnostic : document->diagnostics()) {
    EXPECT_EQ(diagnostic.message.find("s3cr3t"), std::string::npos) << diagnostic.message;
  }
}

// `${cred:NAME}`: the file NAME in $CREDENTIALS_DIRECTORY, where systemd puts what the
// unit's LoadCredential= loads.
class CredentialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* previous = std::getenv("CREDENTIALS_DIRECTORY");
    if (previous != nullptr) previous_ = previous;
    setenv("CREDENTIALS_DIRECTORY", dir_.path().c_str(), 1);
  }
  void TearDown() override {
    if (previous_) {
      setenv("CREDENTIALS_DIRECTORY", previous_->c_str(), 1);
    } else {
      unsetenv("CREDENTIALS_DIRECTORY");
    }
  }
  testing::TempDir dir_;
  testing::TempDir config_dir_;
  std::optional<std::string> previous_;
};

TEST_F(CredentialTest, ReadsTheCredentialFileOfTheUnit) {
  dir_.Write("core-token", "s3cr3t-cred\n");
  dir_.Write("sftp.passphrase", "s3cr3t-dots");
  auto document = ConfigDocument::Parse(
      "token: ${cred:core-token}\n"
      "dots: \"${cred:sftp.passphrase}\"\n",
      "t.yaml", config_dir_.path());
  ConfigNode root = document->root();
  std::optional<Secret> token = root.SecretValue("token");
  ASSERT_TRUE(token);
  EXPECT_EQ(token->value, "s3cr3t-cred");
  EXPECT_EQ(token->reference, "${cred:core-token}");
  EXPECT_EQ(token->Redacted(), "${cred:core-token} (redacted)");
  EXPECT_EQ(root.SecretValue("dots")->value, "s3cr3t-dots");
  EXPECT_THAT(Messages(*document), IsEmpty());
  EXPECT_THAT(document->secrets(), ::testing::Contains("s3cr3t-cred"));
}

TEST_F(CredentialTest, ReportsMissingEmptyAndBadCredentialsWithoutTheirValue) {
  dir_.Write("empty", "\n");
  std::filesystem::create_directories(dir_.path() + "/folder");
  auto document = ConfigDocument::Parse(
      "missing: ${cred:core-token}\n"
      "empty: ${cred:empty}\n"
      "folder: ${cred:folder}\n"
      "slash: ${cred:../s3cr3t}\n"
      "dot: ${cred:..}\n"
      "none: ${cred:}\n",
      "t.yaml", config_dir_.path());
  ConfigNode root = document->root();
  for (const char* key : {"missing", "empty", "folder", "slash", "dot", "none"}) {
    EXPECT_EQ(root.SecretValue(key), std::nullopt) << key;
  }
  const std::string invalid = "invalid secret reference (expected ${env:NAME}, ${file:/path} or ${cred:NAME})";
  EXPECT_THAT(Messages(*document),
              ElementsAre("t.yaml:1:10: missing: cannot read credential core-token (" + dir_.path() +
                              "/core-token): No such file or directory",
                          "t.yaml:2:8: empty: credential empty (" + dir_.path() + "/empty) is empty",
                          "t.yaml:3:9: folder: cannot read credential folder (" + dir_.path() +
                              "/folder): Is a directory",
                          "t.yaml:4:8: slash: " + invalid, "t.yaml:5:6: dot: " + invalid,
                          "t.yaml:6:7: none: " + invalid));
  for (const Diagnostic& diagnostic : document->diagnostics()) {
    EXPECT_EQ(diagnostic.message.find("s3cr3t"), std::string::npos) << diagnostic.message;
  }
}

TEST_F(CredentialTest, SaysToLoadTheCredentialWhenNoDirectoryIsSet) {
  unsetenv("CREDENTIALS_DIRECTORY");
  auto document = ConfigDocument::Parse("token: ${cred:core-token}\n", "t.yaml", config_dir_.path());
  EXPECT_EQ(document->root().SecretValue("token"), std::nullopt);
  setenv("CREDENTIALS_DIRECTORY", "", 1);
  auto empty = ConfigDocument::Parse("token: ${cred:core-token}\n", "t.yaml", config_dir_.path());
  EXPECT_EQ(empty->root().SecretValue("token"), std::nullopt);
  const std::string message =
      "t.yaml:1:8: token: credential core-token: CREDENTIALS_DIRECTORY is not set (load it in the unit "
      "with LoadCredential=core-token:/path/to/file)";
  EXPECT_THAT(Messages(*document), ElementsAre(message));
  EXPECT_THAT(Messages(*empty), ElementsAre(message));
}

}  // namespace
}  // namespace tributary::config
