// rego.parse_module (OPA topdown/parse.go): a module's AST as OPA's
// encoding/json writes an ast.Module (locations left out, as OPA's default
// JSON options do; comments as {"Text": <base64>}), parsed as Rego v1. A
// parse error is a builtin error carrying the parser's message.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/rego/ast.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/lexer.h"
#include "rules/rego/parser.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;

Value typed(const char* type, Value v) {
  return Value::object({{Value::string("type"), Value::string(type)}, {Value::string("value"), std::move(v)}});
}

Value entry_object(std::vector<std::pair<const char*, Value>> fields) {
  std::vector<Value::Entry> entries;
  for (auto& [k, v] : fields) entries.emplace_back(Value::string(k), std::move(v));
  return Value::object(std::move(entries));
}

Value term_json(const Term& t);
Value body_json(const Query& q);

Value terms_json(const std::vector<Term>& items, size_t from = 0) {
  std::vector<Value> out;
  for (size_t i = from; i < items.size(); ++i) out.push_back(term_json(items[i]));
  return Value::array(std::move(out));
}

// A call's operator is always a ref in OPA's AST: count -> ref [var count].
Value operator_json(const Term& op) {
  if (op.kind == TermKind::Var) return typed("ref", Value::array({term_json(op)}));
  return term_json(op);
}

Value call_items_json(const Term& call) {
  std::vector<Value> out = {operator_json(call.items[0])};
  for (size_t i = 1; i < call.items.size(); ++i) out.push_back(term_json(call.items[i]));
  return Value::array(std::move(out));
}

Value scalar_json(const Value& v) {
  if (v.is_null()) return typed("null", Value::null());
  if (v.is_bool()) return typed("boolean", v);
  if (v.is_string()) return typed("string", v);
  return typed("number", v);
}

Value term_json(const Term& t) {
  switch (t.kind) {
    case TermKind::Scalar: return scalar_json(t.value);
    case TermKind::Var: return typed("var", Value::string(t.name));
    case TermKind::Ref: return typed("ref", terms_json(t.items));
    case TermKind::Array: return typed("array", terms_json(t.items));
    case TermKind::Set: return typed("set", terms_json(t.items));
    case TermKind::Object: {
      std::vector<Value> pairs;
      for (const auto& [k, v] : t.entries) pairs.push_back(Value::array({term_json(k), term_json(v)}));
      return typed("object", Value::array(std::move(pairs)));
    }
    case TermKind::ArrayCompr:
      return typed("arraycomprehension", entry_object({{"term", term_json(t.items[0])}, {"body", body_json(*t.body)}}));
    case TermKind::SetCompr:
      return typed("setcomprehension", entry_object({{"term", term_json(t.items[0])}, {"body", body_json(*t.body)}}));
    case TermKind::ObjectCompr:
      return typed("objectcomprehension", entry_object({{"key", term_json(t.items[0])},
                                                        {"value", term_json(t.items[1])},
                                                        {"body", body_json(*t.body)}}));
    case TermKind::Call: return typed("call", call_items_json(t));
  }
  return Value::null();
}

Value infix(const char* op, const Term& a, const Term& b) {
  return Value::array({typed("ref", Value::array({typed("var", Value::string(op))})), term_json(a), term_json(b)});
}

Value expr_terms_json(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Term:
      return e.terms[0].kind == TermKind::Call ? call_items_json(e.terms[0]) : term_json(e.terms[0]);
    case ExprKind::Unify: return infix("eq", e.terms[0], e.terms[1]);
    case ExprKind::Assign: return infix("assign", e.terms[0], e.terms[1]);
    case ExprKind::SomeDecl: return entry_object({{"symbols", terms_json(e.terms)}});
    case ExprKind::SomeIn: {
      // some x in xs: the symbol is the call internal.member_2(x, xs) (member_3 with a key).
      const char* member = e.terms.size() == 3 ? "member_3" : "member_2";
      std::vector<Value> call = {
          typed("ref", Value::array({typed("var", Value::string("internal")), typed("string", Value::string(member))}))};
      for (const Term& t : e.terms) call.push_back(term_json(t));
      return entry_object({{"symbols", Value::array({typed("call", Value::array(std::move(call)))})}});
    }
    case ExprKind::Every: {
      const bool keyed = e.terms.size() == 3;
      return entry_object({{"key", keyed ? term_json(e.terms[0]) : Value::null()},
                           {"value", term_json(e.terms[keyed ? 1 : 0])},
                           {"domain", term_json(e.terms.back())},
                           {"body", body_json(*e.body)}});
    }
  }
  return Value::null();
}

Value body_json(const Query& q) {
  std::vector<Value> exprs;
  if (q.exprs.empty()) {
    // An empty body is `true`.
    exprs.push_back(entry_object({{"index", Value::integer(0)}, {"terms", scalar_json(Value::boolean(true))}}));
  }
  for (size_t i = 0; i < q.exprs.size(); ++i) {
    const Expr& e = q.exprs[i];
    std::vector<std::pair<const char*, Value>> fields = {{"index", Value::integer(static_cast<int64_t>(i))},
                                                         {"terms", expr_terms_json(e)}};
    if (e.negated) fields.emplace_back("negated", Value::boolean(true));
    if (!e.with.empty()) {
      std::vector<Value> with;
      for (const With& w : e.with)
        with.push_back(entry_object({{"target", term_json(w.target)}, {"value", term_json(w.value)}}));
      fields.emplace_back("with", Value::array(std::move(with)));
    }
    exprs.push_back(entry_object(std::move(fields)));
  }
  return Value::array(std::move(exprs));
}

