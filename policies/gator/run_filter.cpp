#include "policies/gator/run_filter.h"

#include <re2/re2.h>

namespace tollgate::policies::gator {
namespace {

bool compile(const std::string& pattern, std::shared_ptr<const re2::RE2>* out, std::string* error) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(pattern, options);
  if (!re->ok()) {
    *error = "invalid test filter: " + re->error();
    return false;
  }
  *out = std::move(re);
  return true;
}

bool found(const std::shared_ptr<const re2::RE2>& re, const std::string& text) {
  return re2::RE2::PartialMatch(text, *re);
}

}  // namespace

bool RunFilter::parse(const std::string& filter, RunFilter* out, std::string* error) {
  *out = RunFilter();
  if (filter.empty()) return true;
  size_t split = filter.find("//");
  if (split == std::string::npos) return compile(filter, &out->either_, error);
  if (filter.find("//", split + 2) != std::string::npos) {
    *error = "invalid test filter: a filter may include at most one \"//\"";
    return false;
  }
  return compile(filter.substr(0, split), &out->test_, error) && compile(filter.substr(split + 2), &out->case_, error);
}

bool RunFilter::matches_test(const Test& test) const {
  if (test_) return found(test_, test.name);
  if (!either_) return true;
  if (found(either_, test.name)) return true;
  for (const Case& c : test.cases) {
    if (matches_case(test.name, c.name)) return true;
  }
  return false;
}

bool RunFilter::matches_case(const std::string& test_name, const std::string& case_name) const {
  if (test_) return found(case_, case_name) && found(test_, test_name);
  if (!either_) return true;
  return found(either_, case_name) || found(either_, test_name);
}

}  // namespace tollgate::policies::gator
