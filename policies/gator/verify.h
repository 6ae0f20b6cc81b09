// gator verify: runs the tests of Suites (gatekeeper-semantics.md §7.2).
//
// Each test loads its template and constraint (relative to the suite file);
// each case reviews one object with a fresh engine holding just that pair and
// the case's inventory, and checks the case's assertions against every
// result. A test with an `expansion` ExpansionTemplate also reviews what the
// object implies (gatekeeper-expansion.md §5.2): the resultants' results,
// prefixed `[Implied by <template>]`, count for the assertions too. A template the engine cannot run (Rego-only while only CEL is
// available) makes its test and cases SKIPPED with the engine's reason —
// never passed.
//
// Tollgate's admission-policy form (gator's suites have none): a test whose
// `policy` names a file — or whose `template` names a file holding an
// admission policy — loads every object of its `policy`, `template` and
// `constraint` files: ValidatingAdmissionPolicies, MutatingAdmissionPolicies
// and their bindings (and any Gatekeeper policy objects) make the engine,
// the other objects are params (as are the case's `inventory` objects, whose
// Namespaces answer namespaceSelectors). Each case's object is a CREATE
// (an AdmissionReview: its own request), mutated by the MAPs, then judged;
// every failure of every (policy, binding, param) is one result
// (vap/vap_report.h) whatever its validationActions, so `violations: 2`
// counts two failed validations and `message` matches the API server's text,
// e.g. "ValidatingAdmissionPolicy 'p' with binding 'b' denied request: ...".
// `invalid: true`: the policy objects must fail to load.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "policies/gator/engine.h"
#include "policies/gator/run_filter.h"
#include "policies/gator/suite.h"
#include "policies/policy_set.h"

namespace tollgate::policies::gator {

enum class Status { Passed, Failed, Skipped };
const char* status_name(Status status);  // "passed", "failed", "skipped"

struct CaseResult {
  std::string name;
  Status status = Status::Passed;
  std::string error;        // why it failed
  std::string skip_reason;  // why it did not run
  double seconds = 0;
};

struct TestResult {
  std::string name;
  Status status = Status::Passed;
  std::string error;
  std::string skip_reason;
  bool unsupported = false;  // skipped because the engine cannot run its template
  double seconds = 0;
  std::vector<CaseResult> cases;
};

struct SuiteResult {
  std::string path;  // display path
  Status status = Status::Passed;
  std::string error;
  std::string skip_reason;
  double seconds = 0;
  std::vector<TestResult> tests;
};

class Verifier {
 public:
  explicit Verifier(RunFilter filter, EngineFactory factory = build_engine)
      : filter_(std::move(filter)), factory_(std::move(factory)) {}

  // Files read_suites already parsed: the tests read them from there (they
  // must outlive the Verifier's runs).
  void use_parsed_files(const ParsedYamlFiles* parsed) { parsed_ = parsed; }

  SuiteResult run(const Suite& suite) const;

 private:
  TestResult run_test(const std::string& suite_dir, const Test& test) const;
  // `policies`: the engine built once for the test's template, constraint and
  // ExpansionTemplate if any, shared by its cases.
  CaseResult run_case(const std::string& suite_dir, const PolicySet& policies, const Case& c) const;

  // Each case of `test` run by `run_one`, or skipped (skip: true, --run).
  void run_cases(const Test& test, TestResult& result, const std::function<CaseResult(const Case&)>& run_one) const;
  // The admission-policy form (see the top of this file).
  struct AdmissionPolicyTest {
    std::vector<Value> policies;  // admission policies, bindings, and any Gatekeeper policy objects
    std::vector<Value> params;    // everything else the files hold
    EngineBuild engine;
  };
  TestResult run_admission_policy_test(const std::string& suite_dir, const Test& test) const;
  CaseResult run_admission_policy_case(const std::string& suite_dir, const AdmissionPolicyTest& test,
                                       const Case& c) const;

  RunFilter filter_;
  EngineFactory factory_;
  const ParsedYamlFiles* parsed_ = nullptr;
};

}  // namespace tollgate::policies::gator
