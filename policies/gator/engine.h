// The policy engine as gator's commands use it: a PolicySet built from
// parsed objects with templates the engine cannot run recorded rather than
// refused, so that verify can report them SKIPPED and test can warn.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policies/policy_set.h"

namespace tollgate::policies::gator {

struct EngineBuild {
  std::shared_ptr<const PolicySet> policies;  // null when errors is non-empty
  // Load errors; their file is "object[<index in the objects given>]".
  std::vector<LoadError> errors;
  // Why templates cannot run, one entry per template, as the PolicySet
  // words it (it names the template); the PolicySet still holds everything
  // else.
  std::vector<std::string> unsupported;
  // Load warnings (an unrecognized enforcementAction); named like errors.
  std::vector<LoadError> warnings;
};

// `objects` are policies; `params` what admission policies read beside them
// (param objects, Namespaces, CRDs: LoadOptions::admission_policy_params).
using EngineFactory =
    std::function<EngineBuild(const std::vector<Value>& objects, const std::vector<Value>& params)>;

// PolicySet::from_objects with LoadOptions{allow_unsupported_templates=true}.
EngineBuild build_engine(const std::vector<Value>& objects, const std::vector<Value>& params = {});
// The same, with the engine chosen by --engine and the admission policies'
// CEL environment by --vap-environment ("1.32" or "current").
EngineFactory engine_factory(EnginePreference engine, std::string vap_environment = "1.32");

// Load errors one per line ("file:line:col: message").
std::string describe_errors(const std::vector<LoadError>& errors);

}  // namespace tollgate::policies::gator
