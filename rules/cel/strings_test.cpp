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
  CHECK(k8s("'%d'.format(['x'])").eval_error());
}

TEST_CASE("string conversions follow Go formatting", "[cel][strings]") {
  CHECK(show(k8s("string(1e6)")) == R"("1e+06")");
  CHECK(show(k8s("string(1234567.0)")) == R"("1.234567e+06")");
  CHECK(show(k8s("string(123.456)")) == R"("123.456")");
  CHECK(show(k8s("string(0.00001)")) == R"("1e-05")");
  CHECK(show(k8s("string(-0.0045)")) == R"("-0.0045")");
  CHECK(show(k8s("string(123u)")) == R"("123")");
  CHECK(k8s("string(b'\\xff')").eval_error());
  CHECK(show(k8s("int('-42') + int(3.9) + int(-3.9)")) == "-42");
  CHECK(k8s("int('0x1F')").eval_error());
  CHECK(k8s("int(9223372036854775807.0)").eval_error());
  CHECK(k8s("uint(-1)").eval_error());
  CHECK(show(k8s("bool('True') && !bool('f')")) == "true");
  CHECK(k8s("bool('yes')").eval_error());
}
