#include "cli/eval_budget_flags.h"

#include <cstdint>
#include <limits>

#include "rules/value/eval_budget.h"
#include "rules/value/yaml.h"

namespace tollgate::cli {

OptionSpec max_eval_time_option() {
  return {"max-eval-time", 0, true, false, "DURATION",
          "how long one policy evaluation may run before it is stopped with an error, never an allow (default 3s; "
          "at the webhook also capped by the request's timeout; 0: no limit)"};
}

bool apply_max_eval_time(const ParsedArgs& parsed, std::string* error) {
  if (!parsed.has("max-eval-time")) return true;
  std::string text = parsed.value("max-eval-time");
  std::chrono::nanoseconds d{0};
  if (!value::parse_duration(text, &d)) {
    *error = "--max-eval-time: not a duration: \"" + text + "\" (e.g. 3s, 500ms)";
    return false;
  }
  value::default_eval_limits().time = d;
  return true;
}

OptionSpec max_policy_file_bytes_option() {
  return {"max-policy-file-bytes", 0, true, false, "BYTES",
          "the largest policy file read; a larger one is a load error (default 10Mi; Ki, Mi, Gi suffixes; 0: no limit)"};
}

bool apply_max_policy_file_bytes(const ParsedArgs& parsed, std::string* error) {
  if (!parsed.has("max-policy-file-bytes")) return true;
  std::string text = parsed.value("max-policy-file-bytes");
  uint64_t bytes = 0;
  if (!parse_byte_size(text, &bytes)) {
    *error = "--max-policy-file-bytes: not a size in bytes: \"" + text + "\" (e.g. 10485760, 20Mi, 0 for no limit)";
    return false;
  }
  value::max_yaml_file_bytes() = bytes == 0 || bytes > std::numeric_limits<size_t>::max()
                                     ? std::numeric_limits<size_t>::max()
                                     : static_cast<size_t>(bytes);
  return true;
}

}  // namespace tollgate::cli
