// A token that can start no node after a document (a stray ',' after a JSON
// object) is a syntax error, answered at once. yaml-cpp 0.7's LoadAll looped
// on it forever, adding a null document per turn until memory ran out: a
// one-byte typo in a policy file hung the loader, and a request string given
// to Rego's yaml.unmarshal hung the webhook. Found by fuzz_model_loader.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::value;

namespace {

std::string error_of(const std::string& text) {
  std::vector<YamlDocument> docs;
  YamlError error;
  INFO(text);
  REQUIRE_FALSE(parse_yaml(text, &docs, &error));
  return error.message;
}

std::string corpus_file(const std::string& name) {
  std::ifstream in(std::string(TOLLGATE_SOURCE_DIR) + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a stray comma after a JSON object is a syntax error, not an endless stream", "[yaml]") {
  CHECK(error_of("{\"a\":1},\n") == "did not find expected <document start>");
  CHECK(error_of("{\"a\":1},\"b\":2}") == "did not find expected <document start>");
  CHECK(error_of(corpus_file("rules/value/yaml_fuzz_corpus/stray-comma-after-flow-map.yaml")) ==
        "did not find expected <document start>");
  CHECK(error_of(corpus_file("policies/model/loader_fuzz_corpus/stray-comma-after-flow-map.json")) ==
        "did not find expected <document start>");
}

TEST_CASE("a stray comma where a document should start is a syntax error", "[yaml]") {
  // go-yaml's words (parserc.go, yaml_parser_parse_node: a ',' can start no
  // node, "while parsing a block node").
  CHECK(error_of(",\n") == "did not find expected node content");
  CHECK(error_of(corpus_file("rules/value/yaml_fuzz_corpus/stray-comma-document.yaml")) ==
        "did not find expected node content");
}

TEST_CASE("streams of several and of empty documents still parse", "[yaml]") {
  std::vector<YamlDocument> docs;
  YamlError error;
  REQUIRE(parse_yaml("a: 1\n---\nb: 2\n---\n---\n# only a comment\n...\n", &docs, &error));
  REQUIRE(docs.size() == 2);
  CHECK(to_json(docs[0].value) == R"({"a":1})");
  CHECK(to_json(docs[1].value) == R"({"b":2})");
}
