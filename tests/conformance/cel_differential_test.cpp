// Runs ../shared/testdata/cel-differential/cases.jsonl: 3,000 CEL expressions
// with cel-go v0.22's answers under the Kubernetes 1.32 environment (the one
// Gatekeeper v3.19.3 runs K8sNativeValidation in). Each expression is compiled
// as a template's expression is (object, oldObject, params, namespaceObject
// and request declared dyn) and evaluated against the case's object.
//
// Agreement, as the corpus README defines it: the same value and the same
// type (numbers inside lists and maps by value and kind); both fail at run
// time; or both refuse the expression before evaluating it (run time against
// compile time is a disagreement). For the cases where Go's map order made
// cel-go's answer vary, any recorded alternative agrees, a list also in
// another order.
//
// Every disagreement must be listed in
// tests/conformance/cel_differential_known_failures.txt (`<id>  # reason`);
// listed cases that agree are reported so the list can shrink.
// TOLLGATE_CEL_DIFF_VERBOSE=1 prints every disagreement.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rules/cel/cel.h"
#include "rules/cel/typed_json.h"
#include "rules/value/json.h"
#include "tests/conformance/known_failures.h"

namespace {

using json = nlohmann::json;
using tollgate::value::Value;

const char* const kKnownFailuresFile = "tests/conformance/cel_differential_known_failures.txt";

// What Tollgate answered, in the corpus's own form.
json tollgate_answer(const std::string& expression, const Value& object) {
  static const std::vector<std::string> kIdentifiers = {"object", "oldObject", "params", "namespaceObject", "request"};
  tollgate::cel::CompileOptions options;
  options.identifiers = kIdentifiers;
  auto compiled = tollgate::cel::Environment::kubernetes()->compile(expression, options);
  if (!compiled.ok()) return json{{"compile_error", compiled.error->message}};
  tollgate::cel::Activation activation;
  activation.identifiers = {object, Value::null(), Value::null(), Value::null(), Value::null()};
  auto result = compiled.program->evaluate(activation);
  if (!result.ok()) return json{{"error", *result.error}};
  return tollgate::cel::typed_json(result.value);
}

std::string kind_of(const json& answer) {
  if (answer.contains("compile_error")) return "compile_error";
  if (answer.contains("error")) return "error";
  return "value";
}

bool same_answer(const json& expected, const json& actual, bool any_order) {
  const std::string kind = kind_of(expected);
  if (kind != kind_of(actual)) return false;
  if (kind != "value") return true;
  if (expected.at("type") != actual.at("type")) return false;
  if (tollgate::cel::typed_json_equal(expected.at("value"), actual.at("value"))) return true;
  if (!any_order || !expected.at("value").is_array() || !actual.at("value").is_array()) return false;
  // The same elements in another order.
  std::vector<json> rest(actual.at("value").begin(), actual.at("value").end());
  if (rest.size() != expected.at("value").size()) return false;
  for (const auto& e : expected.at("value")) {
    auto it = std::find_if(rest.begin(), rest.end(),
                           [&](const json& a) { return tollgate::cel::typed_json_equal(e, a); });
    if (it == rest.end()) return false;
    rest.erase(it);
  }
  return true;
}

struct Tally {
  size_t agree = 0;
  size_t total = 0;
};

}  // namespace

TEST_CASE("CEL answers agree with cel-go on the generated Kubernetes expressions", "[cel-differential]") {
  const std::string path = std::string(TOLLGATE_SHARED_DIR) + "/testdata/cel-differential/cases.jsonl";
  std::ifstream in(path);
  if (!in) FAIL("cel-differential corpus not found at " << path);
  const auto known =
      tollgate::conformance::load_known_failures(std::string(TOLLGATE_SOURCE_DIR) + "/" + kKnownFailuresFile);
  for (const auto& [id, reason] : known) {
    INFO("known failure without a reason: " << id);
    CHECK(!reason.empty());
  }
  const bool verbose = std::getenv("TOLLGATE_CEL_DIFF_VERBOSE") != nullptr;

  Tally all;
  std::map<std::string, Tally> by_kind, by_tag;
  std::vector<std::string> unexpected, fixed;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const json c = json::parse(line);
    const std::string id = c.at("id").get<std::string>();
    const std::string expression = c.at("expr").get<std::string>();
    std::vector<json> accepted;
    const bool nondeterministic = c.value("celgo_nondeterministic", false);
    if (nondeterministic) {
      for (const auto& a : c.at("celgo_alternatives")) accepted.push_back(a);
    } else {
      accepted.push_back(c.at("celgo"));
    }

    json actual;
    Value object;
    tollgate::value::JsonError parse_error;
    if (!tollgate::value::parse_json(c.at("object").get<std::string>(), &object, &parse_error)) {
      actual = json{{"harness_error", "object does not parse: " + parse_error.message}};
    } else {
      try {
        actual = tollgate_answer(expression, object);
      } catch (const std::exception& e) {
        actual = json{{"harness_error", std::string("exception: ") + e.what()}};
      }
    }
    bool agree = false;
    for (const auto& expected : accepted) agree = agree || same_answer(expected, actual, nondeterministic);

    const std::string kind = kind_of(accepted.front());
    for (Tally* t : {&all, &by_kind[kind]}) {
      ++t->total;
      if (agree) ++t->agree;
    }
    for (const auto& tag : c.value("tags", json::array())) {
      Tally& t = by_tag[tag.get<std::string>()];
      ++t.total;
      if (agree) ++t.agree;
    }
    if (agree) {
      if (known.count(id)) fixed.push_back(id);
      continue;
    }
    const std::string detail = id + " [" + expression + "]: cel-go " + accepted.front().dump() + ", Tollgate " +
                               actual.dump();
    if (verbose) std::cout << "  DIFF " << detail << "\n";
    if (!known.count(id)) unexpected.push_back(detail);
  }

  std::cout << "cel-differential: " << all.agree << "/" << all.total << " agree\n";
  for (const auto& [kind, t] : by_kind) std::cout << "  " << kind << ": " << t.agree << "/" << t.total << "\n";
  std::cout << "  by tag:";
  for (const auto& [tag, t] : by_tag) std::cout << " " << tag << " " << t.agree << "/" << t.total;
  std::cout << "\n";
  if (!fixed.empty()) {
    std::cout << "  listed in " << kKnownFailuresFile << " but agree now (remove them):";
    for (const auto& id : fixed) std::cout << " " << id;
    std::cout << "\n";
  }
  CHECK(all.total == 3000);
  std::string listing;
  for (const auto& u : unexpected) listing += "\n  " + u;
  INFO("disagreements not listed in " << kKnownFailuresFile << ":" << listing);
  CHECK(unexpected.empty());
}
