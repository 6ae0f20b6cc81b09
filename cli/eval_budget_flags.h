// --max-eval-time, shared by the commands that evaluate policies: how long
// one evaluation (one constraint's Rego or CEL against one object) may run
// before it stops with "evaluation exceeded its time budget of ...".
// --max-policy-file-bytes, shared by the commands that load policy files:
// the largest file read (default 10 MiB); a larger one is a load error
// "FILE: file is N bytes, over the limit of M bytes (--max-policy-file-bytes)".
#pragma once

#include <string>

#include "cli/args.h"

namespace tollgate::cli {

OptionSpec max_eval_time_option();

// Sets value::default_eval_limits().time from --max-eval-time when given.
// False with a message when the value is no duration ("3s", "500ms", "0"
// for none).
bool apply_max_eval_time(const ParsedArgs& parsed, std::string* error);

OptionSpec max_policy_file_bytes_option();

// Sets value::max_yaml_file_bytes() from --max-policy-file-bytes when given:
// bytes, or with a Ki/Mi/Gi suffix ("20Mi"); 0 for none. False with a
// message when the value is not one.
bool apply_max_policy_file_bytes(const ParsedArgs& parsed, std::string* error);

}  // namespace tollgate::cli
