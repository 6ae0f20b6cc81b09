// Output formats of gator test: text (gator's lines), json and yaml (gator's
// result objects), and junit (one testcase per reviewed object).
#pragma once

#include <string>
#include <string_view>

#include "policies/gator/test_run.h"

namespace tollgate::policies::gator {

enum class TestOutputFormat { Text, Json, Yaml, Junit, Sarif, Github, Silent };

// "json", "yaml", "junit", "sarif", "github" (any case); "default" is gator's silent format;
// anything else is text.
TestOutputFormat parse_test_output_format(const std::string& name);

struct TestOutputOptions {
  TestOutputFormat format = TestOutputFormat::Text;
  bool deny_only = false;  // only results that make the run fail
};

// One line per result:
//   <apiVersion>/<Kind> [<ns>/]<name>: ["<constraint>"] Message: "<msg>"
std::string format_test_text(const TestRunReport& report, const TestOutputOptions& options);
// [{target, msg, metadata{details}, constraint, enforcementAction,
//   scopedActions, violatingObject, trace}] indented by 4 spaces as gator does.
std::string format_test_json(const TestRunReport& report, const TestOutputOptions& options);
// gator's YAML: yaml.v3 of [{result: {target, msg, metadata, constraint:
// {object}, enforcementaction, scopedenforcementactions}, violatingObject, trace}].
std::string format_test_yaml(const TestRunReport& report, const TestOutputOptions& options);
// JUnit XML: one testsuite, one testcase per reviewed object, one failure
// element per enforced denial; other results go to system-out.
std::string format_test_junit(const TestRunReport& report, const TestOutputOptions& options);

// test_report_ci.cpp: SARIF 2.1.0 (a rule per constraint, a result per
// result at the file and line of the object's document; level error for
// deny, warning for warn, else note) and GitHub Actions workflow commands
// (::error file=F,line=L,title=Kind/name::message; ::warning, ::notice).
std::string format_test_sarif(const TestRunReport& report, const TestOutputOptions& options);
std::string format_test_github(const TestRunReport& report, const TestOutputOptions& options);

// Text for XML content and attribute values: & < > " ' escaped, control
// characters XML 1.0 forbids replaced by '?'.
std::string xml_escape(std::string_view s);

std::string format_test_report(const TestRunReport& report, const TestOutputOptions& options);

}  // namespace tollgate::policies::gator
