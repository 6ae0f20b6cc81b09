#include "policies/model/loader.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>

#include "rules/value/yaml.h"

namespace tollgate::policies {

using value::Value;
namespace fs = std::filesystem;

namespace {

constexpr const char* kTemplatesGroup = "templates.gatekeeper.sh";
constexpr const char* kConstraintsGroup = "constraints.gatekeeper.sh";
constexpr const char* kConfigGroup = "config.gatekeeper.sh";
constexpr const char* kMutationsGroup = "mutations.gatekeeper.sh";

bool is_mutator_kind(std::string_view kind) {
  return kind == "Assign" || kind == "AssignMetadata" || kind == "ModifySet" || kind == "AssignImage";
}

bool is_policy_file(const fs::path& p) {
  std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Appends the object at `pointer` of a document, unwrapping `kind: List`.
void add_object(const Value& v, const std::string& file, const std::shared_ptr<const value::SourceMap>& locations,
                const std::string& pointer, std::vector<LoadedObject>& out, std::vector<LoadError>& errors) {
  ObjectOrigin origin(file, locations, pointer);
  if (!v.is_object()) {
    errors.push_back(origin.error_at("", std::string("expected a Kubernetes object, got ") + value::kind_name(v.kind())));
    return;
  }
  const Value& kind = v["kind"];
  if (kind.is_string() && kind.as_string() == "List" && v["items"].is_array()) {
    const std::vector<Value>& items = v["items"].items();
    for (size_t i = 0; i < items.size(); ++i) {
      add_object(items[i], file, locations, value::pointer_append(pointer + "/items", i), out, errors);
    }
    return;
  }
  out.push_back({v, std::move(origin)});
}

void read_file(const std::string& file, std::vector<LoadedObject>& out, std::vector<LoadError>& errors) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::load_yaml_file(file, &docs, &error)) {
    errors.push_back({file, error.location.line, error.location.column, error.message});
    return;
  }
  for (value::YamlDocument& doc : docs) {
    auto locations = std::make_shared<const value::SourceMap>(std::move(doc.locations));
    add_object(doc.value, file, locations, "", out, errors);
  }
}

}  // namespace

std::vector<std::string> list_policy_files(const std::string& path, std::error_code& ec,
                                           bool follow_directory_symlinks) {
  std::vector<std::string> files;
  fs::file_status status = fs::status(path, ec);
  if (ec) return files;
  if (!fs::exists(status)) {
    ec = std::make_error_code(std::errc::no_such_file_or_directory);
    return files;
  }
  if (!fs::is_directory(status)) {
    files.push_back(path);
    return files;
  }
  const auto options =
      follow_directory_symlinks ? fs::directory_options::follow_directory_symlink : fs::directory_options::none;
  for (fs::recursive_directory_iterator it(path, options, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (it->is_regular_file(file_ec) && is_policy_file(it->path())) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void read_policy_files(const std::vector<std::string>& paths, std::vector<LoadedObject>& out,
                       std::vector<LoadError>& errors) {
  for (const std::string& path : paths) {
    std::error_code ec;
    std::vector<std::string> files = list_policy_files(path, ec);
    if (ec == std::errc::no_such_file_or_directory) {
      errors.push_back({path, 0, 0, "no such file or directory"});
      continue;
    }
    if (ec) errors.push_back({path, 0, 0, "cannot read directory: " + ec.message()});
    for (const std::string& f : files) read_file(f, out, errors);
  }
}

std::vector<LoadedObject> objects_without_source(const std::vector<Value>& objects) {
  std::vector<LoadedObject> out;
  out.reserve(objects.size());
  for (size_t i = 0; i < objects.size(); ++i) {
    out.push_back({objects[i], ObjectOrigin("object[" + std::to_string(i) + "]", nullptr)});
  }
  return out;
}

ClassifiedObjects classify_objects(const std::vector<LoadedObject>& objects, std::vector<LoadError>& errors) {
  ClassifiedObjects out;
  for (const LoadedObject& o : objects) {
    std::string_view api_version = o.value["apiVersion"].string_or("");
    std::string_view kind = o.value["kind"].string_or("");
    std::string_view group = api_group_of(api_version);
    std::string_view version = api_version_of(api_version);
    if (group == kTemplatesGroup && kind == "ConstraintTemplate") {
      if (version != "v1" && version != "v1beta1" && version != "v1alpha1") {
        errors.push_back(o.origin.error_at("/apiVersion", "unsupported ConstraintTemplate apiVersion " +
                                                              std::string(api_version) + " (v1, v1beta1, v1alpha1)"));
        continue;
      }
      out.templates.push_back(&o);
    } else if (group == kConstraintsGroup) {
      out.constraints.push_back(&o);
    } else if (group == kConfigGroup && kind == "Config") {
      out.configs.push_back(&o);
    } else if (group == kMutationsGroup && is_mutator_kind(kind)) {
      bool image = kind == "AssignImage";
      if (image ? version != "v1alpha1" : version != "v1" && version != "v1beta1" && version != "v1alpha1") {
        errors.push_back(o.origin.error_at("/apiVersion", "unsupported " + std::string(kind) + " apiVersion " +
                                                              std::string(api_version) +
                                                              (image ? " (v1alpha1)" : " (v1, v1beta1, v1alpha1)")));
        continue;
      }
      out.mutators.push_back(&o);
    } else if (group == "expansion.gatekeeper.sh" && kind == "ExpansionTemplate") {
      if (version != "v1alpha1" && version != "v1beta1") {
        errors.push_back(o.origin.error_at("/apiVersion", "unsupported ExpansionTemplate apiVersion " +
                                                              std::string(api_version) + " (v1alpha1, v1beta1)"));
        continue;
      }
      out.expansion_templates.push_back(&o);
    } else if (group.empty() && version == "v1" && kind == "Namespace") {
      out.namespaces.push_back(&o);
    } else if (kind.empty()) {
      errors.push_back(o.origin.error_at("", "object has no kind"));
    } else {
      errors.push_back(o.origin.error_at("/kind", "unsupported object kind " + std::string(kind) + " (apiVersion " +
                                                      std::string(api_version) + ")"));
    }
  }
  return out;
}

}  // namespace tollgate::policies
