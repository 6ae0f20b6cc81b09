#include "webhook/metrics.h"

#include <catch2/catch.hpp>

using namespace tollgate::webhook;
using namespace std::chrono_literals;

TEST_CASE("validation requests are counted by admission status and dry run", "[metrics]") {
  Metrics metrics;
  metrics.record_validation(AdmissionStatus::Deny, false, 300us);
  metrics.record_validation(AdmissionStatus::Deny, false, 2ms);
  metrics.record_validation(AdmissionStatus::Allow, true, 100us);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_validation_request_count_total counter"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_count_total{admission_dryrun="false",admission_status="deny"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_count_total{admission_dryrun="true",admission_status="allow"} 1)"));
  // Gatekeeper's buckets: .001 holds the 300 µs request, .003 both deny requests.
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_duration_seconds_bucket{admission_status="deny",le="0.001"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_duration_seconds_bucket{admission_status="deny",le="0.003"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_duration_seconds_bucket{admission_status="deny",le="9.5"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_validation_request_duration_seconds_count{admission_status="deny"} 2)"));
  CHECK_THAT(text, !Catch::Contains(R"(admission_status="error")"));
}

TEST_CASE("mutation requests are counted by mutation status", "[metrics]") {
  Metrics metrics;
  metrics.record_mutation(MutationStatus::Success, 50us);
  metrics.record_mutation(MutationStatus::Skip, 5us);
  metrics.record_mutation(MutationStatus::Skip, 5us);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="success"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_count_total{mutation_status="skip"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_request_duration_seconds_count{mutation_status="success"} 1)"));
}

TEST_CASE("mutation system iterations are a histogram by convergence, with Gatekeeper's buckets", "[metrics]") {
  Metrics metrics;
  metrics.record_mutation_iterations(1, true);
  metrics.record_mutation_iterations(2, true);
  metrics.record_mutation_iterations(12, false);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains("# TYPE gatekeeper_mutation_system_iterations histogram"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="true",le="1"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="true",le="2"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="false",le="10"} 0)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="false",le="20"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_bucket{success="false",le="500"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutation_system_iterations_sum{success="true"} 3)"));
}

TEST_CASE("mutator gauges count active and conflicting mutators", "[metrics]") {
  Metrics metrics;
  tollgate::policies::mutation::MutatorStats stats;
  stats.mutators = 5;
  stats.conflicting = 2;
  metrics.set_mutator_stats(stats);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutators{status="active"} 3)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutators{status="error"} 2)"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_mutator_conflicting_count 2"));
  // A reload replaces the values.
  metrics.set_mutator_stats({});
  text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_mutators{status="active"} 0)"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_mutator_conflicting_count 0"));
}

TEST_CASE("policy gauges describe the loaded set", "[metrics]") {
  Metrics metrics;
  tollgate::policies::PolicyStats stats;
  stats.templates = 4;
  stats.templates_with_cel = 3;
  stats.constraints = 6;
  stats.constraints_by_action[0] = 5;  // deny
  stats.constraints_by_action[2] = 1;  // warn
  metrics.set_policy_stats(stats);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_constraints{enforcement_action="deny",status="active"} 5)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_constraints{enforcement_action="warn",status="active"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_constraints{enforcement_action="dryrun",status="active"} 0)"));
  CHECK_THAT(text, Catch::Contains(R"(gatekeeper_constraint_templates{status="active"} 4)"));
  CHECK_THAT(text, Catch::Contains("gatekeeper_constraint_templates_with_cel 3"));
}

TEST_CASE("per-constraint evaluation time and violations come from the review observer", "[metrics]") {
  Metrics metrics;
  tollgate::policies::ReviewObserver& observer = metrics;
  observer.constraint_evaluated("K8sRequiredLabels", "all-must-have-owner", "deny", 20us, 1);
  observer.constraint_evaluated("K8sRequiredLabels", "all-must-have-owner", "deny", 8us, 2);
  observer.constraint_evaluated("K8sAllowedRepos", "repos", "warn", 4us, 0);
  std::string text = metrics.render();
  CHECK_THAT(text, Catch::Contains(
      R"(tollgate_constraint_violations_total{constraint="all-must-have-owner",constraint_kind="K8sRequiredLabels",enforcement_action="deny"} 3)"));
  CHECK_THAT(text, Catch::Contains(
      R"(tollgate_constraint_violations_total{constraint="repos",constraint_kind="K8sAllowedRepos",enforcement_action="warn"} 0)"));
  CHECK_THAT(text, Catch::Contains(
      R"(tollgate_constraint_evaluation_duration_seconds_bucket{constraint="all-must-have-owner",constraint_kind="K8sRequiredLabels",le="1e-05"} 1)"));
  CHECK_THAT(text, Catch::Contains(
      R"(tollgate_constraint_evaluation_duration_seconds_count{constraint="all-must-have-owner",constraint_kind="K8sRequiredLabels"} 2)"));
}
