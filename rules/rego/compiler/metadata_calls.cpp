#include "rules/rego/compiler/metadata_calls.h"

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <utility>

#include "rules/rego/builtins/annotations.h"

namespace tollgate::rego::compiler {

namespace {

using value::Value;
using Path = std::vector<Value>;

enum class MetadataCall { None, Chain, Rule };

MetadataCall metadata_call(const Term& t) {
  if (t.kind != TermKind::Call || t.items.empty()) return MetadataCall::None;
  const Term& op = t.items[0];
  if (op.kind != TermKind::Ref || op.items.size() != 3 || !op.items[0].is_var() || op.items[0].name != "rego")
    return MetadataCall::None;
  auto is_string = [](const Term& s, std::string_view text) {
    return s.kind == TermKind::Scalar && s.value.is_string() && s.value.as_string() == text;
  };
  if (!is_string(op.items[1], "metadata")) return MetadataCall::None;
  if (is_string(op.items[2], "chain")) return MetadataCall::Chain;
  if (is_string(op.items[2], "rule")) return MetadataCall::Rule;
  return MetadataCall::None;
}

bool calls_metadata(const Query& q);

bool calls_metadata(const Term& t) {
  if (metadata_call(t) != MetadataCall::None) return true;
  for (const auto& x : t.items) {
    if (calls_metadata(x)) return true;
  }
  for (const auto& [k, v] : t.entries) {
    if (calls_metadata(k) || calls_metadata(v)) return true;
  }
  return t.body && calls_metadata(*t.body);
}

bool calls_metadata(const Query& q) {
  for (const auto& e : q.exprs) {
    for (const auto& t : e.terms) {
      if (calls_metadata(t)) return true;
    }
    for (const auto& w : e.with) {
      if (calls_metadata(w.target) || calls_metadata(w.value)) return true;
    }
    if (e.body && calls_metadata(*e.body)) return true;
  }
  return false;
}

// The rule's own head and body (its else clauses are rules of their own).
bool head_or_body_calls_metadata(const Rule& r) {
  if (calls_metadata(r.ref) || calls_metadata(r.body)) return true;
  for (const auto& a : r.args) {
    if (calls_metadata(a)) return true;
  }
  return (r.key && calls_metadata(*r.key)) || (r.value && calls_metadata(*r.value));
}

bool else_calls_metadata(const ElseClause& e) { return calls_metadata(e.body) || (e.value && calls_metadata(*e.value)); }

Term value_term(const Value& v, Location loc) {
  Term t;
  t.loc = loc;
  if (v.is_array() || v.is_set()) {
    t.kind = v.is_array() ? TermKind::Array : TermKind::Set;
    for (const Value& item : v.items()) t.items.push_back(value_term(item, loc));
    return t;
  }
  if (v.is_object()) {
    t.kind = TermKind::Object;
    for (const auto& [k, x] : v.entries()) t.entries.emplace_back(value_term(k, loc), value_term(x, loc));
    return t;
  }
  return Term::scalar(v, loc);
}

// The values the calls of one rule (or else clause) are replaced by.
struct Replacement {
  Value chain;
  Value rule;
  const Value& of(MetadataCall c) const { return c == MetadataCall::Chain ? chain : rule; }
};

void replace_calls(Query& q, const Replacement& with);

// Comprehension bodies are shared between copies of a rule (`p { a } { b }`
// copies the head): a body is copied before it is changed.
void replace_calls(Term& t, const Replacement& with) {
  if (const MetadataCall c = metadata_call(t); c != MetadataCall::None && t.items.size() == 1) {
    t = value_term(with.of(c), t.loc);
    return;
  }
  for (auto& x : t.items) {
    if (calls_metadata(x)) replace_calls(x, with);
  }
  for (auto& [k, v] : t.entries) {
    if (calls_metadata(k)) replace_calls(k, with);
    if (calls_metadata(v)) replace_calls(v, with);
  }
  if (t.body && calls_metadata(*t.body)) {
    t.body = std::make_shared<Query>(*t.body);
    replace_calls(*t.body, with);
  }
}

void replace_calls(Query& q, const Replacement& with) {
  for (auto& e : q.exprs) {
    // `rego.metadata.chain(x)` as an expression: OPA's call with an output
    // operand, rewritten to `x = <chain>`.
    if (e.kind == ExprKind::Term && e.terms.size() == 1) {
      const MetadataCall c = metadata_call(e.terms[0]);
      if (c != MetadataCall::None && e.terms[0].items.size() == 2) {
        Term out = std::move(e.terms[0].items[1]);
        const Location loc = e.terms[0].loc;
        e.kind = ExprKind::Unify;
        e.terms = {std::move(out), value_term(with.of(c), loc)};
      }
    }
    for (auto& t : e.terms) {
      if (calls_metadata(t)) replace_calls(t, with);
    }
    for (auto& w : e.with) {
      if (calls_metadata(w.target)) replace_calls(w.target, with);
      if (calls_metadata(w.value)) replace_calls(w.value, with);
    }
    if (e.body && calls_metadata(*e.body)) {
      e.body = std::make_shared<Query>(*e.body);
      replace_calls(*e.body, with);
    }
  }
}

// ---- OPA's AnnotationSet ----

struct Declared {
  Value annotations;
  Location loc;
  std::string file;
};

std::string location_text(const Declared& d) {
  // OPA's Location.String(): "file:row", or "row:col" without a file.
  if (!d.file.empty()) return d.file + ":" + std::to_string(d.loc.line);
  return std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column);
}

bool before(Location a, Location b) { return a.line != b.line ? a.line < b.line : a.column < b.column; }

Path package_path(const Module& m) {
  Path out;
  for (const auto& seg : m.package) out.push_back(Value::string(seg));
  return out;
}

// The rule's path below data up to its first operand that is not a constant
// (OPA's rule.Ref().GroundPrefix() under the package).
Path rule_path(const Module& m, const Rule& r) {
  Path out = package_path(m);
  if (r.ref.kind == TermKind::Var) {
    out.push_back(Value::string(r.ref.name));
    return out;
  }
  if (r.ref.kind != TermKind::Ref || r.ref.items.empty()) return out;
  out.push_back(Value::string(r.ref.items[0].name));
  for (size_t i = 1; i < r.ref.items.size() && r.ref.items[i].kind == TermKind::Scalar; ++i) {
    out.push_back(r.ref.items[i].value);
  }
  return out;
}

class AnnotationSet {
 public:
  explicit AnnotationSet(std::vector<Error>& errors) : errors_(errors) {}

