#include "webhook/worker_pool.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "webhook/wait_test_support.h"

using namespace tollgate::webhook;
using namespace std::chrono_literals;
using tollgate::webhook::testing::eventually;

namespace {

// A task that holds its worker until the gate opens.
struct Gate {
  std::promise<void> opened;
  std::shared_future<void> wait = opened.get_future().share();
  void open() { opened.set_value(); }
};

}  // namespace

TEST_CASE("with every worker busy and the queue full, a task is refused at once", "[worker_pool]") {
  WorkerPool pool(2, 1);
  Gate gate;
  std::atomic<int> ran{0}, refused{0};
  auto blocking = [&](bool run) {
    if (!run) return ++refused, void();
    gate.wait.wait();
    ++ran;
  };
  // Two free workers take two tasks, one more waits, the fourth is refused.
  CHECK(pool.submit(blocking));
  CHECK(pool.submit(blocking));
  REQUIRE(eventually([&] { return pool.running() == 2; }));
  CHECK(pool.submit(blocking));
  CHECK(pool.queued() == 1);
  CHECK_FALSE(pool.submit(blocking));
  CHECK(refused == 1);  // told on the submitting thread, before submit returned
  gate.open();
  CHECK(pool.wait_idle(5s));
  CHECK(ran == 3);
  CHECK(pool.submit(blocking));  // room again
  CHECK(pool.wait_idle(5s));
  CHECK(ran == 4);
}

TEST_CASE("a burst up to the number of free workers is taken even with no queue", "[worker_pool]") {
  WorkerPool pool(3, 0);
  std::atomic<int> ran{0};
  Gate gate;
  for (int i = 0; i < 3; ++i) {
    CHECK(pool.submit([&](bool run) {
      if (!run) return;
      gate.wait.wait();
      ++ran;
    }));
  }
  gate.open();
  CHECK(pool.wait_idle(5s));
  CHECK(ran == 3);
}

TEST_CASE("stopping refuses the waiting tasks and lets the running one finish", "[worker_pool]") {
  WorkerPool pool(1, 4);
  Gate gate;
  std::atomic<int> ran{0}, refused{0};
  auto task = [&](bool run) {
    if (!run) return ++refused, void();
    gate.wait.wait();
    ++ran;
  };
  pool.submit(task);
  REQUIRE(eventually([&] { return pool.running() == 1; }));
  pool.submit(task);
  pool.submit(task);
  pool.stop();
  CHECK(refused == 2);
  CHECK_FALSE(pool.wait_idle(20ms));  // still running
  CHECK_FALSE(pool.submit(task));
  CHECK(refused == 3);
  gate.open();
  CHECK(pool.wait_idle(5s));
  CHECK(ran == 1);
}

TEST_CASE("a task that throws leaves its worker serving", "[worker_pool]") {
  WorkerPool pool(1, 4);
  std::atomic<int> ran{0};
  pool.submit([](bool) { throw std::runtime_error("boom"); });
  pool.submit([&](bool run) { ran += run ? 1 : 0; });
  CHECK(pool.wait_idle(5s));
  CHECK(ran == 1);
}
