// The tollgate executable: everything lives in the tollgate_cli library so
// that tests can run the same commands in-process.
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  // As gator: stdin is read only when it is not a character device (a
  // terminal, /dev/null).
  struct stat in_stat {};
  bool stdin_is_device = fstat(STDIN_FILENO, &in_stat) != 0 || S_ISCHR(in_stat.st_mode);
  tollgate::cli::CommandIo io{std::cin, std::cout, std::cerr, stdin_is_device};
  int code = tollgate::cli::run_tollgate(args, io);
  std::cout.flush();
  return code;
}
