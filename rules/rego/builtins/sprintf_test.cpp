#include "rules/rego/builtins/sprintf.h"

#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using testing::json;
using testing::set_of;
using testing::str;

std::string fmt(std::string_view format, std::vector<Value> args) {
  return testing::call("sprintf", {str(format), Value::array(std::move(args))}).as_string();
}

TEST_CASE("sprintf: the conformance suite's cases", "[builtins]") {
  CHECK(fmt("hi", {}) == "hi");
  CHECK(fmt("hi %s", {str("there")}) == "hi there");
  CHECK(fmt("hi %02d", {Value::integer(5)}) == "hi 05");
  CHECK(fmt("hi %02X.%02X", {Value::integer(127), Value::integer(1)}) == "hi 7F.01");
  CHECK(fmt("hi %.2f", {json("3.1415")}) == "hi 3.14");
  CHECK(fmt("hi %v", {*number_from_text("2e308")}) == "hi 2e308");
  CHECK(fmt("hi %s", {Value::boolean(true)}) == "hi true");
  CHECK(fmt("hi %v", {json(R"(["there", 5, 3.14])")}) == R"(hi ["there", 5, 3.14])");
  CHECK(fmt("%s", {*number_from_text("123456789123456789123")}) == "123456789123456789123");
  CHECK(fmt("%s", {*number_from_text("1208925819614629174706175")}) == "1208925819614629174706175");
}

TEST_CASE("sprintf: a number written 1e2 or 1.0 is a float64 to Go, 100 an int", "[builtins]") {
  CHECK(fmt("%s", {*number_from_text("1e2")}) == "%!s(float64=100)");
  CHECK(fmt("%s", {*number_from_text("100")}) == "%!s(int=100)");
  CHECK(fmt("%v", {*number_from_text("1.0")}) == "1");
  CHECK(fmt("%d", {*number_from_text("1.0")}) == "%!d(float64=1)");
  CHECK(fmt("%v", {Value::array({*number_from_text("1.0"), *number_from_text("1e2")})}) == "[1.0, 1e2]");
}

