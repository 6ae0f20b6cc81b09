#include "policies/cel_driver.h"

#include <catch2/catch.hpp>

#include "policies/review_request.h"
#include "policies/test_support.h"

using namespace tollgate::policies;
using tollgate::policies::testing::yaml;
using tollgate::value::Value;
using Messages = std::vector<std::string>;

namespace {

std::string indent(const std::string& text, int spaces) {
  std::string out, pad(spaces, ' ');
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty()) out += pad + line + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

struct Compiled {
  std::shared_ptr<const CelTemplateProgram> program;
  std::vector<LoadError> errors;
};

Compiled compile(const std::string& source, bool defer_compile_errors = false) {
  std::string text = R"Y(apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata: {name: k8stest}
spec:
  crd: {spec: {names: {kind: K8sTest}}}
  targets:
  - target: admission.k8s.gatekeeper.sh
    code:
    - engine: K8sNativeValidation
      source:
)Y" + indent(source, 8);
  Compiled c;
  ObjectOrigin origin("template.yaml", nullptr);
  ParseContext ctx(origin, c.errors);
  auto t = parse_constraint_template(yaml(text), ctx, LoadOptions{});
  REQUIRE(t);
  REQUIRE(t->cel);
  c.program = CelTemplateProgram::compile(*t->cel, t->name, defer_compile_errors, ctx);
  return c;
}

std::shared_ptr<const CelTemplateProgram> program(const std::string& source) {
  Compiled c = compile(source);
  INFO(testing::joined_errors(c.errors));
  REQUIRE(c.program);
  return c.program;
}

Constraint constraint(const std::string& spec = "{}") {
  std::vector<LoadError> errors;
  ObjectOrigin origin("constraint.yaml", nullptr);
  ParseContext ctx(origin, errors);
  auto c = parse_constraint(yaml("{apiVersion: constraints.gatekeeper.sh/v1beta1, kind: K8sTest, metadata: {name: my-constraint}, spec: " + spec + "}"), ctx);
  REQUIRE(c);
  return *c;
}

const Value kPod = yaml(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
)Y");

Messages run(const CelTemplateProgram& p, const Constraint& c, const Value& request,
             const Value* namespace_object = nullptr) {
  Messages out;
  p.evaluate(CelReviewInput::from_request(request, namespace_object), c, out);
  return out;
}

Messages run(const CelTemplateProgram& p, const Value& object = kPod) {
  return run(p, constraint(), admission_request_for_object(object, "CREATE"));
}

}  // namespace

TEST_CASE("cel driver: a true validation passes, others report message or failed expression", "[cel_driver]") {
  auto p = program(R"Y(
validations:
- expression: "object.metadata.name == 'web'"
  message: "never shown"
- expression: "object.metadata.name == 'api'"
  message: "  name must be api  "
- expression: "  object.kind == 'Deployment'  "
)Y");
  CHECK(run(*p) == Messages{"name must be api", "failed expression: object.kind == 'Deployment'"});
}

TEST_CASE("cel driver: a non-bool validation result fails it", "[cel_driver]") {
  auto p = program("validations:\n- expression: \"'yes'\"\n  message: not a bool\n");
  CHECK(run(*p) == Messages{"not a bool"});
}

TEST_CASE("cel driver: messageExpression is trimmed and preferred over message", "[cel_driver]") {
  auto p = program(R"Y(
validations:
- expression: "false"
  message: static
  messageExpression: "'  pod ' + object.metadata.name + ' is bad  '"
)Y");
  CHECK(run(*p) == Messages{"pod web is bad"});
}

