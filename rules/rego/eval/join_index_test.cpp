// Equality joins over base data use an index built once per data document
// (join_index.h): the same answers as a scan, a fresh index for new data,
// errors where a scan meets them, and no rescan per query.
#include <catch2/catch.hpp>

#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/eval/eval_test_support.h"
#include "rules/value/eval_budget.h"

using namespace tollgate;
using namespace tollgate::rego;
using namespace tollgate::rego::testing;
using value::Value;

namespace {

// uniqueserviceselector's shape: a generator over data, a test reading the
// input, a key derived from the row, the join.
const char* kUniqueSelector = R"(package test
import rego.v1

flat(obj) := concat(",", sort([s | some k; v := obj.spec.selector[k]; s := concat(":", [k, v])]))

violation contains msg if {
  mine := flat(input.object)
  other := data.inventory.namespace[ns][_]["Service"][name]
  not same(other, input.object)
  theirs := flat(other)
  mine == theirs
  msg := sprintf("%v/%v", [ns, name])
}

same(a, b) if {
  a.metadata.namespace == b.metadata.namespace
  a.metadata.name == b.metadata.name
}

hosts contains h if {
  h := input.host
  other := data.inventory.namespace[ns][v]["Ingress"][name]
  startswith(v, "networking")
  other.spec.rules[_].host == h
}
)";

std::shared_ptr<const CompiledPolicy> compile_one(const std::string& text) {
  CompileResult r = compile({{"m.rego", text, RegoVersion::V1}});
  REQUIRE(r.errors.empty());
  return r.policy;
}

Value service(const std::string& ns, const std::string& name, const std::string& app) {
  return json(R"({"apiVersion":"v1","kind":"Service","metadata":{"namespace":")" + ns + R"(","name":")" + name +
              R"("},"spec":{"selector":{"app":")" + app + R"("}}})");
}

Value data_of(const std::vector<Value>& services) {
  std::vector<Value::Entry> by_ns;
  std::map<std::string, std::vector<Value::Entry>> names;
  for (const Value& s : services) {
    names[std::string(s["metadata"]["namespace"].as_string())].emplace_back(s["metadata"]["name"], s);
  }
  for (auto& [ns, entries] : names) {
    Value kinds = Value::object({{Value::string("Service"), Value::object(std::move(entries))}});
    by_ns.emplace_back(Value::string(ns), Value::object({{Value::string("v1"), kinds}}));
  }
  return Value::object(
      {{Value::string("inventory"), Value::object({{Value::string("namespace"), Value::object(std::move(by_ns))}})}});
}

std::string violations(const CompiledPolicy& policy, const Value& data, const Value& object,
                       const value::EvalLimits* limits = nullptr) {
  QueryOptions options;
  options.data = data;
  options.input = Value::object({{Value::string("object"), object}});
  options.limits = limits;
  DocumentResult r = evaluate_document(policy, {"test", "violation"}, options);
  if (r.error) return "error: " + r.error->message;
  return r.value ? value::to_json(*r.value) : "undefined";
}

}  // namespace

TEST_CASE("a join over data finds what a scan finds, query after query", "[eval][join]") {
  auto policy = compile_one(kUniqueSelector);
  Value data = data_of({service("a", "s1", "web"), service("b", "s2", "web"), service("b", "s3", "db"),
                        service("c", "s4", "web")});
  CHECK(violations(*policy, data, service("a", "s1", "web")) == R"(["b/s2","c/s4"])");
  CHECK(violations(*policy, data, service("b", "s3", "db")) == "[]");
  CHECK(violations(*policy, data, service("z", "new", "db")) == R"(["b/s3"])");
  CHECK(violations(*policy, data, service("z", "new", "none")) == "[]");
  // No selector: the empty one, which no service has.
  CHECK(violations(*policy, data, json(R"({"metadata":{"name":"x"}})")) == "[]");
}