TEST_CASE("sprintf: %v of composites prints Rego text with sorted keys and members", "[builtins]") {
  CHECK(fmt("%v", {json(R"({"b": [2], "a": 1})")}) == R"({"a": 1, "b": [2]})");
  CHECK(fmt("%v", {set_of({str("b"), str("a")})}) == R"({"a", "b"})");
  CHECK(fmt("%v", {set_of({})}) == "set()");
  CHECK(fmt("%v", {json("{}")}) == "{}");
  CHECK(fmt("%v", {Value::null()}) == "null");
  CHECK(fmt("%v", {json(R"(["a\"b\n"])")}) == R"(["a\"b\n"])");
  CHECK(fmt("%v and %v", {Value::integer(1), json("1.5")}) == "1 and 1.5");
}

TEST_CASE("sprintf: Go's reports for mismatched verbs and arguments", "[builtins]") {
  CHECK(fmt("%d", {str("foo")}) == "%!d(string=foo)");
  CHECK(fmt("%s", {Value::integer(5)}) == "%!s(int=5)");
  CHECK(fmt("%d", {json("1.5")}) == "%!d(float64=1.5)");
  CHECK(fmt("%t", {Value::boolean(true)}) == "%!t(string=true)");  // booleans arrive as strings
  CHECK(fmt("%v %v", {str("a")}) == "a %!v(MISSING)");
  CHECK(fmt("%v", {str("a"), Value::integer(1), str("b")}) == "a%!(EXTRA int=1, string=b)");
  CHECK(fmt("%q", {*number_from_text("123456789123456789123")}) == "%!q(big.Int=123456789123456789123)");
  CHECK(fmt("100%%", {}) == "100%");
  CHECK(fmt("%", {}) == "%!(NOVERB)");
  CHECK(fmt("%!", {Value::integer(1)}) == "%!!(int=1)");
  CHECK(fmt("%[3]v", {Value::integer(1)}) == "%!v(BADINDEX)");
  CHECK(fmt("%*d", {str("x"), Value::integer(1)}) == "%!(BADWIDTH)1");
}

TEST_CASE("sprintf: integers with flags, width, precision and bases", "[builtins]") {
  CHECK(fmt("%+d|% d|%5d|%-5d|%05d", {Value::integer(5), Value::integer(5), Value::integer(-42), Value::integer(42),
                                      Value::integer(-42)}) == "+5| 5|  -42|42   |-0042");
  CHECK(fmt("%.3d|%8.3d", {Value::integer(7), Value::integer(7)}) == "007|     007");
  CHECK(fmt("%b %o %O %x %X %#x %#o %#b", {Value::integer(5), Value::integer(8), Value::integer(8), Value::integer(255),
                                          Value::integer(255), Value::integer(255), Value::integer(8),
                                          Value::integer(5)}) == "101 10 0o10 ff FF 0xff 010 0b101");
  CHECK(fmt("%c%c|%q|%U|%#U", {Value::integer(72), Value::integer(0x1F600), Value::integer(65), Value::integer(0x1F600),
                              Value::integer(65)}) == "H\xF0\x9F\x98\x80|'A'|U+1F600|U+0041 'A'");
  CHECK(fmt("%x", {Value::integer(-255)}) == "-ff");
  CHECK(fmt("%.0d|%5.0d|", {Value::integer(0), Value::integer(0)}) == "|     |");
  CHECK(fmt("%*d|%-*d|", {Value::integer(5), Value::integer(42), Value::integer(4), Value::integer(1)}) == "   42|1   |");
  CHECK(fmt("%[2]v %[1]v", {str("a"), str("b")}) == "b a");
}

TEST_CASE("sprintf: big integers print all their digits in every base", "[builtins]") {
  Value big = *number_from_text("123456789123456789123");
  CHECK(fmt("%d|%v|%x|%X|%#x|%o", {big, big, big, big, big, big}) ==
        "123456789123456789123|123456789123456789123|6b14e9f9b0df36a83|6B14E9F9B0DF36A83|0x6b14e9f9b0df36a83|"
        "15305164771541574665203");
  CHECK(fmt("%25d|%-25d|%+d", {big, big, big}) ==
        "    123456789123456789123|123456789123456789123    |+123456789123456789123");
  CHECK(fmt("%d", {*number_from_text("-123456789123456789123")}) == "-123456789123456789123");
  CHECK(fmt("%T %T %T %T", {str("a"), Value::integer(1), json("1.5"), big}) == "string int float64 *big.Int");
}

TEST_CASE("sprintf: floats as Go formats them", "[builtins]") {
  CHECK(fmt("%v %v %v", {json("3.14"), json("0.000001"), json("123456789.5")}) == "3.14 1e-06 1.234567895e+08");
  CHECK(fmt("%e|%E|%.2e", {json("123456.789"), json("123456.789"), json("0.5")}) == "1.234568e+05|1.234568E+05|5.00e-01");
  CHECK(fmt("%f|%.0f|%.0f|%F", {json("2.5"), json("2.5"), json("3.5"), json("0.25")}) == "2.500000|2|4|0.250000");
  CHECK(fmt("%g|%.3g|%G|%g", {json("0.00001234"), json("1234.5678"), json("0.0000000001"), json("100000.5")}) ==
        "1.234e-05|1.23e+03|1E-10|100000.5");
  CHECK(fmt("%8.3f|%-8.3f|%08.3f|%+.1f", {json("3.14159"), json("3.14159"), json("-3.14159"), json("2.25")}) ==
        "   3.142|3.142   |-003.142|+2.2");
  CHECK(fmt("%#g|%#.3g|%#v", {json("1.5"), json("2.5"), json("1.5")}) == "1.50000|2.50|1.5");
  CHECK(fmt("%x|%X|%.1x|%b", {json("1.5"), json("1.5"), json("1.75"), json("1.5")}) ==
        "0x1.8p+00|0X1.8P+00|0x1.cp+00|6755399441055744p-52");
  CHECK(fmt("%g", {Value::integer(100000)}) == "%!g(int=100000)");
  CHECK(fmt("%v", {*number_from_text("1e21")}) == "1e+21");
}

TEST_CASE("sprintf: strings with width, precision, quoting and hex", "[builtins]") {
  CHECK(fmt("%5s|%-5s|%.2s|%05s", {str("ab"), str("cd"), str("hello"), str("ab")}) == "   ab|cd   |he|000ab");
  CHECK(fmt("%3s|%.1s", {str("\xC3\xA5\xC3\xA4"), str("\xC3\xA5\xC3\xA4")}) == " \xC3\xA5\xC3\xA4|\xC3\xA5");
  CHECK(fmt("%q|%+q|%#q|%#q", {str("a\"b\n"), str("\xC3\xA5"), str("raw"), str("a`b")}) ==
        R"("a\"b\n"|"\u00e5"|`raw`|"a`b")");
  CHECK(fmt("%x|% x|%X|%#x", {str("hi"), str("hi"), str("hi"), str("hi")}) == "6869|68 69|6869|0x6869");
  CHECK(fmt("%#v", {str("a")}) == R"("a")");
}

TEST_CASE("sprintf: operand errors", "[builtins]") {
  BuiltinError e = testing::call_error("sprintf", {str("%v"), str("x")});
  CHECK(e.code() == BuiltinError::Code::Type);
  CHECK(std::string(e.what()) == "operand 2 must be array but got string");
  e = testing::call_error("sprintf", {Value::integer(1), json("[]")});
  CHECK(std::string(e.what()) == "operand 1 must be string but got number");
}

TEST_CASE("go_format_float matches strconv.FormatFloat", "[builtins]") {
  CHECK(go_format_float(1e21, 'g', -1) == "1e+21");
  CHECK(go_format_float(123456, 'g', -1) == "123456");
  CHECK(go_format_float(1234567, 'g', -1) == "1.234567e+06");
  CHECK(go_format_float(0, 'e', -1) == "0e+00");
  CHECK(go_format_float(-0.0, 'g', -1) == "-0");
  CHECK(go_format_float(1e100, 'e', 2) == "1.00e+100");
  CHECK(go_format_float(0.1, 'f', 20) == "0.10000000000000000555");
  CHECK(go_format_float(123.456, 'f', -1) == "123.456");
  CHECK(go_format_float(1.0, 'x', -1) == "0x1p+00");
}

}  // namespace
}  // namespace tollgate::rego
