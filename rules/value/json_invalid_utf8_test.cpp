// Strings that are not UTF-8 (a YAML policy file with a stray byte, the
// output of base64.decode) still print as JSON that readers accept: each
// byte that starts no well-formed sequence becomes \ufffd, as Go's
// encoding/json writes it. Found by fuzz_value_yaml.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::value;

namespace {

std::string printed(std::string s) { return to_json(Value::string(std::move(s))); }

bool reparses(const std::string& json) {
  Value v;
  JsonError error;
  return parse_json(json, &v, &error);
}

}  // namespace

TEST_CASE("a byte that is not UTF-8 prints as the escaped U+FFFD that Go's encoder writes", "[json][utf8]") {
  CHECK(printed("st\xff\xffrage") == R"("st\ufffd\ufffdrage")");
  CHECK(printed("\x80") == R"("\ufffd")");            // stray continuation byte
  CHECK(printed("a\xe2\x82") == R"("a\ufffd\ufffd")");  // truncated 3-byte sequence
  CHECK(printed("\xc0\xaf") == R"("\ufffd\ufffd")");    // overlong '/'
  CHECK(printed("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");  // a surrogate
  CHECK(printed("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");  // beyond U+10FFFF
}

TEST_CASE("well-formed UTF-8 prints unchanged", "[json][utf8]") {
  CHECK(printed("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

TEST_CASE("a YAML document with stray bytes prints as JSON that parses again", "[json][utf8][yaml]") {
  std::ifstream in(std::string(TOLLGATE_SOURCE_DIR) + "/rules/value/yaml_fuzz_corpus/invalid-utf8-scalar.yaml",
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  REQUIRE(!text.str().empty());
  std::vector<YamlDocument> docs;
  YamlError error;
  if (!parse_yaml(text.str(), &docs, &error)) {
    // go-yaml refuses such a file outright; refusing it is fine too.
    CHECK(!error.message.empty());
    return;
  }
  REQUIRE(docs.size() == 1);
  std::string json = to_json(docs[0].value);
  CHECK(reparses(json));
  CHECK(json.find(R"("st\ufffd\ufffdrage.k8s.io/v1")") != std::string::npos);
}
