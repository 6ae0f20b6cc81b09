#include "policies/gator/object_reader.h"

#include <catch2/catch.hpp>

#include "policies/gator/test_support.h"

using namespace tollgate::policies::gator;
using tollgate::policies::gator::testing::TempTree;

TEST_CASE("multi-document YAML gives one object per non-empty document", "[gator][reader]") {
  std::vector<SourcedObject> objects;
  std::string error;
  REQUIRE(read_objects_text("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n# only a comment\n---\n"
                            "apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  labels: {x: yes}\n",
                            "in.yaml", &objects, &error));
  REQUIRE(objects.size() == 2);
  CHECK(objects[0].object["kind"] == Value::string("Pod"));
  CHECK(objects[1].object["metadata"]["labels"]["x"] == Value::string("yes"));  // YAML 1.2: yes stays a string
  CHECK(objects[1].file == "in.yaml");
}

TEST_CASE("a document without a kind is an error", "[gator][reader]") {
  std::vector<SourcedObject> objects;
  std::string error;
  CHECK_FALSE(read_objects_text("apiVersion: v1\nmetadata: {name: a}\n", "in.yaml", &objects, &error));
  CHECK(error.find("Object 'Kind' is missing") != std::string::npos);
  CHECK_FALSE(read_objects_text("- 1\n- 2\n", "list.yaml", &objects, &error));
}

TEST_CASE("directories are walked for .yaml, .yml and .json files", "[gator][reader]") {
  TempTree tree;
  tree.write("in/b.yaml", "kind: A\n");
  tree.write("in/sub/a.json", "{\"kind\":\"B\"}");
  tree.write("in/sub/c.yml", "kind: C\n");
  tree.write("in/readme.md", "kind: D\n");
  std::vector<std::string> files;
  std::string error;
  REQUIRE(list_input_files(tree.path("in"), &files, &error));
  CHECK(files == std::vector<std::string>{tree.path("in/b.yaml"), tree.path("in/sub/a.json"), tree.path("in/sub/c.yml")});
  CHECK_FALSE(list_input_files(tree.path("missing"), &files, &error));
}

TEST_CASE("a file named directly must be .yaml, .yml or .json, as gator insists", "[gator][reader]") {
  TempTree tree;
  tree.write("in/pod.txt", "kind: Pod\n");
  tree.write("in/pod.yml", "kind: Pod\n");
  tree.write("in.d/pod.YAML", "kind: Pod\n");
  std::vector<std::string> files;
  std::string error;
  CHECK_FALSE(list_input_files(tree.path("in/pod.txt"), &files, &error));
  CHECK(error == "path \"" + tree.path("in/pod.txt") + "\" must be of extensions: [.yaml .yml .json]");
  CHECK_FALSE(list_input_files(tree.path("in.d/pod.YAML"), &files, &error));  // Go compares case-sensitively
  CHECK(files.empty());
  REQUIRE(list_input_files(tree.path("in/pod.yml"), &files, &error));
  CHECK(files == std::vector<std::string>{tree.path("in/pod.yml")});
  files.clear();
  REQUIRE(list_input_files(tree.path("in"), &files, &error));  // inside a directory, pod.txt is skipped
  CHECK(files == std::vector<std::string>{tree.path("in/pod.yml")});
}
