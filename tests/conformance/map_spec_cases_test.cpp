// Runs the MutatingAdmissionPolicy test cases of
// ../shared/spec/vap-semantics.md §8.11 (read from the spec, fixtures per
// §8.1: vap_spec_fixtures.h) through the MutatingAdmissionPolicy engine, and
// prints the pass count. The policies load as stored (no API validation:
// A07 is a runtime-only configuration). An expected `object` lists only the
// fields that differ from the request's object, so it is merged over it.
//
// Every failing case must be listed in
// tests/conformance/map_spec_known_failures.txt (`<id>  # reason`).
// TOLLGATE_VAP_SPEC_VERBOSE=1 prints every failure.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "policies/model/parse_context.h"
#include "policies/vap/mutating_policy_engine.h"
#include "rules/value/json.h"
#include "tests/conformance/known_failures.h"
#include "tests/conformance/vap_spec_fixtures.h"

namespace {

using tollgate::value::Value;
namespace spec = tollgate::conformance::vap_spec;
namespace vap = tollgate::policies::vap;

const char* const kKnownFailuresFile = "tests/conformance/map_spec_known_failures.txt";

std::vector<Value> merged_list(const Value& base, const Value& fixture, std::string_view plural,
                               std::string_view single) {
  std::vector<Value> out;
  if (const Value* list = fixture.find(plural); list != nullptr && list->is_array()) {
    for (const Value& item : list->items()) out.push_back(spec::deep_merge(base, item));
    return out;
  }
  const Value* one = fixture.find(single);
  out.push_back(one == nullptr ? base : spec::deep_merge(base, *one));
  return out;
}

class Namespaces final : public vap::NamespaceLookup {
 public:
  void add(const Value& ns) { namespaces_.push_back(ns); }
  const Value* find_namespace(std::string_view name) const override {
    for (const Value& ns : namespaces_)
      if (ns["metadata"]["name"].string_or("") == name) return &ns;
    return nullptr;
  }

 private:
  std::vector<Value> namespaces_;
};

// The expected object over the request's: maps merge, except that an
// expected map of scalars (labels) may stand for the whole map, as when a
// JSON Patch `add` replaced it (A11).
Value expected_object(const Value& input, const Value& expected, bool scalar_maps_whole) {
  if (!input.is_object() || !expected.is_object()) return expected;
  if (scalar_maps_whole && expected.size() > 0) {
    bool scalars = true;
    for (const auto& [k, v] : expected.entries()) scalars = scalars && !v.is_object() && !v.is_array();
    bool input_scalars = true;  // and the map it replaces held only scalars too
    for (const auto& [k, v] : input.entries()) input_scalars = input_scalars && !v.is_object() && !v.is_array();
    if (scalars && input_scalars) return expected;
  }
  std::vector<Value::Entry> entries;
  for (const auto& [k, v] : input.entries()) {
    const Value* e = expected.find(k);
    if (e == nullptr) entries.emplace_back(k, v);
    else if (!e->is_null()) entries.emplace_back(k, expected_object(v, *e, scalar_maps_whole));
  }
  for (const auto& [k, v] : expected.entries())
    if (input.find(k) == nullptr) entries.emplace_back(k, v);
  return Value::object(std::move(entries));
}

std::string q(std::string_view s) { return tollgate::value::to_json(Value::string(s)); }

// Empty when the engine's answer meets `expect`; else what differs.
std::string run_case(const spec::Bases& bases, const Value& fixture) {
  std::vector<tollgate::policies::LoadError> errors;
  tollgate::policies::ObjectOrigin origin;
  tollgate::policies::ParseContext ctx(origin, errors);
  std::vector<vap::MutatingAdmissionPolicy> policies;
  std::vector<vap::MutatingAdmissionPolicyBinding> bindings;
  for (const Value& p : merged_list(bases.map, fixture, "maps", "map"))
    if (auto parsed = vap::parse_mutating_policy(p, ctx)) policies.push_back(std::move(*parsed));
  for (const Value& b : merged_list(bases.map_binding, fixture, "mapBindings", "mapBinding"))
    if (auto parsed = vap::parse_mutating_policy_binding(b, ctx)) bindings.push_back(std::move(*parsed));
  std::vector<Value> params;
  for (const Value& k : bases.kinds.items()) params.push_back(spec::crd_for(k));
  if (const Value* list = fixture.find("params"); list != nullptr && list->is_array())
    for (const Value& o : list->items()) params.push_back(o);
  Namespaces namespaces;
  for (const Value& ns : bases.namespaces.items()) namespaces.add(ns);
  if (const Value* list = fixture.find("namespaces"); list != nullptr && list->is_array())
    for (const Value& ns : list->items()) namespaces.add(ns);

  auto engine = vap::MutatingPolicyEngine::build(std::move(policies), std::move(bindings), std::move(params));
  const Value request =
      fixture.find("request") ? spec::deep_merge(bases.map_request, fixture["request"]) : bases.map_request;
  const vap::MapOutcome o = engine->evaluate(request, namespaces);

  const Value& expect = fixture["expect"];
  std::string diff;
  const bool want_allowed = !expect["allowed"].is_bool() || expect["allowed"].as_bool();
  if (want_allowed != o.allowed) diff += std::string("allowed ") + (o.allowed ? "true" : "false") + "; ";
  if (!o.allowed) {
    if (expect["code"].is_int() && expect["code"].as_int() != o.code) diff += "code " + std::to_string(o.code) + "; ";
    if (expect["reason"].is_string() && expect["reason"].as_string() != o.reason) diff += "reason " + o.reason + "; ";
    if (expect["message"].is_string() && expect["message"].as_string() != o.message) diff += "message " + q(o.message) + "; ";
    if (expect["messageContains"].is_string() && o.message.find(expect["messageContains"].as_string()) == std::string::npos)
      diff += "message " + q(o.message) + " does not contain " + q(expect["messageContains"].as_string()) + "; ";
  } else if (o.allowed && !o.message.empty()) {
    diff += "message " + q(o.message) + "; ";
  }
  if (want_allowed) {
    const Value& want = expect.find("object") ? expect["object"] : Value::empty_object();
    if (!(expected_object(request["object"], want, false) == o.object) &&
        !(expected_object(request["object"], want, true) == o.object))
      diff += "object " + tollgate::value::to_json(o.object) + "; ";
  }
  return diff;
}

}  // namespace

TEST_CASE("MutatingAdmissionPolicy cases of the spec pass", "[vap]") {
  const std::string path = std::string(TOLLGATE_SHARED_DIR) + "/spec/vap-semantics.md";
  spec::Spec s = spec::load_spec(path);
  int total = 0;
  const std::vector<std::string> unexpected = spec::run_sections(
      s, "vap spec §8 (MutatingAdmissionPolicy):", [](const std::string& title) { return title.rfind("8.11 ", 0) == 0; },
      [&](const spec::SpecCase& c) {
        return run_case(s.bases, c.fixture);
      },
      kKnownFailuresFile, &total);
  CHECK(total > 0);
  INFO("failures not listed in " << kKnownFailuresFile << ":"
                                 << tollgate::conformance::first_lines(unexpected, 60, "TOLLGATE_VAP_SPEC_VERBOSE"));
  CHECK(unexpected.empty());
}