TEST_CASE("a join whose row side iterates matches any of the row's values", "[eval][join]") {
  auto policy = compile_one(kUniqueSelector);
  Value data = json(R"({"inventory":{"namespace":{
    "a":{"networking.k8s.io/v1":{"Ingress":{"i1":{"spec":{"rules":[{"host":"x.com"},{"host":"y.com"}]}}}}},
    "b":{"extensions/v1beta1":{"Ingress":{"i2":{"spec":{"rules":[{"host":"y.com"}]}}}},
         "networking.k8s.io/v1":{"Ingress":{"i3":{"spec":{"rules":[{"host":"y.com"},{"host":"y.com"}]}}}}}}}})");
  for (int round = 0; round < 2; ++round) {
    QueryOptions options;
    options.data = data;
    options.input = json(R"({"host":"y.com"})");
    DocumentResult r = evaluate_document(*policy, {"test", "hosts"}, options);
    REQUIRE(r.value);
    CHECK(value::to_json(*r.value) == R"(["y.com"])");
    options.input = json(R"({"host":"z.com"})");
    r = evaluate_document(*policy, {"test", "hosts"}, options);
    REQUIRE(r.value);
    CHECK(value::to_json(*r.value) == "[]");
  }
}

TEST_CASE("new data is joined afresh, not through the last document's index", "[eval][join]") {
  auto policy = compile_one(kUniqueSelector);
  Value before = data_of({service("a", "s1", "web"), service("b", "s2", "web")});
  Value after = data_of({service("a", "s1", "web"), service("c", "s9", "web"), service("d", "s8", "db")});
  CHECK(violations(*policy, before, service("z", "n", "web")) == R"(["a/s1","b/s2"])");
  CHECK(violations(*policy, after, service("z", "n", "web")) == R"(["a/s1","c/s9"])");
  CHECK(violations(*policy, after, service("z", "n", "db")) == R"(["d/s8"])");
  CHECK(violations(*policy, before, service("z", "n", "db")) == "[]");
}

TEST_CASE("an error in a row's key is still reported as a scan reports it", "[eval][join]") {
  // `key` conflicts for the row whose selector has two values.
  auto policy = compile_one(R"(package test
import rego.v1

key(obj) := v if v := obj.spec.selector[_]

violation contains name if {
  mine := input.object.spec.selector.app
  other := data.inventory.namespace[_][_]["Service"][name]
  theirs := key(other)
  mine == theirs
}
)");
  Value bad = json(R"({"metadata":{"namespace":"b","name":"s2"},"spec":{"selector":{"app":"x","tier":"y"}}})");
  Value data = data_of({service("a", "s1", "web"), bad});
  std::string got = violations(*policy, data, service("z", "n", "web"));
  CHECK(got.find("functions must not produce multiple outputs") != std::string::npos);
}

TEST_CASE("a conflict in a test that reads the query is reported for rows the join would skip", "[eval][join]") {
  // `pick` reads the query's `mine`, so it runs per row after the generator;
  // it conflicts for the row whose selector has two values, which the join
  // (on app) would not reach: a scan still meets the error, and so must we.
  auto policy = compile_one(R"(package test
import rego.v1

pick(obj, want) := v if {
  v := obj.spec.selector[_]
  want != ""
}

violation contains name if {
  mine := input.object.spec.selector.app
  other := data.inventory.namespace[_][_]["Service"][name]
  pick(other, mine)
  theirs := other.spec.selector.app
  mine == theirs
}
)");
  Value bad = json(R"({"metadata":{"namespace":"b","name":"s2"},"spec":{"selector":{"app":"x","tier":"y"}}})");
  Value data = data_of({service("a", "s1", "web"), bad});
  std::string got = violations(*policy, data, service("z", "n", "web"));
  CHECK(got.find("functions must not produce multiple outputs") != std::string::npos);
}

TEST_CASE("queries after the first do not rescan the data they join with", "[eval][join]") {
  auto policy = compile_one(kUniqueSelector);
  std::vector<Value> services;
  for (int i = 0; i < 4000; ++i) {
    services.push_back(service("ns" + std::to_string(i % 50), "s" + std::to_string(i), "app" + std::to_string(i)));
  }
  Value data = data_of(services);
  // The first query builds the index: a whole scan.
  CHECK(violations(*policy, data, service("z", "n", "app7")) == R"(["ns7/s7"])");
  // A scan of 4000 services takes tens of thousands of steps; a lookup a handful.
  value::EvalLimits tight;
  tight.steps = 2000;
  for (int i = 0; i < 20; ++i) {
    std::string app = "app" + std::to_string(i * 97);
    std::string expected = R"([")" + std::string("ns") + std::to_string((i * 97) % 50) + "/s" + std::to_string(i * 97) + R"("])";
    CHECK(violations(*policy, data, service("z", "n", app), &tight) == expected);
  }
}
