// libFuzzer target: a CEL expression through the lexer, parser, macro
// expansion, type checker and planner of the Kubernetes environment, with
// the names a ConstraintTemplate's K8sNativeValidation sees; then, when it
// compiles, evaluated against a small object under a small cost limit and
// tight budgets. Compile errors carry a message; evaluation errors are
// values; nothing throws, nothing runs past its budget.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "rules/cel/cel.h"
#include "rules/value/json.h"

using namespace tollgate;

namespace {

struct Fixture {
  std::shared_ptr<const cel::Environment> env = cel::Environment::kubernetes();
  cel::CompileOptions options;
  cel::Activation activation;
  value::EvalLimits limits{std::chrono::milliseconds(500), 200'000, uint64_t{32} << 20};

  Fixture() {
    options.identifiers = {"object", "oldObject", "request", "namespaceObject", "params"};
    value::Value object = value::parse_json_or_throw(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
      "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}]}})");
    value::Value request = value::parse_json_or_throw(
        R"({"operation": "CREATE", "userInfo": {"username": "alice", "groups": ["dev"]}, "dryRun": false})");
    value::Value params = value::parse_json_or_throw(R"({"spec": {"parameters": {"labels": ["owner"], "max": 3}}})");
    activation.identifiers = {object, value::Value(), request, value::parse_json_or_throw(R"({"metadata": {"name": "prod"}})"),
                              params};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  cel::CompileResult compiled = fixture.env->compile(text, fixture.options);
  if (!compiled.ok()) {
    if (!compiled.error || compiled.error->message.empty()) std::abort();
    return 0;
  }
  cel::EvalOptions eval;
  eval.cost_limit = 100'000;
  eval.limits = &fixture.limits;
  cel::EvalResult result = compiled.program->evaluate(fixture.activation, eval);
  if (result.ok()) (void)value::to_json(result.value);
  return 0;
}
