#include "rules/rego/compiler/compiler.h"

#include <set>

#include "rules/rego/ast_text.h"
#include "rules/rego/compiler/function_args.h"
#include "rules/rego/compiler/index_guards.h"
#include "rules/rego/compiler/iteration_flags.h"
#include "rules/rego/compiler/metadata_calls.h"
#include "rules/rego/compiler/negation_hoist.h"
#include "rules/rego/compiler/recursion.h"
#include "rules/rego/compiler/resolver.h"
#include "rules/rego/compiler/rule_index.h"
#include "rules/rego/compiler/rule_tree.h"
#include "rules/rego/compiler/safety.h"
#include "rules/rego/compiler/scope.h"
#include "rules/rego/compiler/type_check.h"
#include "rules/rego/compiler/unused_vars.h"

namespace tollgate::rego::compiler {

using value::Value;

namespace {

// The names a module's imports bind. Language switches (future.keywords,
// rego.v1) bind nothing.
std::map<std::string, ImportTarget> import_names(const Module& module, std::string_view file,
                                                 std::vector<Error>& errors) {
  std::map<std::string, ImportTarget> out;
  for (const auto& imp : module.imports) {
    const Term& path = imp.path;
    std::string root;
    std::vector<Value> keys;
    bool ground = true;
    if (path.kind == TermKind::Var) {
      root = path.name;
    } else if (path.kind == TermKind::Ref && !path.items.empty() && path.items[0].kind == TermKind::Var) {
      root = path.items[0].name;
      for (size_t i = 1; i < path.items.size(); ++i) {
        if (path.items[i].kind != TermKind::Scalar) ground = false;
        else keys.push_back(path.items[i].value);
      }
    } else {
      ground = false;
    }
    if (root == "future" || root == "rego") continue;
    if (!ground || (root != "data" && root != "input")) {
      errors.push_back({"rego_parse_error", "invalid import path " + to_text(path) +
                                                ": path must begin with input, data, future or rego",
                        std::string(file), imp.loc});
      continue;
    }
    std::string alias = imp.alias;
    if (alias.empty()) {
      if (keys.empty()) {
        alias = root;
      } else if (keys.back().is_string()) {
        alias = keys.back().as_string();
      } else {
        continue;
      }
    }
    if (out.count(alias) > 0 && module.version == RegoVersion::V1) {
      errors.push_back({"rego_compile_error", "import must not shadow import " + alias, std::string(file), imp.loc});
    }
    out[alias] = ImportTarget{root == "input", std::move(keys)};
  }
  return out;
}

ir::Term true_term(Location loc) {
  ir::Term t;
  t.op = ir::TermOp::Const;
  t.value = Value::boolean(true);
  t.loc = loc;
  return t;
}

class ModuleCompiler {
 public:
  ModuleCompiler(CompiledPolicy& policy, const RuleTreeBuilder& tree, const ModuleNames& names,
                 std::vector<Error>& errors)
      : policy_(policy), tree_(tree), names_(names), errors_(errors) {}

  void compile_rule(const PendingRule& pending) {
    const Rule& rule = *pending.rule;
    ir::RuleDef& def = pending.group->defs[pending.def_index];
    def.head_text = to_text(rule);
    FrameLayout frame;
    Resolver resolver(policy_, names_, tree_.package_roots(), errors_);
    Scope head(frame, nullptr);
    for (const auto& arg : rule.args) def.args.push_back(resolver.declare_pattern(arg, head, true));
    SlotSet safe_args;
    for (const auto& a : def.args) {
      for (uint32_t s : a.pattern_slots) safe_args.add(s);
    }

    struct Source {
      const Query* body;
      const std::optional<Term>* value;
      Location loc;
    };
    std::vector<Source> sources;
    sources.push_back({&rule.body, &rule.value, rule.loc});
    for (const auto& e : rule.else_chain) sources.push_back({&e.body, &e.value, e.loc});

    SafetyChecker checker(frame, names_.file, errors_);
    for (size_t ci = 0; ci < sources.size(); ++ci) {
      const Source& src = sources[ci];
      Scope scope(frame, nullptr);
      for (const auto& [name, slot] : head.declarations()) scope.declare(name, slot);
      std::vector<const Term*> head_terms;
      if (*src.value) head_terms.push_back(&**src.value);
      if (ci == 0) {
        for (const Term* k : pending.shape.dynamic_keys) head_terms.push_back(k);
        if (pending.shape.member != nullptr) head_terms.push_back(pending.shape.member);
      }
      ir::Clause clause;
      clause.loc = src.loc;
      clause.body = resolver.body(*src.body, scope, head_terms);
      if (ci == 0) {
        for (const Term* k : pending.shape.dynamic_keys) def.keys.push_back(resolver.term(*k, scope));
        if (pending.shape.member != nullptr) def.keys.push_back(resolver.term(*pending.shape.member, scope));
      }
      bool is_set = pending.group->kind == ir::GroupKind::PartialSet || pending.shape.set_leaf;
      if (*src.value) {
        clause.value = resolver.term(**src.value, scope);
      } else if (!is_set) {
        clause.value = true_term(src.loc);
      }
      SlotSet safe = safe_args;
      checker.order_body(clause.body, safe);
      if (ci == 0) {
        for (auto& k : def.keys) checker.check_term(k, safe);
      }
      if (clause.value) checker.check_term(*clause.value, safe);
      def.clauses.push_back(std::move(clause));
    }
    for (size_t ci = 0; ci < def.clauses.size(); ++ci)
      def.clauses[ci].guards = index_guards(def.clauses[ci], def.args, ci == 0 ? &def.keys : nullptr);
    def.frame_size = frame.size();
  }

