// The webhook's structured log: one JSON object per line on stderr
// ({"time":…,"level":…,"msg":…, fields…}), the shape log collectors in a
// cluster parse without configuration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>

namespace tollgate::webhook {

// The fields of one log line, JSON-encoded as they are added.
class LogLine {
 public:
  explicit LogLine(std::string_view msg);
  LogLine& field(std::string_view key, std::string_view value);
  LogLine& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  LogLine& field(std::string_view key, int64_t value);
  LogLine& field(std::string_view key, const std::vector<std::string>& values);
  // The members after the opening brace, e.g. "msg":"x","uid":"y".
  const std::string& members() const { return members_; }

 private:
  void key(std::string_view name);
  std::string members_;
};

void log(spdlog::level::level_enum level, const LogLine& line);
inline void log_info(const LogLine& line) { log(spdlog::level::info, line); }
inline void log_warn(const LogLine& line) { log(spdlog::level::warn, line); }
inline void log_error(const LogLine& line) { log(spdlog::level::err, line); }

}  // namespace tollgate::webhook
