// Lexical scopes of Rego variables and their frame slots.
//
// A rule definition (or a query) evaluates in one frame; its body, its else
// bodies and every comprehension / `every` body nested inside get scopes
// whose variables are distinct slots of that frame. A name resolves, from
// the innermost scope outwards, to a declared local (`:=`, `some`, function
// arguments, `every`/`some ... in` variables), then to a global (input,
// data, imports, rules of the package), then to an undeclared local that an
// enclosing body also uses (closures capture it), and otherwise to a new
// local of the innermost scope (rego-notes.md §5 "Comprehensions").
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rules/rego/ast.h"

namespace tollgate::rego::compiler {

// Slot numbering shared by all scopes of one frame.
class FrameLayout {
 public:
  uint32_t add(std::string name, Location loc);
  uint32_t size() const { return static_cast<uint32_t>(names_.size()); }
  const std::string& name(uint32_t slot) const { return names_[slot]; }
  bool is_generated(uint32_t slot) const;  // wildcards and compiler-made variables

 private:
  std::vector<std::string> names_;
};

class Scope {
 public:
  Scope(FrameLayout& frame, Scope* parent) : frame_(frame), parent_(parent) {}

  Scope* parent() const { return parent_; }
  FrameLayout& frame() const { return frame_; }

  // Names used anywhere in this scope's own expressions (outside nested
  // closures); recorded before the body is resolved.
  void note_occurring(const std::string& name) { occurring_.insert(name); }
  bool occurs(const std::string& name) const { return occurring_.count(name) > 0; }
  const std::unordered_set<std::string>& occurring() const { return occurring_; }

  // Declares name here (shadowing an earlier declaration of this scope);
  // false when it was already declared in this scope.
  bool declare(const std::string& name, uint32_t slot);
  const uint32_t* declared(const std::string& name) const;
  const std::unordered_map<std::string, uint32_t>& declarations() const { return declared_; }
  const uint32_t* implicit(const std::string& name) const;
  uint32_t add_implicit(const std::string& name, Location loc);
  // A fresh slot for `_`.
  uint32_t wildcard(Location loc) { return frame_.add("_", loc); }

  // Slots of enclosing scopes referenced from this scope or its children.
  void capture(uint32_t slot);
  const std::vector<uint32_t>& captured() const { return captured_; }
  // Whether slot belongs to this scope (declared or implicit here).
  bool owns(uint32_t slot) const { return owned_.count(slot) > 0; }

 private:
  FrameLayout& frame_;
  Scope* parent_;
  std::unordered_set<std::string> occurring_;
  std::unordered_map<std::string, uint32_t> declared_;
  std::unordered_map<std::string, uint32_t> implicit_;
  std::unordered_set<uint32_t> owned_;
  std::vector<uint32_t> captured_;
};

}  // namespace tollgate::rego::compiler
