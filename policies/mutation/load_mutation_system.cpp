#include "policies/mutation/load_mutation_system.h"

#include <set>
#include <tuple>

#include "policies/mutation/compiled_mutation_system.h"

namespace tollgate::policies::mutation {

std::shared_ptr<const MutationSystem> load_mutation_system(const std::vector<const LoadedObject*>& objects,
                                                           std::vector<value::Value> namespaces,
                                                           std::vector<LoadError>& errors) {
  std::vector<std::unique_ptr<const Mutator>> mutators;
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const LoadedObject* o : objects) {
    ParseContext ctx(o->origin, errors);
    std::unique_ptr<const Mutator> m = parse_mutator(o->value, ctx);
    if (!m) continue;
    const MutatorId& id = m->id();
    if (!seen.emplace(id.kind, id.namespace_name, id.name).second) {
      ctx.error("/metadata/name", "duplicate mutator " + id.display());
      continue;
    }
    mutators.push_back(std::move(m));
  }
  return build_mutation_system(std::move(mutators), std::move(namespaces));
}

}  // namespace tollgate::policies::mutation
