// For tests of what the webhook logs: the log's output while a piece of code runs.
#pragma once

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "webhook/log.h"

namespace tollgate::webhook::testing {

// What the log writes to stderr while `run` runs: what was logged before is
// flushed first, and what `run` logged is flushed before stderr is restored.
template <class Run>
std::string stderr_of(Run run) {
  flush_log();
  std::fflush(stderr);
  char path[] = "/tmp/tollgate-log-XXXXXX";
  int file = mkstemp(path);
  REQUIRE(file >= 0);
  int saved = dup(2);
  dup2(file, 2);
  run();
  flush_log();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  close(file);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  return text.str();
}

}  // namespace tollgate::webhook::testing
