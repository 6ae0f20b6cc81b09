// The generator's self-check (tests/conformance/rego_differential_gen.h): for
// generated modules of every class, each equivalent variant (negation-helper,
// swap-operands, swap-conjuncts, ref-to-rule) must get the same answer from
// Tollgate as the original. No oracle needed: OPA defines the pairs equal.
//
// Knobs (environment):
//   TOLLGATE_REGO_GEN_SEEDS=<n>     modules per class (default 150)
//   TOLLGATE_REGO_GEN_VERBOSE=1     print every disagreeing pair
//   TOLLGATE_REGO_GEN_WRITE=<file>  also write generated cases in the corpus
//                                   format (no answers) for OPA to answer;
//                                   TOLLGATE_REGO_GEN_CLASS (default mixed) and
//                                   TOLLGATE_REGO_GEN_COUNT (default 100)
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "rules/value/json.h"
#include "tests/conformance/rego_differential.h"
#include "tests/conformance/rego_differential_gen.h"

namespace {

namespace gen = tollgate::conformance::rego_gen;
namespace diff = tollgate::conformance::rego_diff;

std::string env_or(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : fallback;
}

std::map<std::string, int> g_error_kinds;

// The answer as text, without the rules variants add (g_ref, h_neg); nullopt
// when evaluation failed (error or refusal).
std::optional<std::string> answer(const gen::Program& p) {
  const diff::Answer a = diff::evaluate(gen::module_text(p), p.input, "data.t");
  if (a.kind != diff::Answer::Kind::Value) {
    ++g_error_kinds[(a.kind == diff::Answer::Kind::Refused ? "refused " : "error ") + a.code];
    return std::nullopt;
  }
  if (!a.defined) return "undefined";
  tollgate::value::Value v = a.value;
  for (const char* helper : {"g_ref", "h_neg"}) v = tollgate::value::without_entry(v, helper);
  return tollgate::value::to_json(v);
}

}  // namespace

TEST_CASE("generated Rego modules and their OPA-equivalent variants get the same answers", "[rego-gen][conformance]") {
  const int seeds = std::stoi(env_or("TOLLGATE_REGO_GEN_SEEDS", "150"));
  const bool verbose = !env_or("TOLLGATE_REGO_GEN_VERBOSE").empty();
  std::map<std::string, int> compared, skipped, differing;
  int failures = 0;
  std::string first_failure;
  for (const std::string klass : {"negation", "else", "conflict", "mixed"}) {
    for (int seed = 1; seed <= seeds; ++seed) {
      const gen::Program original = gen::generate(klass, static_cast<uint64_t>(seed));
      const std::optional<std::string> want = answer(original);
      for (const std::string& t : gen::transforms()) {
        const auto v = gen::variant(original, t, static_cast<uint64_t>(seed) * 7919);
        if (!v) continue;
        const std::optional<std::string> got = answer(*v);
        if (!want || !got) {
          ++skipped[t];
          continue;
        }
        ++compared[t];
        if (*want == *got) continue;
        ++differing[t];
        ++failures;
        const std::string report = klass + " seed " + std::to_string(seed) + " [" + t + "]: original " + *want +
                                   ", variant " + *got + "\n--- original\n" + gen::module_text(original) +
                                   "--- variant\n" + gen::module_text(*v) + "--- input " + original.input + "\n";
        if (first_failure.empty()) first_failure = report;
        if (verbose) std::cout << report;
      }
    }
  }
  for (const std::string& t : gen::transforms())
    std::cout << "rego-gen " << t << ": " << compared[t] - differing[t] << "/" << compared[t]
              << " variants agree (" << skipped[t] << " skipped: an evaluation error on either side)\n";
  for (const auto& [kind, n] : g_error_kinds) std::cout << "rego-gen evaluations failing: " << n << "x " << kind << "\n";
  // The check must have teeth: most pairs are compared, not skipped.
  for (const std::string& t : gen::transforms()) {
    INFO(t);
    CHECK(compared[t] >= seeds);
  }
  INFO(failures << " variants disagree; the first:\n" << first_failure);
  CHECK(failures == 0);

  if (const std::string path = env_or("TOLLGATE_REGO_GEN_WRITE"); !path.empty()) {
    const std::string klass = env_or("TOLLGATE_REGO_GEN_CLASS", "mixed");
    const int count = std::stoi(env_or("TOLLGATE_REGO_GEN_COUNT", "100"));
    std::ofstream out(path);
    for (int seed = 1; seed <= count; ++seed)
      out << gen::to_jsonl("gen-" + klass + "-" + std::to_string(seed), gen::generate(klass, static_cast<uint64_t>(seed)))
          << "\n";
    std::cout << "rego-gen: wrote " << count << " " << klass << " cases to " << path << "\n";
  }
}

TEST_CASE("the negation-helper variant binds what OPA binds before a not, and keeps == refs inside",
          "[rego-gen]") {
  gen::Program p;
  p.input = "{}";
  gen::Rule r;
  r.name = "r1";
  gen::Literal lt;
  lt.negated = true;
  lt.op = "<";
  lt.args = {{gen::Operand::Kind::Input, "input.nope"}, {gen::Operand::Kind::Const, "1"}};
  r.clauses.push_back(gen::Clause{std::nullopt, {lt}});
  p.rules.push_back(r);
  auto v = gen::variant(p, "negation-helper", 1);
  REQUIRE(v);
  const std::string text = gen::module_text(*v);
  CHECK(text.find("b0 := input.nope") != std::string::npos);
  CHECK(text.find("not h_neg(b0)") != std::string::npos);
  CHECK(text.find("h_neg(p0) {\n\tp0 < 1\n}") != std::string::npos);
  // Both undefined: the operand is bound before the `not`.
  CHECK(answer(p) == std::optional<std::string>("{}"));
  CHECK(answer(*v) == std::optional<std::string>("{}"));

  p.rules[0].clauses[0].body[0].op = "==";
  v = gen::variant(p, "negation-helper", 1);
  REQUIRE(v);
  CHECK(gen::module_text(*v).find("h_neg {\n\tinput.nope == 1\n}") != std::string::npos);
  // Both true: == keeps the ref inside the `not`.
  CHECK(answer(p) == std::optional<std::string>("{\"r1\":true}"));
  CHECK(answer(*v) == std::optional<std::string>("{\"r1\":true}"));
}

TEST_CASE("generated cases are corpus lines without an answer", "[rego-gen]") {
  const std::string line = gen::to_jsonl("gen-negation-1", gen::generate("negation", 1));
  const auto j = nlohmann::json::parse(line);
  CHECK(j.at("id") == "gen-negation-1");
  CHECK(j.at("query") == "data.t");
  CHECK(j.at("module").get<std::string>().rfind("package t\nimport future.keywords.in\n", 0) == 0);
  CHECK_NOTHROW(tollgate::value::parse_json_or_throw(j.at("input").get<std::string>()));
  // The same seed gives the same case.
  CHECK(gen::to_jsonl("x", gen::generate("mixed", 42)) == gen::to_jsonl("x", gen::generate("mixed", 42)));
}
