// `tollgate eval` for Rego, like `opa eval`: modules and data from -d, the
// input from -i (or, with --constraint, the Gatekeeper input
// {review, parameters} built from an object and a Constraint), a query, and
// with --explain a trace of which rules and expressions succeeded or failed.
#pragma once

#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "rules/value/value.h"

namespace tollgate::cli {

// Reads one YAML or JSON document from a file ("-" = stdin).
bool read_document(const std::string& path, CommandIo& io, value::Value* out, std::string* error);

int run_rego_eval(const ParsedArgs& parsed, CommandIo& io);

}  // namespace tollgate::cli
