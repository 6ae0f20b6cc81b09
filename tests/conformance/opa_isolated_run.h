// Runs a function in a forked child with a time limit and a memory limit, so
// that one conformance case that crashes, loops or exhausts memory becomes a
// failure of that case instead of ending the whole run. The function's
// string result comes back through a pipe; it should catch its own
// exceptions (an escaping one ends the child like a crash).
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>

#include "tests/sanitizer_build.h"

namespace tollgate::conformance {

struct IsolatedResult {
  std::optional<std::string> output;  // what the child returned; nullopt when it died
  std::string death;                  // why it died: "timed out after 10 s", "crashed: Segmentation fault"
};

// Writes all of s to fd (a pipe), giving up when the reader is gone.
inline void write_all(int fd, const std::string& s) {
  const char* p = s.data();
  size_t left = s.size();
  while (left > 0) {
    const ssize_t n = write(fd, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

// Reads fd (a pipe) until its writers close it.
inline std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) out.append(buffer, static_cast<size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
  return out;
}

// The child's wait status.
inline int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// In a forked child: the test framework's crash handlers off (the parent
// sees the signal instead) and the memory limit set.
inline void enter_child(size_t memory_limit_bytes) {
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGALRM}) signal(sig, SIG_DFL);
  // Not under AddressSanitizer: its shadow memory already takes terabytes of
  // address space, so any address-space limit fails its next mapping and ends
  // the child. The time limit still bounds a runaway case there.
  if (!kSanitizerBuild) {
    rlimit limit{memory_limit_bytes, memory_limit_bytes};
    setrlimit(RLIMIT_AS, &limit);
  }
}

inline IsolatedResult run_isolated(const std::function<std::string()>& work, unsigned timeout_seconds,
                                   size_t memory_limit_bytes) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int fds[2];
  if (pipe(fds) != 0) return {std::nullopt, std::string("pipe: ") + std::strerror(errno)};
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return {std::nullopt, std::string("fork: ") + std::strerror(errno)};
  }
  if (pid == 0) {
    close(fds[0]);
    enter_child(memory_limit_bytes);
    alarm(timeout_seconds);
    write_all(fds[1], work());
    _exit(0);
  }
  close(fds[1]);
  std::string out = read_all(fds[0]);
  close(fds[0]);
  const int status = wait_child(pid);
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGALRM) return {std::nullopt, "timed out after " + std::to_string(timeout_seconds) + " s"};
    return {std::nullopt, std::string("crashed: ") + strsignal(sig)};
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || out.empty())
    return {std::nullopt, "exited with status " + std::to_string(WEXITSTATUS(status)) + " and no result"};
  return {std::move(out), ""};
}

}  // namespace tollgate::conformance