TEST_CASE("cel driver: unusable messageExpression results fall back to message", "[cel_driver]") {
  SECTION("multi-line") {
    auto p = program("validations:\n- expression: \"false\"\n  message: fallback\n  messageExpression: \"'a\\\\nb'\"\n");
    CHECK(run(*p) == Messages{"fallback"});
  }
  SECTION("blank") {
    auto p = program("validations:\n- expression: \"false\"\n  message: fallback\n  messageExpression: \"'   '\"\n");
    CHECK(run(*p) == Messages{"fallback"});
  }
  SECTION("error") {
    auto p = program("validations:\n- expression: \"false\"\n  message: fallback\n  messageExpression: \"object.nope\"\n");
    CHECK(run(*p) == Messages{"fallback"});
  }
  SECTION("not a string") {
    auto p = program("validations:\n- expression: \"false\"\n  message: fallback\n  messageExpression: \"string(1) == '1'\"\n");
    CHECK(run(*p) == Messages{"fallback"});
  }
  SECTION("longer than 5 KiB") {
    Value big = yaml("{apiVersion: v1, kind: Pod, metadata: {name: '" + std::string(5 * 1024 + 1, 'x') + "'}}");
    auto p = program("validations:\n- expression: \"false\"\n  message: fallback\n  messageExpression: \"object.metadata.name\"\n");
    CHECK(run(*p, big) == Messages{"fallback"});
    Value fits = yaml("{apiVersion: v1, kind: Pod, metadata: {name: '" + std::string(5 * 1024, 'x') + "'}}");
    CHECK(run(*p, fits) == Messages{std::string(5 * 1024, 'x')});
  }
  SECTION("no message either") {
    auto p = program("validations:\n- expression: \"1 == 2\"\n  messageExpression: \"''\"\n");
    CHECK(run(*p) == Messages{"failed expression: 1 == 2"});
  }
}

TEST_CASE("cel driver: evaluation errors follow the failure policy", "[cel_driver]") {
  SECTION("Fail reports the expression and the error") {
    auto p = program("validations:\n- expression: \"object.spec.missing == 1\"\n  message: m\n");
    Messages m = run(*p);
    REQUIRE(m.size() == 1);
    CHECK_THAT(m[0], Catch::StartsWith("expression 'object.spec.missing == 1' resulted in error: "));
    CHECK_THAT(m[0], Catch::Contains("missing"));
  }
  SECTION("Ignore drops it") {
    auto p = program("failurePolicy: Ignore\nvalidations:\n- expression: \"object.spec.missing == 1\"\n- expression: \"false\"\n  message: still checked\n");
    CHECK(run(*p) == Messages{"still checked"});
  }
}

TEST_CASE("cel driver: variables are lazy, ordered, and see params as the whole constraint", "[cel_driver]") {
  auto p = program(R"Y(
variables:
- name: broken
  expression: "object.spec.nope"
- name: name
  expression: "object.metadata.name"
- name: greeting
  expression: "'hello ' + variables.name"
- name: constraintName
  expression: "params.metadata.name"
validations:
- expression: "false"
  messageExpression: "variables.greeting + ' from ' + variables.constraintName"
)Y");
  // `broken` is never read, so its error never surfaces.
  CHECK(run(*p) == Messages{"hello web from my-constraint"});
}

TEST_CASE("cel driver: a variable's error fails only the expressions reading it", "[cel_driver]") {
  auto p = program(R"Y(
variables:
- name: broken
  expression: "object.spec.nope"
validations:
- expression: "variables.broken == 1"
- expression: "false"
  message: other
)Y");
  Messages m = run(*p);
  REQUIRE(m.size() == 2);
  CHECK_THAT(m[0], Catch::StartsWith("expression 'variables.broken == 1' resulted in error: "));
  CHECK(m[1] == "other");
}

TEST_CASE("cel driver: variables.params is spec.parameters, or null when absent", "[cel_driver]") {
  auto p = program(R"Y(
validations:
- expression: "variables.params == null"
  messageExpression: "'limit ' + string(variables.params.limit)"
)Y");
  auto with = constraint("{parameters: {limit: 3}}");
  Value request = admission_request_for_object(kPod, "CREATE");
  CHECK(run(*p, with, request) == Messages{"limit 3"});
  CHECK(run(*p, constraint(), request).empty());
}

