// The `--run` filter of gator verify: "A//B" runs cases whose test name
// matches A and whose case name matches B; "A" runs a case when its test
// name or its own name matches A. Patterns are RE2, unanchored.
#pragma once

#include <memory>
#include <string>

#include "policies/gator/suite.h"

namespace re2 { class RE2; }

namespace tollgate::policies::gator {

class RunFilter {
 public:
  // An empty filter matches everything. Returns false with gator's error
  // text for a bad pattern or more than one "//".
  static bool parse(const std::string& filter, RunFilter* out, std::string* error);

  bool matches_test(const Test& test) const;
  bool matches_case(const std::string& test_name, const std::string& case_name) const;

 private:
  std::shared_ptr<const re2::RE2> either_;  // "A": test or case name
  std::shared_ptr<const re2::RE2> test_;    // "A//B": test name
  std::shared_ptr<const re2::RE2> case_;    // "A//B": case name
};

}  // namespace tollgate::policies::gator
