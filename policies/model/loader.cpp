#include "policies/model/loader.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>
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

void add_documents(std::vector<value::YamlDocument>& docs, const std::string& file, std::vector<LoadedObject>& out,
                   std::vector<LoadError>& errors) {
  for (value::YamlDocument& doc : docs) {
    auto locations = std::make_shared<const value::SourceMap>(std::move(doc.locations));
    add_object(doc.value, file, locations, "", out, errors);
  }
}

void read_file(const std::string& file, std::vector<LoadedObject>& out, std::vector<LoadError>& errors) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::load_yaml_file(file, &docs, &error)) {
    errors.push_back({file, error.location.line, error.location.column, error.message});
    return;
  }
  add_documents(docs, file, out, errors);
}

}  // namespace

bool is_atomic_writer_entry(std::string_view filename) { return filename.starts_with(".."); }

namespace {

// A top-level link of an atomic-writer volume: `name -> ..data/name`.
bool is_atomic_writer_link(const fs::path& link) {
  std::error_code ec;
  fs::path target = fs::read_symlink(link, ec);
  return !ec && !target.empty() && is_atomic_writer_entry(target.begin()->string());
}

struct TreeWalk {
  bool follow_directory_symlinks = true;
  PolicyTree tree;
  std::vector<std::pair<std::string, std::string>> files;  // (as named, real path)
  std::set<std::string> walked;                             // real paths of the directories walked
  std::error_code ec;
};

void walk_directory(const fs::path& dir, TreeWalk& walk) {
  std::error_code ec;
  fs::path real = fs::canonical(dir, ec);
  if (ec) {
    walk.ec = ec;
    return;
  }
  if (!walk.walked.insert(real.string()).second) return;
  walk.tree.directories.push_back(dir.string());
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_atomic_writer_entry(it->path().filename().string())) entries.push_back(*it);
  }
  if (ec) {
    walk.ec = ec;
    return;
  }
  // Name order, so that which name of a folder or file reached twice is kept
  // never depends on the order the file system lists a folder in; hidden
  // entries last, so that a folder reached both ways is walked, and named,
  // through the visible one (git-sync's `current` before `.worktrees`).
  auto hidden = [](const fs::directory_entry& e) { return e.path().filename().string().starts_with("."); };
  std::sort(entries.begin(), entries.end(), [&](const fs::directory_entry& a, const fs::directory_entry& b) {
    return hidden(a) != hidden(b) ? hidden(b) : a.path() < b.path();
  });
  for (const fs::directory_entry& entry : entries) {
    std::error_code entry_ec;
    fs::file_status status = entry.status(entry_ec);  // through symlinks; a dangling one is skipped
    if (entry_ec) continue;
    if (fs::is_directory(status)) {
      if (!walk.follow_directory_symlinks && entry.is_symlink(entry_ec) && !is_atomic_writer_link(entry.path())) {
        continue;
      }
      walk_directory(entry.path(), walk);
      if (walk.ec) return;
    } else if (fs::is_regular_file(status) && is_policy_file(entry.path())) {
      fs::path file_real = fs::canonical(entry.path(), entry_ec);
      walk.files.emplace_back(entry.path().string(), entry_ec ? entry.path().string() : file_real.string());
    }
  }
}

}  // namespace

PolicyTree walk_policy_tree(const std::string& path, std::error_code& ec, bool follow_directory_symlinks) {
  fs::file_status status = fs::status(path, ec);
  if (ec) return {};
  if (!fs::exists(status)) {
    ec = std::make_error_code(std::errc::no_such_file_or_directory);
    return {};
  }
  if (!fs::is_directory(status)) {
    PolicyTree tree;
    tree.files.push_back(path);
    return tree;
  }
  TreeWalk walk;
  walk.follow_directory_symlinks = follow_directory_symlinks;
  walk_directory(path, walk);
  ec = walk.ec;
  // Of the names of one file, the first without a hidden folder on the way
  // (`<root>/current/x.yaml` rather than `<root>/.worktrees/<sha>/x.yaml`).
  size_t below = path.empty() ? 0 : path.size() - 1;  // the root's own name does not count
  auto hidden = [&](const std::string& named) { return named.find("/.", below) != std::string::npos; };
  std::stable_sort(walk.files.begin(), walk.files.end(), [&](const auto& a, const auto& b) {
    bool a_hidden = hidden(a.first), b_hidden = hidden(b.first);
    return a_hidden != b_hidden ? b_hidden : a.first < b.first;
  });
  std::set<std::string> seen;
  for (auto& [named, real] : walk.files) {
    if (seen.insert(real).second) walk.tree.files.push_back(std::move(named));
  }
  std::sort(walk.tree.files.begin(), walk.tree.files.end());
  return std::move(walk.tree);
}

std::vector<std::string> list_policy_files(const std::string& path, std::error_code& ec,
                                           bool follow_directory_symlinks) {
  return walk_policy_tree(path, ec, follow_directory_symlinks).files;
}

void read_policy_files(const std::vector<std::string>& paths, std::vector<LoadedObject>& out,
                       std::vector<LoadError>& errors) {
  std::set<std::string> read;  // real paths
  for (const std::string& path : paths) {
    std::error_code ec;
    std::vector<std::string> files = list_policy_files(path, ec);
    if (ec == std::errc::no_such_file_or_directory) {
      errors.push_back({path, 0, 0, "no such file or directory"});
      continue;
    }
    if (ec) errors.push_back({path, 0, 0, "cannot read directory: " + ec.message()});
    for (const std::string& f : files) {
      std::error_code real_ec;
      fs::path real = fs::canonical(f, real_ec);
      if (!read.insert(real_ec ? f : real.string()).second) continue;
      read_file(f, out, errors);
    }
  }
}

void read_policy_text(std::string_view text, const std::string& name, std::vector<LoadedObject>& out,
                      std::vector<LoadError>& errors) {
  std::vector<value::YamlDocument> docs;
  value::YamlError error;
  if (!value::parse_yaml(text, &docs, &error)) {
    errors.push_back({name, error.location.line, error.location.column, error.message});
    return;
  }
  add_documents(docs, name, out, errors);
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
    } else if (group == "admissionregistration.k8s.io" &&
               (kind == "ValidatingAdmissionPolicy" || kind == "ValidatingAdmissionPolicyBinding")) {
      if (version != "v1" && version != "v1beta1") {
        errors.push_back(o.origin.error_at("/apiVersion", "unsupported " + std::string(kind) + " apiVersion " +
                                                              std::string(api_version) + " (v1, v1beta1)"));
        continue;
      }
      (kind == "ValidatingAdmissionPolicy" ? out.validating_policies : out.validating_policy_bindings).push_back(&o);
    } else if (group == "admissionregistration.k8s.io" &&
               (kind == "MutatingAdmissionPolicy" || kind == "MutatingAdmissionPolicyBinding")) {
      if (version != "v1alpha1" && version != "v1beta1" && version != "v1") {
        errors.push_back(o.origin.error_at("/apiVersion", "unsupported " + std::string(kind) + " apiVersion " +
                                                              std::string(api_version) + " (v1alpha1, v1beta1, v1)"));
        continue;
      }
      (kind == "MutatingAdmissionPolicy" ? out.mutating_policies : out.mutating_policy_bindings).push_back(&o);
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
