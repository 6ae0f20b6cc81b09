// yaml.unmarshal and yaml.is_valid read request data through the same YAML
// converter as policy files, under the same limits: an alias bomb of a few
// hundred bytes in a request is refused quickly, not expanded.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>

#include "rules/rego/builtins/builtin_test_support.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

namespace {

std::string alias_bomb() {
  std::string text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 9; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("yaml.unmarshal refuses an alias bomb as go-yaml does, quickly", "[builtins][yaml]") {
  auto start = std::chrono::steady_clock::now();
  BuiltinError e = call_error("yaml.unmarshal", {str(alias_bomb())});
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK_THAT(e.what(), Catch::Contains("document contains excessive aliasing"));
}

TEST_CASE("yaml.is_valid is false for an alias bomb and for too-deep nesting", "[builtins][yaml]") {
  auto start = std::chrono::steady_clock::now();
  CHECK(call("yaml.is_valid", {str(alias_bomb())}) == Value::boolean(false));
  CHECK(call("yaml.is_valid", {str(std::string(3000, '[') + std::string(3000, ']'))}) == Value::boolean(false));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(call("yaml.is_valid", {str("a: &x [1, 2]\nb: *x\n")}) == Value::boolean(true));
}
