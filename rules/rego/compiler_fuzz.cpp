// libFuzzer target: Rego modules through the parser and the compiler as a
// ConstraintTemplate's code is compiled (v1 syntax first, v0 when v1 fails;
// data references only under lib and inventory), then, when they compile,
// the first module's package evaluated against a small review under tight
// budgets. The input is one module, or several separated by a line "----".
// Compile errors and evaluation errors are values; nothing throws, nothing
// runs past its budget.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/rego.h"
#include "rules/value/json.h"

using namespace tollgate;

namespace {

const value::Value& review_input() {
  static const value::Value input = value::parse_json_or_throw(R"({
    "parameters": {"labels": ["owner"], "repos": ["registry.example.com/"], "max": 3},
    "review": {"kind": {"group": "", "version": "v1", "kind": "Pod"}, "operation": "CREATE",
      "object": {"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.25",
          "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}}}]}}}})");
  return input;
}

const value::EvalLimits& fuzz_limits() {
  static const value::EvalLimits limits{std::chrono::milliseconds(500), 200'000, uint64_t{32} << 20};
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<rego::ModuleSource> modules;
  constexpr std::string_view kSeparator = "\n----\n";
  while (true) {
    size_t at = text.find(kSeparator);
    modules.push_back({"m" + std::to_string(modules.size()) + ".rego", std::string(text.substr(0, at)), std::nullopt});
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + kSeparator.size());
  }
  rego::CompileOptions options;
  options.allowed_data_roots = {"lib", "inventory"};
  rego::CompileResult compiled = rego::compile(modules, options);
  if (!compiled.errors.empty()) {
    for (const rego::Error& e : compiled.errors) {
      if (e.message.empty()) std::abort();
    }
    return 0;
  }
  if (!compiled.policy) std::abort();
  rego::QueryOptions query;
  query.input = review_input();
  query.limits = &fuzz_limits();
  query.now_ns = 1'700'000'000'000'000'000;
  rego::DocumentResult result = rego::evaluate_document(*compiled.policy, rego::module_package(*compiled.policy, 0), query);
  if (result.value) (void)value::to_json(*result.value);
  return 0;
}
