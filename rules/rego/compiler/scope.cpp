#include "rules/rego/compiler/scope.h"

#include <algorithm>

namespace tollgate::rego::compiler {

uint32_t FrameLayout::add(std::string name, Location) {
  names_.push_back(std::move(name));
  return static_cast<uint32_t>(names_.size() - 1);
}

bool FrameLayout::is_generated(uint32_t slot) const {
  const std::string& n = names_[slot];
  return n == "_" || n.empty() || n[0] == '$';
}

bool Scope::declare(const std::string& name, uint32_t slot) {
  owned_.insert(slot);
  auto [it, added] = declared_.emplace(name, slot);
  if (!added) it->second = slot;
  return added;
}

const uint32_t* Scope::declared(const std::string& name) const {
  auto it = declared_.find(name);
  return it == declared_.end() ? nullptr : &it->second;
}

const uint32_t* Scope::implicit(const std::string& name) const {
  auto it = implicit_.find(name);
  return it == implicit_.end() ? nullptr : &it->second;
}

uint32_t Scope::add_implicit(const std::string& name, Location loc) {
  uint32_t slot = frame_.add(name, loc);
  implicit_.emplace(name, slot);
  owned_.insert(slot);
  return slot;
}

void Scope::capture(uint32_t slot) {
  if (std::find(captured_.begin(), captured_.end(), slot) == captured_.end()) captured_.push_back(slot);
}

}  // namespace tollgate::rego::compiler
