#include "policies/gator/engine.h"

#include "policies/gator/review_builder.h"

namespace tollgate::policies::gator {
namespace {

EngineBuild build_engine_with(const std::vector<Value>& objects, const std::vector<Value>& params,
                              EnginePreference engine, const std::string& vap_environment) {
  LoadOptions options;
  options.engine = engine;
  options.vap_environment = vap_environment;
  options.admission_policy_params = params;
  options.allow_unsupported_templates = true;
  EngineBuild build;
  LoadResult loaded = PolicySet::from_objects(objects, options);
  build.warnings = std::move(loaded.warnings);
  if (!loaded.errors.empty() || !loaded.policies) {
    build.errors = std::move(loaded.errors);
    if (build.errors.empty()) build.errors.push_back(LoadError{"", 0, 0, "the policy engine returned no policies"});
    return build;
  }
  build.policies = std::move(loaded.policies);
  for (const Value& object : objects) {
    GroupVersionKind gvk = gvk_of(object);
    if (gvk.group != "templates.gatekeeper.sh" || gvk.kind != "ConstraintTemplate") continue;
    std::string kind(object["spec"]["crd"]["spec"]["names"]["kind"].string_or(""));
    std::string reason;
    if (!build.policies->template_supported(kind, &reason)) {
      build.unsupported.push_back(reason);
    }
  }
  return build;
}

}  // namespace

EngineBuild build_engine(const std::vector<Value>& objects, const std::vector<Value>& params) {
  return build_engine_with(objects, params, EnginePreference::Auto, "1.32");
}

EngineFactory engine_factory(EnginePreference engine, std::string vap_environment) {
  return [engine, vap_environment = std::move(vap_environment)](const std::vector<Value>& objects,
                                                                const std::vector<Value>& params) {
    return build_engine_with(objects, params, engine, vap_environment);
  };
}

std::string describe_errors(const std::vector<LoadError>& errors) {
  std::string out;
  for (const LoadError& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.to_string();
  }
  return out;
}

}  // namespace tollgate::policies::gator
