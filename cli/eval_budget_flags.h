// --max-eval-time, shared by the commands that evaluate policies: how long
// one evaluation (one constraint's Rego or CEL against one object) may run
// before it stops with "evaluation exceeded its time budget of ...".
#pragma once

#include <string>

#include "cli/args.h"

namespace tollgate::cli {

OptionSpec max_eval_time_option();

// Sets value::default_eval_limits().time from --max-eval-time when given.
// False with a message when the value is no duration ("3s", "500ms", "0"
// for none).
bool apply_max_eval_time(const ParsedArgs& parsed, std::string* error);

}  // namespace tollgate::cli
