// Builtin calls: errors in non-strict and strict mode, refused builtins,
// print (rego-notes.md §6).
#include <catch2/catch.hpp>

#include "rules/rego/eval/eval_test_support.h"
#include "rules/rego/trace.h"

using namespace tollgate::rego;
using namespace tollgate::rego::testing;

TEST_CASE("a builtin error makes the expression undefined unless errors are strict", "[eval]") {
  CHECK(run({}, "x := count(1)").undefined());
  CHECK(run({}, "x := to_number(\"abc\")").undefined());
  QueryOptions strict;
  strict.strict_builtin_errors = true;
  auto o = run({}, "x := count(1)", strict);
  REQUIRE(o.result.error);
  CHECK(o.result.error->code == "eval_type_error");
  CHECK(o.result.error->message.rfind("count: ", 0) == 0);
  auto div = run({}, "x := 1 / 0", strict);
  REQUIRE(div.result.error);
  CHECK(div.result.error->code == "eval_builtin_error");
  CHECK(div.result.error->message.find("div: divide by zero") != std::string::npos);
}

TEST_CASE("a strict builtin error names the module of the rule that called it", "[eval]") {
  QueryOptions strict;
  strict.strict_builtin_errors = true;
  auto o = run({"package a\np := data.b.q\n", "package b\nq := x if {\n  x := 1 / 0\n}\n"}, "x := data.a.p", strict);
  REQUIRE(o.result.error);
  CHECK(o.result.error->file == "m1.rego");
  CHECK(o.result.error->loc.line == 3);
  auto in_query = run({}, "x := 1 / 0", strict);
  REQUIRE(in_query.result.error);
  CHECK(in_query.result.error->file.empty());
}

TEST_CASE("a non-strict builtin error does not stop other solutions", "[eval]") {
  auto o = run({}, "xs := [y | x := [\"1\", \"a\", \"3\"][_]; y := to_number(x)]");
  CHECK(o.json("xs") == "[1,3]");
}

TEST_CASE("refused builtins are errors even without strict mode", "[eval]") {
  auto o = run({}, "x := http.send({\"method\": \"GET\", \"url\": \"http://example.com\"})");
  if (o.compile_errors.empty()) {
    REQUIRE(o.result.error);
    CHECK(o.result.error->code == "eval_builtin_error");
    CHECK(o.result.error->message.rfind("http.send: ", 0) == 0);
  }
}

TEST_CASE("print is removed by default and reported to the tracer when kept", "[eval]") {
  std::string m = "package test\np := 1 if { print(\"hello\", input.x, input.none) }";
  QueryOptions o;
  o.input = json(R"({"x": [1]})");
  CHECK(eval_p(m, o) == "1");
  CompileOptions keep;
  keep.strip_print = false;
  TextTracer tracer;
  o.tracer = &tracer;
  auto r = run({m}, "x := data.test.p", o, RegoVersion::V1, keep);
  CHECK(r.json("x") == "1");
  REQUIRE(tracer.printed().size() == 1);
  CHECK(tracer.printed()[0] == "hello [1] <undefined>");
}
