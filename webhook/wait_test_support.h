// What the webhook tests that run work on other threads wait with: a
// condition polled until it holds or five seconds have passed.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace tollgate::webhook::testing {

inline bool eventually(const std::function<bool()>& condition) {
  using namespace std::chrono_literals;
  for (auto give_up = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < give_up;) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

}  // namespace tollgate::webhook::testing
