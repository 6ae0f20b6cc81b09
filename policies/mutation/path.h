// A mutator's `location` (and a pathTest's `subPath`), parsed once at load
// time (gatekeeper-semantics.md §5.3):
//
//   path    := segment ('.' segment)*
//   segment := name [ '[' key ':' (value | '*') ']' ]
//
// Names, keys and values are unquoted runs of [A-Za-z0-9_-] that do not start
// with a digit, or "…" / '…' strings where a backslash escapes the next
// character. A key value written as digits only is an integer and matches
// integer fields only. Whitespace between tokens is ignored. This is the
// grammar of Gatekeeper's pkg/mutation/path parser, token for token.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::policies::mutation {

// One step of a location: a field of an object, or the elements of a list
// selected by a key field.
struct PathNode {
  enum class Type { Object, List };

  Type type = Type::Object;
  // Object: the field name. List: the key field.
  std::string name;
  // List only: `[key: *]` visits every element.
  bool glob = false;
  // List only, when not a glob: the key value, a string or (written as
  // digits) an integer.
  bool integer_key = false;
  std::string key_string;
  int64_t key_integer = 0;

  static PathNode object(std::string name);
  static PathNode list_glob(std::string key);
  static PathNode list_keyed(std::string key, std::string value);
  static PathNode list_keyed(std::string key, int64_t value);

  bool is_list() const { return type == Type::List; }
  // Whether a list element's key field value selects the element: strings
  // match strings, integers match integers (as Gatekeeper compares Go values).
  bool key_matches(const value::Value& field) const;
  // The key value as it is written into a new list element.
  value::Value key_value() const;

  bool operator==(const PathNode& other) const;
  bool operator!=(const PathNode& other) const { return !(*this == other); }
};

struct Location {
  std::vector<PathNode> nodes;

  size_t size() const { return nodes.size(); }
  bool empty() const { return nodes.empty(); }
  // Node-wise prefix (a pathTest's subPath of its location).
  bool is_prefix_of(const Location& other) const;
  // The canonical text, quoting names that need it; parses back to an
  // equal location.
  std::string to_string() const;
  // The first `count` nodes as text.
  std::string prefix_string(size_t count) const;
};

struct PathError {
  std::string message;
  size_t position = 0;  // byte offset in the text
};

// Parses a location. The empty text is the empty location. On a syntax error
// returns nullopt and fills *error.
std::optional<Location> parse_location(std::string_view text, PathError* error);

}  // namespace tollgate::policies::mutation
