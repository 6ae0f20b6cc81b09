#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>
#include <set>
#include <string>

#include "rules/cel/ast.h"
#include "rules/cel/cel_test_support.h"
#include "rules/value/yaml.h"

namespace tollgate::cel {
namespace {

using value::Kind;
using value::Value;

// The debug string of a successful parse, or "ERROR <line>:<col>: <message>".
std::string parsed(std::string_view src, const ParseOptions& options = {}) {
  const ParseResult r = parse(src, options);
  if (!r.ok()) {
    REQUIRE_FALSE(r.errors.empty());
    const ParseError& e = r.errors.front();
    return "ERROR " + std::to_string(e.line) + ":" + std::to_string(e.column) + ": " + e.message;
  }
  return debug_string(*r.expr);
}

bool parses(std::string_view src, const ParseOptions& options = {}) { return parse(src, options).ok(); }

std::string error_of(std::string_view src, const ParseOptions& options = {}) {
  const ParseResult r = parse(src, options);
  REQUIRE_FALSE(r.ok());
  REQUIRE(r.expr == nullptr);
  return r.errors.front().message;
}

// The literal value a constant expression parses to.
Value literal(std::string_view src) {
  const ParseResult r = parse(src);
  INFO(src);
  REQUIRE(r.ok());
  const auto* c = std::get_if<ConstExpr>(&r.expr->kind);
  REQUIRE(c != nullptr);
  return c->value;
}

TEST_CASE("parser: operator precedence and associativity", "[cel][parser]") {
  CHECK(parsed("a < b == c") == "_==_(_<_(a, b), c)");
  CHECK(parsed("a == b < c") == "_<_(_==_(a, b), c)");
  CHECK(parsed("a in b == c in d") == "@in(_==_(@in(a, b), c), d)");
  CHECK(parsed("!a || b && c") == "_||_(!_(a), _&&_(b, c))");
  CHECK(parsed("a && b || c && d") == "_||_(_&&_(a, b), _&&_(c, d))");
  CHECK(parsed("a + b * c - d / e % f") == "_-_(_+_(a, _*_(b, c)), _%_(_/_(d, e), f))");
  CHECK(parsed("1 - 2 - 3") == "_-_(_-_(1, 2), 3)");
  CHECK(parsed("a + b < c * d") == "_<_(_+_(a, b), _*_(c, d))");
  CHECK(parsed("a < b && c >= d") == "_&&_(_<_(a, b), _>=_(c, d))");
  CHECK(parsed("a != b <= c > d") == "_>_(_<=_(_!=_(a, b), c), d)");
  CHECK(parsed("(a + b) * c") == "_*_(_+_(a, b), c)");
}

TEST_CASE("parser: conditional is right-associative and binds loosest", "[cel][parser]") {
  CHECK(parsed("a ? b : c ? d : e") == "_?_:_(a, b, _?_:_(c, d, e))");
  CHECK(parsed("a || b ? c && d : e") == "_?_:_(_||_(a, b), _&&_(c, d), e)");
  CHECK(parsed("a ? (b ? c : d) : e") == "_?_:_(a, _?_:_(b, c, d), e)");
  // The middle operand is a conditionalOr, so an unparenthesised ternary there is an error.
  CHECK(parsed("a ? b ? c : d : e").rfind("ERROR 1:7: Syntax error: mismatched input '?' expecting ':'", 0) == 0);
}

TEST_CASE("parser: chains of && and || become balanced trees like cel-go", "[cel][parser]") {
  CHECK(parsed("a || b") == "_||_(a, b)");
  CHECK(parsed("a || b || c") == "_||_(_||_(a, b), c)");
  CHECK(parsed("a || b || c || d") == "_||_(_||_(a, b), _||_(c, d))");
  CHECK(parsed("a && b && c && d && e") == "_&&_(_&&_(_&&_(a, b), c), _&&_(d, e))");
}

TEST_CASE("parser: unary operators", "[cel][parser]") {
  CHECK(parsed("!a") == "!_(a)");
  CHECK(parsed("!!a") == "a");
  CHECK(parsed("!!!a") == "!_(a)");
  CHECK(parsed("-a") == "-_(a)");
  CHECK(parsed("--a") == "a");
  CHECK(parsed("---a") == "-_(a)");
  CHECK(parsed("-a.b") == "-_(a.b)");
  CHECK(parsed("!a.b()") == "!_(a.b())");
  CHECK(parsed("-a * b") == "_*_(-_(a), b)");
  // '!' and '-' do not mix (unary takes a member operand), except a signed literal.
  CHECK(parsed("!-a").rfind("ERROR 1:2: Syntax error: mismatched input '-'", 0) == 0);
  CHECK(parsed("!-1") == "!_(-1)");
}

TEST_CASE("parser: a minus directly before a number folds into the literal", "[cel][parser]") {
  CHECK(parsed("-5") == "-5");
  CHECK(parsed("- 5") == "-5");
  CHECK(parsed("-5.5") == "-5.5");
  CHECK(parsed("4--4.1") == "_-_(4, -4.1)");
  CHECK(parsed("--5") == "5");
  CHECK(parsed("---5") == "-_(5)");
  CHECK(parsed("-5u") == "-_(5u)");
  CHECK(parsed("-(5)") == "-_(5)");
  CHECK(parsed("-5.size()") == "-5.size()");
  CHECK(literal("-9223372036854775808").as_int() == INT64_MIN);
  CHECK(literal("-0x8000000000000000").as_int() == INT64_MIN);
  CHECK(error_of("9223372036854775808") == "invalid int literal");
  CHECK(error_of("-(9223372036854775808)") == "invalid int literal");
  CHECK(error_of("--9223372036854775808") == "invalid int literal");
}

TEST_CASE("parser: integer, uint and double literals", "[cel][parser]") {
  CHECK(literal("0").kind() == Kind::Int);
  CHECK(literal("123").as_int() == 123);
  CHECK(literal("0x1F").as_int() == 31);
  CHECK(literal("0x7fffffffffffffff").as_int() == INT64_MAX);
  CHECK(literal("9223372036854775807").as_int() == INT64_MAX);
  CHECK(error_of("0x8000000000000000") == "invalid int literal");

  CHECK(literal("123u").kind() == Kind::Uint);
  CHECK(literal("123u").as_uint() == 123u);
  CHECK(literal("0x1FU").as_uint() == 31u);
  CHECK(literal("18446744073709551615u").as_uint() == UINT64_MAX);
  CHECK(error_of("18446744073709551616u") == "invalid uint literal");

  CHECK(literal("1.5").kind() == Kind::Double);
  CHECK(literal("1.5").as_double() == 1.5);
  CHECK(literal(".5").as_double() == 0.5);
  CHECK(literal("1e3").as_double() == 1000.0);
  CHECK(literal("1E3").as_double() == 1000.0);
  CHECK(literal("1.5e-3").as_double() == 0.0015);
  CHECK(literal("2e+2").as_double() == 200.0);
  CHECK(literal("-1.5").as_double() == -1.5);
  CHECK(literal("1e-400").as_double() == 0.0);  // underflow rounds to zero, as Go's ParseFloat does
  CHECK(error_of("1e400") == "invalid double literal");
  CHECK(error_of("-1e400") == "invalid double literal");
  // An exponent at the edge of a 64-bit integer (found by fuzz_cel_compiler).
  CHECK(error_of("2334776e9223372036854775807") == "invalid double literal");
  CHECK(literal("2334776e-9223372036854775807").as_double() == 0.0);
  CHECK(parsed("1.").rfind("ERROR 1:3: Syntax error: mismatched input '<EOF>' expecting IDENTIFIER", 0) == 0);
}

TEST_CASE("parser: string, bytes, bool and null literals", "[cel][parser]") {
  CHECK(literal("'abc'").kind() == Kind::String);
  CHECK(literal("'abc'").as_string() == "abc");
  CHECK(literal("\"a'b\"").as_string() == "a'b");
  CHECK(literal("'''a\nb'''").as_string() == "a\nb");
  CHECK(literal("\"\"\"x\"\"\"").as_string() == "x");
  CHECK(literal(R"(r'\d+')").as_string() == "\\d+");
  CHECK(literal(R"(R"\n")").as_string() == "\\n");
  CHECK(literal(R"('\u00e9\U0001F600\x41\101\n')").as_string() == "é\xF0\x9F\x98\x80" "AA\n");
  CHECK(literal(R"("\377")").as_string() == "ÿ");
  CHECK(literal(R"(b'abc')").kind() == Kind::Bytes);
  CHECK(literal(R"(b"\377")").as_string() == std::string("\xff"));
  CHECK(literal(R"(b"ÿ")").as_string().size() == 2);
  CHECK(literal(R"(B'''\x00\x01''')").as_string() == std::string("\x00\x01", 2));
  CHECK(literal(R"(br'\x00')").as_string() == "\\x00");
  CHECK(literal("true").as_bool() == true);
  CHECK(literal("false").kind() == Kind::Bool);
  CHECK(literal("null").kind() == Kind::Null);
  CHECK(parsed(R"('a"\\' + b"\x00")") == R"(_+_("a\"\\", b"\x00"))");
}

TEST_CASE("parser: literal errors carry the literal's position", "[cel][parser]") {
  CHECK(parsed(R"(x + '\q')") == "ERROR 1:5: invalid escape sequence: \\q");
  CHECK(parsed(R"(x +
  '\ud800')") == "ERROR 2:3: unicode surrogate code point in escape sequence");
  CHECK(parsed(R"('\U00110000')") == "ERROR 1:1: invalid unicode code point in escape sequence");
  CHECK(parsed("'a\nb'") == "ERROR 1:1: Syntax error: token recognition error at: ''a'");
  CHECK(parsed("1 + 99999999999999999999") == "ERROR 1:5: invalid int literal");
}

TEST_CASE("parser: member access, calls and indexing", "[cel][parser]") {
  CHECK(parsed("a.b.c") == "a.b.c");
  CHECK(parsed(".a.b") == ".a.b");
  CHECK(parsed("a.b(c).d[e]") == "_[_](a.b(c).d, e)");
  CHECK(parsed("f()") == "f()");
  CHECK(parsed("f(a, b + 1)") == "f(a, _+_(b, 1))");
  CHECK(parsed(".f(x)") == ".f(x)");
  CHECK(parsed("a.f()") == "a.f()");
  CHECK(parsed("a[0][1]") == "_[_](_[_](a, 0), 1)");
  CHECK(parsed("[1, 2][0]") == "_[_]([1, 2], 0)");
  CHECK(parsed("'abc'.size()") == "\"abc\".size()");
  CHECK(parsed("a.b.c(d).e") == "a.b.c(d).e");
  CHECK(parsed("f(a,)").rfind("ERROR 1:5: Syntax error: mismatched input ')'", 0) == 0);
  CHECK(parsed("a.").rfind("ERROR 1:3: Syntax error: mismatched input '<EOF>' expecting IDENTIFIER", 0) == 0);
}

TEST_CASE("parser: list, map and struct literals", "[cel][parser]") {
  CHECK(parsed("[]") == "[]");
  CHECK(parsed("[1, 2,]") == "[1, 2]");
  CHECK(parsed("[,]") == "[]");
  CHECK(parsed("[[1], [a, b]]") == "[[1], [a, b]]");
  CHECK(parsed("{}") == "{}");
  CHECK(parsed("{'a': 1, b: c + 1,}") == "{\"a\": 1, b: _+_(c, 1)}");
  CHECK(parsed("{,}") == "{}");
  CHECK(parsed("{a ? b : c : d}") == "{_?_:_(a, b, c): d}");
  CHECK(parsed("Msg{}") == "Msg{}");
  CHECK(parsed("a.b.Msg{f: 1, g: [x],}") == "a.b.Msg{f: 1, g: [x]}");
  CHECK(parsed(".a.Msg{f: 1}") == ".a.Msg{f: 1}");
  CHECK(parsed("Msg{if: 1}") == "Msg{if: 1}");  // reserved words are fine as field names
  CHECK(parsed("Msg{f: 1}.f") == "Msg{f: 1}.f");
  CHECK(parsed("[1 2]").rfind("ERROR 1:4: Syntax error: mismatched input '2' expecting {']', ','}", 0) == 0);
  CHECK(parsed("[1,,]").rfind("ERROR 1:4: Syntax error: mismatched input ','", 0) == 0);
  CHECK(parsed("{1}").rfind("ERROR 1:3: Syntax error: mismatched input '}' expecting ':'", 0) == 0);
  CHECK(parsed("Msg{1: 2}") ==
        "ERROR 1:5: Syntax error: mismatched input '1' expecting {'}', ',', '?', IDENTIFIER, ESC_IDENTIFIER}");
  CHECK(parsed("x{.") ==
        "ERROR 1:3: Syntax error: mismatched input '.' expecting {'}', ',', '?', IDENTIFIER, ESC_IDENTIFIER}");
  CHECK(parsed("x{?.") == "ERROR 1:4: Syntax error: mismatched input '.' expecting {IDENTIFIER, ESC_IDENTIFIER}");
  CHECK(parsed("Msg{a: 1, 2: 3}") ==
        "ERROR 1:11: Syntax error: mismatched input '2' expecting {'}', '?', IDENTIFIER, ESC_IDENTIFIER}");
}

TEST_CASE("parser: optional syntax", "[cel][parser]") {
  CHECK(parsed("a.?b") == "a.?b");
  CHECK(parsed("a.?b.c") == "a.?b.c");
  CHECK(parsed("a . ? b") == "a.?b");
  CHECK(parsed("a[?b]") == "_[?_](a, b)");
  CHECK(parsed("[?a, b, ?c]") == "[?a, b, ?c]");
  CHECK(parsed("{?'k': v, 'j': w}") == "{?\"k\": v, \"j\": w}");
  CHECK(parsed("T{?f: v, g: w}") == "T{?f: v, g: w}");
  CHECK(parsed("[?a ? b : c]") == "[?_?_:_(a, b, c)]");
  CHECK(parsed("a.?b()").rfind("ERROR 1:5: Syntax error: mismatched input '('", 0) == 0);

  ParseOptions off;
  off.enable_optional_syntax = false;
  CHECK(parsed("a.?b", off) == "ERROR 1:2: unsupported syntax '.?'");
  CHECK(parsed("a[?b]", off) == "ERROR 1:2: unsupported syntax '[?'");
  CHECK(parsed("[?a]", off) == "ERROR 1:2: unsupported syntax '?'");
  CHECK(parsed("{?a: b}", off) == "ERROR 1:2: unsupported syntax '?'");
  CHECK(parsed("T{?f: b}", off) == "ERROR 1:3: unsupported syntax '?'");
  CHECK(parsed("a.b[c]", off) == "_[_](a.b, c)");
}

// The field name of the select (or has() test) at the root of `src`.
std::string selected_field(std::string_view src, const ParseOptions& options) {
  const ParseResult r = parse(src, options);
  INFO(src);
  REQUIRE(r.ok());
  const auto* s = std::get_if<SelectExpr>(&r.expr->kind);
  REQUIRE(s != nullptr);
  return s->field;
}

TEST_CASE("parser: backtick-quoted field names", "[cel][parser]") {
  ParseOptions on;
  on.enable_quoted_identifiers = true;
  CHECK(selected_field("m.`content-type`", on) == "content-type");
  CHECK(selected_field("m.`foo.txt`", on) == "foo.txt");
  CHECK(selected_field("m.`/api/v1`", on) == "/api/v1");
  CHECK(selected_field("m.`a b`", on) == "a b");
  CHECK(selected_field("m.`in`", on) == "in");  // keywords become usable field names
  CHECK(selected_field("m.a.`b-c`", on) == "b-c");
  CHECK(selected_field("m.?`b-c`", on) == "b-c");
  CHECK(parsed("m.`b-c`.d", on) == "m.b-c.d");
  CHECK(parsed("m.`b-c`[0]", on) == "_[_](m.b-c, 0)");
  // has() keeps the quoted name as its field.
  CHECK(parsed("has(m.`foo.txt`)", on) == "m.foo.txt~test-only");
  CHECK(selected_field("has(m.`foo.txt`)", on) == "foo.txt");
  {
    const ParseResult r = parse("Msg{`in`: true, ?`a-b`: x}", on);
    REQUIRE(r.ok());
    const auto& message = std::get<StructExpr>(r.expr->kind);
    REQUIRE(message.fields.size() == 2);
    CHECK(message.fields[0].name == "in");
    CHECK(message.fields[1].name == "a-b");
    CHECK(message.fields[1].optional);
  }
  // Only field names may be quoted: not variables, functions or methods.
  CHECK(parsed("`b-c`", on) ==
        "ERROR 1:1: Syntax error: mismatched input '`b-c`' expecting {'[', '{', '(', '.', '-', '!', 'true', "
        "'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
  CHECK(parsed("{`k`: 1}", on).rfind("ERROR 1:2: Syntax error: mismatched input '`k`'", 0) == 0);
  CHECK(parsed("a.`b.c`()", on) == "ERROR 1:8: Syntax error: mismatched input '(' expecting <EOF>");
  CHECK(parsed("a.`$b`", on) == "ERROR 1:3: Syntax error: token recognition error at: '`$'");

  // Off by default, as in Kubernetes: the quoted name is reported where it starts.
  const ParseOptions off;
  CHECK_FALSE(off.enable_quoted_identifiers);
  CHECK(parsed("a.`b-c`", off) == "ERROR 1:3: unsupported syntax: '`'");
  CHECK(parsed("a.`in`") == "ERROR 1:3: unsupported syntax: '`'");
  CHECK(parsed("has(a.`b.c`)") == "ERROR 1:7: unsupported syntax: '`'");
  CHECK(parsed("a.?`b`") == "ERROR 1:4: unsupported syntax: '`'");
  CHECK(parsed("Message{`in`: true}") == "ERROR 1:9: unsupported syntax: '`'");
  CHECK(parsed("a.`b.c`()") == "ERROR 1:3: unsupported syntax: '`'");
  CHECK(parsed("a.b") == "a.b");
}

TEST_CASE("environments: standard reads quoted field names and Kubernetes rejects them",
          "[cel][parser]") {
  const char* expr = "{'content-type': 'application/json'}.`content-type` == 'application/json' && "
                     "has({'foo.txt': 1}.`foo.txt`) && !has({'foo.txt': 1}.`bar.txt`)";
  CHECK(testing::show(testing::standard(expr)) == "true");
  CHECK(testing::show(testing::k8s(expr)) == "compile error: unsupported syntax: '`'");
}

TEST_CASE("parser: reserved words", "[cel][parser]") {
  for (const char* word : {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
                           "loop", "package", "namespace", "return", "var", "void", "while"}) {
    INFO(word);
    CHECK(parsed(word) == std::string("ERROR 1:1: reserved identifier: ") + word);
    CHECK(parsed(std::string("a + ") + word + "(1)") == std::string("ERROR 1:5: reserved identifier: ") + word);
    // Allowed after a dot, as field or receiver-call names.
    CHECK(parsed(std::string("a.") + word) == std::string("a.") + word);
    CHECK(parsed(std::string("a.") + word + "()") == std::string("a.") + word + "()");
  }
  // true, false, null and in are keywords: never identifiers, not even after a dot.
  CHECK(parsed("in").rfind("ERROR 1:1: Syntax error: mismatched input 'in'", 0) == 0);
  CHECK(parsed("a.in").rfind("ERROR 1:3: Syntax error: mismatched input 'in' expecting IDENTIFIER", 0) == 0);
  CHECK(parsed("a.true").rfind("ERROR 1:3:", 0) == 0);
  CHECK(parsed("a.null()").rfind("ERROR 1:3:", 0) == 0);
  CHECK(parsed("{false: 1}") == "{false: 1}");
  CHECK(parsed("iffy + variable") == "_+_(iffy, variable)");
}

TEST_CASE("parser: syntax errors report cel-go style messages and positions", "[cel][parser]") {
  CHECK(parsed("1 +") ==
        "ERROR 1:4: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', "
        "'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}");
  CHECK(parsed("(a") == "ERROR 1:3: Syntax error: mismatched input '<EOF>' expecting ')'");
  CHECK(parsed("a b") == "ERROR 1:3: Syntax error: mismatched input 'b' expecting <EOF>");
  CHECK(parsed("a &&\n  )").rfind("ERROR 2:3: Syntax error: mismatched input ')'", 0) == 0);
  CHECK(parsed("").rfind("ERROR 1:1: Syntax error: mismatched input '<EOF>'", 0) == 0);
  CHECK(parsed("'héllo' + @").rfind("ERROR 1:11: Syntax error: token recognition error at: '@'", 0) == 0);
  CHECK(parsed("a = 1") == "ERROR 1:3: Syntax error: token recognition error at: '='");
}

TEST_CASE("parser: nodes carry positions of their operator tokens and unique ids", "[cel][parser]") {
  const ParseResult r = parse("a +\n  b.f(c)[0]");
  REQUIRE(r.ok());
  const Expr& add = *r.expr;
  CHECK(add.line == 1);
  CHECK(add.column == 3);
  CHECK(add.offset == 2);
  const auto& call = std::get<CallExpr>(add.kind);
  CHECK(call.function == "_+_");
  const Expr& index = *call.args[1];
  CHECK(index.line == 2);
  CHECK(index.column == 9);  // the '['
  const Expr& member_call = *std::get<CallExpr>(index.kind).args[0];
  CHECK(member_call.column == 6);  // the '('
  const Expr& b = *std::get<CallExpr>(member_call.kind).target;
  CHECK(b.column == 3);
  CHECK(b.offset == 6);

  const ParseResult select = parse("xx.y");
  REQUIRE(select.ok());
  CHECK(select.expr->column == 3);  // the '.'

  std::set<int64_t> ids;
  size_t nodes = 0;
  std::function<void(const Expr&)> walk = [&](const Expr& e) {
    ++nodes;
    CHECK(e.id > 0);
    ids.insert(e.id);
    if (const auto* c = std::get_if<CallExpr>(&e.kind)) {
      if (c->target) walk(*c->target);
      for (const auto& a : c->args) walk(*a);
    }
    if (const auto* s = std::get_if<SelectExpr>(&e.kind)) walk(*s->operand);
  };
  walk(add);
  CHECK(ids.size() == nodes);
  CHECK(nodes == 7);
}

TEST_CASE("parser: recursion limit protects against deep nesting", "[cel][parser]") {
  const std::string limit_message = "expression recursion limit exceeded: 250";
  for (const std::string open : {"(", "[", "{1:", "f(", "a[", "!(", "-("}) {
    std::string src;
    for (int i = 0; i < 10000; ++i) src += open;
    src += "1";
    INFO(open);
    CHECK(error_of(src) == limit_message);
  }
  std::string selects = "a";
  for (int i = 0; i < 300; ++i) selects += ".b";
  CHECK(error_of(selects) == limit_message);
  std::string sum = "1";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  CHECK(error_of(sum) == limit_message);
  std::string ternary = "a";
  for (int i = 0; i < 300; ++i) ternary += " ? a : a";
  CHECK(error_of(ternary) == limit_message);

  // Flat repetition does not nest.
  CHECK(parses(std::string(100000 - 1, '!') + "a"));
  std::string ors = "a";
  for (int i = 0; i < 5000; ++i) ors += " || a";
  CHECK(parses(ors));

  ParseOptions shallow;
  shallow.max_recursion_depth = 32;
  CHECK(parses(std::string(20, '(') + "a" + std::string(20, ')'), shallow));
  CHECK(error_of(std::string(40, '(') + "a" + std::string(40, ')'), shallow) ==
        "expression recursion limit exceeded: 32");
  CHECK(parses(std::string(200, '(') + "a" + std::string(200, ')')));
}

TEST_CASE("parser: expression size limit counts code points", "[cel][parser]") {
  ParseOptions small;
  small.max_expression_size = 10;
  CHECK(parses("'ééééé'", small));  // 7 code points, 12 bytes
  CHECK(error_of("aaaaaaaaaaa", small) == "expression code point size exceeds limit: size: 11, limit 10");
}

// Every CEL expression of the gatekeeper-library templates that run on the
// K8sNativeValidation engine must parse.
TEST_CASE("parser: parses every gatekeeper-library K8sNativeValidation expression", "[cel][parser]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(TOLLGATE_SHARED_DIR) / "testdata" / "gatekeeper-library" / "library";
  REQUIRE(fs::is_directory(root));

  std::function<void(const Value&, const std::string&, std::vector<std::pair<std::string, std::string>>*)> collect =
      [&](const Value& v, const std::string& where, std::vector<std::pair<std::string, std::string>>* out) {
        if (v.is_array()) {
          for (size_t i = 0; i < v.items().size(); ++i) collect(v.items()[i], where + "/" + std::to_string(i), out);
        } else if (v.is_object()) {
          for (const auto& [key, item] : v.entries()) {
            const std::string& k = key.as_string();
            if ((k == "expression" || k == "messageExpression") && item.is_string()) {
              out->emplace_back(where + "/" + k, item.as_string());
            } else {
              collect(item, where + "/" + k, out);
            }
          }
        }
      };

  size_t templates = 0;
  size_t expressions = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename() != "template.yaml") continue;
    std::vector<value::YamlDocument> docs;
    value::YamlError yaml_error;
    INFO(entry.path().string());
    REQUIRE(value::load_yaml_file(entry.path().string(), &docs, &yaml_error));
    bool native = false;
    for (const auto& doc : docs) {
      const Value* targets = doc.value.path({"spec", "targets"});
      if (targets == nullptr || !targets->is_array()) continue;
      for (const Value& target : targets->items()) {
        const Value* code = target.find("code");
        if (code == nullptr || !code->is_array()) continue;
        for (const Value& c : code->items()) {
          if (c["engine"].string_or("") != "K8sNativeValidation") continue;
          native = true;
          std::vector<std::pair<std::string, std::string>> found;
          collect(c["source"], "source", &found);
          for (const auto& [where, text] : found) {
            ++expressions;
            const ParseResult r = parse(text);
            INFO(where << ":\n" << text);
            if (!r.ok()) FAIL_CHECK(r.errors.front().line << ":" << r.errors.front().column << ": " << r.errors.front().message);
          }
        }
      }
    }
    if (native) ++templates;
  }
  CHECK(templates == 16);
  CHECK(expressions > 150);
}

}  // namespace
}  // namespace tollgate::cel