  // ParseMetadataBlocks for one module: reads its blocks and attaches each.
  void read(const Module& m, size_t module_index) {
    for (const MetadataBlock& block : m.metadata) {
      // The first statement on a later line: the package, an import, a rule.
      enum class Node { None, Package, Import, Rule } node = Node::None;
      size_t rule_index = 0;
      uint32_t line = 0;
      auto consider = [&](Location loc, Node kind, size_t index) {
        if (loc.line > block.loc.line && (node == Node::None || loc.line < line)) {
          node = kind;
          line = loc.line;
          rule_index = index;
        }
      };
      consider(m.package_loc, Node::Package, 0);
      for (const Import& imp : m.imports) consider(imp.loc, Node::Import, 0);
      for (size_t i = 0; i < m.rules.size(); ++i) consider(m.rules[i].loc, Node::Rule, i);
      const char* default_scope = node == Node::Rule      ? "rule"
                                  : node == Node::Package ? "package"
                                  : node == Node::Import  ? "import"
                                                          : "";
      std::string message;
      std::optional<Value> annotations = parse_annotation_block(block.yaml, default_scope, &message);
      if (!annotations) {
        errors_.push_back({"rego_parse_error", message, m.file, block.loc});
        continue;
      }
      const std::string scope = annotations->find("scope")->as_string();
      const char* have = node == Node::Rule      ? " (have rule)"
                         : node == Node::Package ? " (have package)"
                         : node == Node::Import  ? " (have import)"
                                                 : "";
      if (scope == "rule" || scope == "document") {
        if (node != Node::Rule) {
          errors_.push_back({"rego_parse_error", "annotation scope '" + scope + "' must be applied to rule" + have,
                             m.file, block.loc});
          continue;
        }
      } else if (scope == "package" || scope == "subpackages") {
        if (node != Node::Package) {
          errors_.push_back({"rego_parse_error",
                             "annotation scope '" + scope + "' must be applied to package" + have, m.file,
                             block.loc});
          continue;
        }
      } else {
        errors_.push_back({"rego_parse_error", "invalid annotation scope '" + scope + "'", m.file, block.loc});
        continue;
      }
      attached_.push_back({module_index, rule_index, scope, Declared{std::move(*annotations), block.loc, m.file}});
    }
  }

