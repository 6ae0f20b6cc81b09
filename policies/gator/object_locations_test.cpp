// Where each object read from a manifest starts, for CI output that points
// at it (SARIF regions, workflow annotations): the first line of the object
// itself (past "---" and comments), the column of its first key or brace,
// and for a List where each item starts. Lines and columns are 1-based;
// columns count code points.
#include <catch2/catch.hpp>

#include "policies/gator/object_reader.h"
#include "policies/gator/text_locations.h"

using namespace tollgate::policies::gator;
using tollgate::value::SourceLocation;

namespace {

std::vector<SourcedObject> read(const std::string& text) {
  std::vector<SourcedObject> objects;
  std::string error;
  INFO(text);
  REQUIRE(read_objects_text(text, "in.yaml", &objects, &error));
  return objects;
}

std::pair<int, int> at(const SourcedObject& s) { return {s.line, s.column}; }
std::pair<int, int> at(const SourceLocation& l) { return {l.line, l.column}; }

}  // namespace

TEST_CASE("each YAML document points at its object's first line, past --- and comments", "[gator][reader][locations]") {
  std::vector<SourcedObject> objects = read(
      "# a header comment\n"           // 1
      "apiVersion: v1\n"               // 2
      "kind: Pod\n"                    // 3
      "metadata: {name: a}\n"          // 4
      "---\n"                          // 5
      "# about b\n"                    // 6
      "\n"                             // 7
      "apiVersion: v1\n"               // 8
      "kind: Pod\n"                    // 9
      "metadata: {name: b}\n"          // 10
      "--- {apiVersion: v1, kind: Pod, metadata: {name: c}}\n"  // 11
      "---\n"                          // 12
      "  kind: Pod\n"                  // 13: indented
      "  metadata: {name: d}\n");
  REQUIRE(objects.size() == 4);
  CHECK(at(objects[0]) == std::pair{2, 1});
  CHECK(at(objects[1]) == std::pair{8, 1});
  CHECK(at(objects[2]) == std::pair{11, 5});
  CHECK(at(objects[3]) == std::pair{13, 3});
}

TEST_CASE("the items of a YAML List each point at their own line and column", "[gator][reader][locations]") {
  std::vector<SourcedObject> objects = read(
      "apiVersion: v1\n"                      // 1
      "kind: List\n"                          // 2
      "items:\n"                              // 3
      "- apiVersion: v1\n"                    // 4
      "  kind: Pod\n"                         // 5
      "  metadata: {name: a}\n"               // 6
      "-   kind: Pod\n"                       // 7
      "    metadata: {name: b}\n"             // 8
      "- {kind: Pod, metadata: {name: c}}\n"  // 9
      "-\n"                                   // 10
      "  kind: Pod\n"                         // 11
      "  metadata: {name: d}\n");
  REQUIRE(objects.size() == 1);
  CHECK(at(objects[0]) == std::pair{1, 1});
  REQUIRE(objects[0].item_locations.size() == 4);
  CHECK(at(objects[0].item_locations[0]) == std::pair{4, 3});
  CHECK(at(objects[0].item_locations[1]) == std::pair{7, 5});
  CHECK(at(objects[0].item_locations[2]) == std::pair{9, 3});
  CHECK(at(objects[0].item_locations[3]) == std::pair{11, 3});
}

TEST_CASE("a JSON List read as YAML points at each item's opening brace", "[gator][reader][locations]") {
  std::vector<SourcedObject> objects = read(
      "{\n"                                          // 1
      "    \"apiVersion\": \"v1\",\n"                // 2
      "    \"items\": [\n"                           // 3
      "        {\n"                                  // 4
      "            \"kind\": \"Pod\",\n"             // 5
      "            \"metadata\": {\"name\": \"a\"}\n"
      "        },\n"                                 // 7
      "        {\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\"}}\n"  // 8
      "    ],\n"
      "    \"kind\": \"PodList\"\n"
      "}\n");
  REQUIRE(objects.size() == 1);
  CHECK(at(objects[0]) == std::pair{1, 1});
  REQUIRE(objects[0].item_locations.size() == 2);
  CHECK(at(objects[0].item_locations[0]) == std::pair{4, 9});
  CHECK(at(objects[0].item_locations[1]) == std::pair{8, 9});
}

TEST_CASE("columns count code points, not bytes", "[gator][reader][locations]") {
  // "é" is two bytes in UTF-8: the brace after "ééé" is the 16th code point of its line (the 19th byte).
  std::vector<SourcedObject> objects = read("kind: List\nitems: [\"ééé\", {kind: Pod}]\n");
  REQUIRE(objects[0].item_locations.size() == 2);
  CHECK(at(objects[0].item_locations[1]) == std::pair{2, 16});
  JsonObjectLocations json = json_object_locations("{\"kind\": \"List\", \"items\": [\"ééé\", {\"kind\": \"Pod\"}]}");
  REQUIRE(json.items.size() == 2);
  CHECK(at(json.items[1]) == std::pair{1, 35});
}

TEST_CASE("a kubectl JSON dump: each item's brace, whatever the nesting around it", "[gator][reader][locations]") {
  std::string text =
      "{\n"                                                       // 1
      "    \"apiVersion\": \"v1\",\n"                             // 2
      "    \"metadata\": {\"items\": [{\"not\": \"this\"}]},\n"   // 3: an "items" deeper down is not the List's
      "    \"items\": [\n"                                        // 4
      "        {\n"                                               // 5
      "            \"kind\": \"Pod\",\n"
      "            \"spec\": {\"containers\": [{\"name\": \"a\\\"]{\"}]}\n"  // brackets inside a string
      "        },\n"
      "        {\"kind\": \"Pod\", \"items\": [1, 2]}\n"          // 9
      "    ],\n"
      "    \"kind\": \"List\"\n"
      "}\n";
  JsonObjectLocations json = json_object_locations(text);
  CHECK(at(json.root) == std::pair{1, 1});
  REQUIRE(json.items.size() == 2);
  CHECK(at(json.items[0]) == std::pair{5, 9});
  CHECK(at(json.items[1]) == std::pair{9, 9});

  // A root array: its elements. CRLF line ends count once.
  JsonObjectLocations array = json_object_locations("\r\n  [ {\"kind\": \"A\"},\r\n  {\"kind\": \"B\"} ]");
  CHECK(at(array.root) == std::pair{2, 3});
  REQUIRE(array.items.size() == 2);
  CHECK(at(array.items[0]) == std::pair{2, 5});
  CHECK(at(array.items[1]) == std::pair{3, 3});

  // Of a repeated "items" the last one counts, as the parser keeps it; an empty List has none.
  CHECK(json_object_locations("{\"items\": [{}, {}], \"items\": [ {} ]}").items.size() == 1);
  CHECK(json_object_locations("{\"kind\": \"List\", \"items\": []}").items.empty());
  CHECK(json_object_locations("{\"kind\": \"Pod\"}").items.empty());
}
