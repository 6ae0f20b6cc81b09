// The tollgate executable: everything lives in the tollgate_cli library so
// that tests can run the same commands in-process.
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  tollgate::cli::CommandIo io{std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) != 0};
  int code = tollgate::cli::run_tollgate(args, io);
  std::cout.flush();
  return code;
}
