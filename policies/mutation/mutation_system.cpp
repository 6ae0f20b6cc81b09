#include "policies/mutation/mutation_system.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <unordered_map>

#include "policies/model/parse_context.h"
#include "policies/mutation/compiled_mutation_system.h"
#include "policies/mutation/schema_conflicts.h"

namespace tollgate::policies::mutation {

namespace {

// A random (version 4) UUID naming one failed mutation in its error, as
// Gatekeeper's errors carry one.
std::string new_uuid() {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  uint64_t hi = rng();
  uint64_t lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

// metadata.namespace set to `ns`, or removed when `ns` is empty (what
// unstructured.SetNamespace does).
Value with_namespace(const Value& object, std::string_view ns) {
  const Value& meta = object["metadata"];
  const Value* current = meta.is_object() ? meta.find("namespace") : nullptr;
  if (ns.empty()) {
    if (current == nullptr) return object;
    return value::with_entry(object, "metadata", value::without_entry(meta, "namespace"));
  }
  if (current != nullptr && current->is_string() && current->as_string() == ns) return object;
  Value new_meta = value::with_entry(meta.is_object() ? meta : Value::empty_object(), "namespace", Value::string(ns));
  return value::with_entry(object, "metadata", std::move(new_meta));
}

// Puts the original metadata.namespace back after mutating with the request's.
Value restore_namespace(const Value& mutated, const Value& original) {
  const Value& original_meta = original["metadata"];
  const Value* original_ns = original_meta.is_object() ? original_meta.find("namespace") : nullptr;
  const Value& meta = mutated["metadata"];
  if (!meta.is_object()) return mutated;
  const Value* ns = meta.find("namespace");
  if (original_ns != nullptr) {
    if (ns != nullptr && *ns == *original_ns) return mutated;
    return value::with_entry(mutated, "metadata", value::with_entry(meta, "namespace", *original_ns));
  }
  if (ns == nullptr) return mutated;
  Value new_meta = value::without_entry(meta, "namespace");
  if (new_meta.size() == 0 && !original_meta.is_object()) return value::without_entry(mutated, "metadata");
  return value::with_entry(mutated, "metadata", std::move(new_meta));
}

class CompiledMutationSystem final : public MutationSystem {
 public:
  CompiledMutationSystem(std::vector<std::unique_ptr<const Mutator>> mutators, std::vector<Value> namespaces)
      : mutators_(std::move(mutators)) {
    std::sort(mutators_.begin(), mutators_.end(), [](const auto& a, const auto& b) { return a->id() < b->id(); });
    std::vector<const Mutator*> all;
    for (const auto& m : mutators_) all.push_back(m.get());
    std::vector<std::string> reasons = find_schema_conflicts(all);
    for (size_t i = 0; i < all.size(); ++i) {
      if (reasons[i].empty()) {
        active_.push_back(all[i]);
      } else {
        conflicts_.push_back(all[i]->id().display() + ": " + reasons[i]);
      }
    }
    std::sort(conflicts_.begin(), conflicts_.end());
    for (Value& ns : namespaces) {
      std::string name(ns["metadata"]["name"].string_or(""));
      if (!name.empty()) namespaces_[name] = std::move(ns);
    }
  }

  MutationResult mutate(const MutationRequest& request) const override;
  MutatorStats stats() const override { return {mutators_.size(), conflicts_.size()}; }
  std::vector<std::string> conflicts() const override { return conflicts_; }

 private:
  // The object as the matchers see it; views into `object`, so rebuilt
  // whenever the object is replaced.
  static void retarget(const Value& object, MutationTarget& target) {
    target.match.object = MatchObject::of(&object);
    std::string_view api_version = object["apiVersion"].string_or("");
    target.group = api_group_of(api_version);
    target.version = api_version_of(api_version);
    target.kind = target.match.object.kind;
  }

  // "<group> <kind> <namespace> <name>" of Gatekeeper's mutation errors.
  static std::string describe(const Value& object) {
    std::string_view api_version = object["apiVersion"].string_or("");
    const Value& meta = object["metadata"];
    std::string_view name = meta["name"].string_or("");
    if (name.empty()) name = meta["generateName"].string_or("");
    return std::string(api_group_of(api_version)) + " " + std::string(object["kind"].string_or("")) + " " +
           std::string(meta["namespace"].string_or("")) + " " + std::string(name);
  }

  std::vector<std::unique_ptr<const Mutator>> mutators_;  // Gatekeeper's order
  std::vector<const Mutator*> active_;                    // without the conflicting ones
  std::vector<std::string> conflicts_;
  std::unordered_map<std::string, Value> namespaces_;
};

MutationResult CompiledMutationSystem::mutate(const MutationRequest& request) const {
  MutationResult result;
  result.object = request.object;
  if (!request.object.is_object()) {
    result.failed = true;
    result.error =
        std::string("the object to mutate must be a JSON object, got ") + value::kind_name(request.object.kind());
    return result;
  }
  if (active_.empty()) return result;

  // Gatekeeper mutates with the request's namespace in metadata (objects may
  // omit it) and puts the original back afterwards.
  const Value* request_namespace = request.request.find("namespace");
  Value object = request.object;
  if (request_namespace != nullptr && request_namespace->is_string()) {
    object = with_namespace(object, request_namespace->as_string());
  }

  MutationTarget target;
  target.operation = request.request["operation"].string_or("");
  target.match.source = request.source;
  retarget(object, target);

  std::string namespace_name(target.match.object.namespace_name);
  if (target.match.object.is_namespace) namespace_name.clear();
  if (!request.namespace_object.is_null()) {
    target.match.namespace_object = &request.namespace_object;
  } else if (!namespace_name.empty()) {
    auto it = namespaces_.find(namespace_name);
    if (it != namespaces_.end()) target.match.namespace_object = &it->second;
  }

  const size_t max_passes = mutators_.size() + 1;
  std::vector<const Mutator*> applied;
  for (size_t pass = 1; pass <= max_passes; ++pass) {
    Value pass_start = object;
    std::vector<const Mutator*> applied_in_pass;
    for (const Mutator* m : active_) {
      MatchResult match = m->matches(target);
      if (match.failed()) {
        result.failed = true;
        result.iterations = pass;
        result.error =
            "matching for mutator " + m->id().go_string() + " failed for " + describe(object) + ": " + match.error;
        return result;
      }
      if (!match.matched()) continue;
      PathMutation change = m->mutate(object);
      if (change.mutated) applied_in_pass.push_back(m);
      if (change.failed) {
        result.failed = true;
        result.iterations = pass;
        result.error = "mutation " + new_uuid() + " for mutator " + m->id().go_string() + " failed for " +
                       describe(object) + ": " + change.error;
        return result;
      }
      if (change.object.identity() != object.identity()) {
        object = std::move(change.object);
        retarget(object, target);
      }
    }
    if (applied_in_pass.empty() || object == pass_start) {
      if (pass == 1) return result;  // Gatekeeper reports 0 iterations when nothing changed
      result.mutated = true;
      result.iterations = pass;
      result.object = restore_namespace(object, request.object);
      for (const Mutator* m : applied) result.applied.push_back(m->id().display());
      return result;
    }
    for (const Mutator* m : applied_in_pass) {
      if (std::find(applied.begin(), applied.end(), m) == applied.end()) applied.push_back(m);
    }
  }
  result.failed = true;
  result.iterations = max_passes;
  result.error = "mutation not converging: mutation " + new_uuid() + " not converging for " + describe(object);
  return result;
}

}  // namespace

std::shared_ptr<const MutationSystem> build_mutation_system(std::vector<std::unique_ptr<const Mutator>> mutators,
                                                            std::vector<Value> namespaces) {
  return std::make_shared<CompiledMutationSystem>(std::move(mutators), std::move(namespaces));
}

}  // namespace tollgate::policies::mutation
