// rego.metadata.chain() and rego.metadata.rule() in rules: what OPA's
// compiler replaces them by, given the modules' METADATA comment blocks.
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"

namespace {

using tollgate::rego::testing::json;
using tollgate::rego::testing::Outcome;
using tollgate::rego::testing::run;

tollgate::value::Value p_of(const std::vector<std::string>& modules) {
  Outcome o = run(modules, "x = data.test.p");
  INFO(o.error());
  REQUIRE(o.ok());
  return o.only("x");
}

std::string error_of(const std::string& module) {
  Outcome o = run({module}, "x = data.test.p");
  return o.error();
}

}  // namespace

TEST_CASE("rego.metadata.chain lists the rule's blocks, then its package's", "[compiler][metadata]") {
  CHECK(p_of({"# METADATA\n# description: The suite\npackage test\n\n"
              "# METADATA\n# title: T\n# authors:\n# - The OPA contributors\n"
              "p := x if {\n\tx := rego.metadata.chain()\n}\n"}) ==
        json(R"([{"path": ["test", "p"], "annotations": {"scope": "rule", "title": "T",
                                                          "authors": [{"name": "The OPA contributors"}]}},
                 {"path": ["test"], "annotations": {"scope": "package", "description": "The suite"}}])"));
}

TEST_CASE("a rule without a block still leads the chain, and package blocks span modules", "[compiler][metadata]") {
  CHECK(p_of({"# METADATA\n# description: shared\npackage test\n", "package test\n\np := rego.metadata.chain()\n"}) ==
        json(R"([{"path": ["test", "p"]}, {"path": ["test"], "annotations": {"scope": "package", "description": "shared"}}])"));
}

TEST_CASE("each definition of a rule has its own rule-scope block, the document scope is shared", "[compiler][metadata]") {
  const std::string module =
      "package test\n\n# METADATA\n# scope: document\n# title: Doc\np := \"foo\" if {\n\tfalse\n}\n\n"
      "# METADATA\n# title: Mine\np := [rego.metadata.rule(), rego.metadata.chain()] if {\n\ttrue\n}\n";
  CHECK(p_of({module}) == json(R"([{"scope": "rule", "title": "Mine"},
                                   [{"path": ["test", "p"], "annotations": {"scope": "rule", "title": "Mine"}},
                                    {"path": ["test", "p"], "annotations": {"scope": "document", "title": "Doc"}}]])"));
  // rego.metadata.rule() reads the rule scope only.
  CHECK(p_of({"package test\n\n# METADATA\n# scope: document\n# title: Doc\np := rego.metadata.rule()\n"}) == json("{}"));
}

TEST_CASE("a block ends at a line that is not a comment in column 1", "[compiler][metadata]") {
  // The comment after the blank line is not part of the block.
  CHECK(p_of({"package test\n\n# METADATA\n# title: T\n\n# description: not metadata\np := rego.metadata.rule()\n"}) ==
        json(R"({"scope": "rule", "title": "T"})"));
  // Comments that are not in column 1 do not open or continue a block.
  CHECK(p_of({"package test\n\n  # METADATA\n  # title: T\np := rego.metadata.rule()\n"}) == json("{}"));
}

TEST_CASE("subpackages blocks of the package and its ancestors close the chain", "[compiler][metadata]") {
  Outcome o = run({"# METADATA\n# scope: subpackages\n# title: root\npackage test\n",
                   "# METADATA\n# title: pkg\npackage test.deeper\n\np := rego.metadata.chain()\n"},
                  "x = data.test.deeper.p");
  REQUIRE(o.ok());
  CHECK(o.only("x") == json(R"([{"path": ["test", "deeper", "p"]},
                               {"path": ["test", "deeper"], "annotations": {"scope": "package", "title": "pkg"}},
                               {"path": ["test"], "annotations": {"scope": "subpackages", "title": "root"}}])"));
}

TEST_CASE("an else clause has no rule-scope block of its own", "[compiler][metadata]") {
  CHECK(p_of({"package test\n\n# METADATA\n# title: T\np := rego.metadata.rule() if {\n\tfalse\n} else := rego.metadata.rule()\n"}) ==
        json("{}"));
}

TEST_CASE("misplaced or malformed METADATA blocks are errors once a rule asks for metadata", "[compiler][metadata]") {
  CHECK(error_of("package test\n\n# METADATA\n# scope: package\np := rego.metadata.rule()\n") ==
        "rego_parse_error: annotation scope 'package' must be applied to package (have rule)");
  CHECK(error_of("# METADATA\n# scope: rule\npackage test\n\np := rego.metadata.rule()\n") ==
        "rego_parse_error: annotation scope 'rule' must be applied to rule (have package)");
  CHECK(error_of("package test\n\n# METADATA\n# scope: nope\np := rego.metadata.rule()\n") ==
        "rego_parse_error: invalid annotation scope 'nope'");
  CHECK(error_of("package test\n\n# METADATA\n# scope: document\np := 1\n\n# METADATA\n# scope: document\np := rego.metadata.rule()\n") ==
        "rego_type_error: document annotation redeclared: m0.rego:3");
  // Without a call, the blocks are not read (as in OPA).
  CHECK(error_of("package test\n\n# METADATA\n# scope: nope\np := 1\n").empty());
}

TEST_CASE("rego.metadata.* in a query is a builtin error: there is no rule", "[compiler][metadata]") {
  CHECK(run({"package test\n"}, "x = rego.metadata.chain()").undefined());
  tollgate::rego::QueryOptions strict;
  strict.strict_builtin_errors = true;
  Outcome o = run({"package test\n"}, "x = rego.metadata.chain()", strict);
  CHECK(o.error() == "eval_builtin_error: rego.metadata.chain: the rego.metadata.chain function must only be called "
                     "within the scope of a rule");
}
