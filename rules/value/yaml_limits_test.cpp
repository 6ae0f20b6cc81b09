// Hostile YAML: alias and merge-key bombs, deep nesting, oversized files.
// Each is refused quickly with a message that says what is wrong.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <unistd.h>

#include "rules/value/yaml.h"

using namespace tollgate::value;

namespace {

// "Billion laughs": each level lists the previous one `fanout` times.
std::string alias_bomb(int levels, int fanout) {
  std::string text = "l0: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  for (int i = 1; i < levels; ++i) {
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < fanout; ++k) text += (k ? ", *l" : "*l") + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

// Each level merges the previous one eight times (keys repeat, so the result
// stays small, but every merge converts its source again).
std::string merge_bomb(int levels) {
  std::string text = "m0: &m0 {k0: 1, k1: 2, k2: 3, k3: 4}\n";
  for (int i = 1; i < levels; ++i) {
    std::string prev = "*m" + std::to_string(i - 1);
    text += "m" + std::to_string(i) + ": &m" + std::to_string(i) + " {<<: [";
    for (int k = 0; k < 8; ++k) text += (k ? ", " : "") + prev;
    text += "], x" + std::to_string(i) + ": 1}\n";
  }
  return text;
}

std::string refusal(std::string_view text) {
  std::vector<YamlDocument> docs;
  YamlError error;
  auto start = std::chrono::steady_clock::now();
  bool ok = parse_yaml(text, &docs, &error);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(2));
  if (ok) return "(accepted)";
  return error.message;
}

}  // namespace

TEST_CASE("an alias bomb is refused as excessive aliasing, as go-yaml does", "[yaml][limits]") {
  // 9 levels of 9: 387 million strings from 340 bytes.
  CHECK(refusal(alias_bomb(9, 9)) == "document contains excessive aliasing");
  CHECK(refusal(alias_bomb(7, 9)) == "document contains excessive aliasing");
}

TEST_CASE("a merge-key bomb is refused as excessive aliasing", "[yaml][limits]") {
  CHECK(refusal(merge_bomb(30)) == "document contains excessive aliasing");
}

TEST_CASE("ordinary anchors, aliases and merges still load", "[yaml][limits]") {
  std::string text = "base: &base {cpu: 1, memory: 2Gi}\n";
  for (int i = 0; i < 200; ++i) text += "c" + std::to_string(i) + ": {<<: *base, name: c" + std::to_string(i) + "}\n";
  std::vector<YamlDocument> docs;
  YamlError error;
  INFO(error.message);
  REQUIRE(parse_yaml(alias_bomb(3, 9), &docs, &error));
  REQUIRE(parse_yaml(text, &docs, &error));
  CHECK(docs.back().value["c199"]["memory"].as_string() == "2Gi");
  CHECK(docs.back().value["c199"]["name"].as_string() == "c199");
}

TEST_CASE("aliases of one long string cannot multiply it", "[yaml][limits]") {
  std::string text = "s: &s \"" + std::string(100000, 'x') + "\"\nl: [";
  for (int i = 0; i < 500; ++i) text += i ? ", *s" : "*s";
  text += "]\n";
  CHECK(refusal(text).rfind("document contains excessive aliasing (", 0) == 0);
}

TEST_CASE("deep nesting is refused with a message that says so", "[yaml][limits]") {
  auto nested = [](int depth) { return "a: " + std::string(depth, '[') + "1" + std::string(depth, ']') + "\n"; };
  std::vector<YamlDocument> docs;
  YamlError error;
  REQUIRE(parse_yaml(nested(kMaxYamlDepth - 1), &docs, &error));
  CHECK(refusal(nested(3000)) == "document nesting too deep (more than 498 levels)");
}

TEST_CASE("aliases cannot nest a document deeper than the parser allows", "[yaml][limits]") {
  // Each anchor nests the previous one 400 levels deeper: 100 of them would
  // be 40,000 levels once expanded.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text += "d" + std::to_string(i) + ": &d" + std::to_string(i) + " " + std::string(400, '[');
    text += i ? "*d" + std::to_string(i - 1) : "1";
    text += std::string(400, ']') + "\n";
  }
  CHECK(refusal(text) == "document nesting too deep (more than 498 levels)");
}

TEST_CASE("files over the size limit are refused before they are parsed", "[yaml][limits]") {
  std::string path = "/tmp/tollgate_yaml_limits_test_" + std::to_string(::getpid()) + ".yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::string line = "- item\n";
    for (int i = 0; i < 2000; ++i) std::fwrite(line.data(), 1, line.size(), f);
    std::fclose(f);
  }
  std::vector<YamlDocument> docs;
  YamlError error;
  CHECK_FALSE(load_yaml_file(path, &docs, &error, 10000));
  CHECK(error.message == "file is 14000 bytes, over the limit of 10000 bytes (--max-policy-file-bytes)");
  CHECK(load_yaml_file(path, &docs, &error, 14000));

  // Without a limit given: the process-wide one (--max-policy-file-bytes).
  size_t saved = max_yaml_file_bytes();
  max_yaml_file_bytes() = 13999;
  CHECK_FALSE(load_yaml_file(path, &docs, &error));
  CHECK(error.message == "file is 14000 bytes, over the limit of 13999 bytes (--max-policy-file-bytes)");
  max_yaml_file_bytes() = saved;
  CHECK(load_yaml_file(path, &docs, &error));
  std::remove(path.c_str());
}

TEST_CASE("JSON surrogate-pair escapes decode as the JSON parser decodes them", "[yaml][json]") {
  std::vector<YamlDocument> docs;
  YamlError error;
  INFO(error.message);
  REQUIRE(parse_yaml(R"({"smile": "a\ud83d\ude00b", "path": "c:\\ud83d\\ude00", "q": "\"\ud83d\ude00"})", &docs, &error));
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].value["smile"].as_string() == "a\xF0\x9F\x98\x80" "b");
  CHECK(docs[0].value["path"].as_string() == "c:\\ud83d\\ude00");
  CHECK(docs[0].value["q"].as_string() == "\"\xF0\x9F\x98\x80");
  // A lone surrogate is still not a character.
  CHECK_FALSE(parse_yaml(R"({"bad": "\ud83d"})", &docs, &error));
}
