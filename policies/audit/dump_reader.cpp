// Reading a cluster dump: JSON through the JSON parser, YAML as gator does.
#include <fstream>
#include <sstream>

#include "policies/audit/audit_run.h"
#include "policies/gator/text_locations.h"
#include "policies/model/object_shape.h"
#include "rules/value/json.h"

namespace tollgate::policies::audit {
namespace {

bool looks_like_json(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    return c == '{' || c == '[';
  }
  return false;
}

}  // namespace

bool read_dump_text(std::string_view text, const std::string& file, std::vector<SourcedObject>* out, std::string* error) {
  if (!looks_like_json(text)) return gator::read_objects_text(text, file, out, error);
  Value document;
  value::JsonError json_error;
  // JSON is YAML too: a text that is not one JSON document (two of them, a comment) is read as YAML.
  if (!value::parse_json(text, &document, &json_error)) return gator::read_objects_text(text, file, out, error);
  std::vector<Value> objects = document.is_array() ? document.items() : std::vector<Value>{document};
  // Where each object (and each item of a List) starts, for the reports that point into the file.
  gator::JsonObjectLocations locations = gator::json_object_locations(text);
  for (size_t i = 0; i < objects.size(); ++i) {
    Value& object = objects[i];
    value::SourceLocation at = !document.is_array()           ? locations.root
                               : i < locations.items.size() ? locations.items[i]
                                                            : value::SourceLocation{};
    auto where = [&] { return file + ":" + std::to_string(at.line > 0 ? at.line : 1) + ": "; };
    const Value& kind = object["kind"];
    if (!object.is_object() || !kind.is_string() || kind.as_string().empty()) {
      *error = where() + "Object 'Kind' is missing";
      return false;
    }
    std::string malformed = malformed_object_reason(object);
    if (!malformed.empty()) {
      *error = where() + malformed;
      return false;
    }
    SourcedObject sourced{std::move(object), file, at.line, at.column};
    if (!document.is_array() && gator::is_list_object(sourced.object)) sourced.item_locations = std::move(locations.items);
    out->push_back(std::move(sourced));
  }
  return true;
}

bool read_dump_file(const std::string& path, std::vector<SourcedObject>* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "reading " + path + ": cannot open file";
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  // YAML keeps gator's reader and its size limit.
  if (!looks_like_json(content)) return gator::read_objects_file(path, out, error);
  return read_dump_text(content, path, out, error);
}

}  // namespace tollgate::policies::audit
