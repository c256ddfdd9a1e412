#include "gateway/app/logging.h"

#include <memory>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "gateway/common/log_event.h"

namespace tributary::app {
namespace {

// One line of text: control characters (C0, DEL) escaped, other bytes as they are.
std::string EscapeControls(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f) {
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

// `%*`: the message, secrets redacted, as one line of text or as a JSON string.
class SafeMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  SafeMessageFlag(SharedRedactor redactor, bool json) : redactor_(std::move(redactor)), json_(json) {}

  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view payload(message.payload.data(), message.payload.size());
    std::string text = redactor_ != nullptr ? redactor_->Redact(payload) : std::string(payload);
    text = json_ ? nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                 : EscapeControls(text);
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SafeMessageFlag>(redactor_, json_);
  }

 private:
  SharedRedactor redactor_;
  bool json_;
};

// `%&`: the fields of a structured event (gateway/common/log_event.h) as members of the
// JSON line's object (`,"rows":12`), secrets redacted; nothing in text lines, whose message
// already says it all.
class EventFieldsFlag final : public spdlog::custom_flag_formatter {
 public:
  explicit EventFieldsFlag(SharedRedactor redactor) : redactor_(std::move(redactor)) {}

  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const LogFields* fields = CurrentLogFields();
    if (fields == nullptr) return;
    std::string out;
    for (const LogField& field : *fields) {
      if (field.key == "time" || field.key == "level" || field.key == "message") continue;
      out += ',';
      out += nlohmann::json(field.key).dump();
      out += ':';
      if (const auto* number = std::get_if<int64_t>(&field.value)) {
        out += std::to_string(*number);
      } else {
        const std::string& text = std::get<std::string>(field.value);
        out += nlohmann::json(redactor_ != nullptr ? redactor_->Redact(text) : text)
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      }
    }
    dest.append(out.data(), out.data() + out.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<EventFieldsFlag>(redactor_);
  }

 private:
  SharedRedactor redactor_;
};

// `%~`: the level as the config spells it (`log.level`): trace, debug, info, warn, error,
// critical (spdlog's own `%l` says "warning").
class ConfigLevelFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view name = Name(message.level);
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ConfigLevelFlag>(); }

 private:
  static std::string_view Name(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::trace: return "trace";
      case spdlog::level::debug: return "debug";
      case spdlog::level::info: return "info";
      case spdlog::level::warn: return "warn";
      case spdlog::level::err: return "error";
      case spdlog::level::critical: return "critical";
      default: return "off";
    }
  }
};

}  // namespace

void ConfigureLogging(const std::string& level, const std::string& format, SharedRedactor redactor) {
  auto logger = spdlog::default_logger();
  if (logger->name() != "tributary") {
    logger = std::make_shared<spdlog::logger>("tributary", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(logger);
  }
  const bool json = format == "json";
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<SafeMessageFlag>('*', redactor, json);
  formatter->add_flag<EventFieldsFlag>('&', std::move(redactor));
  formatter->add_flag<ConfigLevelFlag>('~').set_pattern(
      json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%~","message":%*%&})" : "%Y-%m-%dT%H:%M:%S.%eZ %~ %*");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
}

}  // namespace tributary::app
