// A generator of Rego modules in the rego-differential corpus format, and of
// variants of them that OPA defines as equivalent.
//
// Cases: `generate(klass, seed)` makes a module (`package t`, v0 syntax with
// future.keywords imported, like the corpus), an input document and the
// query `data.t`, aimed at one class of disagreement:
//
//   negation  `not` over comparisons, calls and refs whose operands may be
//             undefined (input.nope, rules without a value)
//   else      else chains whose heads may be undefined, functions with else
//   conflict  complete rules and functions with several definitions, some
//             disagreeing, behind input comparisons the rule index can use
//   mixed     all of the above
//
// `to_jsonl` writes a case as a corpus line without an answer
// ({"id", "module", "input", "query"}): have OPA v1.5.1 answer it (as the
// corpus README describes) and the line becomes a case. The self-check
// (rego_differential_gen_test.cpp, `conformance_tests "[rego-gen]"`)
// writes them with TOLLGATE_REGO_GEN_WRITE=<file> (class and count:
// TOLLGATE_REGO_GEN_CLASS, TOLLGATE_REGO_GEN_COUNT).
//
// Without OPA, the check is metamorphic: `variant(module, transform, seed)`
// rewrites one spot of a module into a form OPA evaluates identically, and
// Tollgate must answer both the same:
//
//   negation-helper  `not f(input.x, 1)` -> `v := input.x` (bound before, as
//                    OPA's compiler binds call operands) and `not h(v, 1)`
//                    with `h(p, q) { f(p, q) }`; for `==` (unification in a
//                    module) the refs stay inside: `not input.x == 1` ->
//                    `not h` with `h { input.x == 1 }`
//   swap-operands    `a == b` -> `b == a`, `a < b` -> `b > a`, ...
//   swap-conjuncts   two adjacent conditions of a body change places
//   ref-to-rule      an input ref in a body -> a rule `g = input.ref`
//
// Answers are compared when neither side fails with an error (a different
// order may legitimately reach a different error first, or none).
#pragma once

#include <cstdint>
#include <algorithm>
#include <optional>
#include <tuple>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace tollgate::conformance::rego_gen {

// ---- the generated program -------------------------------------------------

struct Operand {
  enum class Kind { Const, Input, Rule, Local, Call } kind = Kind::Const;
  std::string text;
};

struct Literal {
  enum class Kind { Compare, Call, Assign, Term } kind = Kind::Compare;
  bool negated = false;
  std::string op;              // Compare: ==, !=, <, <=, >, >=; Call: the function
  std::vector<Operand> args;   // Compare: lhs, rhs; Call: arguments; Assign: the value; Term: the term
  std::string var;             // Assign: the variable
};

struct Clause {
  std::optional<Operand> value;  // absent: true
  std::vector<Literal> body;
};

struct Rule {
  std::string name;
  std::string param;             // functions: the parameter name (empty: a rule)
  std::vector<Clause> clauses;   // clauses[0] is the main body, the rest its else chain
  std::optional<Operand> default_value;
};

struct Program {
  std::vector<Rule> rules;  // several Rules may share a name (several definitions)
  std::string input;        // JSON text
};

inline std::string operand_text(const Operand& o) { return o.text; }

inline std::string literal_text(const Literal& l) {
  std::string s = l.negated ? "not " : "";
  switch (l.kind) {
    case Literal::Kind::Compare: return s + l.args[0].text + " " + l.op + " " + l.args[1].text;
    case Literal::Kind::Call: {
      s += l.op + "(";
      for (size_t i = 0; i < l.args.size(); ++i) s += (i ? ", " : "") + l.args[i].text;
      return s + ")";
    }
    case Literal::Kind::Assign: return l.var + " := " + l.args[0].text;
    case Literal::Kind::Term: return s + l.args[0].text;
  }
  return s;
}

inline std::string body_text(const std::vector<Literal>& body) {
  std::string s = "{\n";
  for (const Literal& l : body) s += "\t" + literal_text(l) + "\n";
  if (body.empty()) s += "\ttrue\n";
  return s + "}";
}

