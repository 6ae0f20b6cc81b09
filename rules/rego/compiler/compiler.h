// The compiler driver: parsed modules -> CompiledPolicy, and query text ->
// a compiled query against a policy. Runs the passes in order: rule tree,
// name resolution, safety and reordering, recursion check, rule indexing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/rego/compiler/compiled_policy.h"
#include "rules/rego/compiler/ir.h"
#include "rules/rego/rego.h"

namespace tollgate::rego::compiler {

struct PolicyCompilation {
  std::shared_ptr<CompiledPolicy> policy;  // null on errors
  std::vector<Error> errors;
};

PolicyCompilation compile_modules(std::vector<Module> modules, const CompileOptions& options);

// A query compiled against a policy: its body, frame size and the named
// variables reported in result rows.
struct CompiledQuery {
  ir::Body body;
  uint32_t frame_size = 0;
  std::vector<std::pair<std::string, uint32_t>> outputs;  // name -> slot, in first-occurrence order
};

std::optional<CompiledQuery> compile_query(const CompiledPolicy& policy, const Query& query, RegoVersion version,
                                           std::vector<Error>& errors,
                                           bool check_types = false);

}  // namespace tollgate::rego::compiler