  void compile_default(const RuleTreeBuilder::PendingDefault& d) {
    FrameLayout frame;
    Scope scope(frame, nullptr);
    Resolver resolver(policy_, names_, tree_.package_roots(), errors_);
    Value v = Value::boolean(true);
    if (d.rule->value) {
      ir::Term t = resolver.term(*d.rule->value, scope);
      if (!t.is_const()) {
        SafetyChecker checker(frame, names_.file, errors_);
        checker.check_term(t, SlotSet());
        d.group->default_term = std::move(t);
        d.group->default_frame_size = frame.size();
        return;
      }
      v = t.value;
    }
    d.group->default_value = std::move(v);
  }

 private:
  CompiledPolicy& policy_;
  const RuleTreeBuilder& tree_;
  const ModuleNames& names_;
  std::vector<Error>& errors_;
};

}  // namespace

PolicyCompilation compile_modules(std::vector<Module> modules, const CompileOptions& options) {
  PolicyCompilation out;
  std::vector<Error> unused_vars;
  for (const Module& m : modules) check_unused_declared_vars(m, unused_vars);
  std::vector<Error> metadata_errors;
  rewrite_rego_metadata_calls(modules, metadata_errors);
  move_evaluated_args_into_bodies(modules);
  hoist_negated_operands(modules);
  auto policy = std::make_shared<CompiledPolicy>();
  policy->options = options;
  policy->builtins = &BuiltinRegistry::standard();
  std::vector<std::string_view> files;
  for (const auto& m : modules) {
    policy->files.push_back(std::make_unique<std::string>(m.file));
    files.push_back(*policy->files.back());
    policy->module_packages.push_back(m.package);
  }

  RuleTreeBuilder tree(*policy, out.errors);
  for (size_t i = 0; i < modules.size(); ++i) tree.add_module(modules[i], i, files[i]);
  if (!out.errors.empty()) return out;
  if (!unused_vars.empty()) {
    out.errors = std::move(unused_vars);
    return out;
  }
  if (!metadata_errors.empty()) {
    out.errors = std::move(metadata_errors);
    return out;
  }

  std::vector<ModuleNames> names(modules.size());
  for (size_t i = 0; i < modules.size(); ++i) {
    for (const auto& seg : modules[i].package) names[i].package.push_back(Value::string(seg));
    names[i].imports = import_names(modules[i], files[i], out.errors);
    names[i].rules = &tree.rule_names(modules[i].package);
    names[i].version = modules[i].version;
    names[i].file = files[i];
  }
  if (!out.errors.empty()) return out;

  for (const auto& d : tree.defaults()) {
    ModuleCompiler(*policy, tree, names[d.module_index], out.errors).compile_default(d);
  }
  for (const auto& p : tree.pending()) {
    ModuleCompiler(*policy, tree, names[p.module_index], out.errors).compile_rule(p);
  }
  if (!out.errors.empty()) return out;

  check_recursion(*policy, out.errors);
  if (!out.errors.empty()) return out;
  check_types(*policy, out.errors);
  if (!out.errors.empty()) return out;
  for (auto& g : policy->groups) {
    build_rule_index(*g);
    order_like_rule_index(*g);
    mark_iteration(*g);
  }
  out.policy = std::move(policy);
  return out;
}

std::optional<CompiledQuery> compile_query(const CompiledPolicy& policy, const Query& query, RegoVersion version,
                                           std::vector<Error>& errors,
                                           bool check_types) {
  ModuleNames names;
  names.version = version;
  names.file = "query";
  std::set<std::string> roots;
  for (const auto& pkg : policy.module_packages) {
    if (!pkg.empty()) roots.insert(pkg[0]);
  }
  size_t before = errors.size();
  FrameLayout frame;
  Scope scope(frame, nullptr);
  Resolver resolver(policy, names, roots, errors);
  CompiledQuery out;
  Query rewritten = query;
  hoist_negated_operands(rewritten);
  out.body = resolver.body(rewritten, scope);
  SlotSet safe;
  SafetyChecker checker(frame, names.file, errors);
  checker.order_body(out.body, safe);
  if (errors.size() != before) return std::nullopt;
  if (check_types) {
    check_query_types(policy, out.body, frame.size(), names.file, errors);
    if (errors.size() != before) return std::nullopt;
  }
  mark_iteration(out.body);
  out.frame_size = frame.size();
  std::set<std::string> seen;
  for (uint32_t s = 0; s < frame.size(); ++s) {
    const std::string& n = frame.name(s);
    if (!scope.owns(s) || frame.is_generated(s) || n.rfind("__local", 0) == 0) continue;
    if (seen.insert(n).second) out.outputs.emplace_back(n, s);
  }
  return out;
}

}  // namespace tollgate::rego::compiler
