#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("size counts code points, predicates treat the empty needle as a match", "[cel][strings]") {
  CHECK(show(k8s("'fiance\\u0301'.size()")) == "7");
  CHECK(show(k8s("size(b'\\xff\\x00')")) == "2");
  CHECK(show(k8s("'abc'.contains('') && 'abc'.startsWith('') && 'abc'.endsWith('')")) == "true");
  CHECK(show(k8s("'registry.corp/app'.startsWith('registry.corp/')")) == "true");
  CHECK(show(k8s("'app.yaml'.endsWith('.yml')")) == "false");
}

TEST_CASE("matches is unanchored RE2, constant bad patterns fail to compile", "[cel][strings]") {
  CHECK(show(k8s("'hello world'.matches('o w')")) == "true");
  CHECK(show(k8s("'hello'.matches('^h.*o$')")) == "true");
  CHECK(show(k8s("matches('abc', 'b')")) == "true");
  CHECK_FALSE(k8s("'a'.matches('(')").compiled);
  CHECK(k8s("'a'.matches(p)", {{"p", json(R"("(")")}}).eval_error());
  CHECK(show(k8s("'a1b22'.find('[0-9]+')")) == R"("1")");
  CHECK(show(k8s("'a1b22c333'.findAll('[0-9]+')")) == R"(["1","22","333"])");
  CHECK(show(k8s("'a1b22c333'.findAll('[0-9]+', 2)")) == R"(["1","22"])");
  CHECK(show(k8s("'abc'.find('z')")) == R"("")");
}

TEST_CASE("ext.Strings v2 functions index by code point", "[cel][strings]") {
  CHECK(show(k8s("'héllo'.charAt(1)")) == R"("é")");
  CHECK(show(k8s("'abc'.charAt(3)")) == R"("")");
  CHECK(k8s("'abc'.charAt(4)").eval_error());
  CHECK(show(k8s("'héllo'.indexOf('l')")) == "2");
  CHECK(show(k8s("'hello'.lastIndexOf('l')")) == "3");
  CHECK(show(k8s("'hello'.indexOf('')")) == "0");
  CHECK(show(k8s("'hello'.indexOf('l', 3)")) == "3");
  // An offset past the end: -1 in cel-go v0.22 (Kubernetes 1.32), an error in cel-spec.
  CHECK(show(k8s("'abc'.indexOf('c', 4)")) == "-1");
  CHECK(show(k8s("'abc'.lastIndexOf('a', 9)")) == "-1");
  CHECK(standard("'abc'.indexOf('c', 4)").eval_error());
  CHECK(k8s("'abc'.indexOf('c', -1)").eval_error());
  CHECK(show(k8s("'Hello'.lowerAscii() + 'Hello'.upperAscii()")) == R"("helloHELLO")");
  CHECK(show(k8s("'a.b.c'.replace('.', '/')")) == R"("a/b/c")");
  CHECK(show(k8s("'a.b.c'.replace('.', '/', 1)")) == R"("a/b.c")");
  CHECK(show(k8s("'ab'.replace('', '-')")) == R"("-a-b-")");
  CHECK(show(k8s("'a,b,c'.split(',')")) == R"(["a","b","c"])");
  CHECK(show(k8s("'a,b,c'.split(',', 2)")) == R"(["a","b,c"])");
  CHECK(show(k8s("'a,b,c'.split(',', 0)")) == "[]");
  CHECK(show(k8s("'héllo'.substring(1, 3)")) == R"("él")");
  CHECK(k8s("'abc'.substring(2, 1)").eval_error());
  CHECK(show(k8s("'  \\t x y \\n'.trim()")) == R"("x y")");
  CHECK(show(k8s("['a', 'b'].join(', ')")) == R"("a, b")");
  CHECK(show(k8s("strings.quote('a\"b\\n')")) == R"("\"a\\\"b\\n\"")");
  CHECK_FALSE(k8s("'abc'.reverse()").compiled);
}

TEST_CASE("format substitutes %s %d %f %x", "[cel][strings]") {
  CHECK(show(k8s("'%s has %d items (%.2f%%)'.format(['cart', 3, 12.5])")) == R"x("cart has 3 items (12.50%)")x");
  CHECK(show(k8s("'%x'.format([255])")) == R"("ff")");
  CHECK(k8s("'%d'.format([x])", {{"x", tollgate::value::Value::string("x")}}).eval_error());
  // Kubernetes' format validator checks a literal format against literal arguments' types.
  CHECK_FALSE(k8s("'%d'.format(['x'])").compiled);
  CHECK_FALSE(k8s("'%d'.format([1.0])").compiled);
  CHECK_FALSE(k8s("'%s %s'.format(['x'])").compiled);  // index 1 out of range
  CHECK_FALSE(k8s("'%q'.format(['x'])").compiled);
  CHECK_FALSE(k8s("'%s'.format(['x', 'y'])").compiled);  // too many arguments
}

TEST_CASE("format refuses a precision too large to print instead of overflowing", "[cel][strings]") {
  // Found by fuzz_cel_compiler: the digits of %.9223372036...f overflowed an int.
  CHECK_FALSE(k8s("'%.99999999999f'.format([1.5])").compiled);
  CHECK(k8s("fmt.format([1.5])", {{"fmt", json(R"("%.99999999999f")")}}).eval_error());
  // Long but allowed precisions print every digit asked for.
  CHECK(show(k8s("'%.600f'.format([0.5]).size()")) == "602");
  CHECK(show(standard("'%.600e'.format([0.5]).size()")) == "606");
}

TEST_CASE("format prints as cel-go v0.22 does for Kubernetes 1.32", "[cel][strings]") {
  CHECK(show(k8s("'%.2f'.format([1234.5])")) == R"("1,234.50")");
  CHECK(show(k8s("'%f'.format([-1234567.125])")) == R"("-1,234,567.125000")");
  CHECK(show(k8s("'%e'.format([1234.5678])")) == R"("1.234568×10⁰³")");
  CHECK(show(k8s("'%.2e'.format([0.00123])")) == R"("1.230000×10⁻⁰³")");  // the precision is lost, as in cel-go
  CHECK(show(k8s("'%s'.format([{'b': 1, 'a': [1.0, 'x']}])")) == R"("{\"a\":[1.000000, \"x\"], \"b\":1}")");
  CHECK(show(k8s("'%s'.format([[duration('1.5s'), b'a']])")) == R"("[duration(\"1.5s\"), b\"a\"]")");
  CHECK(show(k8s("'%o %b %x %X'.format([8, 5, 255, 'hi'])")) == R"("10 101 ff 6869")");
  CHECK(show(k8s("'%d'.format([-7])")) == R"("-7")");
  // The standard environment keeps the cel-spec formatter.
  CHECK(show(standard("'%.2f'.format([1234.5])")) == R"("1234.50")");
}

TEST_CASE("string conversions follow Go formatting", "[cel][strings]") {
  CHECK(show(k8s("string(1e6)")) == R"("1e+06")");
  CHECK(show(k8s("string(1234567.0)")) == R"("1.234567e+06")");
  CHECK(show(k8s("string(123.456)")) == R"("123.456")");
  CHECK(show(k8s("string(0.00001)")) == R"("1e-05")");
  CHECK(show(k8s("string(-0.0045)")) == R"("-0.0045")");
  CHECK(show(k8s("string(123u)")) == R"("123")");
  CHECK(show(k8s("int('-42') + int(3.9) + int(-3.9)")) == "-42");
  CHECK(show(k8s("bool('True') && !bool('f') && bool('T') && !bool('F')")) == "true");  // Go's ParseBool
  CHECK(k8s("int(object)", {{"object", tollgate::value::Value::string("0x1F")}}).eval_error());
  CHECK(k8s("uint(object)", {{"object", tollgate::value::Value::integer(-1)}}).eval_error());
}

TEST_CASE("a failing conversion of a constant refuses the expression, as cel-go's planner does", "[cel][strings]") {
  // cel-go (with OptOptimize, as Kubernetes runs it) evaluates type conversions
  // of literals while building the program.
  for (const char* expr : {"string(b'\\xff')", "int('0x1F')", "int(9223372036854775807.0)", "uint(-1)",
                           "bool('yes')", "int(double('nan'))", "false ? uint(-1) : 1u",
                           "[1, 2].exists(x, int('x') > x)", "'a'.find('[a-')", "uint(int('-1'))"}) {
    INFO(expr);
    auto o = k8s(expr);
    CHECK_FALSE(o.compiled);
    CHECK(o.compile_error.rfind("program: ", 0) == 0);
  }
  // Kubernetes' own literal checks refuse these first.
  CHECK_FALSE(k8s("timestamp(-62135596801)").compiled);
  CHECK_FALSE(k8s("duration('5')").compiled);
  // Only cel-go's constants fold: a conversion of a computed value fails when evaluated.
  CHECK(k8s("int('x' + '')").eval_error());
  CHECK(k8s("int(['x'][0])").eval_error());
  CHECK(show(k8s("int(string(42))")) == "42");
}
