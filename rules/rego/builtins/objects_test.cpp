#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"

namespace tollgate::rego {
namespace {

using namespace testing;

std::string error_text(std::string_view name, std::vector<Value> args) {
  return call_error(name, std::move(args)).what();
}

TEST_CASE("object.get looks up keys and paths", "[builtins]") {
  CHECK(call("object.get", {json("{\"a\": \"b\"}"), str("a"), str("c")}) == str("b"));
  CHECK(call("object.get", {json("{\"a\": \"b\"}"), str("c"), str("c")}) == str("c"));
  CHECK(call("object.get", {json("{\"a\": null}"), str("a"), str("c")}) == json("null"));
  CHECK(call("object.get", {json("{\"a\": 1}"), json("[]"), json("2")}) == json("{\"a\": 1}"));
  CHECK(call("object.get", {json("{\"a\": {\"b\": {\"c\": 1}}}"), json("[\"a\", \"b\", \"c\"]"), json("2")}) ==
        json("1"));
  CHECK(call("object.get", {json("{\"a\": {\"b\": [1, 2, 3]}}"), json("[\"a\", \"b\", \"a\"]"), json("2")}) ==
        json("2"));
  CHECK(call("object.get", {json("{\"a\": {\"b\": [{\"c\": 1}]}}"), json("[\"a\", \"b\", 0, \"c\"]"), json("2")}) ==
        json("1"));
  Value nested = Value::object({{json("1"), json("{\"b\": 7}")}});
  CHECK(call("object.get", {nested, json("[1, \"b\"]"), json("2")}) == json("7"));
  CHECK(call("object.get", {nested, json("1"), json("2")}) == json("{\"b\": 7}"));
  CHECK(error_text("object.get", {str("object"), json("[\"a\"]"), json("2")}) ==
        "operand 1 must be object but got string");
}

TEST_CASE("object.keys, object.remove and object.filter", "[builtins]") {
  CHECK(call("object.keys", {json("{\"a\": 1, \"b\": 2}")}) == set_of({str("a"), str("b")}));
  CHECK(call("object.keys", {json("{}")}) == set_of({}));
  Value doc = json("{\"a\": 1, \"b\": {\"c\": 3}, \"d\": 4}");
  CHECK(call("object.remove", {doc, set_of({str("b"), str("d")})}) == json("{\"a\": 1}"));
  CHECK(call("object.remove", {doc, json("[\"d\", \"b\"]")}) == json("{\"a\": 1}"));
  CHECK(call("object.remove", {doc, json("{\"b\": 1, \"d\": \"\"}")}) == json("{\"a\": 1}"));
  CHECK(call("object.remove", {doc, json("[\"z\"]")}) == doc);
  CHECK(call("object.filter", {doc, set_of({str("a"), str("b")})}) == json("{\"a\": 1, \"b\": {\"c\": 3}}"));
  CHECK(call("object.filter", {doc, json("[]")}) == json("{}"));
  Value odd_key = Value::object({{str("a"), json("1")}, {json("[[7]]"), json("2")}});
  CHECK(call("object.filter", {odd_key, set_of({json("[[7]]")})}) == Value::object({{json("[[7]]"), json("2")}}));
  CHECK(error_text("object.remove", {json("[\"a\"]"), set_of({str("a")})}) ==
        "operand 1 must be object but got array");
  CHECK(error_text("object.filter", {json("{}"), str("foo")}) ==
        "operand 2 must be one of {object, set, array} but got string");
}

TEST_CASE("object.union merges recursively with the right side winning", "[builtins]") {
  CHECK(call("object.union", {json("{\"a\": 1}"), json("{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}")}) ==
        json("{\"a\": {\"b\": {\"c\": 1}}, \"d\": 7}"));
  CHECK(call("object.union", {json("{\"a\": {\"b\": {\"c\": 1}}, \"e\": 1}"),
                              json("{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}")}) ==
        json("{\"a\": {\"b\": \"foo\", \"b1\": \"bar\"}, \"d\": 7, \"e\": 17}"));
  CHECK(call("object.union", {json("{\"a\": {\"x\": 1}}"), json("{\"a\": {\"y\": 2}}")}) ==
        json("{\"a\": {\"x\": 1, \"y\": 2}}"));
  CHECK(error_text("object.union", {json("{}"), json("[1]")}) == "operand 2 must be object but got array");
  CHECK(call("object.union_n", {json("[{\"a\": {\"b\": 2}}, {\"a\": 4}, {\"a\": {\"c\": 3}}]")}) ==
        json("{\"a\": {\"c\": 3}}"));
  CHECK(call("object.union_n", {json("[{\"a\": 1, \"b\": 2}, {\"a\": \"a\", \"d\": 4}, {\"a\": \"final\"}]")}) ==
        json("{\"a\": \"final\", \"b\": 2, \"d\": 4}"));
  CHECK(call("object.union_n", {json("[]")}) == json("{}"));
  CHECK(error_text("object.union_n", {json("[{\"foo\": 1}, \"baz\"]")}) ==
        "operand 1 must be array of objects but got array containing string");
}

TEST_CASE("object.subset over objects, sets and arrays", "[builtins]") {
  CHECK(call("object.subset", {json("{\"a\": 5, \"b\": 7}"), json("{\"a\": 5}")}) == Value::boolean(true));
  CHECK(call("object.subset", {json("{\"a\": 5}"), json("{\"a\": 5, \"b\": 7}")}) == Value::boolean(false));
  CHECK(call("object.subset", {json("{\"n\": {\"x\": 1, \"y\": [6, 7, 8, 9]}}"), json("{\"n\": {\"y\": [7, 8]}}")}) ==
        Value::boolean(true));
  CHECK(call("object.subset", {json("[1, 2, 3, 4, 5, 6]"), json("[3, 4, 5]")}) == Value::boolean(true));
  CHECK(call("object.subset", {json("[1, 2, 3, 4, 5, 6]"), json("[4, 5, 6, 8]")}) == Value::boolean(false));
  CHECK(call("object.subset", {json("[1, 2, 3]"), set_of({json("3"), json("2")})}) == Value::boolean(true));
  CHECK(call("object.subset", {set_of({json("1"), json("2")}), set_of({json("2")})}) == Value::boolean(true));
  CHECK(call_error("object.subset", {set_of({}), json("[1]")}).code() == BuiltinError::Code::Type);
}

TEST_CASE("json.filter and json.remove take JSON paths", "[builtins]") {
  Value doc = json("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}, \"e\": 9}");
  CHECK(call("json.filter", {doc, set_of({str("a/b/c"), str("e")})}) == json("{\"a\": {\"b\": {\"c\": 7}}, \"e\": 9}"));
  CHECK(call("json.filter", {json("{\"a\": {\"b\": 7}}"), set_of({str("a"), str("a/b")})}) ==
        json("{\"a\": {\"b\": 7}}"));
  CHECK(call("json.filter", {json("{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}"),
                           set_of({str("a/0/b"), str("a/1")})}) ==
        json("{\"a\": [{\"b\": 7}, {\"d\": 9}]}"));
  CHECK(call("json.filter", {doc, set_of({str("a/b/d"), json("[\"a\", \"b\", \"c\"]")})}) ==
        json("{\"a\": {\"b\": {\"c\": 7, \"d\": 8}}}"));
  CHECK(call("json.remove", {doc, set_of({str("a/b/c"), str("e")})}) == json("{\"a\": {\"b\": {\"d\": 8}}}"));
  CHECK(call("json.remove", {json("{\"a\": {\"b\": 7}, \"c\": 1}"), set_of({str("a"), str("a/b")})}) ==
        json("{\"c\": 1}"));
  CHECK(call("json.remove", {json("{\"a\": [{\"b\": 7, \"c\": 8}, {\"d\": 9}]}"),
                           set_of({str("a/0/b"), str("a/1")})}) ==
        json("{\"a\": [{\"c\": 8}]}"));
  CHECK(error_text("json.remove", {doc, str("foo")}) == "operand 2 must be one of {set, array} but got string");
  CHECK(error_text("json.remove", {doc, json("[\"a\", 1]")}) ==
        "operand 2 must be one of {set, array} containing string paths or array of path segments but got number");
}

std::optional<Value> patch(std::string_view doc, std::string_view ops) {
  return try_call("json.patch", {json(doc), json(ops)});
}

TEST_CASE("json.patch applies RFC 6902 operations", "[builtins]") {
  CHECK(patch("{\"foo\": \"bar\"}", "[{\"op\": \"add\", \"path\": \"/baz\", \"value\": \"qux\"}]") ==
        json("{\"baz\": \"qux\", \"foo\": \"bar\"}"));
  CHECK(patch("{\"foo\": [\"bar\", \"baz\"]}", "[{\"op\": \"add\", \"path\": \"/foo/1\", \"value\": \"qux\"}]") ==
        json("{\"foo\": [\"bar\", \"qux\", \"baz\"]}"));
  CHECK(patch("{\"foo\": [\"bar\", \"qux\", \"baz\"]}", "[{\"op\": \"remove\", \"path\": \"/foo/1\"}]") ==
        json("{\"foo\": [\"bar\", \"baz\"]}"));
  CHECK(patch("{\"foo\": {\"bar\": \"baz\", \"waldo\": \"fred\"}, \"qux\": {\"corge\": \"grault\"}}",
              "[{\"op\": \"move\", \"from\": \"/foo/waldo\", \"path\": \"/qux/thud\"}]") ==
        json("{\"foo\": {\"bar\": \"baz\"}, \"qux\": {\"corge\": \"grault\", \"thud\": \"fred\"}}"));
  CHECK(patch("{\"foo\": [\"all\", \"grass\", \"cows\", \"eat\"]}",
              "[{\"op\": \"move\", \"from\": \"/foo/1\", \"path\": \"/foo/3\"}]") ==
        json("{\"foo\": [\"all\", \"cows\", \"eat\", \"grass\"]}"));
  CHECK(patch("[1, 2, [3, [4, 5]]]", "[{\"op\": \"add\", \"path\": \"/2/1/-\", \"value\": 6}]") ==
        json("[1, 2, [3, [4, 5, 6]]]"));
  CHECK(patch("{\"/\": 9, \"~1\": 10}", "[{\"op\": \"test\", \"path\": \"/~01\", \"value\": 10}]") ==
        json("{\"/\": 9, \"~1\": 10}"));
  CHECK(patch("{\"foo\": \"bar\"}", "[{\"op\": \"replace\", \"path\": \"\", \"value\": {\"baz\": \"qux\"}}]") ==
        json("{\"baz\": \"qux\"}"));
  CHECK(patch("{}", "[{\"op\": \"add\", \"path\": \"/\", \"value\": 1}]") == json("{\"\": 1}"));
  CHECK(patch("[1, 2, 3, 4]", "[{\"op\": \"remove\", \"path\": \"/1\"}, {\"op\": \"remove\", \"path\": \"/2\"}]") ==
        json("[1, 3]"));
}

TEST_CASE("json.patch is undefined when an operation fails", "[builtins]") {
  CHECK_FALSE(patch("{\"q\": {\"bar\": 2}}", "[{\"op\": \"add\", \"path\": \"/a/b\", \"value\": 1}]"));
  CHECK_FALSE(patch("{\"baz\": \"qux\"}", "[{\"op\": \"test\", \"path\": \"/baz\", \"value\": \"bar\"}]"));
  CHECK_FALSE(patch("{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/8\", \"value\": \"5\"}]"));
  CHECK_FALSE(patch("{\"bar\": [1, 2]}", "[{\"op\": \"add\", \"path\": \"/bar/-1\", \"value\": \"5\"}]"));
  CHECK_FALSE(patch("[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/1e0\", \"value\": \"bar\"}]"));
  CHECK_FALSE(patch("[\"foo\", \"bar\"]", "[{\"op\": \"test\", \"path\": \"/01\", \"value\": \"bar\"}]"));
  CHECK_FALSE(patch("[\"foo\", \"sil\"]", "[{\"op\": \"add\", \"path\": \"/bar\", \"value\": 42}]"));
  CHECK_FALSE(patch("{}", "[{\"op\": \"add\", \"path\": null, \"value\": \"bar\"}]"));
  CHECK_FALSE(patch("[1]", "[{\"op\": \"add\", \"path\": \"/-\"}]"));
  CHECK_FALSE(patch("{\"foo\": 1}", "[{\"op\": \"copy\", \"from\": \"/bar\", \"path\": \"/foo\"}]"));
  CHECK_FALSE(patch("{\"foo\": 1}", "[{\"op\": \"spam\", \"path\": \"/foo\", \"value\": 1}]"));
  CHECK_FALSE(patch("{\"foo\": \"bar\"}", "[{\"op\": \"remove\", \"path\": \"/baz\"}]"));
  CHECK_FALSE(patch("[1, 2, 3]", "[{\"op\": \"add\", \"path\": \"1.2\", \"value\": \"foo\"}]"));
  CHECK(std::string(call_error("json.patch", {json("{}"), json("{}")}).what()) ==
        "operand 2 must be array but got object");
}

TEST_CASE("json.patch edits sets by member", "[builtins]") {
  Value doc = Value::object({{str("foo"), set_of({str("a"), str("b"), str("c")})}});
  CHECK(call("json.patch", {doc, json("[{\"op\": \"remove\", \"path\": \"foo/b\"}]")}) ==
        Value::object({{str("foo"), set_of({str("a"), str("c")})}}));
  CHECK(call("json.patch", {doc, json("[{\"op\": \"add\", \"path\": \"foo/d\", \"value\": \"d\"}]")}) ==
        Value::object({{str("foo"), set_of({str("a"), str("b"), str("c"), str("d")})}}));
  CHECK_FALSE(try_call("json.patch", {doc, json("[{\"op\": \"add\", \"path\": \"foo/d\", \"value\": \"e\"}]")}));
  Value nested = set_of({json("[1]")});
  CHECK(call("json.patch", {nested, json("[{\"op\": \"add\", \"path\": [[1], 1], \"value\": 2}]")}) ==
        set_of({json("[1, 2]")}));
}

TEST_CASE("graph.reachable and graph.reachable_paths follow edges", "[builtins]") {
  Value graph = json("{\"a\": [\"b\", \"c\"], \"b\": [\"d\"], \"c\": [\"d\"], \"d\": [], "
                     "\"e\": [\"f\"], \"f\": [\"e\"], \"x\": [\"x\"]}");
  CHECK(call("graph.reachable", {graph, json("[\"b\", \"e\"]")}) ==
        set_of({str("b"), str("d"), str("e"), str("f")}));
  CHECK(call("graph.reachable", {json("{}"), json("[\"a\"]")}) == set_of({}));
  CHECK(call("graph.reachable", {json("{\"a\": null}"), json("[\"a\"]")}) == set_of({str("a")}));
  CHECK(call("graph.reachable_paths", {graph, json("[\"b\", \"e\"]")}) ==
        set_of({json("[\"b\", \"d\"]"), json("[\"e\", \"f\"]")}));
  CHECK(call("graph.reachable_paths", {json("{\"a\": [\"b\"], \"b\": [\"c\"], \"c\": [\"a\"]}"), json("[\"a\"]")}) ==
        set_of({json("[\"a\", \"b\", \"c\"]")}));
  CHECK(call("graph.reachable_paths", {json("{\"a\": null}"), json("[\"a\"]")}) == set_of({json("[\"a\"]")}));
  CHECK(std::string(call_error("graph.reachable", {json("{}"), str("a")}).what()) ==
        "operand 2 must be {array, set} but got string");
}

TEST_CASE("graph.reachable_paths answers as Gatekeeper's OPA (v1.5.1), quirks included", "[builtins]") {
  // One reached set per walk: 4 -> 2 is cut short once 2 was reached via 3 (OPA issue 5871).
  CHECK(call("graph.reachable_paths",
             {json(R"({"1": [], "2": ["1"], "3": ["2"], "4": ["3", "2"], "5": ["4"]})"), json(R"(["5"])")}) ==
        set_of({json(R"(["5", "4", "3", "2", "1"])"), json(R"(["5", "4"])")}));
  // Two edges to reached nodes in one call commit the path twice over (OPA issue 6128).
  CHECK(call("graph.reachable_paths", {json(R"({"a": ["b"], "b": ["c", "d", "e"], "c": ["e", "d"],
                                                 "d": ["f"], "e": ["f"], "f": []})"),
                                       json(R"(["a"])")}) ==
        set_of({json(R"(["a", "b", "c", "e", "f"])"), json(R"(["a", "b", "c", "d", "f"])"), json(R"(["a", "b"])"),
                json(R"(["a", "b", "a", "b"])")}));
}

std::vector<Value> walk_all(const Value& v) {
  const BuiltinInfo* info = BuiltinRegistry::standard().find("walk");
  REQUIRE(info);
  REQUIRE(info->relation);
  BuiltinContext ctx;
  std::vector<Value> out;
  std::vector<Value> args = {v};
  info->relation(args, ctx, [&](const Value& pair) {
    out.push_back(pair);
    return true;
  });
  return out;
}

TEST_CASE("walk yields every path and value, parents first", "[builtins]") {
  CHECK(walk_all(json("1")) == std::vector<Value>{json("[[], 1]")});
  CHECK(walk_all(json("[1, 2]")) == std::vector<Value>{json("[[], [1, 2]]"), json("[[0], 1]"), json("[[1], 2]")});
  CHECK(walk_all(json("{\"v1\": \"hello\", \"v2\": {\"x\": 1}}")) ==
        std::vector<Value>{json("[[], {\"v1\": \"hello\", \"v2\": {\"x\": 1}}]"), json("[[\"v1\"], \"hello\"]"),
                           json("[[\"v2\"], {\"x\": 1}]"), json("[[\"v2\", \"x\"], 1]")});
  Value inner = set_of({json("1"), json("2")});
  std::vector<Value> from_set = walk_all(set_of({inner}));
  REQUIRE(from_set.size() == 4);
  CHECK(from_set[1] == Value::array({Value::array({inner}), inner}));
  CHECK(from_set[3] == Value::array({Value::array({inner, json("2")}), json("2")}));
}

}  // namespace
}  // namespace tollgate::rego
