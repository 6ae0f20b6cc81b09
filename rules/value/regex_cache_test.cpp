// Run-time regex patterns (Rego regex.match with a pattern from input, CEL
// matches() on a non-constant pattern) are compiled once per thread and
// reused; a bad pattern keeps giving RE2's reason; the cache stays bounded.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "rules/value/regex_cache.h"

using tollgate::value::cached_regex;

TEST_CASE("a pattern is compiled once per thread and matches as RE2 does", "[regex]") {
  std::string error;
  auto first = cached_regex("^ghcr\\.io/[a-z]+$", &error);
  REQUIRE(first);
  CHECK(re2::RE2::FullMatch("ghcr.io/acme", *first));
  CHECK_FALSE(re2::RE2::FullMatch("docker.io/acme", *first));
  CHECK(cached_regex(std::string("^ghcr\\.io/[a-z]+$"), &error) == first);
  CHECK(error.empty());
}

TEST_CASE("a pattern that does not compile gives RE2's reason every time it is asked for", "[regex]") {
  for (int i = 0; i < 2; ++i) {
    std::string error;
    CHECK(cached_regex("a(b", &error) == nullptr);
    CHECK(error == "missing ): a(b");
  }
}

TEST_CASE("the cache is bounded: past 256 patterns it starts over", "[regex]") {
  std::string error;
  auto kept = cached_regex("^bounded-0$", &error);
  for (int i = 1; i <= 300; ++i) REQUIRE(cached_regex("^bounded-" + std::to_string(i) + "$", &error));
  auto again = cached_regex("^bounded-0$", &error);
  REQUIRE(again);
  CHECK(again != kept);  // compiled afresh: the old entry was dropped
  CHECK(re2::RE2::FullMatch("bounded-0", *again));
}

TEST_CASE("threads compile and use their own patterns side by side", "[regex]") {
  std::vector<std::thread> threads;
  std::vector<int> matched(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &matched] {
      std::string error;
      for (int i = 0; i < 500; ++i) {
        auto re = cached_regex("^team-" + std::to_string((t + i) % 7) + "-[0-9]+$", &error);
        if (re && re2::RE2::FullMatch("team-" + std::to_string((t + i) % 7) + "-42", *re)) ++matched[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int count : matched) CHECK(count == 500);
}
