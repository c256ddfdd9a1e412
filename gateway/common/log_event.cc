#include "gateway/common/log_event.h"

namespace tributary {
namespace {

thread_local const LogFields* current_fields = nullptr;

// Resets the thread's fields however the log call ends.
class FieldsScope {
 public:
  explicit FieldsScope(const LogFields& fields) : previous_(current_fields) { current_fields = &fields; }
  ~FieldsScope() { current_fields = previous_; }
  FieldsScope(const FieldsScope&) = delete;
  FieldsScope& operator=(const FieldsScope&) = delete;

 private:
  const LogFields* previous_;
};

}  // namespace

void LogEvent(spdlog::level::level_enum level, std::string_view message, const LogFields& fields) {
  spdlog::logger* logger = spdlog::default_logger_raw();
  if (logger == nullptr || !logger->should_log(level)) return;
  FieldsScope scope(fields);
  logger->log(level, "{}", message);
}

const LogFields* CurrentLogFields() { return current_fields; }

}  // namespace tributary
