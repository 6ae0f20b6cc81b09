#include <catch2/catch.hpp>

#include "rules/cel/cel_test_support.h"

using namespace tollgate::cel::testing;

TEST_CASE("list concatenation, membership and indexing", "[cel][lists]") {
  CHECK(show(k8s("[1, 2] + [3]")) == "[1,2,3]");
  CHECK(show(k8s("3 in [1, 2, 3] && !(4 in [1, 2, 3])")) == "true");
  CHECK(show(standard("dyn(3.0) in [1, 2, 3]")) == "true");
  CHECK(show(k8s("[1, 2, 3][1]")) == "2");
  CHECK(k8s("[1, 2, 3][-1]").eval_error());
  CHECK(show(k8s("size([1, 2]) + [1].size()")) == "3");
}

TEST_CASE("Kubernetes list library", "[cel][lists]") {
  CHECK(show(k8s("[1, 2, 3].isSorted() && !['b', 'a'].isSorted()")) == "true");
  CHECK(show(k8s("[1, 2, 3].sum()")) == "6");
  CHECK(show(k8s("[1.5, 2.5].sum() == 4.0")) == "true");
  CHECK(show(k8s("[duration('1s'), duration('2s')].sum() == duration('3s')")) == "true");
  CHECK(show(k8s("[3, 1, 2].min()")) == "1");
  CHECK(show(k8s("['a', 'c', 'b'].max()")) == R"("c")");
  CHECK(k8s("[].min()").eval_error());
  CHECK(show(k8s("[1, 2, 1].indexOf(1)")) == "0");
  CHECK(show(k8s("[1, 2, 1].lastIndexOf(1)")) == "2");
  CHECK(show(k8s("[1, 2].indexOf(5)")) == "-1");
}

TEST_CASE("ext.Lists in the standard environment", "[cel][lists]") {
  CHECK(show(standard("[1, 2, 3, 4].slice(1, 3)")) == "[2,3]");
  CHECK(standard("[1, 2].slice(1, 3)").eval_error());
  CHECK(show(standard("[[1], [2, [3]]].flatten()")) == "[1,2,[3]]");
  CHECK(show(standard("[[1], [2, [3]]].flatten(2)")) == "[1,2,3]");
  CHECK(show(standard("[1, 2, 1, 3, 2].distinct()")) == "[1,2,3]");
  CHECK(show(standard("[1, 2, 3].reverse()")) == "[3,2,1]");
  CHECK(show(standard("[3, 1, 2].sort()")) == "[1,2,3]");
  CHECK(show(standard("lists.range(4)")) == "[0,1,2,3]");
}

TEST_CASE("Kubernetes 1.32 refuses ext.Lists, as the cluster would", "[cel][lists]") {
  for (const char* expr : {"[1, 2].slice(0, 1)", "lists.range(3)", "[[1], [2]].flatten()", "[1, 1].distinct()",
                           "[1, 2].reverse()", "[2, 1].sort()"}) {
    INFO(expr);
    CHECK_FALSE(k8s(expr).compiled);
  }
}

TEST_CASE("Kubernetes list functions are declared per element type", "[cel][lists]") {
  CHECK(show(k8s("[].sum()")) == "0");
  CHECK(show(k8s("[1.5, 2.5].sum() == 4.0 && type([1.5].sum()) == double")) == "true");
  CHECK_FALSE(k8s("['a'].sum()").compiled);   // sum: int, uint, double, duration
  CHECK_FALSE(k8s("[[1]].min()").compiled);   // min/max/isSorted: comparable types only
  CHECK(show(k8s("['b', 'a'].min()")) == R"("a")");
}

TEST_CASE("ext.Sets", "[cel][lists]") {
  CHECK(show(k8s("sets.contains([1, 2, 3], [3, 1])")) == "true");
  CHECK(show(k8s("sets.equivalent([1, 2, 2], [2, 1])")) == "true");
  CHECK(show(k8s("sets.intersects([1, 2], [3])")) == "false");
}
