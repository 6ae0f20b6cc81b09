// The gatekeeper-library template k8spspallowprivilegeescalationcontainer
// run as `tollgate test` runs it: a container whose securityContext exists
// but does not set allowPrivilegeEscalation may escalate its privileges, so
// the Pod is denied, by the Rego code as by the CEL code. (The Rego clause
// `not c.securityContext.allowPrivilegeEscalation == false` holds when the
// field is missing: OPA evaluates the compared ref inside the `not`.)
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli/command_test_support.h"

namespace {

using tollgate::cli::testing::Run;
using tollgate::cli::testing::run;

const std::string kTemplateDir =
    std::string(TOLLGATE_SHARED_DIR) + "/testdata/gatekeeper-library/library/pod-security-policy/allow-privilege-escalation";

std::string pod_with(const std::string& security_context) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: default\nspec:\n  containers:\n"
         "  - name: nginx\n    image: nginx\n" +
         security_context;
}

Run review(const std::string& engine, const std::string& pod) {
  const auto dir = std::filesystem::temp_directory_path() / ("tollgate-privesc-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / "pod.yaml";
  std::ofstream(file) << pod;
  Run r = run({"test", "-f", file.string(), "--policies", kTemplateDir + "/template.yaml", "--policies",
               kTemplateDir + "/samples/psp-allow-privilege-escalation-container/constraint.yaml", "--engine", engine});
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace

TEST_CASE("a container whose securityContext leaves allowPrivilegeEscalation unset is denied (Rego and CEL)",
          "[conformance][privilege-escalation]") {
  for (const std::string engine : {"rego", "cel", "all"}) {
    INFO("--engine " << engine);
    Run empty = review(engine, pod_with("    securityContext: {}\n"));
    INFO(empty.out << empty.err);
    CHECK(empty.code == 1);
    CHECK(empty.out.find("Privilege escalation container is not allowed: nginx") != std::string::npos);

    Run other_field = review(engine, pod_with("    securityContext:\n      runAsNonRoot: true\n"));
    INFO(other_field.out << other_field.err);
    CHECK(other_field.code == 1);

    Run no_context = review(engine, pod_with(""));
    CHECK(no_context.code == 1);
  }
}

TEST_CASE("a container that sets allowPrivilegeEscalation: false is allowed (Rego and CEL)",
          "[conformance][privilege-escalation]") {
  for (const std::string engine : {"rego", "cel", "all"}) {
    INFO("--engine " << engine);
    Run r = review(engine, pod_with("    securityContext:\n      allowPrivilegeEscalation: false\n"));
    INFO(r.out << r.err);
    CHECK(r.code == 0);
    CHECK(review(engine, pod_with("    securityContext:\n      allowPrivilegeEscalation: true\n")).code == 1);
  }
}
