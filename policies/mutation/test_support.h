// Helpers shared by the mutation tests: policy sets from YAML text and a
// mutation request shaped like the webhook's.
#pragma once

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "policies/mutation/mutation_system.h"
#include "policies/policy_set.h"
#include "policies/review_request.h"
#include "policies/test_support.h"

namespace tollgate::policies::mutation::testing {

// The policy set of a YAML text; the test fails on load errors.
inline std::shared_ptr<const PolicySet> load(std::string_view yaml_text) {
  LoadResult r = PolicySet::from_objects(policies::testing::yaml_all(yaml_text));
  INFO(policies::testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  return r.policies;
}

// The load errors of a YAML text (messages only).
inline std::vector<std::string> load_errors(std::string_view yaml_text) {
  LoadResult r = PolicySet::from_objects(policies::testing::yaml_all(yaml_text));
  std::vector<std::string> out;
  for (const LoadError& e : r.errors) out.push_back(e.message);
  return out;
}

// The first load error; the test fails when loading succeeds.
inline std::string load_error(std::string_view yaml_text) {
  std::vector<std::string> errors = load_errors(yaml_text);
  REQUIRE(!errors.empty());
  return errors.front();
}

// Mutates `object` the way the webhook does for a request of `operation`
// ("" = no operation, as gator); the request namespace is the object's.
inline MutationResult mutate(const PolicySet& policies, const value::Value& object,
                             std::string_view operation = "CREATE") {
  MutationRequest request;
  request.object = object;
  request.request = admission_request_for_object(object, operation);
  return policies.mutation().mutate(request);
}

}  // namespace tollgate::policies::mutation::testing
