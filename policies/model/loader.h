// Reading policy files: every .yaml/.yml/.json file under the given paths
// (directories recursively, in name order), every document of each file,
// `List` items unwrapped, each object kept with its origin for errors; and
// sorting the objects into templates, constraints, Configs, Namespaces,
// mutators and ExpansionTemplates.
#pragma once

#include <system_error>

#include <string>
#include <string_view>
#include <vector>

#include "policies/model/parse_context.h"
#include "policies/policy_set.h"
#include "rules/value/value.h"

namespace tollgate::policies {

struct LoadedObject {
  value::Value value;
  ObjectOrigin origin;
};

// Kubernetes' atomic writer (ConfigMap, Secret, downward API and projected
// volumes) keeps a volume's content in a hidden `..<timestamp>` folder, points
// `..data` at it and links each top-level name into `..data/`; it replaces the
// content by writing a new folder and renaming a `..data_tmp` link over
// `..data`. Entries whose name starts with ".." are that machinery, never
// policies: the walks below skip them and reach the files through the
// top-level links, under the names the user sees.
bool is_atomic_writer_entry(std::string_view filename);

// What a policy path stands for.
struct PolicyTree {
  // Every policy file (.yaml, .yml, .json) as named under the path given, in
  // name order; a file reached by several names (symlinks) appears once, under
  // the first of them that has no hidden folder on the way, else the first.
  std::vector<std::string> files;
  // The directories walked, as named, the path given first; empty when it is
  // a file.
  std::vector<std::string> directories;
};

// The path itself when it is a file (symlinks followed), else every policy
// file below it, recursively, skipping atomic-writer entries, in name order.
// Directory symlinks are followed (each real directory walked once, so a
// cycle ends) when `follow_directory_symlinks`; otherwise only the top-level
// links of an atomic-writer volume (into `..data/`) are. Fails (sets ec) when
// the path does not exist or a directory cannot be read. The webhook's
// reloader watches exactly these files and directories; gator test reads its
// inputs the same way but, like Go's filepath.Walk, without following other
// directory symlinks.
PolicyTree walk_policy_tree(const std::string& path, std::error_code& ec, bool follow_directory_symlinks = true);

// walk_policy_tree(...).files.
std::vector<std::string> list_policy_files(const std::string& path, std::error_code& ec,
                                           bool follow_directory_symlinks = true);

// Appends the objects of every policy file under `paths`, each real file once
// even when several paths (or links) reach it; unreadable files and YAML
// syntax errors become load errors.
void read_policy_files(const std::vector<std::string>& paths, std::vector<LoadedObject>& out,
                       std::vector<LoadError>& errors);

// Appends the objects of one policy document stream held in memory (a
// ConfigMap's value, a fuzz input); `name` stands for the file in errors and
// locations.
void read_policy_text(std::string_view text, const std::string& name, std::vector<LoadedObject>& out,
                      std::vector<LoadError>& errors);

// Wraps already-parsed objects; their errors name "object[<index>]".
std::vector<LoadedObject> objects_without_source(const std::vector<value::Value>& objects);

// The objects of a policy set by role. Constraints are every object of group
// constraints.gatekeeper.sh; whether a template defines their kind is
// decided once every template is known (templates may come later).
struct ClassifiedObjects {
  std::vector<const LoadedObject*> templates;
  std::vector<const LoadedObject*> constraints;
  std::vector<const LoadedObject*> configs;
  std::vector<const LoadedObject*> namespaces;
  // Assign, AssignMetadata, ModifySet (v1, v1beta1, v1alpha1) and AssignImage
  // (v1alpha1) of group mutations.gatekeeper.sh.
  std::vector<const LoadedObject*> mutators;
  // ExpansionTemplate (v1alpha1, v1beta1) of group expansion.gatekeeper.sh.
  std::vector<const LoadedObject*> expansion_templates;
  // ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding (v1,
  // v1beta1) of group admissionregistration.k8s.io.
  std::vector<const LoadedObject*> validating_policies;
  std::vector<const LoadedObject*> validating_policy_bindings;
  // MutatingAdmissionPolicy and MutatingAdmissionPolicyBinding (v1alpha1,
  // v1beta1, v1) of group admissionregistration.k8s.io.
  std::vector<const LoadedObject*> mutating_policies;
  std::vector<const LoadedObject*> mutating_policy_bindings;
};

// Anything else is an error: "unsupported object kind X".
ClassifiedObjects classify_objects(const std::vector<LoadedObject>& objects, std::vector<LoadError>& errors);

}  // namespace tollgate::policies
