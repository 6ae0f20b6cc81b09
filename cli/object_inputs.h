// The objects a command reads from its -f arguments, as gator reads its
// inputs: a file, a directory (its .yaml/.yml/.json files, recursively) or
// "-" for stdin.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "policies/gator/object_reader.h"

namespace tollgate::cli {

// How a file's or stdin's text becomes objects (gator's YAML reader by default).
struct ObjectReaders {
  bool (*text)(std::string_view text, const std::string& file, std::vector<policies::gator::SourcedObject>* out,
               std::string* error) = policies::gator::read_objects_text;
  bool (*file)(const std::string& path, std::vector<policies::gator::SourcedObject>* out,
               std::string* error) = policies::gator::read_objects_file;
};

// Appends the objects of one -f argument; false with a message on an
// unreadable path or a document that is not a Kubernetes object.
bool read_input_objects(const std::string& path, CommandIo& io, std::vector<policies::gator::SourcedObject>* out,
                        std::string* error, const ObjectReaders& readers = {});

// The -f arguments, or "-" when none is given and stdin is not a terminal.
// With `stdin_too`, stdin that is not a terminal is read after the -f
// arguments as well, as gator's ReadSources does.
std::vector<std::string> input_paths(const std::vector<std::string>& filenames, const CommandIo& io,
                                     bool stdin_too = false);

}  // namespace tollgate::cli