inline std::string module_text(const Program& p) {
  std::string s = "package t\nimport future.keywords.in\nimport future.keywords.every\n";
  std::string previous;
  for (const Rule& r : p.rules) {
    if (r.name != previous) s += "\n";
    previous = r.name;
    if (r.default_value) s += "default " + r.name + " = " + r.default_value->text + "\n";
    const std::string head = r.param.empty() ? r.name : r.name + "(" + r.param + ")";
    for (size_t i = 0; i < r.clauses.size(); ++i) {
      const Clause& c = r.clauses[i];
      std::string value = c.value ? " = " + c.value->text : "";
      if (i == 0) {
        s += head + value + " " + body_text(c.body);
      } else {
        s += " else" + value + " " + body_text(c.body);
      }
    }
    s += "\n";
  }
  return s;
}

inline std::string to_jsonl(const std::string& id, const Program& p) {
  nlohmann::json j;
  j["id"] = id;
  j["module"] = module_text(p);
  j["input"] = p.input;
  j["query"] = "data.t";
  return j.dump();
}

// ---- generating ------------------------------------------------------------

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  Program program(const std::string& klass) {
    Program p;
    p.input = input();
    const bool neg = klass == "negation" || klass == "mixed";
    const bool els = klass == "else" || klass == "mixed";
    const bool con = klass == "conflict" || klass == "mixed";
    // Helper rules others can refer to: one defined, one undefined.
    p.rules.push_back(rule("z0", {clause(Operand{Operand::Kind::Const, "1"},
                                         {Literal{Literal::Kind::Term, false, "", {{Operand::Kind::Const, "false"}}, ""}})}));
    p.rules.push_back(rule("z1", {clause(Operand{Operand::Kind::Input, pick(kRefs)}, {})}));
    if (con) {
      // A function with definitions that may disagree.
      Rule f1 = rule("f1", {clause(Operand{Operand::Kind::Local, "x"}, {})});
      f1.param = "x";
      p.rules.push_back(f1);
      Literal guard;  // an input comparison the rule index can use
      guard.op = "==";
      guard.args = {{Operand::Kind::Input, pick({"input.s", "input.a", "input.nope"})},
                    {Operand::Kind::Const, pick({"\"a\"", "1", "true"})}};
      Rule f2 = rule("f1", {clause(Operand{Operand::Kind::Const, pick({"1", "5", "\"x\""})}, {guard})});
      f2.param = "x";
      if (els) f2.clauses.push_back(clause(Operand{Operand::Kind::Const, "0"}, {}));
      p.rules.push_back(f2);
    }
    const int rules = 2 + static_cast<int>(below(3));
    for (int i = 1; i <= rules; ++i) {
      const std::string name = "r" + std::to_string(i);
      const int defs = con && coin(0.5) ? 2 : 1;
      for (int d = 0; d < defs; ++d) {
        Clause main = clause(value(els), body(neg, con));
        Rule r = rule(name, {main});
        if (els && coin(0.5)) r.clauses.push_back(clause(value(els), body(neg, false)));
        if (els && coin(0.3)) r.clauses.push_back(clause(Operand{Operand::Kind::Const, "\"e\""}, {}));
        if (d == 0 && coin(0.2)) r.default_value = Operand{Operand::Kind::Const, "\"d\""};
        p.rules.push_back(std::move(r));
      }
    }
    return p;
  }

 private:
  inline static const std::vector<std::string> kRefs = {"input.a",     "input.b",      "input.s",    "input.n",
                                                         "input.nope",  "input.obj.x",  "input.arr[0]", "input.a.x",
                                                         "input.c",     "input.nope.deeper"};
  inline static const std::vector<std::string> kConsts = {"1", "0", "\"a\"", "\"\"", "null", "true", "false", "2"};

  uint64_t below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool coin(double p) { return std::bernoulli_distribution(p)(rng_); }
  std::string pick(const std::vector<std::string>& v) { return v[below(v.size())]; }

  static Rule rule(std::string name, std::vector<Clause> clauses) {
    Rule r;
    r.name = std::move(name);
    r.clauses = std::move(clauses);
    return r;
  }
  static Clause clause(std::optional<Operand> v, std::vector<Literal> body) { return Clause{std::move(v), std::move(body)}; }

  std::string input() {
    static const std::vector<std::string> values = {"1",  "0",    "2",         "\"a\"",         "\"\"",       "null",
                                                    "true", "false", "[1, 2]", "{\"x\": 1}", "[\"a\"]", "\"abc\""};
    std::string s = "{";
    bool first = true;
    for (const char* k : {"a", "b", "s", "n", "c"}) {
      if (coin(0.3)) continue;
      s += std::string(first ? "" : ", ") + "\"" + k + "\": " + pick(values);
      first = false;
    }
    if (coin(0.7)) s += std::string(first ? "" : ", ") + "\"obj\": {\"x\": " + pick(values) + "}", first = false;
    if (coin(0.7)) s += std::string(first ? "" : ", ") + "\"arr\": [" + pick(values) + "]", first = false;
    return s + "}";
  }

  // Operands are typed so OPA's type checker accepts every module: refs into
  // input are of any type; constants, rules and calls are used only where
  // their type fits.
  Operand input_ref() { return {Operand::Kind::Input, pick(kRefs)}; }
  Operand any_operand(bool allow_call) {
    const uint64_t k = below(allow_call ? 10 : 8);
    if (k < 4) return input_ref();
    if (k < 6) return {Operand::Kind::Const, pick(kConsts)};
    if (k < 8) return {Operand::Kind::Rule, pick({"z0", "z1"})};
    const uint64_t c = below(4);
    if (c == 0) return {Operand::Kind::Call, "count(" + input_ref().text + ")"};
    if (c == 1) return {Operand::Kind::Call, "lower(" + string_operand(false).text + ")"};
    if (c == 2) return {Operand::Kind::Call, "abs(" + (coin(0.5) ? input_ref().text : pick({"-2", "1.5"})) + ")"};
    return {Operand::Kind::Call, "is_string(" + any_operand(false).text + ")"};
  }
  Operand string_operand(bool allow_call) {
    const uint64_t k = below(allow_call ? 5 : 4);
    if (k < 2) return input_ref();
    if (k < 3) return {Operand::Kind::Const, pick({"\"a\"", "\"\"", "\"abc\""})};
    if (k < 4) return {Operand::Kind::Rule, "z1"};
    return {Operand::Kind::Call, "lower(" + input_ref().text + ")"};
  }

  std::optional<Operand> value(bool maybe_undefined) {
    if (maybe_undefined && coin(0.4)) return Operand{Operand::Kind::Input, pick(kRefs)};
    if (coin(0.3)) return std::nullopt;
    return Operand{Operand::Kind::Const, pick(kConsts)};
  }

  Literal condition(bool negation) {
    Literal l;
    l.negated = negation && coin(0.6);
    const uint64_t k = below(10);
    if (k < 6) {
      l.kind = Literal::Kind::Compare;
      l.op = pick({"==", "==", "!=", "<", "<=", ">", ">="});
      // `==` is unification in a module: one side of any type keeps the
      // type checker from refusing two known, different types.
      l.args = {l.op == "==" ? input_ref() : any_operand(true), any_operand(true)};
    } else if (k < 9) {
      l.kind = Literal::Kind::Call;
      const std::string fn = pick({"startswith", "contains", "is_number", "f1"});
      l.op = fn;
      if (fn == "startswith" || fn == "contains") {
        l.args = {string_operand(true), string_operand(false)};
      } else {
        l.args = {any_operand(true)};
      }
    } else {
      l.kind = Literal::Kind::Term;
      l.args = {{Operand::Kind::Input, pick(kRefs)}};
    }
    return l;
  }

  std::vector<Literal> body(bool negation, bool conflict) {
    std::vector<Literal> b;
    const int n = 1 + static_cast<int>(below(3));
    for (int i = 0; i < n; ++i) {
      if (conflict && coin(0.3)) {
        b.push_back(Literal{Literal::Kind::Assign, false, "", {{Operand::Kind::Call, "f1(" + any_operand(false).text + ")"}},
                            "v" + std::to_string(i)});
        continue;
      }
      Literal l = condition(negation);
      if (l.op == "f1" && !conflict) l.op = "is_number";
      b.push_back(std::move(l));
    }
    return b;
  }

  std::mt19937_64 rng_;
};