Value head_json(const Rule& r, const std::optional<Term>& value) {
  std::vector<std::pair<const char*, Value>> fields;
  const Term& ref = r.ref;
  const bool simple = ref.kind == TermKind::Var;
  if (simple || (r.kind == RuleKind::PartialObject && ref.items.size() == 2))
    fields.emplace_back("name", Value::string(simple ? ref.name : ref.items[0].name));
  fields.emplace_back("ref", simple ? Value::array({term_json(ref)}) : terms_json(ref.items));
  if (!r.args.empty()) fields.emplace_back("args", terms_json(r.args));
  if (r.key) fields.emplace_back("key", term_json(*r.key));
  if (value) fields.emplace_back("value", term_json(*value));
  else if (r.kind != RuleKind::PartialSet) fields.emplace_back("value", scalar_json(Value::boolean(true)));
  if (r.assign) fields.emplace_back("assign", Value::boolean(true));
  return entry_object(std::move(fields));
}

Value rule_json(const Rule& r) {
  std::vector<std::pair<const char*, Value>> fields = {{"head", head_json(r, r.value)}, {"body", body_json(r.body)}};
  if (r.is_default) fields.emplace_back("default", Value::boolean(true));
  // else clauses nest: each is a rule with the same head and its own value.
  Value chained = Value::null();
  for (size_t i = r.else_chain.size(); i-- > 0;) {
    const ElseClause& e = r.else_chain[i];
    std::vector<std::pair<const char*, Value>> clause = {{"head", head_json(r, e.value)}, {"body", body_json(e.body)}};
    if (!chained.is_null()) clause.emplace_back("else", chained);
    chained = entry_object(std::move(clause));
  }
  if (!chained.is_null()) fields.emplace_back("else", chained);
  return entry_object(std::move(fields));
}

// Go's encoding/json writes a []byte as standard padded base64.
std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = 0;
    for (size_t k = 0; k < 3; ++k) chunk = (chunk << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out.push_back(k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 0x3F] : '=');
  }
  return out;
}

Value module_json(const Module& m, const std::vector<Comment>& comments) {
  std::vector<Value> path = {typed("var", Value::string("data"))};
  for (const auto& p : m.package) path.push_back(typed("string", Value::string(p)));
  std::vector<std::pair<const char*, Value>> fields = {
      {"package", entry_object({{"path", Value::array(std::move(path))}})}};
  if (!m.imports.empty()) {
    std::vector<Value> imports;
    for (const Import& i : m.imports) {
      std::vector<std::pair<const char*, Value>> imp = {{"path", term_json(i.path)}};
      if (!i.alias.empty()) imp.emplace_back("alias", Value::string(i.alias));
      imports.push_back(entry_object(std::move(imp)));
    }
    fields.emplace_back("imports", Value::array(std::move(imports)));
  }
  if (!m.rules.empty()) {
    std::vector<Value> rules;
    for (const Rule& r : m.rules) rules.push_back(rule_json(r));
    fields.emplace_back("rules", Value::array(std::move(rules)));
  }
  // An ast.Comment marshals as {"Text": <its bytes>} (no location by default).
  if (!comments.empty()) {
    std::vector<Value> out;
    for (const Comment& c : comments) out.push_back(entry_object({{"Text", Value::string(base64(c.text))}}));
    fields.emplace_back("comments", Value::array(std::move(out)));
  }
  return entry_object(std::move(fields));
}

Result parse_module_builtin(Args args, BuiltinContext&) {
  const std::string& file = string_operand(args, 1);
  const std::string& text = string_operand(args, 2);
  ParseResult parsed = parse_module(file, text, RegoVersion::V1);
  if (!parsed.errors.empty()) {
    std::string message = parsed.errors.size() == 1 ? "1 error occurred: "
                                                      : std::to_string(parsed.errors.size()) + " errors occurred:\n";
    for (size_t i = 0; i < parsed.errors.size(); ++i) {
      const Error& e = parsed.errors[i];
      message += (i ? "\n" : "") + e.file + ":" + std::to_string(e.loc.line) + ": " + e.code + ": " + e.message;
    }
    throw_builtin_error(message);
  }
  std::vector<Token> tokens;
  std::vector<Error> errors;
  std::vector<Comment> comments;
  tokenize(text, file, &tokens, &errors, &comments);
  return module_json(*parsed.module, comments);
}

// The compiler replaces every call of rego.metadata.chain() and
// rego.metadata.rule() in a rule (rules/rego/compiler/metadata_calls.h);
// only a query can still reach them, and there is no rule to describe.
Result metadata_chain_builtin(Args, BuiltinContext&) {
  throw_builtin_error("the rego.metadata.chain function must only be called within the scope of a rule");
}

Result metadata_rule_builtin(Args, BuiltinContext&) {
  throw_builtin_error("the rego.metadata.rule function must only be called within the scope of a rule");
}

}  // namespace

void register_rego_parse_builtins(BuiltinRegistry& r) {
  r.add({.name = "rego.parse_module", .arity = 2, .function = parse_module_builtin});
  r.add({.name = "rego.metadata.chain", .arity = 0, .function = metadata_chain_builtin});
  r.add({.name = "rego.metadata.rule", .arity = 0, .function = metadata_rule_builtin});
}

}  // namespace tollgate::rego
