#include <catch2/catch.hpp>

#include "rules/rego/builtins/annotations.h"
#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using testing::json;

Value block(std::string_view yaml, std::string_view scope) {
  std::string error;
  auto out = parse_annotation_block(yaml, scope, &error);
  INFO(error);
  REQUIRE(out.has_value());
  return *out;
}

std::string block_error(std::string_view yaml) {
  std::string error;
  CHECK_FALSE(parse_annotation_block(yaml, "rule", &error).has_value());
  return error;
}

TEST_CASE("A METADATA block reads as OPA gives it to Rego", "[builtins]") {
  CHECK(block("title: Testing annotations\nauthors:\n- The OPA contributors\n", "rule") ==
        json(R"({"scope": "rule", "title": "Testing annotations", "authors": [{"name": "The OPA contributors"}]})"));
  CHECK(block("description: The Rego test suite\n", "package") ==
        json(R"({"scope": "package", "description": "The Rego test suite"})"));
  // An explicit scope wins; entrypoint makes a rule's block document-scoped.
  CHECK(block("scope: document\ntitle: t\n", "rule")["scope"] == json(R"("document")"));
  CHECK(block("entrypoint: true\n", "rule") == json(R"({"scope": "document", "entrypoint": true})"));
}

TEST_CASE("Authors, related resources, organizations, schemas and custom fields are normalised", "[builtins]") {
  const Value a = block(R"(authors:
- Jane Doe <jane@example.com>
- name: John
  email: john@example.com
related_resources:
- https://example.com
- ref: https://example.com/docs
  description: the docs
organizations:
- Acme Corp.
schemas:
- input: schema.input
custom:
  severity: HIGH
)",
                        "rule");
  CHECK(a["authors"] == json(R"([{"name": "Jane Doe", "email": "jane@example.com"},
                                  {"name": "John", "email": "john@example.com"}])"));
  CHECK(a["related_resources"] == json(R"([{"ref": "https://example.com"},
                                            {"ref": "https://example.com/docs", "description": "the docs"}])"));
  CHECK(a["organizations"] == json(R"(["Acme Corp."])"));
  CHECK(a["schemas"] == json(R"([{"path": ["input"], "schema": ["schema", "input"]}])"));
  CHECK(a["custom"] == json(R"({"severity": "HIGH"})"));
  CHECK(block_error("authors:\n- {}\n") == "'name' and/or 'email' values required in object");
  CHECK(block_error("authors:\n- \"  \"\n") == "author is an empty string");
}

TEST_CASE("rego.metadata.chain and rego.metadata.rule order the blocks as OPA's AnnotationSet does", "[builtins]") {
  RuleAnnotations a;
  a.rule_path = {Value::string("testing"), Value::string("p")};
  a.package_path = {Value::string("testing")};
  a.package = block("description: The Rego test suite\n", "package");
  SECTION("a rule without a block still leads the chain") {
    CHECK(metadata_chain(a) == json(R"([{"path": ["testing", "p"]},
      {"path": ["testing"], "annotations": {"scope": "package", "description": "The Rego test suite"}}])"));
    CHECK(metadata_rule(a) == json("{}"));
  }
  SECTION("rule scope first, then document, package and subpackages") {
    a.rule_scope = {block("title: Another annotation\n", "rule")};
    a.document = block("scope: document\ntitle: Testing annotations\n", "rule");
    a.subpackages = {{{}, block("scope: subpackages\ntitle: root\n", "package")}};
    const Value chain = metadata_chain(a);
    REQUIRE(chain.size() == 4);
    CHECK(*chain.at(0)->find("annotations") == json(R"({"scope": "rule", "title": "Another annotation"})"));
    CHECK(chain.at(1)->find("annotations")->find("scope")->as_string() == "document");
    CHECK(*chain.at(3)->find("path") == json("[]"));
    CHECK(metadata_rule(a) == json(R"({"scope": "rule", "title": "Another annotation"})"));
    // Without a rule-scope block, rego.metadata.rule() is {} even when the
    // document has one.
    a.rule_scope.clear();
    CHECK(metadata_rule(a) == json("{}"));
  }
}

}  // namespace
}  // namespace tollgate::rego