inline Program generate(const std::string& klass, uint64_t seed) { return Generator(seed).program(klass); }

// ---- equivalent variants ---------------------------------------------------

inline const std::vector<std::string>& transforms() {
  static const std::vector<std::string> t = {"negation-helper", "swap-operands", "swap-conjuncts", "ref-to-rule"};
  return t;
}

namespace detail {

// Every body literal, as (rule index, clause index, literal index).
inline std::vector<std::tuple<size_t, size_t, size_t>> literals(const Program& p) {
  std::vector<std::tuple<size_t, size_t, size_t>> out;
  for (size_t r = 0; r < p.rules.size(); ++r)
    for (size_t c = 0; c < p.rules[r].clauses.size(); ++c)
      for (size_t l = 0; l < p.rules[r].clauses[c].body.size(); ++l) out.emplace_back(r, c, l);
  return out;
}

inline std::string flipped(const std::string& op) {
  if (op == "<") return ">";
  if (op == ">") return "<";
  if (op == "<=") return ">=";
  if (op == ">=") return "<=";
  return op;  // == and != are symmetric
}

inline bool is_condition(const Literal& l) { return l.kind != Literal::Kind::Assign; }

}  // namespace detail

// The program with one spot rewritten by `transform`, or nullopt when the
// program has no spot the transform applies to.
inline std::optional<Program> variant(const Program& original, const std::string& transform, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Program p = original;
  auto spots = detail::literals(p);
  std::shuffle(spots.begin(), spots.end(), rng);
  for (const auto& [r, c, l] : spots) {
    std::vector<Literal>& body = p.rules[r].clauses[c].body;
    Literal& lit = body[l];
    if (transform == "swap-operands") {
      if (lit.kind != Literal::Kind::Compare) continue;
      std::swap(lit.args[0], lit.args[1]);
      lit.op = detail::flipped(lit.op);
      return p;
    }
    if (transform == "swap-conjuncts") {
      if (l + 1 >= body.size() || !detail::is_condition(lit) || !detail::is_condition(body[l + 1])) continue;
      std::swap(body[l], body[l + 1]);
      return p;
    }
    if (transform == "ref-to-rule") {
      for (Operand& o : lit.args) {
        if (o.kind != Operand::Kind::Input) continue;
        Rule g;
        g.name = "g_ref";
        g.clauses.push_back(Clause{o, {}});
        o = Operand{Operand::Kind::Rule, "g_ref"};
        p.rules.push_back(std::move(g));
        return p;
      }
      continue;
    }
    if (transform == "negation-helper") {
      if (!lit.negated || lit.kind == Literal::Kind::Term) continue;
      // Which operands stay inside the negation: refs and rule names of a
      // `==` (unification in a module); everything else OPA binds before.
      const bool unify = lit.kind == Literal::Kind::Compare && lit.op == "==";
      Rule h;
      h.name = "h_neg";
      std::vector<Literal> before;
      std::vector<std::string> params;
      Literal inner = lit;
      inner.negated = false;
      std::vector<Operand> call_args;
      for (size_t i = 0; i < inner.args.size(); ++i) {
        Operand& o = inner.args[i];
        const bool stays = o.kind == Operand::Kind::Const ||
                           (unify && (o.kind == Operand::Kind::Input || o.kind == Operand::Kind::Rule));
        if (stays) continue;
        const std::string var = "b" + std::to_string(i);
        before.push_back(Literal{Literal::Kind::Assign, false, "", {o}, var});
        const std::string param = "p" + std::to_string(i);
        params.push_back(param);
        call_args.push_back(Operand{Operand::Kind::Local, var});
        o = Operand{Operand::Kind::Local, param};
      }
      if (params.size() > 1) continue;  // keep helpers to one parameter (functions of one argument)
      h.param = params.empty() ? "" : params[0];
      h.clauses.push_back(Clause{std::nullopt, {inner}});
      Literal call;
      call.negated = true;
      if (params.empty()) {
        call.kind = Literal::Kind::Term;
        call.args = {Operand{Operand::Kind::Rule, "h_neg"}};
      } else {
        call.kind = Literal::Kind::Call;
        call.op = "h_neg";
        call.args = call_args;
      }
      body.erase(body.begin() + static_cast<std::ptrdiff_t>(l));
      std::vector<Literal> replacement = before;
      replacement.push_back(call);
      body.insert(body.begin() + static_cast<std::ptrdiff_t>(l), replacement.begin(), replacement.end());
      p.rules.push_back(std::move(h));
      return p;
    }
  }
  return std::nullopt;
}

}  // namespace tollgate::conformance::rego_gen
