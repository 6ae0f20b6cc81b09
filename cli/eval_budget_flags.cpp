#include "cli/eval_budget_flags.h"

#include "rules/value/eval_budget.h"

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

}  // namespace tollgate::cli
