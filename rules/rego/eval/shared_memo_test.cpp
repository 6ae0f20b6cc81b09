// SharedInputMemo: comprehensions over input.review alone computed once for
// the queries of one review, and nothing else shared.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"
#include "rules/rego/eval/shared_memo.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using tollgate::value::Value;

namespace {

const char* kLabels = R"(package test
provided := {l | input.review.object.metadata.labels[l]}
required := {l | l := input.parameters.labels[_]}
missing := required - provided
prefixed := {l | some l in provided; startswith(l, input.parameters.prefix)}
replaced := r if {
  r := {l | input.review.object.metadata.labels[l]} with input.review as {"object": {"metadata": {"labels": {"z": 1}}}}
}
p := [missing, prefixed, replaced]
)";

Value input_with(const Value& review, const std::string& parameters) {
  return Value::object({{Value::string("review"), review}, {Value::string("parameters"), json(parameters)}});
}

// The queries of one memo run against one compiled policy, as a PolicySet's do.
std::string eval_with_memo(const Value& input, SharedInputMemo& memo) {
  static const std::shared_ptr<const PreparedQuery> query = [] {
    auto compiled = compile({{"m.rego", kLabels, RegoVersion::V1}});
    if (!compiled.errors.empty()) throw std::runtime_error(compiled.errors[0].message);
    return PreparedQuery::prepare(compiled.policy, "x = data.test.p").query;
  }();
  QueryOptions o;
  o.input = input;
  o.shared_memo = &memo;
  QueryResult r = query->run(o);
  if (r.error) return "error: " + r.error->message;
  return r.rows.size() == 1 ? tollgate::value::to_json(r.rows[0].at("x")) : "undefined";
}

}  // namespace

TEST_CASE("queries of one review share what reads input.review alone and keep their own parameters", "[eval]") {
  Value review = json(R"({"object": {"metadata": {"labels": {"a": 1, "owner": 2}}}})");
  SharedInputMemo memo;
  CHECK(eval_with_memo(input_with(review, R"({"labels": ["owner", "x"], "prefix": "o"})"), memo) ==
        R"([["x"],["owner"],["z"]])");
  CHECK(memo.size() == 1);  // `provided` only: the others read parameters, a bound variable or a `with`
  CHECK(eval_with_memo(input_with(review, R"({"labels": ["a", "y"], "prefix": "a"})"), memo) ==
        R"([["y"],["a"],["z"]])");
  CHECK(memo.size() == 1);
}

TEST_CASE("a memo given another review starts over", "[eval]") {
  SharedInputMemo memo;
  std::string parameters = R"({"labels": ["owner"], "prefix": ""})";
  CHECK(eval_with_memo(input_with(json(R"({"object": {"metadata": {"labels": {"a": 1}}}})"), parameters), memo) ==
        R"([["owner"],["a"],["z"]])");
  CHECK(eval_with_memo(input_with(json(R"({"object": {"metadata": {"labels": {"owner": 1}}}})"), parameters), memo) ==
        R"([[],["owner"],["z"]])");
}

TEST_CASE("a memo changes nothing for an input without the review", "[eval]") {
  SharedInputMemo memo;
  CHECK(eval_with_memo(json(R"({"parameters": {"labels": ["a"], "prefix": ""}})"), memo) == R"([["a"],[],["z"]])");
  CHECK(memo.size() == 0);
}
