// METADATA comment blocks: the lexer hands comments over on request and the
// parser keeps each `# METADATA` block's YAML, as OPA's parseAnnotations
// delimits it.
#include <catch2/catch.hpp>

#include "rules/rego/lexer.h"
#include "rules/rego/parser_test_support.h"

namespace tollgate::rego {
namespace {

using testing::module_ok;

TEST_CASE("the lexer reports comments with their text after # and their location", "[lexer]") {
  std::vector<Token> tokens;
  std::vector<Error> errors;
  std::vector<Comment> comments;
  REQUIRE(tokenize("# one\r\np := 1 # two\n#\n", "f.rego", &tokens, &errors, &comments));
  REQUIRE(comments.size() == 3);
  CHECK(comments[0].text == " one");
  CHECK(comments[0].loc.line == 1);
  CHECK(comments[0].loc.column == 1);
  CHECK(comments[1].text == " two");
  CHECK(comments[1].loc.column == 8);
  CHECK(comments[2].text.empty());
}

TEST_CASE("a METADATA block is the column-1 comments on the lines right after it", "[parser]") {
  const Module m = module_ok(
      "# METADATA\n# description: pkg\npackage p\n\n"
      "# METADATA\n# title: T\n# authors:\n# - A\n\n# not part of it\n"
      "  # METADATA\n  # indented: not a block\n"
      "# METADATA\n#   nested: keeps its indentation\n# METADATA\n# second: block\nr := 1\n",
      RegoVersion::V1);
  REQUIRE(m.metadata.size() == 4);
  CHECK(m.metadata[0].loc.line == 1);
  CHECK(m.metadata[0].yaml == "description: pkg\n");
  CHECK(m.metadata[1].loc.line == 5);
  CHECK(m.metadata[1].yaml == "title: T\nauthors:\n- A\n");
  // A METADATA comment ends the block before it and opens its own.
  CHECK(m.metadata[2].yaml == "  nested: keeps its indentation\n");
  CHECK(m.metadata[3].yaml == "second: block\n");
}

TEST_CASE("modules without METADATA comments keep no blocks", "[parser]") {
  CHECK(module_ok("package p\n# just a comment\nr := 1 # another\n", RegoVersion::V1).metadata.empty());
}

}  // namespace
}  // namespace tollgate::rego