TEST_CASE("cel driver: DELETE binds object to null and anyObject to oldObject", "[cel_driver]") {
  auto p = program(R"Y(
validations:
- expression: "object == null"
  message: object is set
- expression: "variables.anyObject.metadata.name != 'web'"
  messageExpression: "'deleting ' + variables.anyObject.metadata.name + ' as ' + request.operation"
- expression: "oldObject == null"
  message: old object is bound
)Y");
  Value request = yaml("{operation: DELETE, namespace: prod, name: web, kind: {group: '', version: v1, kind: Pod}}");
  request = tollgate::value::with_entry(request, "oldObject", kPod);
  request = tollgate::value::with_entry(request, "object", kPod);  // Gatekeeper's copy; CEL still sees null
  CHECK(run(*p, constraint(), request) == Messages{"deleting web as DELETE", "old object is bound"});
}

TEST_CASE("cel driver: request and namespaceObject are bound", "[cel_driver]") {
  auto p = program(R"Y(
validations:
- expression: "false"
  messageExpression: "request.userInfo.username + ' in ' + namespaceObject.metadata.labels.env + ' ' + string(has(request.object))"
)Y");
  Value request = yaml("{operation: CREATE, namespace: prod, userInfo: {username: alice}, kind: {group: '', version: v1, kind: Pod}}");
  request = tollgate::value::with_entry(request, "object", kPod);
  Value ns = yaml("{apiVersion: v1, kind: Namespace, metadata: {name: prod, labels: {env: production}}}");
  CHECK(run(*p, constraint(), request, &ns) == Messages{"alice in production false"});
}

TEST_CASE("cel driver: matchCondition gates the validations", "[cel_driver]") {
  SECTION("any false skips") {
    auto p = program(R"Y(
matchCondition:
- name: always
  expression: "true"
- name: only-api
  expression: "object.metadata.name == 'api'"
validations:
- expression: "false"
  message: ran
)Y");
    CHECK(run(*p).empty());
  }
  SECTION("all true runs") {
    auto p = program("matchCondition:\n- name: web\n  expression: \"object.metadata.name == 'web'\"\nvalidations:\n- expression: \"false\"\n  message: ran\n");
    CHECK(run(*p) == Messages{"ran"});
  }
  SECTION("an error with Fail is reported") {
    auto p = program("matchCondition:\n- name: bad\n  expression: \"object.nope\"\nvalidations:\n- expression: \"false\"\n  message: ran\n");
    Messages m = run(*p);
    REQUIRE(m.size() == 1);
    CHECK_THAT(m[0], Catch::StartsWith("expression 'object.nope' resulted in error: "));
  }
  SECTION("an error with Ignore skips") {
    auto p = program("failurePolicy: Ignore\nmatchCondition:\n- name: bad\n  expression: \"object.nope\"\nvalidations:\n- expression: \"false\"\n  message: ran\n");
    CHECK(run(*p).empty());
  }
  SECTION("a false wins over an error") {
    auto p = program("matchCondition:\n- name: bad\n  expression: \"object.nope\"\n- name: no\n  expression: \"false\"\nvalidations:\n- expression: \"false\"\n  message: ran\n");
    CHECK(run(*p).empty());
  }
}

TEST_CASE("cel driver: compile errors are load errors, or deferred to evaluation like Gatekeeper", "[cel_driver]") {
  std::string source = "validations:\n- expression: \"object.metadata.name ==\"\n- expression: \"false\"\n  message: fine\n";
  Compiled strict = compile(source);
  CHECK(strict.program == nullptr);
  REQUIRE(strict.errors.size() == 1);
  CHECK_THAT(strict.errors[0].message, Catch::StartsWith("template k8stest: validations[0].expression: CEL compile error at "));

  Compiled deferred = compile(source, true);
  REQUIRE(deferred.program);
  CHECK(deferred.errors.empty());
  Messages m = run(*deferred.program);
  REQUIRE(m.size() == 2);
  CHECK_THAT(m[0], Catch::StartsWith("compilation error: "));
  CHECK(m[1] == "fine");

  Compiled ignored = compile("failurePolicy: Ignore\n" + source, true);
  REQUIRE(ignored.program);
  CHECK(run(*ignored.program) == Messages{"fine"});
}
