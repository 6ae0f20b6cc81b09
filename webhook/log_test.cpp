#include "webhook/log.h"
#include "webhook/log_test_support.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "webhook/metrics.h"

using tollgate::webhook::LogLine;
using tollgate::webhook::testing::stderr_of;
namespace webhook = tollgate::webhook;

namespace {

std::vector<nlohmann::json> lines_of(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("log lines are JSON objects with time, level, msg and the fields, in the order logged", "[log]") {
  std::string text = stderr_of([] {
    webhook::log_info(LogLine("first").field("n", int64_t{1}));
    webhook::log_batched(spdlog::level::warn, LogLine("second").field("list", std::vector<std::string>{"a\"b", ""}));
    webhook::log_error(LogLine("third"));
  });
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["msg"] == "first");
  CHECK(lines[0]["level"] == "info");
  CHECK(lines[0]["n"] == 1);
  CHECK(lines[1]["level"] == "warning");
  CHECK(lines[1]["list"] == nlohmann::json::array({"a\"b", ""}));
  CHECK(lines[2]["level"] == "error");
  std::string time = lines[0]["time"];
  CHECK(time.size() == std::string("2026-01-02T03:04:05.123456Z").size());
  CHECK(time.back() == 'Z');
  CHECK(time[10] == 'T');
}

TEST_CASE("an array element built from parts is encoded as one JSON string", "[log]") {
  LogLine line("m");
  line.begin_array("denials")
      .begin_element()
      .append_to_element("[")
      .append_to_element("name")
      .append_to_element("] ")
      .append_to_element("say \"no\"\n")
      .end_element()
      .begin_element()
      .append_to_element("x")
      .end_element()
      .end_array();
  auto parsed = nlohmann::json::parse("{" + line.members() + "}");
  CHECK(parsed["denials"] == nlohmann::json::array({"[name] say \"no\"\n", "x"}));
}

TEST_CASE("flush_log writes every batched line logged before it", "[log]") {
  std::string text = stderr_of([] {
    for (int i = 0; i < 500; ++i) webhook::log_batched(spdlog::level::info, LogLine("batched").field("i", int64_t{i}));
  });
  auto lines = lines_of(text);
  REQUIRE(lines.size() == 500);
  for (int i = 0; i < 500; ++i) CHECK(lines[i]["i"] == i);
}

TEST_CASE("a full log queue drops its oldest lines, counts them, and never blocks the logging thread", "[log]") {
  webhook::Metrics metrics;
  uint64_t dropped_before = webhook::log_lines_dropped();
  constexpr int kExtra = 25;
  std::chrono::steady_clock::duration took{};
  std::string text = stderr_of([&] {
    webhook::pause_log_writer_for_testing(true);  // as behind a stalled stderr
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < static_cast<int>(webhook::kLogQueueCapacity) + kExtra; ++i) {
      webhook::log_batched(spdlog::level::info, LogLine("flood").field("i", int64_t{i}));
    }
    took = std::chrono::steady_clock::now() - started;
    webhook::pause_log_writer_for_testing(false);
  });
  CHECK(took < std::chrono::seconds(2));
  CHECK(webhook::log_lines_dropped() - dropped_before == kExtra);
  auto lines = lines_of(text);
  REQUIRE(lines.size() == webhook::kLogQueueCapacity);
  CHECK(lines.front()["i"] == kExtra);  // the oldest went first
  CHECK(lines.back()["i"] == static_cast<int>(webhook::kLogQueueCapacity) + kExtra - 1);
  CHECK_THAT(metrics.render(), Catch::Contains("tollgate_log_lines_dropped_total " +
                                               std::to_string(webhook::log_lines_dropped())));
}