  // SetAnnotationSet: modules in the order read.
  void build(const std::vector<Module>& modules) {
    for (auto& a : attached_) {
      const Module& m = modules[a.module];
      if (a.scope == "rule") {
        by_rule_[{a.module, a.rule}].push_back(a.declared);
      } else if (a.scope == "package") {
        add_unique(by_package_, package_path(m), a);
      } else if (a.scope == "document") {
        add_unique(by_path_, rule_path(m, m.rules[a.rule]), a);
      } else {
        add_unique(by_path_, package_path(m), a);
      }
    }
  }

  // What AnnotationSet.Chain and getPrimaryRuleAnnotations see for a rule
  // (an else clause has no rule-scope blocks).
  RuleAnnotations for_rule(const Module& m, size_t module_index, size_t rule_index, bool else_clause) const {
    RuleAnnotations out;
    out.package_path = package_path(m);
    out.rule_path = rule_path(m, m.rules[rule_index]);
    if (!else_clause) {
      if (auto it = by_rule_.find({module_index, rule_index}); it != by_rule_.end()) {
        std::vector<Declared> blocks = it->second;
        // Closest to the rule first.
        std::stable_sort(blocks.begin(), blocks.end(),
                         [](const Declared& a, const Declared& b) { return before(b.loc, a.loc); });
        for (auto& b : blocks) out.rule_scope.push_back(std::move(b.annotations));
      }
    }
    if (auto it = by_path_.find(out.rule_path); it != by_path_.end()) out.document = it->second.annotations;
    if (auto it = by_package_.find(out.package_path); it != by_package_.end()) out.package = it->second.annotations;
    for (size_t n = out.package_path.size(); n > 0; --n) {
      Path prefix(out.package_path.begin(), out.package_path.begin() + static_cast<std::ptrdiff_t>(n));
      if (auto it = by_path_.find(prefix); it != by_path_.end()) {
        out.subpackages.emplace_back(std::move(prefix), it->second.annotations);
      }
    }
    return out;
  }

 private:
  struct Attached {
    size_t module = 0;
    size_t rule = 0;
    std::string scope;
    Declared declared;
  };

  void add_unique(std::map<Path, Declared>& into, Path path, const Attached& a) {
    auto [it, inserted] = into.emplace(std::move(path), a.declared);
    if (!inserted) {
      errors_.push_back({"rego_type_error", a.scope + " annotation redeclared: " + location_text(it->second),
                         a.declared.file, a.declared.loc});
    }
  }

  std::vector<Error>& errors_;
  std::vector<Attached> attached_;
  std::map<std::pair<size_t, size_t>, std::vector<Declared>> by_rule_;
  std::map<Path, Declared> by_package_;
  std::map<Path, Declared> by_path_;  // document (rule path) and subpackages (package path) blocks
};

Replacement replacement(const RuleAnnotations& a) { return Replacement{metadata_chain(a), metadata_rule(a)}; }

}  // namespace

void rewrite_rego_metadata_calls(std::vector<Module>& modules, std::vector<Error>& errors) {
  bool called = false;
  for (const Module& m : modules) {
    for (const Rule& r : m.rules) {
      called = head_or_body_calls_metadata(r) ||
               std::any_of(r.else_chain.begin(), r.else_chain.end(), else_calls_metadata);
      if (called) break;
    }
    if (called) break;
  }
  if (!called) return;

  // OPA walks the modules sorted by name.
  std::vector<size_t> order(modules.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return modules[a].file < modules[b].file; });
  const size_t before_errors = errors.size();
  AnnotationSet set(errors);
  for (size_t i : order) set.read(modules[i], i);
  if (errors.size() != before_errors) return;
  set.build(modules);
  if (errors.size() != before_errors) return;

  for (size_t mi = 0; mi < modules.size(); ++mi) {
    Module& m = modules[mi];
    for (size_t ri = 0; ri < m.rules.size(); ++ri) {
      Rule& r = m.rules[ri];
      if (head_or_body_calls_metadata(r)) {
        const Replacement with = replacement(set.for_rule(m, mi, ri, /*else_clause=*/false));
        replace_calls(r.ref, with);
        for (auto& a : r.args) replace_calls(a, with);
        if (r.key) replace_calls(*r.key, with);
        if (r.value) replace_calls(*r.value, with);
        replace_calls(r.body, with);
      }
      for (auto& e : r.else_chain) {
        if (!else_calls_metadata(e)) continue;
        const Replacement with = replacement(set.for_rule(m, mi, ri, /*else_clause=*/true));
        if (e.value) replace_calls(*e.value, with);
        replace_calls(e.body, with);
      }
    }
  }
}

}  // namespace tollgate::rego::compiler
