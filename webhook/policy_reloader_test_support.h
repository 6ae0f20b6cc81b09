// What the policy reload tests share: a required-labels constraint, the
// denial /validate gives a bare Namespace (which shows the set in service),
// and a metric's value.
#pragma once

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "webhook/admission_router.h"
#include "webhook/metrics.h"
#include "webhook/policy_reloader.h"

namespace tollgate::webhook::testing {

inline const char* kReloadSuccesses = R"(tollgate_policy_reload_total{status="success"})";
inline const char* kReloadErrors = R"(tollgate_policy_reload_total{status="error"})";

inline std::string required_label_constraint(const std::string& label) {
  return "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n"
         "  name: must-have-" + label + "\nspec:\n  match:\n    kinds:\n      - apiGroups: [\"\"]\n"
         "        kinds: [\"Namespace\"]\n  parameters:\n    labels:\n      - key: " + label + "\n";
}

// The library's required-labels template.
inline std::string required_labels_template_file() {
  return std::string(TOLLGATE_SHARED_DIR) +
         "/testdata/gatekeeper-library/library/general/requiredlabels/template.yaml";
}

inline double metric(const Metrics& metrics, const std::string& series) {
  std::string text = metrics.render();
  size_t at = text.find(series + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size() + 1));
}

// The status message /validate gives a Namespace without labels.
inline std::string denial_message(AdmissionRouter& router) {
  HttpRequest request(http::verb::post, "/validate", 11);
  request.set(http::field::content_type, "application/json");
  request.body() =
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1",)"
      R"("kind":{"group":"","version":"v1","kind":"Namespace"},"operation":"CREATE","name":"bare",)"
      R"("object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bare"}}}})";
  request.prepare_payload();
  auto review = nlohmann::json::parse(router.handle(request).body());
  return review["response"]["status"].value("message", "");
}

// A router served by a reloader over `paths` (polling every `poll_interval`),
// with the policies loaded once.
struct ReloadedRouter {
  ReloadedRouter(const std::vector<std::string>& paths, std::chrono::milliseconds poll_interval) : router(metrics) {
    reloader = std::make_shared<PolicyReloader>(io, paths, fingerprint_policy_files(paths), router, metrics,
                                                poll_interval);
    REQUIRE(reloader->reload("test setup"));
  }
  Metrics metrics;
  AdmissionRouter router;
  boost::asio::io_context io;
  std::shared_ptr<PolicyReloader> reloader;
};

}  // namespace tollgate::webhook::testing
