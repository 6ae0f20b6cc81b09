#include "rules/rego/rego.h"

#include "rules/rego/compiler/compiler.h"
#include "rules/rego/eval/evaluator.h"
#include "rules/rego/parser.h"

namespace tollgate::rego {

namespace {

// OPA's code for a query stopped from outside (its cancellation).
Error budget_error(const value::BudgetExceeded& e) { return Error{"eval_cancel_error", e.message, "", {}}; }

class CompiledQueryRunner : public PreparedQuery {
 public:
  CompiledQueryRunner(std::shared_ptr<const CompiledPolicy> policy, compiler::CompiledQuery query, std::string text)
      : policy_(std::move(policy)), query_(std::move(query)), text_(std::move(text)) {}

  QueryResult run(const QueryOptions& options) const override {
    QueryResult out;
    try {
      eval::Evaluator evaluator(*policy_, options);
      eval::FrameBuffer frame(query_.frame_size);
      eval::Frame f = frame.slots();
      evaluator.run(
          query_.body, f,
          [&] {
            std::map<std::string, Value> row;
            for (const auto& [name, slot] : query_.outputs) {
              if (f[slot] != nullptr) row.emplace(name, *f[slot]);
            }
            out.rows.push_back(std::move(row));
            return true;
          },
          text_);
      // OPA's Query.Iter: the first strict builtin error, with the rows.
      if (evaluator.strict_builtin_error()) out.error = *evaluator.strict_builtin_error();
    } catch (const eval::EvalAbort& abort) {
      out.rows.clear();
      out.error = abort.error;
    } catch (const value::BudgetExceeded& e) {
      out.rows.clear();
      out.error = budget_error(e);
    }
    return out;
  }

 private:
  std::shared_ptr<const CompiledPolicy> policy_;
  compiler::CompiledQuery query_;
  std::string text_;
};

}  // namespace

CompileResult compile(const std::vector<ModuleSource>& modules, const CompileOptions& options) {
  CompileResult out;
  std::vector<Module> parsed;
  parsed.reserve(modules.size());
  for (const auto& source : modules) {
    ParseResult r = source.version ? parse_module(source.file, source.text, *source.version)
                                   : parse_module_any(source.file, source.text);
    if (!r.errors.empty() || !r.module) {
      out.errors.insert(out.errors.end(), r.errors.begin(), r.errors.end());
      continue;
    }
    parsed.push_back(std::move(*r.module));
  }
  if (!out.errors.empty()) return out;
  auto compiled = compiler::compile_modules(std::move(parsed), options);
  out.errors = std::move(compiled.errors);
  if (out.errors.empty()) out.policy = std::move(compiled.policy);
  return out;
}

PreparedQuery::Prepared PreparedQuery::prepare(std::shared_ptr<const CompiledPolicy> policy, const std::string& query,
                                               RegoVersion version, bool check_types) {
  Prepared out;
  if (policy == nullptr) {
    out.errors.push_back({"rego_compile_error", "no compiled policy to query", "query", {}});
    return out;
  }
  auto parsed = parse_query(query, version, out.errors);
  if (!parsed || !out.errors.empty()) return out;
  auto compiled = compiler::compile_query(*policy, *parsed, version, out.errors, check_types);
  if (!compiled || !out.errors.empty()) return out;
  out.query = std::make_shared<CompiledQueryRunner>(std::move(policy), std::move(*compiled), query);
  return out;
}

DocumentResult evaluate_document(const CompiledPolicy& policy, const std::vector<std::string>& path,
                                 const QueryOptions& options) {
  std::vector<Value> keys;
  keys.reserve(path.size());
  for (const auto& p : path) keys.push_back(Value::string(p));
  return evaluate_document_at(policy, keys, options);
}

DocumentRef::DocumentRef(const CompiledPolicy& policy, const std::vector<Value>& path)
    : term_(std::make_unique<ir::Term>(eval::Evaluator::document_term(policy, path))) {}

DocumentRef::~DocumentRef() = default;

DocumentResult evaluate_document_at(const CompiledPolicy& policy, const std::vector<Value>& keys,
                                 const QueryOptions& options) {
  return evaluate_document_at(policy, DocumentRef(policy, keys), options);
}

DocumentResult evaluate_document_at(const CompiledPolicy& policy, const DocumentRef& ref, const QueryOptions& options) {
  DocumentResult out;
  try {
    eval::Evaluator evaluator(policy, options);
    out.value = evaluator.document(ref.term());
    if (evaluator.strict_builtin_error()) out.error = *evaluator.strict_builtin_error();
  } catch (const eval::EvalAbort& abort) {
    out.value.reset();
    out.error = abort.error;
  } catch (const value::BudgetExceeded& e) {
    out.value.reset();
    out.error = budget_error(e);
  }
  return out;
}

}  // namespace tollgate::rego
