// Log lines: the config's secrets redacted, control characters unable to forge a line.
#include "gateway/app/logging.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "gateway/common/log_event.h"

namespace tributary::app {
namespace {

constexpr const char* kSecret = "core-token-7f3a9c";
// A file name as an attacker would write it: a newline followed by a forged line, and
// an ANSI escape that would clear the admin's terminal.
constexpr const char* kHostileName = "open_items.csv\n2026-12-01T00:00:00.000Z error forged line\x1b[2J";

std::string LoggedWith(const std::string& format) {
  ::testing::internal::CaptureStderr();
  ConfigureLogging("info", format, std::make_shared<const SecretRedactor>(std::vector<std::string>{kSecret}));
  spdlog::info("[erp] {}: the core answered: Authorization: Bearer {}", kHostileName, kSecret);
  spdlog::default_logger()->flush();
  std::string text = ::testing::internal::GetCapturedStderr();
  ConfigureLogging("info", "text");
  return text;
}

TEST(Logging, TextLinesRedactSecretsAndEscapeControlCharacters) {
  const std::string text = LoggedWith("text");
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_NE(text.find("Bearer <redacted>"), std::string::npos) << text;
  // One line: the newline and the escape are shown, not obeyed.
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
  EXPECT_NE(text.find("open_items.csv\\n2026-12-01T00:00:00.000Z error forged line\\x1b[2J"), std::string::npos)
      << text;
}

TEST(Logging, JsonLinesRedactSecretsAndStayOneObject) {
  const std::string text = LoggedWith("json");
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  auto line = nlohmann::json::parse(text, nullptr, false);
  ASSERT_TRUE(line.is_object()) << text;
  EXPECT_EQ(line["message"], std::string("[erp] ") + kHostileName +
                                 ": the core answered: Authorization: Bearer <redacted>");
}

TEST(Logging, LevelsAreNamedAsTheConfigSpellsThem) {
  for (const std::string format : {"text", "json"}) {
    ::testing::internal::CaptureStderr();
    ConfigureLogging("warn", format);
    spdlog::info("not shown");
    spdlog::warn("careful");
    spdlog::error("broken");
    spdlog::default_logger()->flush();
    const std::string text = ::testing::internal::GetCapturedStderr();
    ConfigureLogging("info", "text");
    EXPECT_EQ(text.find("not shown"), std::string::npos) << text;
    EXPECT_EQ(text.find("warning"), std::string::npos) << text;
    if (format == "json") {
      EXPECT_NE(text.find(R"("level":"warn","message":"careful")"), std::string::npos) << text;
      EXPECT_NE(text.find(R"("level":"error","message":"broken")"), std::string::npos) << text;
    } else {
      EXPECT_NE(text.find("Z warn careful"), std::string::npos) << text;
      EXPECT_NE(text.find("Z error broken"), std::string::npos) << text;
    }
  }
}

std::string EventLoggedWith(const std::string& format) {
  ::testing::internal::CaptureStderr();
  ConfigureLogging("info", format, std::make_shared<const SecretRedactor>(std::vector<std::string>{kSecret}));
  LogEvent(spdlog::level::info, "[erp] open_items_1.csv: 12 rows, 3 created",
           {{"connector", "erp"}, {"file", "open_items_1.csv"}, {"rows", int64_t{12}}, {"created", int64_t{3}},
            {"error", std::string("Bearer ") + kSecret}, {"message", "ignored: the line's own"}});
  spdlog::info("plain");
  spdlog::default_logger()->flush();
  std::string text = ::testing::internal::GetCapturedStderr();
  ConfigureLogging("info", "text");
  return text;
}

TEST(Logging, JsonLinesCarryTheFieldsOfAnEvent) {
  const std::string text = EventLoggedWith("json");
  const auto end = text.find('\n');
  ASSERT_NE(end, std::string::npos) << text;
  auto event = nlohmann::json::parse(text.substr(0, end), nullptr, false);
  ASSERT_TRUE(event.is_object()) << text;
  EXPECT_EQ(event["message"], "[erp] open_items_1.csv: 12 rows, 3 created");
  EXPECT_EQ(event["level"], "info");
  EXPECT_EQ(event["connector"], "erp");
  EXPECT_EQ(event["file"], "open_items_1.csv");
  EXPECT_EQ(event["rows"], 12);
  EXPECT_EQ(event["created"], 3);
  EXPECT_EQ(event["error"], "Bearer <redacted>");
  // The next plain line has none of them.
  auto plain = nlohmann::json::parse(text.substr(end + 1), nullptr, false);
  ASSERT_TRUE(plain.is_object()) << text;
  EXPECT_EQ(plain["message"], "plain");
  EXPECT_FALSE(plain.contains("connector")) << text;
}

TEST(Logging, TextLinesOfAnEventReadAsTheMessage) {
  const std::string text = EventLoggedWith("text");
  EXPECT_NE(text.find("Z info [erp] open_items_1.csv: 12 rows, 3 created\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("connector"), std::string::npos) << text;
}

}  // namespace
}  // namespace tributary::app
