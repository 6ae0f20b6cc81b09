#include "policies/gator/yaml_writer.h"

#include <catch2/catch.hpp>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

using namespace tollgate::policies::gator;
using tollgate::value::parse_json_or_throw;

namespace {

Value read_back(const std::string& yaml) {
  std::vector<tollgate::value::YamlDocument> docs;
  tollgate::value::YamlError error;
  INFO(yaml);
  REQUIRE(tollgate::value::parse_yaml(yaml, &docs, &error));
  REQUIRE(docs.size() == 1);
  return docs[0].value;
}

}  // namespace

TEST_CASE("objects are written as block YAML with quoted strings", "[yaml_writer]") {
  Value pod = parse_json_or_throw(
      R"({"apiVersion":"v1","kind":"Pod","metadata":{"labels":{"app.kubernetes.io/name":"web"},"name":"p"},)"
      R"("spec":{"containers":[{"image":"nginx:1.25","name":"app","ports":[{"containerPort":80}]}],"volumes":[]}})");
  CHECK(to_yaml(pod) ==
        "apiVersion: \"v1\"\n"
        "kind: \"Pod\"\n"
        "metadata:\n"
        "  labels:\n"
        "    app.kubernetes.io/name: \"web\"\n"
        "  name: \"p\"\n"
        "spec:\n"
        "  containers:\n"
        "    - image: \"nginx:1.25\"\n"
        "      name: \"app\"\n"
        "      ports:\n"
        "        - containerPort: 80\n"
        "  volumes: []\n");
}

TEST_CASE("what is written reads back as the same value", "[yaml_writer]") {
  for (const char* json : {
           R"({"a":"yes","b":"1.0","c":"null","d":null,"e":true,"f":-3,"g":2.5,"on":"~","":"empty key"})",
           R"({"nested":[[1,[2,{"x":[]}]],{},[],"line\nbreak \"quoted\" \\ tab\t"]})",
           R"({"01":"leading digit key","-dash":1,".dot":2,"a b":"space","ünï":"cödé"})",
           R"([1,"two",{"three":3}])",
           R"("just a string")",
           R"({})",
       }) {
    Value v = parse_json_or_throw(json);
    CHECK(tollgate::value::to_json(read_back(to_yaml(v))) == tollgate::value::to_json(v));
  }
}

TEST_CASE("multi-line strings are written as literal blocks when they read back unchanged", "[yaml_writer]") {
  // What `tollgate export vap` prints for a multi-line CEL expression, as kubectl would.
  Value v = parse_json_or_throw(R"({"validations":[{"expression":"has(object.spec) &&\nobject.spec.replicas <= 5\n"}],)"
                                R"("message":"line one\n\nline three"})");
  CHECK(to_yaml(v) ==
        "message: |-\n"
        "  line one\n"
        "\n"
        "  line three\n"
        "validations:\n"
        "  - expression: |\n"
        "      has(object.spec) &&\n"
        "      object.spec.replicas <= 5\n");
  CHECK(read_back(to_yaml(v)) == v);

  // Each of these needs a quoted scalar (or an indentation indicator) to read back the same.
  for (const char* text : {"trailing space \nnext", "ends in two breaks\n\n", " leading space\nnext", "\nleading break",
                           "tab\tinside\nnext", "space at the end\nnext ", "bell\a\nnext"}) {
    Value s = Value::object({{Value::string("s"), Value::string(text)}});
    std::string yaml = to_yaml(s);
    INFO(yaml);
    CHECK(yaml.rfind("s: \"", 0) == 0);
    CHECK(read_back(yaml) == s);
  }
}
