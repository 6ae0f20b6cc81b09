#include "policies/gator/object_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "rules/value/yaml.h"

namespace tollgate::policies::gator {
namespace fs = std::filesystem;

bool has_object_extension(std::string_view path) {
  auto ends_with = [&](std::string_view suffix) {
    return path.size() >= suffix.size() && path.substr(path.size() - suffix.size()) == suffix;
  };
  return ends_with(".yaml") || ends_with(".yml") || ends_with(".json");
}

bool read_objects_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out,
                       std::string* error) {
  std::vector<value::YamlDocument> documents;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &documents, &yaml_error)) {
    *error = file + ":" + std::to_string(yaml_error.location.line) + ":" + std::to_string(yaml_error.location.column) +
             ": " + yaml_error.message;
    return false;
  }
  for (auto& doc : documents) {
    const Value* kind = doc.value.find("kind");
    if (!doc.value.is_object() || kind == nullptr || !kind->is_string() || kind->as_string().empty()) {
      *error = file + ":" + std::to_string(doc.first_line) + ": Object 'Kind' is missing";
      return false;
    }
    out->push_back(SourcedObject{std::move(doc.value), file, doc.first_line});
  }
  return true;
}

bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "reading " + path + ": cannot open file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_objects_text(text.str(), path, out, error);
}

bool list_input_files(const std::string& path, std::vector<std::string>* files, std::string* error) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    *error = "reading " + path + ": no such file or directory";
    return false;
  }
  if (!fs::is_directory(status)) {
    files->push_back(path);
    return true;
  }
  std::vector<std::string> found;
  for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file() && has_object_extension(it->path().string())) found.push_back(it->path().string());
  }
  if (ec) {
    *error = "reading " + path + ": " + ec.message();
    return false;
  }
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
  return true;
}

}  // namespace tollgate::policies::gator
