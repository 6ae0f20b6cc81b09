#include "rules/value/node_pool.h"

#include <catch2/catch.hpp>
#include <algorithm>
#include <thread>
#include <vector>

#include "rules/value/json.h"

using tollgate::value::parse_json_or_throw;
using tollgate::value::Value;
using tollgate::value::detail::NodePool;

TEST_CASE("freed nodes are recycled by the thread that frees them", "[node_pool]") {
  size_t before = 0;
  {
    std::vector<Value> arrays;
    for (int i = 0; i < 100; ++i) arrays.push_back(Value::array({Value::integer(i)}));
    before = NodePool::cached_blocks();
  }
  CHECK(NodePool::cached_blocks() >= std::min<size_t>(before + 100, NodePool::kMaxFreeBlocks));
  size_t cached = NodePool::cached_blocks();
  Value reused = Value::array({Value::integer(1)});
  CHECK(NodePool::cached_blocks() == cached - 1);
}

TEST_CASE("the per-thread cache is bounded", "[node_pool]") {
  {
    std::vector<Value> many;
    for (uint32_t i = 0; i < NodePool::kMaxFreeBlocks + 1000; ++i) many.push_back(Value::array({}));
  }
  CHECK(NodePool::cached_blocks() == NodePool::kMaxFreeBlocks);
}

TEST_CASE("values built on one thread can die on another", "[node_pool]") {
  // Parsed on worker threads, freed here and on other workers: every block
  // must end up in exactly one free list (or the heap), which ASan/valgrind
  // runs of this test check; the values must read back intact meanwhile.
  std::vector<Value> docs(8);
  std::vector<std::thread> builders;
  for (size_t t = 0; t < docs.size(); ++t)
    builders.emplace_back([&docs, t] {
      docs[t] = parse_json_or_throw(R"({"uid":"u-)" + std::to_string(t) + R"(","items":[{"a":"long string value number one"},{"b":[1,2,3]}]})");
    });
  for (auto& th : builders) th.join();

  std::vector<std::thread> killers;
  for (size_t t = 0; t < docs.size(); t += 2)
    killers.emplace_back([&docs, t] { docs[t] = Value(); });
  for (auto& th : killers) th.join();

  for (size_t t = 1; t < docs.size(); t += 2) {
    CHECK(docs[t]["uid"].as_string() == "u-" + std::to_string(t));
    CHECK(docs[t]["items"].at(0)->find("a")->as_string() == "long string value number one");
  }
  docs.clear();
}
