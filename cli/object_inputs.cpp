#include "cli/object_inputs.h"

#include <algorithm>
#include <istream>
#include <sstream>

namespace tollgate::cli {
namespace gator = policies::gator;

bool read_input_objects(const std::string& path, CommandIo& io, std::vector<gator::SourcedObject>* out,
                        std::string* error, const ObjectReaders& readers) {
  if (path == "-") {
    std::ostringstream text;
    text << io.in.rdbuf();
    return readers.text(text.str(), "-", out, error);
  }
  std::vector<std::string> files;
  if (!gator::list_input_files(path, &files, error)) {
    *error = "reading from filenames: " + *error;  // as gator's ReadSources wraps it
    return false;
  }
  for (const std::string& file : files) {
    if (!readers.file(file, out, error)) return false;
  }
  return true;
}

std::vector<std::string> input_paths(const std::vector<std::string>& filenames, const CommandIo& io,
                                     bool stdin_too) {
  if (io.stdin_is_terminal) return filenames;
  if (filenames.empty()) return {"-"};
  std::vector<std::string> paths = filenames;
  if (stdin_too && std::find(paths.begin(), paths.end(), "-") == paths.end()) paths.push_back("-");
  return paths;
}

}  // namespace tollgate::cli
