#include "webhook/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "rules/value/json.h"

namespace tollgate::webhook {
namespace {

spdlog::logger& logger() {
  static const std::shared_ptr<spdlog::logger> instance = [] {
    auto created = std::make_shared<spdlog::logger>("tollgate.webhook",
                                                    std::make_shared<spdlog::sinks::stderr_sink_mt>());
    created->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l",%v})", spdlog::pattern_time_type::utc);
    created->set_level(spdlog::level::info);
    // A crash or a kill right after a denial must not lose the line.
    created->flush_on(spdlog::level::info);
    return created;
  }();
  return *instance;
}

}  // namespace

LogLine::LogLine(std::string_view msg) {
  members_ = "\"msg\":";
  value::append_json_string(msg, members_);
}

void LogLine::key(std::string_view name) {
  members_ += ',';
  value::append_json_string(name, members_);
  members_ += ':';
}

LogLine& LogLine::field(std::string_view name, std::string_view value) {
  key(name);
  value::append_json_string(value, members_);
  return *this;
}

LogLine& LogLine::field(std::string_view name, int64_t value) {
  key(name);
  members_ += std::to_string(value);
  return *this;
}

LogLine& LogLine::field(std::string_view name, const std::vector<std::string>& values) {
  key(name);
  members_ += '[';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) members_ += ',';
    value::append_json_string(values[i], members_);
  }
  members_ += ']';
  return *this;
}

void log(spdlog::level::level_enum level, const LogLine& line) {
  // Passed as a plain string so that braces in messages are not format specifiers.
  logger().log(level, spdlog::string_view_t(line.members().data(), line.members().size()));
}

}  // namespace tollgate::webhook
