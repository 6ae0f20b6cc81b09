#include "policies/gator/assertion.h"

#include <re2/re2.h>

#include <cstdint>
#include <memory>

#include "policies/gator/go_format.h"
#include "rules/value/go_quote.h"

namespace tollgate::policies::gator {
namespace {

constexpr const char* kNumViolations = "unexpected number of violations";
constexpr const char* kBadViolations =
    "invalid yaml: assertion.violation, if set, must be a nonnegative integer, \"yes\", or \"no\"";

std::string containing(const Assertion& a) {
  return a.message ? " containing " + value::go_quote(*a.message) : std::string();
}

struct Expectation {
  enum Mode { AtLeastOne, None, Exactly } mode = AtLeastOne;
  int64_t count = 0;
};

// What a `violations:` value asks for; false when it is none of yes, no or
// an integer >= 0.
bool parse_expectation(const Value& violations, Expectation* out) {
  if (violations.is_null()) return true;
  if (violations.is_string()) {
    if (violations.as_string() == "yes") { out->mode = Expectation::AtLeastOne; return true; }
    if (violations.as_string() == "no") { out->mode = Expectation::None; return true; }
    return false;
  }
  out->mode = Expectation::Exactly;
  if (violations.is_int()) out->count = violations.as_int();
  else if (violations.is_uint() && violations.as_uint() <= INT64_MAX) out->count = static_cast<int64_t>(violations.as_uint());
  else return false;
  return out->count >= 0;
}

}  // namespace

std::string check_assertion(const Assertion& assertion, const std::vector<Result>& results) {
  std::unique_ptr<RE2> pattern;
  if (assertion.message) {
    RE2::Options options;
    options.set_log_errors(false);
    pattern = std::make_unique<RE2>(*assertion.message, options);
    if (!pattern->ok()) return "message contains invalid regular expression: " + pattern->error();
  }

  int64_t matching = 0;
  std::vector<std::string> messages;
  for (const Result& r : results) {
    messages.push_back(r.message);
    if (!pattern || RE2::PartialMatch(r.message, *pattern)) ++matching;
  }

  Expectation want;
  if (!parse_expectation(assertion.violations, &want)) return kBadViolations;

  std::string got = "got " + std::to_string(matching) + " violations" + containing(assertion);
  std::string failure;
  switch (want.mode) {
    case Expectation::AtLeastOne:
      if (matching == 0) failure = got + " but want at least 1";
      break;
    case Expectation::None:
      if (matching > 0) failure = got + " but want none";
      break;
    case Expectation::Exactly:
      if (matching != want.count) failure = got + " but want exactly " + std::to_string(want.count);
      break;
  }
  if (failure.empty()) return {};
  return std::string(kNumViolations) + ": " + failure + ": got messages " + go_string_list(messages);
}

}  // namespace tollgate::policies::gator
