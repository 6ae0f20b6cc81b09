// Reading a kubectl JSON List item by item: every item, at its own line,
// typed lists' kinds filled in, anything else left to the whole reader.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "policies/audit/dump_stream.h"
#include "policies/gator/test_support.h"
#include "rules/value/json.h"

using tollgate::policies::audit::DumpStream;
using tollgate::policies::audit::stream_json_list;
using tollgate::policies::gator::SourcedObject;
using tollgate::policies::gator::testing::TempTree;

namespace {

struct Read {
  DumpStream result;
  std::vector<SourcedObject> objects;
  std::string error;
};

Read read(const std::string& path) {
  Read r;
  r.result = stream_json_list(
      path,
      [&](SourcedObject&& o, size_t) {
        r.objects.push_back(std::move(o));
        return true;
      },
      &r.error);
  return r;
}

}  // namespace

TEST_CASE("a kubectl List is read item by item, each at its own line", "[audit]") {
  TempTree tree;
  // kubectl writes the List's kind after its items; strings hold brackets and escapes.
  std::string path = tree.write("dump.json", R"({
    "apiVersion": "v1",
    "items": [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "a", "namespace": "x", "annotations": {"note": "}]{[\"\\"}}
        },
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}},
        7,
        {"apiVersion": "v1", "metadata": {"name": "no-kind"}}
    ],
    "kind": "List",
    "metadata": {"resourceVersion": ""}
}
)");
  Read r = read(path);
  REQUIRE(r.result == DumpStream::Streamed);
  REQUIRE(r.objects.size() == 2);
  CHECK(r.objects[0].object["metadata"]["annotations"]["note"].as_string() == "}]{[\"\\");
  CHECK(r.objects[0].line == 4);
  CHECK(r.objects[0].column == 9);
  CHECK(r.objects[0].file == path);
  CHECK(r.objects[1].object["kind"].as_string() == "Namespace");
  CHECK(r.objects[1].line == 9);
  CHECK(r.objects[1].column == 9);
}

TEST_CASE("items of a typed list get the list's kind and apiVersion", "[audit]") {
  TempTree tree;
  std::string path = tree.write(
      "pods.json",
      R"({"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"a"}},{"kind":"Pod","apiVersion":"v2","metadata":{"name":"b"}}]})");
  Read r = read(path);
  REQUIRE(r.result == DumpStream::Streamed);
  REQUIRE(r.objects.size() == 2);
  CHECK(r.objects[0].object["kind"].as_string() == "Pod");
  CHECK(r.objects[0].object["apiVersion"].as_string() == "v1");
  CHECK(r.objects[1].object["apiVersion"].as_string() == "v2");
}

TEST_CASE("a JSON file that is not a List is left to the whole-document reader", "[audit]") {
  TempTree tree;
  CHECK(read(tree.write("pod.json", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}})")).result ==
        DumpStream::NotAList);
  CHECK(read(tree.write("array.json", R"([{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}])")).result ==
        DumpStream::NotAList);
  CHECK(read(tree.write("pods.yaml", "apiVersion: v1\nkind: Pod\n")).result == DumpStream::NotAList);
  CHECK(read(tree.write("two.json", R"({"kind":"List","items":[]} {"kind":"List","items":[]})")).result ==
        DumpStream::NotAList);
}

TEST_CASE("a broken item of a List is reported at its line", "[audit]") {
  TempTree tree;
  std::string path = tree.write("dump.json",
                                "{\"kind\": \"List\", \"items\": [\n{\"kind\": \"Pod\"},\n{\"kind\": \"Pod\",\n \"x\": tru}\n]}\n");
  Read r = read(path);
  CHECK(r.result == DumpStream::Failed);
  CHECK(r.error.rfind(path + ":", 0) == 0);
  CHECK(r.error.find(":4:") != std::string::npos);
  Read cut = read(tree.write("cut.json", "{\"kind\": \"List\", \"items\": [\n{\"kind\": \"Pod\"}, {\"kind\""));
  CHECK(cut.result == DumpStream::Failed);
  CHECK(cut.objects.size() == 1);
}
