// The Rego engine's public face: compile modules once, then run queries
// against input and base data as often as needed, from any thread.
//
//   auto compiled = rego::compile({{"policy.rego", text}});
//   if (!compiled.errors.empty()) ... each Error names file:line:col
//   auto query = rego::PreparedQuery::prepare(compiled.policy, "data.k8s.violation[v]");
//   rego::QueryResult r = query.query->run({.input = input});
//   for (auto& row : r.rows) row.at("v") ...
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/rego/ast.h"
#include "rules/value/eval_budget.h"
#include "rules/value/value.h"

namespace tollgate::rego {

class Tracer;  // rules/rego/trace.h: --explain events
class SharedInputMemo;  // rules/rego/eval/shared_memo.h: values shared by queries of one input.review

struct ModuleSource {
  std::string file;  // for error locations
  std::string text;
  // Syntax to parse with; nullopt = Gatekeeper's rule (v1 first, v0 when v1 fails).
  std::optional<RegoVersion> version;
};

struct CompileOptions {
  // Remove print() calls at compile time (Gatekeeper's default).
  bool strip_print = true;
  // When non-empty, a reference to data.<x> whose first segment is not a
  // package of the compiled modules and not in this list is a compile error
  // (Gatekeeper allows only data.inventory and the template's own libs).
  std::vector<std::string> allowed_data_roots;
};

class CompiledPolicy;  // immutable, shareable between threads

struct CompileResult {
  std::shared_ptr<const CompiledPolicy> policy;  // null when errors is non-empty
  std::vector<Error> errors;
};

CompileResult compile(const std::vector<ModuleSource>& modules, const CompileOptions& options = {});

struct QueryOptions {
  std::optional<Value> input;   // nullopt: `input` is undefined
  Value data;                   // base documents (an object) merged under data; null = none
  bool strict_builtin_errors = false;
  Tracer* tracer = nullptr;     // --explain
  int64_t now_ns = 0;           // time.now_ns; 0 = the wall clock at query start
  // Time, step and memory budgets (rules/value/eval_budget.h); null = the
  // process defaults. Exceeding one aborts the query with an
  // eval_cancel_error ("evaluation exceeded its time budget of 3s").
  const value::EvalLimits* limits = nullptr;
  // Comprehensions over input.<key> alone computed once for every query
  // given the same memo and the same input.<key> (Gatekeeper's per-constraint
  // queries of one review); null = none.
  SharedInputMemo* shared_memo = nullptr;
};

struct QueryResult {
  // One row per solution: every named (non-generated, non-wildcard) variable
  // of the query and its value.
  std::vector<std::map<std::string, Value>> rows;
  std::optional<Error> error;  // evaluation aborted (conflict, strict builtin error, ...)
};

class PreparedQuery {
 public:
  struct Prepared {
    std::shared_ptr<const PreparedQuery> query;  // null when errors is non-empty
    std::vector<Error> errors;
  };
  // Parses (v1 syntax unless told otherwise) and compiles a query against a
  // compiled policy (which may be an empty one: compile({})). With
  // check_types the query is also type-checked as OPA's query compiler does
  // (`opa eval`: `lower(5)` is a rego_type_error, not an undefined result);
  // Gatekeeper's own queries never need it.
  static Prepared prepare(std::shared_ptr<const CompiledPolicy> policy, const std::string& query,
                          RegoVersion version = RegoVersion::V1, bool check_types = false);

  virtual ~PreparedQuery() = default;
  virtual QueryResult run(const QueryOptions& options) const = 0;
};

// The package path (below data) of the i-th module given to compile():
// `package a.b` -> {"a", "b"}.
const std::vector<std::string>& module_package(const CompiledPolicy& policy, size_t module_index);

// The value of the document at data.<path> (a rule, a package, base data),
// or nullopt when undefined. The fast path for Gatekeeper's per-constraint
// `data.template.violation` evaluation: no query text, no result rows.
struct DocumentResult {
  std::optional<Value> value;
  std::optional<Error> error;
};
DocumentResult evaluate_document(const CompiledPolicy& policy, const std::vector<std::string>& path,
                                 const QueryOptions& options);
// The same with the path as string Values built once by the caller.
DocumentResult evaluate_document_at(const CompiledPolicy& policy, const std::vector<Value>& path,
                                 const QueryOptions& options);

namespace ir {
struct Term;
}
// data.<path> resolved against one policy's rule tree once, for a path
// queried again and again (a template's violation set, per constraint).
// Valid while the policy it was made for lives.
class DocumentRef {
 public:
  DocumentRef(const CompiledPolicy& policy, const std::vector<Value>& path);
  ~DocumentRef();
  DocumentRef(const DocumentRef&) = delete;
  DocumentRef& operator=(const DocumentRef&) = delete;
  const ir::Term& term() const { return *term_; }

 private:
  std::unique_ptr<ir::Term> term_;
};
// evaluate_document_at for a DocumentRef made for `policy`.
DocumentResult evaluate_document_at(const CompiledPolicy& policy, const DocumentRef& ref, const QueryOptions& options);

}  // namespace tollgate::rego
