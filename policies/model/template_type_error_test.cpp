// Gatekeeper refuses a ConstraintTemplate whose Rego OPA's type checker
// refuses; Tollgate refuses it at load, at the call's place in the YAML.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "policies/model/loader.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
namespace fs = std::filesystem;

namespace {

const char* kTemplate = R"(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8slowered
spec:
  crd:
    spec:
      names:
        kind: K8sLowered
  targets:
  - target: admission.k8s.gatekeeper.sh
    rego: |
      package k8slowered
      violation[{"msg": msg}] { msg := lower(5) }
)";

}  // namespace

TEST_CASE("loader: a template calling a builtin with a wrong argument type is refused at the call in the YAML",
          "[loader][types]") {
  fs::path dir = fs::temp_directory_path() / "tollgate-loader-type-error";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string file = (dir / "t.yaml").string();
  std::ofstream(file) << kTemplate;
  LoadResult r = PolicySet::load({dir.string()});
  fs::remove_all(dir);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].file == file);
  // `rego: |` is on line 12; the Rego's second line is line 14, indented 6,
  // and `lower` starts at its column 34.
  CHECK(r.errors[0].line == 14);
  CHECK(r.errors[0].column == 6 + 34);
  CHECK_THAT(r.errors[0].message,
             Catch::StartsWith("template k8slowered: rego_type_error: lower: invalid argument(s)"));
}
