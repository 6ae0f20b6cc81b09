#include "policies/gator/object_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "policies/gator/text_locations.h"
#include "policies/model/loader.h"
#include "policies/model/object_shape.h"
#include "rules/value/yaml.h"

namespace tollgate::policies::gator {
namespace fs = std::filesystem;

namespace {

// The objects of a file's parsed documents (`text` is the file's text).
bool objects_of_documents(std::string_view text, const std::vector<value::YamlDocument>& documents,
                          const std::string& file, std::vector<SourcedObject>* out, std::string* error) {
  CodePointColumns columns(text);
  for (const auto& doc : documents) {
    const Value* kind = doc.value.find("kind");
    if (!doc.value.is_object() || kind == nullptr || !kind->is_string() || kind->as_string().empty()) {
      *error = file + ":" + std::to_string(doc.first_line) + ": Object 'Kind' is missing";
      return false;
    }
    std::string malformed = malformed_object_reason(doc.value);
    if (!malformed.empty()) {
      *error = file + ":" + std::to_string(doc.first_line) + ": " + malformed;
      return false;
    }
    // Where the object itself starts: its first key (or brace), past any "---" and comments.
    value::SourceLocation root = columns.convert(doc.locations.find(""));
    SourcedObject sourced{doc.value, file, root.line > 0 ? root.line : doc.first_line, root.column};
    if (is_list_object(sourced.object)) {
      size_t count = sourced.object["items"].size();
      sourced.item_locations.reserve(count);
      for (size_t i = 0; i < count; ++i) {
        sourced.item_locations.push_back(columns.convert(doc.locations.find(value::pointer_append("/items", i))));
      }
    }
    out->push_back(std::move(sourced));
  }
  return true;
}

}  // namespace

bool read_objects_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out,
                       std::string* error) {
  std::vector<value::YamlDocument> documents;
  value::YamlError yaml_error;
  if (!value::parse_yaml(text, &documents, &yaml_error)) {
    *error = file + ":" + std::to_string(yaml_error.location.line) + ":" + std::to_string(yaml_error.location.column) +
             ": " + yaml_error.message;
    return false;
  }
  return objects_of_documents(text, documents, file, out, error);
}

void ParsedYamlFiles::add(const std::string& path, File file) {
  std::error_code ec;
  files_[fs::absolute(path, ec).lexically_normal().string()] = std::move(file);
}

const ParsedYamlFiles::File* ParsedYamlFiles::find(const std::string& path) const {
  if (files_.empty()) return nullptr;
  std::error_code ec;
  auto it = files_.find(fs::absolute(path, ec).lexically_normal().string());
  return it == files_.end() ? nullptr : &it->second;
}

bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error,
                       const ParsedYamlFiles* parsed) {
  if (const ParsedYamlFiles::File* file = parsed ? parsed->find(path) : nullptr) {
    return objects_of_documents(file->text, file->documents, path, out, error);
  }
  return read_objects_file(path, out, error);
}

bool is_list_object(const Value& object) {
  std::string_view kind = object["kind"].string_or("");
  return kind.size() >= 4 && kind.substr(kind.size() - 4) == "List" && object["items"].is_array();
}

bool read_objects_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "reading " + path + ": cannot open file";
    return false;
  }
  // The policy loader's limit (--max-policy-file-bytes): converting YAML costs ~100x its size.
  std::error_code size_ec;
  uintmax_t size = fs::file_size(path, size_ec);
  if (!size_ec && size > value::max_yaml_file_bytes()) {
    *error = "reading " + path + ": file is " + std::to_string(size) + " bytes, over the limit of " +
             std::to_string(value::max_yaml_file_bytes()) + " bytes (--max-policy-file-bytes)";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return read_objects_text(text.str(), path, out, error);
}

Value namespace_among(const std::vector<SourcedObject>& objects, const Value& object) {
  std::string_view ns = object["metadata"]["namespace"].string_or("");
  if (ns.empty()) return Value::null();
  for (const SourcedObject& s : objects) {
    const Value& candidate = s.object;
    if (candidate["kind"].string_or("") == "Namespace" &&
        candidate["apiVersion"].string_or("").find('/') == std::string_view::npos &&
        candidate["metadata"]["name"].string_or("") == ns) {
      return candidate;
    }
  }
  return Value::null();
}

bool list_input_files(const std::string& path, std::vector<std::string>* files, std::string* error) {
  std::error_code ec;
  std::vector<std::string> found = list_policy_files(path, ec, /*follow_directory_symlinks=*/false);
  if (ec) {
    // gator's words: os.Stat's error wrapped as "stat on path %q: %w".
    *error = "stat on path \"" + path + "\": stat " + path + ": " +
             (ec == std::errc::no_such_file_or_directory ? std::string("no such file or directory") : ec.message());
    return false;
  }
  // gator refuses a file named directly whose extension (Go's filepath.Ext:
  // from the last dot of the last element) it would skip inside a directory.
  std::error_code dir_ec;
  if (!fs::is_directory(path, dir_ec)) {
    size_t base = path.rfind('/');
    size_t dot = path.rfind('.');
    std::string ext = dot == std::string::npos || (base != std::string::npos && dot < base) ? "" : path.substr(dot);
    if (ext != ".yaml" && ext != ".yml" && ext != ".json") {
      *error = "path \"" + path + "\" must be of extensions: [.yaml .yml .json]";
      return false;
    }
  }
  files->insert(files->end(), found.begin(), found.end());
  return true;
}

}  // namespace tollgate::policies::gator
