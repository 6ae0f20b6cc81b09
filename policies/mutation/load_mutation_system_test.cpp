#include "policies/mutation/load_mutation_system.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "policies/mutation/test_support.h"

using namespace tollgate::policies;
namespace fs = std::filesystem;

namespace {

class MutatorDir {
 public:
  explicit MutatorDir(const std::string& name) : path_(fs::temp_directory_path() / ("tollgate-mutation-" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~MutatorDir() { fs::remove_all(path_); }
  std::string write(const std::string& file, const std::string& text) {
    fs::path p = path_ / file;
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("mutator loading: a directory with only mutators is a policy set", "[mutation]") {
  MutatorDir dir("only-mutators");
  dir.write("assign.yaml", R"(apiVersion: mutations.gatekeeper.sh/v1beta1
kind: Assign
metadata: {name: default-pull-policy}
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  location: spec.containers[name:*].imagePullPolicy
  parameters: {assign: {value: Always}}
---
apiVersion: mutations.gatekeeper.sh/v1alpha1
kind: AssignMetadata
metadata: {name: owner}
spec:
  location: metadata.labels.owner
  parameters: {assign: {value: platform}}
)");
  LoadResult r = PolicySet::load({dir.path()});
  INFO(testing::joined_errors(r.errors));
  REQUIRE(r.policies);
  CHECK(r.policies->stats().templates == 0);
  CHECK(r.policies->stats().mutators == 2);
  auto result = mutation::testing::mutate(
      *r.policies, testing::yaml("{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: a}]}}"));
  CHECK(result.object["spec"]["containers"].items()[0]["imagePullPolicy"] == tollgate::value::Value::string("Always"));
  CHECK(result.object["metadata"]["labels"]["owner"] == tollgate::value::Value::string("platform"));
}

TEST_CASE("mutator loading: errors name the file, line and column of the field", "[mutation]") {
  MutatorDir dir("errors");
  std::string file = dir.write("bad.yaml", R"(apiVersion: mutations.gatekeeper.sh/v1
kind: Assign
metadata:
  name: bad-location
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod]}]
  location: "spec.containers[name: ].image"
  parameters:
    assign:
      value: 1
---
apiVersion: mutations.gatekeeper.sh/v1
kind: ModifySet
metadata:
  name: bad-op
spec:
  applyTo: [{groups: [''], versions: [v1], kinds: [Pod], operations: [DELETE]}]
  location: spec.args
  parameters:
    operation: replace
)");
  LoadResult r = PolicySet::load({dir.path()});
  CHECK_FALSE(r.policies);
  REQUIRE(r.errors.size() == 3);
  CHECK(r.errors[0].to_string() == file +
                                       ":7:3: invalid location format `spec.containers[name: ].image` for Assign "
                                       "bad-location: expected a key value or '*' after ':', got ']' at position 22");
  CHECK(r.errors[1].to_string() == file +
                                       ":17:71: invalid applyTo for ModifySet mutator bad-op: invalid operation "
                                       "\"DELETE\" in applyTo[0].operations: must be one of CREATE, UPDATE, *");
  CHECK(r.errors[2].to_string() == file + ":20:5: unrecognized operation for modifyset: replace (merge, prune)");
}
